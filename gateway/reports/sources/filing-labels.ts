/** How the filing round's states read on a printed sheet, and timestamps as the Shanghai day they fall on. */
import { todayInShanghai } from '../../calendar/shanghai-date.js';
import { loadFilingProgrammes, type FilingProgramme } from '../../filing/index.js';
import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';

export const filingLabels: Readonly<Record<string, string>> = {
  'on-time': '按时报送', late: '逾期报送', incomplete: '未报全', missing: '未报送',
};

export function dayOf(timestamp: string | null): string {
  return timestamp === null ? '' : todayInShanghai(new Date(timestamp));
}

/** The filing programmes (config/filing/) of counties within the reported region, or covering it. */
export function programmesFor(actor: Actor): FilingProgramme[] {
  return loadFilingProgrammes().all.filter((p) => isWithinScope(actor.regionCode, p.region.code) || isWithinScope(p.region.code, actor.regionCode));
}
