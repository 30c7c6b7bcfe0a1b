/** What one benchmark case reports: it runs in its own process, so maxRSS is that case's peak alone. */
export interface CaseResult {
  name: string;
  /** The unit the issue asks about (persons seeded, rows inserted). */
  rows: number;
  unit: string;
  /** Every row written to every table, when that differs from `rows`: what compares with a raw-driver baseline. */
  tableRows?: number;
  seconds: number;
  peakRssMb: number;
  detail?: string;
}

export function reportCase(result: Omit<CaseResult, 'peakRssMb'>): void {
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ ...result, peakRssMb })}\n`);
}

export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
