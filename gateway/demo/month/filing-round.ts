/**
 * The demo county's filing round (填报) for the month, seed 002's returns as they happen in a county office: each unit's
 * liaison officer files the month's progress sheet through the same services the API uses — most in the first days
 * of the next month, one on the due day itself, two late, one (红十字会) not at all — the lead unit (民政局) approves
 * the sheets filed on time, sends one back with a reason and approves its correction; the units file the liaison
 * roster (附件1) around its 2024 due date, and three of them the quarter's summary.
 *
 * Every event has a fixed instant derived from the period, so the same period gives the same round whenever it runs.
 * An event whose day is after the demo's `today` has not happened yet and is left for a later run. Each event is
 * made only when the store shows it has not been made, so running the month again changes nothing.
 */
import type { Actor } from '../../access/actor.js';
import { lastDayOfPeriod, periodsOfQuarter, quarterOf } from '../../calendar/periods.js';
import { todayInShanghai } from '../../calendar/shanghai-date.js';
import { addDays } from '../../calendar/working-days.js';
import { progressDeadline, rosterDeadline } from '../../filing/filing-calendar.js';
import { tasksFiledBy, type FilingProgramme, type FilingTask, type FilingUnit } from '../../filing/filing-programme.js';
import { fileLiaisonContacts, liaisonRoster } from '../../filing/liaison-roster.js';
import { approveProgressSheet, fileProgress, reopenProgressSheet } from '../../filing/progress-filing.js';
import { filingCompleteness, unitProgressSheet } from '../../filing/progress-sheets.js';
import { fileQuarterlySummary, quarterlySummaries } from '../../filing/quarterly-summaries.js';
import { monitoringStatistics } from '../../statistics/monitoring-statistics.js';
import type { Store } from '../../store/connect.js';
import type { FilingState, MonitoringFigures } from '../../../schemas/types/index.js';
import { HAN_SURNAMES, composeGivenName } from '../chinese-names.js';
import { demoMobileNumber } from '../demo-phones.js';
import { SeededRandom } from '../seeded-random.js';

/** Who files what, and when, in the demo: the choices that make the round show each status once. */
const demoChoices = {
  /** Files nothing: the reminder list has something to show. */
  missingUnit: 'hs',
  /** Files two days after the due date. */
  lateUnit: 'ga',
  /** Files half its tasks on time and the rest the day after the due date: incomplete, then late. */
  lateTownship: '640121200',
  /** Files in the evening of the due day itself, on time where the programme counts the due day. */
  dueDayUnit: '640121104',
  /** The sheet the lead unit sends back once, with its task and reason. */
  sentBack: { unit: 'yb', task: 6, reason: '第6项未写明本月资助参保人数，请补充后重新报送' },
  /** Units that file the quarter's summary, and the one of them that files it late. */
  summaryUnits: ['mz', 'ny', '640121100'],
  lateSummaryUnit: '640121100',
  /** Units that had filed no liaison roster by the demo. */
  rosterMissing: ['hs', 'ts'],
  rosterLate: 'cl',
} as const;

/** What the round left in the store, read back from it, so a second run of the month reports the same. */
export interface FilingRoundSummary {
  programme: string;
  period: string;
  dueOn: string;
  /** A month before the programme's first: no sheet was due. */
  sheetsDue: boolean;
  sheets: { unit: string; name: string; filing: FilingState; tasksFiled: number; tasksExpected: number; approved: boolean; reopenCount: number }[];
  roster: { dueOn: string; onTime: number; late: number; missing: number };
  summaries: { quarter: string; dueOn: string; onTime: number; late: number; missing: number } | null;
  /** Events whose day is after the demo's today, left for a later run. */
  notYet: number;
}

interface RoundContext {
  store: Store;
  programme: FilingProgramme;
  period: string;
  today: string;
  seed: number;
  figures: MonitoringFigures;
}

type DemoEvent = { at: Date; run: () => Promise<void> };

