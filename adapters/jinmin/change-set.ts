import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../../gateway/access/region-scope.js';
import { addMonths, isPeriod } from '../../gateway/calendar/periods.js';
import { personsOfHouseholds } from '../../gateway/store/repositories/persons.js';
import type { ChangeType } from './field-mapping.js';

export type { ChangeType };

/**
 * One enrolment's change in a month, as the national system needs it: who (person, household), which benefit
 * (business code, amount) and from/to which month.
 */
export interface ChangeRecord {
  /** Stable for the same enrolment, month and type, so generating a month again gives the same ids. */
  changeId: string;
  changeType: ChangeType;
  enrolmentId: number;
  /** 救助类型/业务编码 (金民 abax6002). */
  category: string;
  /** As of the end of the month; null for unpaid categories (600, 650, 660). */
  monthlyAmountFen: number | null;
  /** changed only: the amount before the month's first change. */
  previousMonthlyAmountFen: number | null;
  /** changed only: the month the new amount applies from (YYYY-MM). */
  effectiveMonth: string | null;
  startMonth: string;
  endMonth: string | null;
  endReason: string | null;
  person: { idNumber: string; name: string; relation: string };
  household: { householdNo: string; regionCode: string };
}

export interface MonthlyChangeSet {
  countyCode: string;
  /** YYYY-MM. */
  period: string;
  /** By household number, then enrolment id. */
  changes: ChangeRecord[];
  counts: Record<ChangeType, number>;
}

/**
 * The enrolment_events this reads. 'started' is written by insertEnrolment; 'ended' and 'amount-changed' are the
 * names this module defines for whoever ends an enrolment or adjusts its amount (待遇调整): 'ended' with any detail,
 * 'amount-changed' with detail {"fromFen": n, "toFen": n, "effectiveMonth"?: "YYYY-MM", "warningId"?: n}
 * (warningId names the warning outcome behind the change; this module does not read it).
 */
export const changeEventKinds = { started: 'started', ended: 'ended', amountChanged: 'amount-changed' } as const;

const countyPattern = /^[0-9]{6}$/;
const typeLetter: Record<ChangeType, string> = { new: 'N', changed: 'C', stopped: 'S' };
/** Comfortably under SQLite's 32,766 bound parameters and PostgreSQL's 65,535. */
const chunkSize = 1000;

interface EnrolmentRow {
  id: number;
  person_id: number;
  household_id: number;
  category: string;
  start_date: string;
  end_date: string | null;
  end_reason: string | null;
  monthly_amount_fen: number | null;
}

interface EventRow {
  id: number;
  enrolment_id: number;
  kind: string;
  at: string;
  detail: string | null;
}

/**
 * The county's enrolments that started, changed amount or stopped in `period`: the monthly change set (变更数据)
 * a county pushes to 金民 (domain-data.md §1.1: sync monthly, then reconcile).
 *
 * A change belongs to the month it was recorded in — its event's time in Asia/Shanghai — not to the month its
 * dates name. Applications are approved weeks after the benefit's start date and deaths are learnt of late, so a
 * change set keyed on start or end dates alone would drop every backdated change for good: the month it names has
 * already been sent. The record still carries the dates themselves (startMonth, endMonth). Enrolments loaded
 * without history (the demo seed, a bulk import) have no events; for those the dates decide.
 *
 * One record per enrolment: 'new' wins over 'stopped' (a start and a stop in the same month is a new record with
 * its end month), and 'stopped' over 'changed' (an amount changed in the month it stops matters no more).
 * A category change (城乡类别调整, 低保 → 特困) is one enrolment stopped and another new.
 */
