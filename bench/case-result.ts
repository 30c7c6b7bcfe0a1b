/** What one benchmark case reports: it runs in its own process, so maxRSS is that case's peak alone. */
export interface CaseResult {
  name: string;
  /** How much of the unit the issue asks about was done (persons seeded, rows inserted, MB processed, operations). */
  rows: number;
  unit: string;
  /** Every row written to every table, when that differs from `rows`: what compares with a raw-driver baseline. */
  tableRows?: number;
  seconds: number;
  peakRssMb: number;
  detail?: string;
}

/** A case that times another program (openssl) passes that program's peak RSS: its own would describe only the wrapper. */
export function reportCase(result: Omit<CaseResult, 'peakRssMb'> & { peakRssMb?: number }): void {
  const peakRssMb = result.peakRssMb ?? Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ ...result, peakRssMb })}\n`);
}

export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