/** Files the demo round of `period` for the programme, as of `today`, and reports what the store then holds. */
export async function fileDemoRound(store: Store, options: { programme: FilingProgramme; period: string; today: string; seed: number }): Promise<FilingRoundSummary> {
  const { programme, period, today } = options;
  const figures = (await monitoringStatistics(store.knex, { regionCode: programme.region.code, period, today })).total;
  const context: RoundContext = { store, programme, period, today, seed: options.seed, figures };
  const sheetsDue = period >= programme.returns.monthlyProgress.firstPeriod.period;
  const quarter = quarterOf(period);
  const summariesDue = periodsOfQuarter(quarter)[2] >= programme.returns.monthlyProgress.firstPeriod.period;
  const events = [...rosterEvents(context), ...(sheetsDue ? sheetEvents(context) : []), ...(summariesDue ? summaryEvents(context, quarter) : [])]
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  let notYet = 0;
  for (const event of events) {
    if (todayInShanghai(event.at) > today) notYet += 1;
    else await event.run();
  }
  return summarise(context, { sheetsDue, quarter: summariesDue ? quarter : null, notYet });
}

/** The liaison officer of a unit, as the demo's filings name it (no API key: the services are called directly). */
function liaisonOf(programme: FilingProgramme, unit: FilingUnit): Actor {
  return { keyId: null, role: 'liaison', regionCode: programme.region.code, unitCode: unit.code, label: `demo ${unit.name}联络员` };
}

function unitOf(programme: FilingProgramme, code: string): FilingUnit {
  return programme.units.find((u) => u.code === code)!;
}

/** An instant at a Shanghai wall-clock time on a day. */
function at(day: string, time: string): Date {
  return new Date(`${day}T${time}:00+08:00`);
}

function sheetEvents(context: RoundContext): DemoEvent[] {
  const { programme, period } = context;
  const { dueOn } = progressDeadline(programme, period);
  const firstDay = `${dueOn.slice(0, 7)}-01`;
  const events: DemoEvent[] = [];
  const file = (unit: FilingUnit, tasks: readonly FilingTask[], when: Date) => events.push({ at: when, run: () => fileFirstTime(context, unit, tasks, when) });
  programme.units.forEach((unit, index) => {
    const tasks = tasksFiledBy(programme, unit.code);
    if (unit.code === demoChoices.missingUnit) return;
    if (unit.code === demoChoices.lateUnit) return file(unit, tasks, at(addDays(dueOn, 2), '09:40'));
    if (unit.code === demoChoices.dueDayUnit) return file(unit, tasks, at(dueOn, '21:15'));
    if (unit.code === demoChoices.lateTownship) {
      const half = Math.ceil(tasks.length / 2);
      file(unit, tasks.slice(0, half), at(addDays(firstDay, 2), '10:05'));
      return file(unit, tasks.slice(half), at(addDays(dueOn, 1), '08:50'));
    }
    file(unit, tasks, at(addDays(firstDay, index % 4), `${String(9 + (index % 8)).padStart(2, '0')}:${String((index * 7) % 60).padStart(2, '0')}`));
  });

  // The lead unit approves the sheets filed on time the day after the due date, sends one back, and approves its correction.
  const lead = liaisonOf(programme, unitOf(programme, programme.leadUnit));
  events.push({ at: at(addDays(dueOn, 1), '15:00'), run: () => approveOnTimeSheets(context, lead, at(addDays(dueOn, 1), '15:00')) });
  const { sentBack } = demoChoices;
  const sentBackUnit = unitOf(programme, sentBack.unit);
  const corrected = `${progressText(context, sentBackUnit, tasksFiledBy(programme, sentBack.unit).find((t) => t.number === sentBack.task)!, 0)}本月新增资助参保12人。`;
  events.push({ at: at(addDays(dueOn, 2), '11:00'), run: () => sendBack(context, lead, sentBackUnit, at(addDays(dueOn, 2), '11:00')) });
  events.push({ at: at(addDays(dueOn, 3), '10:20'), run: () => correct(context, sentBackUnit, sentBack.task, corrected, at(addDays(dueOn, 3), '10:20')) });
  events.push({ at: at(addDays(dueOn, 3), '16:30'), run: () => approveCorrected(context, lead, sentBackUnit, at(addDays(dueOn, 3), '16:30')) });
  return events;
}