export async function buildMonthlyChangeSet(knex: Knex, options: { countyCode: string; period: string }): Promise<MonthlyChangeSet> {
  const { countyCode, period } = options;
  if (!countyPattern.test(countyCode)) throw new RangeError(`[jinmin] a county code has 6 digits, got "${countyCode}"`);
  if (!isPeriod(period)) throw new RangeError(`[jinmin] period must be YYYY-MM, got "${period}"`);
  const firstDay = `${period}-01`;
  const nextFirstDay = `${addMonths(period, 1)}-01`;
  // Shanghai midnight as a UTC instant (China has no daylight saving), compared with the ISO strings the store holds.
  const from = new Date(`${firstDay}T00:00:00+08:00`).toISOString();
  const until = new Date(`${nextFirstDay}T00:00:00+08:00`).toISOString();
  const { low, high } = prefixRange(scopePrefix(countyCode));
  const inCounty = (query: Knex.QueryBuilder, alias: string) => query.where(`${alias}.region_code`, '>=', low).where(`${alias}.region_code`, '<', high);

  const recorded: EventRow[] = await inCounty(
    knex('enrolment_events as ev').join('enrolments as e', 'e.id', 'ev.enrolment_id').select('ev.id', 'ev.enrolment_id', 'ev.kind', 'ev.at', 'ev.detail'),
    'e',
  )
    .whereIn('ev.kind', Object.values(changeEventKinds))
    .where('ev.at', '>=', from)
    .where('ev.at', '<', until)
    .orderBy('ev.id');
  const noEvent = (kind: string) => (q: Knex.QueryBuilder) => q.select(knex.raw('1')).from('enrolment_events as x').whereRaw('x.enrolment_id = e.id').where('x.kind', kind);
  const dated: { id: number }[] = await inCounty(knex('enrolments as e').select('e.id'), 'e').where((q) =>
    q
      .where((s) => s.where('e.start_date', '>=', firstDay).where('e.start_date', '<', nextFirstDay).whereNotExists(noEvent(changeEventKinds.started)))
      .orWhere((s) => s.where('e.end_date', '>=', firstDay).where('e.end_date', '<', nextFirstDay).whereNotExists(noEvent(changeEventKinds.ended))),
  );

  const ids = [...new Set([...recorded.map((e) => e.enrolment_id), ...dated.map((e) => e.id)])].sort((a, b) => a - b);
  const enrolments = new Map<number, EnrolmentRow>();
  const laterAmountChanges = new Map<number, EventRow>();
  const everRecorded = new Set<string>();
  for (const chunk of chunks(ids)) {
    const rows: EnrolmentRow[] = await knex('enrolments')
      .select('id', 'person_id', 'household_id', 'category', 'start_date', 'end_date', 'end_reason', 'monthly_amount_fen')
      .whereIn('id', chunk);
    for (const row of rows) enrolments.set(row.id, row);
    const kinds: { enrolment_id: number; kind: string }[] = await knex('enrolment_events').distinct('enrolment_id', 'kind')
      .whereIn('enrolment_id', chunk).whereIn('kind', [changeEventKinds.started, changeEventKinds.ended]);
    for (const row of kinds) everRecorded.add(`${row.enrolment_id} ${row.kind}`);
    // The amount as of the month's end, when the month is generated again after later adjustments.
    const later: EventRow[] = await knex('enrolment_events').select('id', 'enrolment_id', 'kind', 'at', 'detail')
      .whereIn('enrolment_id', chunk).where('kind', changeEventKinds.amountChanged).where('at', '>=', until).orderBy('id');
    for (const event of later) if (!laterAmountChanges.has(event.enrolment_id)) laterAmountChanges.set(event.enrolment_id, event);
  }

  const eventsOf = new Map<number, EventRow[]>();
  for (const event of recorded) eventsOf.set(event.enrolment_id, [...(eventsOf.get(event.enrolment_id) ?? []), event]);

  const drafts: { enrolment: EnrolmentRow; type: ChangeType; amountEvents: EventRow[] }[] = [];
  for (const id of ids) {
    const enrolment = enrolments.get(id)!;
    const events = eventsOf.get(id) ?? [];
    const inMonth = (date: string | null) => date !== null && date >= firstDay && date < nextFirstDay;
    // By its event when it has one, by its date only when it has none at all (see above).
    const decided = (kind: string, date: string | null) => events.some((e) => e.kind === kind) || (!everRecorded.has(`${id} ${kind}`) && inMonth(date));
    const isNew = decided(changeEventKinds.started, enrolment.start_date);
    const isStopped = enrolment.end_date !== null && decided(changeEventKinds.ended, enrolment.end_date);
    const amountEvents = events.filter((e) => e.kind === changeEventKinds.amountChanged);
    const type: ChangeType | undefined = isNew ? 'new' : isStopped ? 'stopped' : amountEvents.length > 0 ? 'changed' : undefined;
    if (type) drafts.push({ enrolment, type, amountEvents });
  }

  const people = await personsOf(knex, [...new Set(drafts.map((d) => d.enrolment.person_id))]);
  const households = new Map<number, { household_no: string; registered_region: string }>();
  for (const chunk of chunks([...new Set(drafts.map((d) => d.enrolment.household_id))])) {
    const rows: { id: number; household_no: string; registered_region: string }[] = await knex('households').select('id', 'household_no', 'registered_region').whereIn('id', chunk);
    for (const row of rows) households.set(row.id, row);
  }

  const yyyymm = period.replace('-', '');
  const changes = drafts.map(({ enrolment, type, amountEvents }): ChangeRecord => {
    const person = people.get(enrolment.person_id);
    const household = households.get(enrolment.household_id);
    if (!person || !household) throw new Error(`[jinmin] enrolment ${enrolment.id}: its person or household is missing from the register`);
    const later = laterAmountChanges.get(enrolment.id);
    let amount = later ? amountChange(later).fromFen : enrolment.monthly_amount_fen;
    let previous: number | null = null;
    let effectiveMonth: string | null = null;
    if (type === 'changed') {
      const first = amountChange(amountEvents[0]!);
      const last = amountChange(amountEvents.at(-1)!);
      previous = first.fromFen;
      amount = last.toFen;
      effectiveMonth = last.effectiveMonth ?? period;
    }
    return {
      changeId: `${countyCode}-${yyyymm}-${typeLetter[type]}${enrolment.id}`,
      changeType: type,
      enrolmentId: enrolment.id,
      category: enrolment.category,
      monthlyAmountFen: amount,
      previousMonthlyAmountFen: previous,
      effectiveMonth,
      startMonth: enrolment.start_date.slice(0, 7),
      endMonth: enrolment.end_date?.slice(0, 7) ?? null,
      endReason: type === 'changed' ? null : enrolment.end_reason,
      person,
      household: { householdNo: household.household_no, regionCode: household.registered_region },
    };
  });
  changes.sort((a, b) => (a.household.householdNo < b.household.householdNo ? -1 : a.household.householdNo > b.household.householdNo ? 1 : a.enrolmentId - b.enrolmentId));
  const counts: Record<ChangeType, number> = { new: 0, changed: 0, stopped: 0 };
  for (const change of changes) counts[change.changeType] += 1;
  return { countyCode, period, changes, counts };
}

