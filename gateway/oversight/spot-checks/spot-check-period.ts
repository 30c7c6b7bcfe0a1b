import { isPeriod, isQuarter, lastDayOfPeriod, periodsOfQuarter } from '../../calendar/periods.js';

/**
 * The period a spot check covers: a month (2024-09), a quarter (2024-Q3) or a year (2024), as calendar days in
 * Asia/Shanghai, first and last included. Seed 000 asks for checks "定期" without saying how often, so each office
 * picks its own rhythm.
 */
export interface SpotCheckPeriod {
  text: string;
  from: string;
  to: string;
}

export function parseSpotCheckPeriod(text: string): SpotCheckPeriod | undefined {
  if (isPeriod(text)) return { text, from: `${text}-01`, to: lastDayOfPeriod(text) };
  if (isQuarter(text)) {
    const [first, , last] = periodsOfQuarter(text);
    return { text, from: `${first}-01`, to: lastDayOfPeriod(last) };
  }
  if (/^(19|20)\d{2}$/.test(text)) return { text, from: `${text}-01-01`, to: `${text}-12-31` };
  return undefined;
}