/** Files the tasks the unit has not filed yet (a run after a correction leaves the corrected text alone). */
async function fileFirstTime(context: RoundContext, unit: FilingUnit, tasks: readonly FilingTask[], when: Date): Promise<void> {
  const { store, programme, period } = context;
  const sheet = await unitProgressSheet(store.knex, programme, period, unit.code, todayInShanghai(when));
  const unfiled = tasks.filter((task) => sheet.tasks.find((t) => t.number === task.number)?.progress === null);
  if (unfiled.length === 0) return;
  const unitIndex = programme.units.indexOf(unit);
  await fileProgress(store.knex, liaisonOf(programme, unit), { programme, unit }, period,
    unfiled.map((task) => ({ taskNumber: task.number, progress: progressText(context, unit, task, unitIndex), note: null })), { now: when, how: 'demo filing round' });
}

async function approveOnTimeSheets(context: RoundContext, lead: Actor, when: Date): Promise<void> {
  const { store, programme, period } = context;
  const completeness = await filingCompleteness(store.knex, programme, period, todayInShanghai(when));
  for (const row of completeness.units) {
    if (row.status.filing !== 'on-time' || row.status.approved || row.status.reopenCount > 0) continue;
    await approveProgressSheet(store.knex, lead, { programme, unit: unitOf(programme, row.unit.code) }, period, { now: when });
  }
}

async function sendBack(context: RoundContext, lead: Actor, unit: FilingUnit, when: Date): Promise<void> {
  const { store, programme, period } = context;
  const { status } = await unitProgressSheet(store.knex, programme, period, unit.code, todayInShanghai(when));
  if (!status.approved || status.reopenCount > 0) return;
  await reopenProgressSheet(store.knex, lead, { programme, unit }, period, demoChoices.sentBack.reason, { now: when });
}

async function correct(context: RoundContext, unit: FilingUnit, taskNumber: number, text: string, when: Date): Promise<void> {
  const { store, programme, period } = context;
  const sheet = await unitProgressSheet(store.knex, programme, period, unit.code, todayInShanghai(when));
  if (!sheet.status.acceptsEntries || sheet.tasks.find((t) => t.number === taskNumber)?.progress === text) return;
  await fileProgress(store.knex, liaisonOf(programme, unit), { programme, unit }, period, [{ taskNumber, progress: text, note: '已按退回意见补充' }], { now: when, how: 'demo correction' });
}

async function approveCorrected(context: RoundContext, lead: Actor, unit: FilingUnit, when: Date): Promise<void> {
  const { store, programme, period } = context;
  const { status } = await unitProgressSheet(store.knex, programme, period, unit.code, todayInShanghai(when));
  if (status.approved || status.reopenCount !== 1 || status.filing === 'missing' || status.filing === 'incomplete') return;
  await approveProgressSheet(store.knex, lead, { programme, unit }, period, { now: when });
}

const actions = ['已召开专题会议研究部署', '已完成本月数据录入和信息共享', '已开展政策宣传和业务培训', '已按月向民政局反馈救助帮扶信息', '已组织开展摸底排查'];

/** A plausible line of progress; the lead unit's monitoring tasks carry the month's figures. */
function progressText(context: RoundContext, unit: FilingUnit, task: FilingTask, unitIndex: number): string {
  const f = context.figures;
  if (unit.code === context.programme.leadUnit && task.number === 3) {
    return `本月开展民政与各部门数据比对，推送预警${f.warningsPushed}条；走访困难群众${f.visits}户次，发现问题${f.problemsFound}个。`;
  }
  if (unit.code === context.programme.leadUnit && task.number === 4) {
    return `本月核查预警${f.warningsVerified}条，处置${f.warningsHandled}条；新纳入救助${f.newlyIncludedHouseholds}户${f.newlyIncludedPersons}人，转介${f.referralsSent}件。`;
  }
  return `围绕“${task.title}”，${actions[(task.number + unitIndex) % actions.length]}，按方案推进。`;
}