/**
 * ID numbers come through the persons repository, the one module that reads persons.id_number, so field
 * encryption there needs no change here. Persons are found through their current household.
 */
async function personsOf(knex: Knex, personIds: number[]): Promise<Map<number, ChangeRecord['person']>> {
  const householdIds = new Set<number>();
  for (const chunk of chunks(personIds)) {
    const rows: { household_id: number }[] = await knex('persons').select('household_id').whereIn('id', chunk);
    for (const row of rows) householdIds.add(row.household_id);
  }
  const wanted = new Set(personIds);
  const found = new Map<number, ChangeRecord['person']>();
  for (const chunk of chunks([...householdIds])) {
    for (const person of await personsOfHouseholds(knex, chunk)) {
      if (wanted.has(person.id)) found.set(person.id, { idNumber: person.idNumber, name: person.name, relation: person.relation });
    }
  }
  return found;
}

function amountChange(event: EventRow): { fromFen: number | null; toFen: number | null; effectiveMonth: string | null } {
  let detail: unknown;
  try {
    detail = JSON.parse(event.detail ?? 'null');
  } catch {
    detail = null;
  }
  const { fromFen, toFen, effectiveMonth } = (detail ?? {}) as { fromFen?: unknown; toFen?: unknown; effectiveMonth?: unknown };
  const fen = (value: unknown) => value === null || (Number.isSafeInteger(value) && (value as number) >= 0);
  if (!fen(fromFen) || !fen(toFen) || (effectiveMonth !== undefined && (typeof effectiveMonth !== 'string' || !isPeriod(effectiveMonth)))) {
    throw new Error(`[jinmin] enrolment event ${event.id} (amount-changed) needs detail {"fromFen": n, "toFen": n, "effectiveMonth"?: "YYYY-MM"}`);
  }
  return { fromFen: fromFen as number | null, toFen: toFen as number | null, effectiveMonth: (effectiveMonth as string | undefined) ?? null };
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += chunkSize) out.push(items.slice(at, at + chunkSize));
  return out;
}
