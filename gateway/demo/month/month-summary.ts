import { feedMapping } from '../../../adapters/kit/feed-mappings.js';
import { maskIdNumbersWithin } from '../../access/masking.js';
import type { ComparisonReport } from '../../engine/compare.js';
import type { LoadedRuleSet } from '../../engine/rule-set.js';
import type { Store } from '../../store/connect.js';
import { findRegions } from '../../store/repositories/regions.js';
import { rejectsOfBatch } from '../../store/repositories/batch-rejects.js';
import { listWarnings, type WarningRow } from '../../store/repositories/warnings.js';
import type { ExemptedCase, PlantedCase } from './demo-month-context.js';
import type { FilingRoundSummary } from './filing-round.js';
import type { HandlingReport } from './handle-warnings.js';
import { maskPerson, type MaskedPerson } from './masking.js';

export interface FeedImport {
  source: string;
  fileName: string;
  batchId: number;
  accepted: number;
  rejected: number;
  skipped: number;
  /** Imported before (same SM3): nothing changed. */
  duplicate: boolean;
}

export interface MonthSummary {
  period: string;
  county: { code: string; name: string };
  feeds: (FeedImport & { department: string; title: string; rejects: { location: string; reason: string }[] })[];
  imported: { files: number; accepted: number; rejected: number; skipped: number; newBatches: number };
  /** This run's comparison, or null when the period had been compared since its last batch. */
  comparison: { runId: number; newWarnings: number } | null;
  warnings: {
    total: number;
    byRule: {
      ruleId: string;
      title: string;
      severity: string;
      count: number;
      byStatus: Record<'pending' | 'verifying' | 'resolved', number>;
      example: (MaskedPerson & { regionCode: string | null; regionName: string | null; dueOn: string; status: string }) | null;
    }[];
  };
  planted: (Omit<PlantedCase, 'idNumber' | 'name'> & MaskedPerson & { raised: boolean })[];
  exempted: (Omit<ExemptedCase, 'idNumber' | 'name'> & MaskedPerson & { raised: boolean })[];
  handling: HandlingReport;
  /** The county's filing round for the month (seed 002 附件1/附件2, 季度工作小结); null where no filing programme runs. */
  filing: FilingRoundSummary | null;
}

export interface SummaryInput {
  period: string;
  /** Today in Asia/Shanghai (the warnings list needs it for its overdue filter, unused here). */
  today: string;
  countyCode: string;
  countyName: string;
  rules: LoadedRuleSet;
  feeds: FeedImport[];
  comparison: ComparisonReport | null;
  planted: PlantedCase[];
  exempted: ExemptedCase[];
  handling: HandlingReport;
  filing: FilingRoundSummary | null;
}

/**
 * The month as the store holds it after the run: the batches the files made (with their first rejects), every
 * warning of the period by rule with one example, the planted cases and whether each raised its warning. Read from
 * the store rather than from this run's counters, so a second run of the same month gives the same figures.
 */