function rosterEvents(context: RoundContext): DemoEvent[] {
  const { programme } = context;
  const { dueOn } = rosterDeadline(programme);
  const random = new SeededRandom(context.seed);
  return programme.units.flatMap((unit, index) => {
    const people = { leader: demoPerson(random, unit, 'leader'), staff: demoPerson(random, unit, 'staff') };
    if ((demoChoices.rosterMissing as readonly string[]).includes(unit.code)) return [];
    const when = unit.code === demoChoices.rosterLate ? at(addDays(dueOn, 3), '09:30') : at(addDays(dueOn, -(index % 4)), `${String(9 + (index % 7)).padStart(2, '0')}:15`);
    return [{
      at: when,
      run: async () => {
        const [row] = await liaisonRoster(context.store.knex, programme, [unit.code]);
        if (row?.leader) return;
        await fileLiaisonContacts(context.store.knex, liaisonOf(programme, unit), { programme, unit }, people, { now: when });
      },
    }];
  });
}

/** A unit's 分管领导 or 工作人员: an invented name, the post such a unit gives the task, a phone belonging to nobody. */
function demoPerson(random: SeededRandom, unit: FilingUnit, who: 'leader' | 'staff'): { name: string; post: string; phone: string } {
  const gender = random.chance(0.4) ? '2' : '1';
  const name = random.pickWeighted(HAN_SURNAMES) + composeGivenName(random, gender, who === 'leader' ? 1972 : 1990);
  const posts = {
    department: { leader: '副局长', staff: '业务股股长' },
    group: { leader: '副主席', staff: '干事' },
    township: { leader: unit.name.endsWith('乡') ? '副乡长' : unit.name.endsWith('镇') ? '副镇长' : '副主任', staff: '民政专干' },
  } as const;
  return { name, post: posts[unit.kind][who], phone: demoMobileNumber(`liaison ${unit.code} ${who}`) };
}

function summaryEvents(context: RoundContext, quarter: string): DemoEvent[] {
  const { programme } = context;
  const lastDay = lastDayOfPeriod(periodsOfQuarter(quarter)[2]);
  return demoChoices.summaryUnits.map((code, index) => {
    const unit = unitOf(programme, code);
    const when = code === demoChoices.lateSummaryUnit ? at(addDays(lastDay, 3), '11:10') : at(addDays(lastDay, -index), '17:20');
    const text = `${quarter}${unit.name}分层分类社会救助工作小结：按照任务分工方案，落实责任任务${tasksFiledBy(programme, code).length}项，按月报送落实进度；下季度继续做好低收入人口动态监测和常态化救助帮扶。`;
    return {
      at: when,
      run: async () => {
        const { units } = await quarterlySummaries(context.store.knex, programme, quarter, [code]);
        if (units[0]?.summary !== null) return;
        await fileQuarterlySummary(context.store.knex, liaisonOf(programme, unit), { programme, unit }, quarter, text, { now: when });
      },
    };
  });
}

async function summarise(context: RoundContext, round: { sheetsDue: boolean; quarter: string | null; notYet: number }): Promise<FilingRoundSummary> {
  const { store, programme, period, today } = context;
  const { dueOn } = progressDeadline(programme, period);
  const sheets = round.sheetsDue ? (await filingCompleteness(store.knex, programme, period, today)).units : [];
  const roster = await liaisonRoster(store.knex, programme);
  const count = <T extends { filing: string }>(rows: readonly T[], filing: string) => rows.filter((r) => r.filing === filing).length;
  const quarterRows = round.quarter ? await quarterlySummaries(store.knex, programme, round.quarter) : null;
  return {
    programme: programme.id,
    period,
    dueOn,
    sheetsDue: round.sheetsDue,
    sheets: sheets.map((row) => ({
      unit: row.unit.code, name: row.unit.name, filing: row.status.filing, tasksFiled: row.status.tasksFiled, tasksExpected: row.status.tasksExpected,
      approved: row.status.approved, reopenCount: row.status.reopenCount,
    })),
    roster: { dueOn: rosterDeadline(programme).dueOn, onTime: count(roster, 'on-time'), late: count(roster, 'late'), missing: count(roster, 'missing') },
    summaries: quarterRows && {
      quarter: round.quarter!, dueOn: quarterRows.deadline.dueOn,
      onTime: count(quarterRows.units, 'on-time'), late: count(quarterRows.units, 'late'), missing: count(quarterRows.units, 'missing'),
    },
    notYet: round.notYet,
  };
}
