import { readFileSync } from 'node:fs';
import { projectPath } from '../project-files.js';

/** The benefit standards the demo county pays by; all amounts in fen per person per month. */
export interface DemoStandards {
  /** 城市低保标准 */
  urbanDibaoMonthlyFen: number;
  /** 农村低保标准 */
  ruralDibaoMonthlyFen: number;
  /** The least a covered person is paid when the 补差 formula leaves less (保底). */
  minimumDibaoPerPersonMonthlyFen: number;
  /** 城市特困人员基本生活标准 */
  urbanTekunBasicMonthlyFen: number;
  /** 农村特困人员基本生活标准 */
  ruralTekunBasicMonthlyFen: number;
  /** 特困人员照料护理标准 by 生活自理能力: 全自理, 半自理, 无法自理. */
  tekunCareMonthlyFen: { fullSelfCare: number; partialSelfCare: number; noSelfCare: number };
}

interface StandardsEntry {
  name: string;
  standards: DemoStandards;
}

interface StandardsFile {
  counties: Record<string, StandardsEntry>;
  default: StandardsEntry;
}

const demoStandardsFile = JSON.parse(readFileSync(projectPath('gateway/demo/demo-standards.json'), 'utf8')) as StandardsFile;
const byCounty: Readonly<Record<string, StandardsEntry>> = demoStandardsFile.counties;
const fallback: StandardsEntry = demoStandardsFile.default;

/** The demo standards of a county, or national averages for a county without its own entry. */
export function demoStandardsForCounty(countyCode: string): DemoStandards {
  return (byCounty[countyCode] ?? fallback).standards;
}

/** Refuses standards that would produce negative, fractional or inverted amounts. */
export function assertDemoStandards(standards: DemoStandards): void {
  const amounts: [string, number][] = [
    ['urbanDibaoMonthlyFen', standards.urbanDibaoMonthlyFen],
    ['ruralDibaoMonthlyFen', standards.ruralDibaoMonthlyFen],
    ['minimumDibaoPerPersonMonthlyFen', standards.minimumDibaoPerPersonMonthlyFen],
    ['urbanTekunBasicMonthlyFen', standards.urbanTekunBasicMonthlyFen],
    ['ruralTekunBasicMonthlyFen', standards.ruralTekunBasicMonthlyFen],
    ['tekunCareMonthlyFen.fullSelfCare', standards.tekunCareMonthlyFen.fullSelfCare],
    ['tekunCareMonthlyFen.partialSelfCare', standards.tekunCareMonthlyFen.partialSelfCare],
    ['tekunCareMonthlyFen.noSelfCare', standards.tekunCareMonthlyFen.noSelfCare],
  ];
  for (const [field, amount] of amounts) {
    if (!Number.isSafeInteger(amount) || amount < 0) {
      throw new RangeError(`[demo] standards.${field} must be a non-negative integer number of fen, got ${amount}.`);
    }
  }
  if (standards.minimumDibaoPerPersonMonthlyFen > Math.min(standards.urbanDibaoMonthlyFen, standards.ruralDibaoMonthlyFen)) {
    throw new RangeError('[demo] standards.minimumDibaoPerPersonMonthlyFen must not exceed the 低保 standards.');
  }
}
