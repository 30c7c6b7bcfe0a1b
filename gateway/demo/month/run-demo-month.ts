import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Actor } from '../../access/actor.js';
import { defaultSqliteFile, type DatabaseConfig } from '../../config.js';
import { isPeriod, lastDayOfPeriod, previousPeriod } from '../../calendar/periods.js';
import { todayInShanghai } from '../../calendar/shanghai-date.js';
import { runComparison, type ComparisonReport } from '../../engine/compare.js';
import type { LoadedRuleSet } from '../../engine/rule-set.js';
import { loadFilingProgrammes } from '../../filing/filing-programme.js';
import { importFeedFile } from '../../feeds/import-feed.js';
import type { Store } from '../../store/connect.js';
import { loadCountyRegions } from '../../store/reference-data/sync.js';
import { listCountyPlaces } from '../county-places.js';
import { writeDemoReports, type DemoReport } from '../demo-reports.js';
import { recordRoutineVisits } from './routine-visits.js';
import { superviseDemoMonth, writeReminderDocument, type DemoSupervision } from './supervise-month.js';
import { closeDemoPayroll, type DemoPayroll } from './close-demo-payroll.js';
import type { SigningKey } from '../../payroll/payroll-months.js';
import { demoCounties, demoHouseholdsPerCounty, demoSeed } from '../demo-setup.js';
import { recordQianjiangDiscoveries } from '../qianjiang-discoveries.js';
import { recordQianjiangOversight } from '../qianjiang-oversight.js';
import { SeededRandom } from '../seeded-random.js';
import { seedDemoCounty, type SeedResult } from '../seed-county.js';
import { DemoMonth, type ExemptedCase, type PlantedCase } from './demo-month-context.js';
import { backEnterEnrolment, type BackEnteredEnrolment } from './back-entered-enrolment.js';
import { fileDemoRound } from './filing-round.js';
import { handleShareOfWarnings, type HandlingReport } from './handle-warnings.js';
import { generateMonthFeeds } from './month-feeds.js';
import { plantDemoSpotCheck, type DemoSpotCheck } from './spot-check-round.js';
import { loadRegisterSnapshot } from './register-snapshot.js';
import { buildMonthSummary, renderMonthSummary, type FeedImport, type MonthSummary } from './month-summary.js';

/** The county whose month is run: 永宁县, where the demo keys point and whose departments' files the fixtures copy. */
export const demoMonthCounty = '640121';

export interface DemoMonthOptions {
  period: string;
  /** Where feeds/ and the summary are written. */
  outDir: string;
  rules: LoadedRuleSet;
  actor: Actor;
  /** Seed of the month's files; the same seed, period and register give the same files, byte for byte. */
  seed?: number;
  /** Today in Asia/Shanghai unless given: dates in files are checked against it and deadlines count from it. */
  today?: string;
  onProgress?: (line: string) => void;
  /** The bureau's SM2 key that signs the closed roll; without it the month's roll is not closed. */
  signingKey?: () => Promise<SigningKey>;
}

export interface DemoMonthResult {
  period: string;
  /** Demo counties loaded by this run (none when the register already held them). */
  seeded: (SeedResult & { countyCode: string })[];
  feeds: FeedImport[];
  /** This run's comparison; null when nothing was imported since the period was last compared. */
  comparison: ComparisonReport | null;
  planted: PlantedCase[];
  exempted: ExemptedCase[];
  handling: HandlingReport;
  summary: MonthSummary;
  summaryFiles: { markdown: string; json: string };
  /** Discovery cases recorded in 黔江区 for its 明细表 (none when the month already held them). */
  qianjiangDiscoveries: number;
  /** Every report template, written to outDir/reports. */
  reports: DemoReport[];
  /** The month's payment roll, submitted by every township and closed; null when the run was given no signing key. */
  payroll: DemoPayroll | null;
  /** The 督办 and written reminder the county issued on what its townships have overdue. */
  supervision: DemoSupervision;
  /** The month's spot check (抽查) of the county's enrolled households, with a few results. */
  spotCheck: DemoSpotCheck;
  /** The enrolment back-entered with no approval (compliance-changes-without-approval's case); null when nobody fits. */
  backEntry: BackEnteredEnrolment | null;
}

export class DemoMonthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoMonthError';
  }
}

/**
 * 演示月: one month of the demo county, end to end, into the configured store — the demo counties seeded when
 * absent, one realistic file per department feed written to `outDir/feeds` and imported through the ordinary import
 * path, the month compared, a share of the warnings handled, the county's filing round of the month filed
 * (filing-round.ts), and a summary written beside the files.
 *
 * Idempotent: the register is seeded once; the same period and seed make the same files, which import as
 * duplicates (batches are keyed by SM3); the comparison is skipped when nothing arrived since the period's last
 * run; handling skips what it handled before. A second run for the same month writes nothing to the store.
 */