export async function buildMonthSummary(store: Store, input: SummaryInput): Promise<MonthSummary> {
  const knex = store.knex;
  const feeds = [];
  for (const feed of input.feeds) {
    const mapping = feedMapping(feed.source);
    const rejects = await rejectsOfBatch(knex, feed.batchId, 5);
    feeds.push({ ...feed, department: mapping?.department ?? '', title: mapping?.title ?? feed.source, rejects: rejects.map((r) => ({ location: r.location, reason: maskIdNumbersWithin(r.reason) })) });
  }

  const rows: WarningRow[] = [];
  for (let afterId = 0; ;) {
    const page = await listWarnings(knex, { scopeRegionCode: '000000', period: input.period, today: input.today, afterId, limit: 500 });
    rows.push(...page);
    if (page.length < 500) break;
    afterId = page[page.length - 1]!.id;
  }
  const regions = await findRegions(knex, [...new Set(rows.flatMap((row) => (row.regionCode ? [row.regionCode] : [])))]);
  const byRule = input.rules.ruleSet.rules.map((rule) => {
    const mine = rows.filter((row) => row.ruleId === rule.id);
    const first = mine[0];
    const byStatus = { pending: 0, verifying: 0, resolved: 0 };
    for (const row of mine) byStatus[row.status as keyof typeof byStatus] += 1;
    return {
      ruleId: rule.id, title: rule.title, severity: rule.severity, count: mine.length, byStatus,
      example: first
        ? { ...maskPerson(first.subjectIdNumber, first.subjectName), regionCode: first.regionCode, regionName: first.regionCode ? (regions.get(first.regionCode)?.name ?? null) : null, dueOn: first.dueOn, status: first.status }
        : null,
    };
  });
  const raised = new Set(rows.map((row) => `${row.ruleId} ${row.subjectIdNumber}`));

  return {
    period: input.period,
    county: { code: input.countyCode, name: input.countyName },
    feeds,
    imported: {
      files: feeds.length,
      accepted: sum(feeds, 'accepted'), rejected: sum(feeds, 'rejected'), skipped: sum(feeds, 'skipped'),
      newBatches: feeds.filter((f) => !f.duplicate).length,
    },
    comparison: input.comparison ? { runId: input.comparison.runId, newWarnings: input.comparison.warnings } : null,
    warnings: { total: rows.length, byRule },
    planted: input.planted.map(({ idNumber, name, ...rest }) => ({ ...rest, ...maskPerson(idNumber, name), raised: raised.has(`${rest.ruleId} ${idNumber}`) })),
    exempted: input.exempted.map(({ idNumber, name, ...rest }) => ({ ...rest, ...maskPerson(idNumber, name), raised: raised.has(`${rest.ruleId} ${idNumber}`) })),
    handling: input.handling,
    filing: input.filing,
  };
}

function sum(feeds: readonly FeedImport[], key: 'accepted' | 'rejected' | 'skipped'): number {
  return feeds.reduce((total, feed) => total + feed[key], 0);
}

/** summary.md: what a newcomer reads first — what came in, what it raised, what was done about it. */
export function renderMonthSummary(summary: MonthSummary): string {
  const lines: string[] = [];
  const { imported } = summary;
  lines.push(`# Demo month ${summary.period} — ${summary.county.name} (${summary.county.code})`, '');
  lines.push(`${imported.files} department files in \`feeds/\`: ${imported.accepted} rows accepted as facts, ${imported.rejected} rejected, ${imported.skipped} skipped` +
    ` (${imported.newBatches === 0 ? 'all imported before: nothing changed' : `${imported.newBatches} new batches`}).`);
  lines.push(summary.comparison
    ? `Comparison run ${summary.comparison.runId} raised ${summary.comparison.newWarnings} new warnings.`
    : 'The period had already been compared since its last batch arrived: no new comparison run.');
  lines.push(`Warnings of ${summary.period} in the store: ${summary.warnings.total}.`, '');

  lines.push('## Imported', '', '| feed | department | file | batch | accepted | rejected | skipped |', '|---|---|---|---|---|---|---|');
  for (const feed of summary.feeds) {
    lines.push(`| ${feed.source} (${feed.title}) | ${feed.department} | ${feed.fileName} | ${feed.batchId}${feed.duplicate ? ' (seen before)' : ''} | ${feed.accepted} | ${feed.rejected} | ${feed.skipped} |`);
  }
  const withRejects = summary.feeds.filter((feed) => feed.rejects.length > 0);
  if (withRejects.length > 0) {
    lines.push('', '### Rejected rows', '', 'Rows a department will have to correct and send again (`jiuzhu` keeps them with their location and reason):', '');
    for (const feed of withRejects) for (const reject of feed.rejects) lines.push(`- ${feed.fileName} ${reject.location}: ${reject.reason}`);
  }

  lines.push('', '## Warnings by rule', '', '| rule | title | severity | warnings | pending / verifying / resolved | example |', '|---|---|---|---|---|---|');
  for (const rule of summary.warnings.byRule) {
    const example = rule.example ? `${rule.example.name} ${rule.example.idNumber} → ${rule.example.regionName ?? rule.example.regionCode ?? 'unassigned'}, due ${rule.example.dueOn}` : '—';
    lines.push(`| ${rule.ruleId} | ${rule.title} | ${rule.severity} | ${rule.count} | ${rule.byStatus.pending} / ${rule.byStatus.verifying} / ${rule.byStatus.resolved} | ${example} |`);
  }

  lines.push('', '## Planted cases', '', 'Rows placed in the files so that every rule fires; each should have raised its warning.', '');
  for (const c of summary.planted) lines.push(`- ${c.raised ? '✔' : '✘ not raised:'} ${c.ruleId} — ${c.name} ${c.idNumber} (${c.source}): ${c.note}`);
  lines.push('', 'Exempt cases, which a rule matches but an exemption covers; each should have raised nothing:', '');
  for (const c of summary.exempted) lines.push(`- ${c.raised ? '✘ raised:' : '✔'} ${c.ruleId} / ${c.exemptionId} — ${c.name} ${c.idNumber} (${c.source}): ${c.note}`);

  lines.push('', '## Handled', '');
  const handling = summary.handling;
  lines.push(`${handling.transitions.length} warning transitions, ${handling.visits.length} home visits, ${handling.referrals.length} referrals, ${handling.discoveryCases.length} discovery cases.`, '');
  for (const t of handling.transitions) lines.push(`- warning ${t.warningId} (${t.ruleId}, ${t.subject.name} ${t.subject.idNumber}): → ${t.to}${t.outcome ? ` (${t.outcome})` : ''} — ${t.reason}`);
  for (const v of handling.visits) lines.push(`- home visit ${v.visitId} to household ${v.householdId} on ${v.visitedOn} (${v.reason})`);
  for (const r of handling.referrals) lines.push(`- referral ${r.referralId} to ${r.department}, due ${r.dueOn} (${r.ruleId}, ${r.subject.name} ${r.subject.idNumber})`);
  for (const d of handling.discoveryCases) lines.push(`- discovery case ${d.caseId} from warning ${d.warningId} (${d.ruleId}, ${d.subject.name} ${d.subject.idNumber})`);
  for (const note of handling.notDone) lines.push(`- not done: ${note}`);
  if (summary.filing) lines.push('', ...renderFilingRound(summary.filing));
  lines.push('');
  return lines.join('\n');
}