export async function runDemoMonth(store: Store, options: DemoMonthOptions): Promise<DemoMonthResult> {
  const today = options.today ?? todayInShanghai();
  const { period } = options;
  if (!isPeriod(period)) throw new DemoMonthError(`the period must be a month written YYYY-MM, not "${period}"`);
  if (period > previousPeriod(today)) throw new DemoMonthError(`${period} has not ended yet (today is ${today}); run a month up to ${previousPeriod(today)}`);
  const seed = options.seed ?? demoSeed;
  const progress = options.onProgress ?? (() => undefined);
  await refuseForeignRegister(store);

  const periodEnd = lastDayOfPeriod(period);
  const seeded: DemoMonthResult['seeded'] = [];
  for (const countyCode of demoCounties) {
    if (await store.knex('households').where('residence_region', 'like', `${countyCode}%`).first('id')) continue;
    progress(`seeding the demo county ${countyCode} (${demoHouseholdsPerCounty} households, as of ${periodEnd}) …`);
    // As of the month's last day, so a fresh store gives the same register, and so the same files, for a period.
    const result = await seedDemoCounty(store, options.actor, { countyCode, households: demoHouseholdsPerCounty, seed: demoSeed, asOf: periodEnd });
    seeded.push({ countyCode, ...result });
  }

  const snapshot = await loadRegisterSnapshot(store, demoMonthCounty, periodEnd);
  const county = loadCountyRegions(demoMonthCounty);
  const places = listCountyPlaces(county, new SeededRandom(seed)).places;
  const countyName = String((await store.knex('regions').where('code', demoMonthCounty).first('name'))?.name ?? county.name);
  const month = new DemoMonth(period, seed, snapshot, countyName, places);
  const files = generateMonthFeeds(month);

  // Last month's roll was closed and paid before this month's files arrive, as in a county's real month; closing it
  // here lets a death reported late in this month's files show on it (compliance-paid-after-death) and be recovered on
  // this month's roll (追回). Skipped when closed already, or when the run has no signing key.
  const previousPayroll = options.signingKey
    ? await closeDemoPayroll(store, { countyCode: demoMonthCounty, period: previousPeriod(period), signingKey: options.signingKey, now: new Date(`${periodEnd.slice(0, 7)}-01T09:00:00+08:00`) })
    : null;
  if (previousPayroll?.status === 'closed now') progress(`payment roll ${previousPayroll.month}: closed before this month's files, ${previousPayroll.households} households`);

  const feedsDir = join(options.outDir, 'feeds');
  mkdirSync(feedsDir, { recursive: true });
  const feeds: FeedImport[] = [];
  for (const file of files) {
    const path = join(feedsDir, file.fileName);
    writeFileSync(path, file.bytes);
    const result = await importFeedFile(store, { source: file.source, input: { fileName: file.fileName, path }, actor: options.actor, today });
    if (result.batchId === null) throw new DemoMonthError(`${file.fileName} made no batch`);
    feeds.push({ source: file.source, fileName: file.fileName, batchId: result.batchId, accepted: result.accepted, rejected: result.rejected, skipped: result.skipped, duplicate: result.duplicate });
    progress(`${file.fileName}: ${result.duplicate ? `already imported as batch ${result.batchId}` : `batch ${result.batchId}, ${result.accepted} accepted, ${result.rejected} rejected, ${result.skipped} skipped`}`);
  }

  let comparison: ComparisonReport | null = null;
  if (await needsComparison(store, period)) {
    comparison = await runComparison(store, { period, mode: 'full', rules: options.rules, actor: options.actor, today });
    progress(`compared ${period}: run ${comparison.runId}, ${comparison.warnings} new warnings`);
  } else {
    progress(`${period} was compared after its last batch arrived; not compared again`);
  }

  const handling = await handleShareOfWarnings(store, { period, actor: options.actor, today, seed, rules: options.rules, planted: month.planted });
  const rounds = await recordRoutineVisits(store, { countyCode: demoMonthCounty, period, actor: options.actor, seed, today });
  progress(`routine visits of ${period}: ${rounds.visited} households visited, ${rounds.missed} missed`);
  const qianjiangDiscoveries = await recordQianjiangDiscoveries(store, { period, actor: options.actor, today, rules: options.rules });
  if (qianjiangDiscoveries > 0) progress(`recorded ${qianjiangDiscoveries} active-discovery cases in 黔江区 for its 明细表`);
  const oversight = await recordQianjiangOversight(store, { period, actor: options.actor, today });
  if (oversight.assistants > 0) progress(`recorded ${oversight.assistants} village assistants in 黔江区 (none yet for ${oversight.uncoveredVillage ?? 'no village'})`);
  const programme = loadFilingProgrammes().all.find((p) => p.region.code === demoMonthCounty);
  const filing = programme ? await fileDemoRound(store, { programme, period, today, seed }) : null;
  if (filing) progress(`filing round of ${period}: ${filing.sheets.filter((s) => s.filing === 'on-time').length} sheets on time, ${filing.sheets.filter((s) => s.filing === 'late').length} late, ${filing.sheets.filter((s) => s.filing === 'missing').length} missing`);
  const summary = await buildMonthSummary(store, {
    period, today, countyCode: demoMonthCounty, countyName, rules: options.rules, feeds, comparison, planted: month.planted, exempted: month.exempted, handling, filing,
  });
  const markdown = join(options.outDir, 'summary.md');
  const json = join(options.outDir, 'summary.json');
  writeFileSync(json, `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(markdown, renderMonthSummary(summary));
  const payroll = options.signingKey
    ? await closeDemoPayroll(store, { countyCode: demoMonthCounty, period, signingKey: options.signingKey, now: new Date(`${today}T12:00:00+08:00`) })
    : null;
  if (payroll) progress(`payment roll ${period}: ${payroll.status}, ${payroll.households} households, ${payroll.totalFen} fen`);
  const supervision = await superviseDemoMonth(store, { countyCode: demoMonthCounty, today, actor: options.actor, rules: options.rules });
  if (supervision.reminder) progress(`supervision: ${supervision.orders.length} 督办, written reminder ${supervision.reminder.number} to ${supervision.reminder.townshipCode}`);
  const spotCheck = await plantDemoSpotCheck(store, { countyCode: demoMonthCounty, period, today, seed, actor: options.actor });
  if (spotCheck.drawnNow) progress(`spot check of ${period}: draw ${spotCheck.drawId}, ${spotCheck.sampleSize} households, ${spotCheck.results} results recorded`);
  const backEntry = await backEnterEnrolment(store.knex, month, demoMonthCounty, options.actor);
  if (backEntry) progress(`back-entered enrolment ${backEntry.enrolmentId} (${backEntry.subject.name}, ${backEntry.startDate} to ${backEntry.endDate ?? '…'}) with no approval behind it`);
  // Dated today at noon in Shanghai, so a run on the same day writes the same bytes.
  // The 通报 counts the 督办 issued in its period: the demo's were issued today, so it covers this month.
  const reports = await writeDemoReports(store, {
    dir: options.outDir, period, monthCounty: demoMonthCounty, actor: options.actor, now: new Date(`${today}T12:00:00+08:00`), periods: { 'supervision-circular': today.slice(0, 7) },
  });
  if (supervision.reminder) reports.push(await writeReminderDocument(store, supervision.reminder.id, join(options.outDir, 'reports', 'supervision-reminder.xlsx')));
  return {
    period, seeded, feeds, comparison, planted: month.planted, exempted: month.exempted, handling, summary, summaryFiles: { markdown, json }, qianjiangDiscoveries, reports, payroll,
    supervision, spotCheck, backEntry,
  };
}

/** Where `serve --demo` puts a month it runs: beside the SQLite file (./data by default), one folder per period. */
export function defaultDemoMonthDirectory(database: DatabaseConfig, period: string): string {
  return join(dirname(database.client === 'sqlite' ? database.filename : defaultSqliteFile), 'demo-month', period);
}

/**
 * The demo invents people, files and warnings; none of that belongs in a real register. A store whose register holds
 * households the demo seeder did not load is refused whole.
 */
async function refuseForeignRegister(store: Store): Promise<void> {
  const row = await store.knex('households as h')
    .leftJoin('batches as b', 'b.id', 'h.batch_id')
    .where((q) => q.whereNull('b.source').orWhereNot('b.source', 'demo-seed'))
    .count({ n: '*' })
    .first();
  const foreign = Number(row?.n ?? 0);
  if (foreign > 0) {
    throw new DemoMonthError(`the register holds ${foreign} households that the demo did not seed; the demo month invents people and warnings, so run it on a store of its own (JIUZHU_DB or DATABASE_URL)`);
  }
}

/** Compared already when a finished run of the period considered every batch there is now. */
async function needsComparison(store: Store, period: string): Promise<boolean> {
  const latestBatch = Number((await store.knex('batches').max({ id: 'id' }).first())?.id ?? 0);
  const covered = await store.knex('comparison_runs').where({ period, status: 'finished' }).where('through_batch_id', '>=', latestBatch).first('id');
  return covered === undefined;
}