const filingWords = { 'on-time': 'on time', late: 'late', incomplete: 'incomplete', missing: 'missing' } as const;

function renderFilingRound(filing: FilingRoundSummary): string[] {
  const lines = ['## Filing round (填报)', ''];
  if (!filing.sheetsDue) {
    lines.push(`No progress sheet was due for ${filing.period}: the programme ${filing.programme} begins later.`);
  } else {
    const count = (state: keyof typeof filingWords) => filing.sheets.filter((s) => s.filing === state).length;
    lines.push(`Progress sheets of ${filing.period} (due ${filing.dueOn}): ${count('on-time')} on time, ${count('late')} late, ${count('incomplete')} incomplete, `
      + `${count('missing')} missing; ${filing.sheets.filter((s) => s.approved).length} approved by the lead unit.`, '');
    lines.push('| unit | sheet | tasks filed | approved | reopened |', '|---|---|---|---|---|');
    for (const sheet of filing.sheets) {
      lines.push(`| ${sheet.name} (${sheet.unit}) | ${filingWords[sheet.filing]} | ${sheet.tasksFiled}/${sheet.tasksExpected} | ${sheet.approved ? 'yes' : 'no'} | ${sheet.reopenCount || ''} |`);
    }
  }
  lines.push('', `Liaison roster (附件1, due ${filing.roster.dueOn}): ${filing.roster.onTime} on time, ${filing.roster.late} late, ${filing.roster.missing} missing.`);
  if (filing.summaries) {
    lines.push(`Quarterly summaries of ${filing.summaries.quarter} (due ${filing.summaries.dueOn}): ${filing.summaries.onTime} on time, ${filing.summaries.late} late, ${filing.summaries.missing} not filed.`);
  }
  if (filing.notYet > 0) lines.push(`${filing.notYet} filing(s) of the demo fall after today and are left for a later run.`);
  return lines;
}
