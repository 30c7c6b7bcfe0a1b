/**
 * Enrolment changes — a start, an end, an amount change — with no approval or warning outcome behind them. What
 * stands behind a change in this register:
 * - a start: an approved application (application_enrolments, written by the approval step);
 * - an end: an 'ended' event whose detail names the warning resolved `stopped` (engine/warning-outcomes.ts);
 * - an amount change: an 'amount-changed' event whose detail names the warning resolved `benefit-adjusted`; events
 *   written before the detail carried warningId are matched to the resolving transition written in the same instant
 *   by the same actor;
 * - an amount change or an end written by the registration township's periodic check (定期核查, 增发/减发/停发,
 *   casework/periodic-checks.ts): the household_checks row whose recorded effects name the enrolment;
 * - an import: an enrolment carrying a batch_id came with a roster load (the county's seed, the 金民 roster) whose
 *   file is its basis. Imports are not listed; they are counted so the auditor knows they were left out.
 * Anything else — a household registered through the API with its enrolments, an end date given at registration, a
 * row changed in the database — has only an actor label or nothing, and is listed.
 */
import type { Knex } from 'knex';
import { lastDayOfPeriod } from '../calendar/periods.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';

export type ChangeKind = 'start' | 'end' | 'amount';

/** Why a change is listed. */
export type MissingBasis =
  | 'direct-start'        // started with no approved application
  | 'ended-without-event' // an end date with no 'ended' event: given at registration, or written outside the gateway
  | 'ended-without-warning' // an 'ended' event naming no warning that was resolved stopped
  | 'amount-without-warning'; // an 'amount-changed' event naming no warning that was resolved benefit-adjusted

export interface ChangeWithoutApproval {
  enrolmentId: number;
  personId: number;
  name: string;
  householdId: number;
  householdNo: string;
  villageCode: string;
  category: string;
  kind: ChangeKind;
  /** The date the change takes effect: the start or end date, or the day an amount changed (Shanghai). */
  effectiveOn: string;
  /** When the change was recorded, ISO 8601; null when nothing records it. */
  recordedAt: string | null;
  actor: string | null;
  fromFen: number | null;
  toFen: number | null;
  endReason: string | null;
  missing: MissingBasis;
  /** A warning the event names that did not decide this change. */
  namedWarningId: number | null;
}

export interface ChangesWithoutApproval {
  rows: ChangeWithoutApproval[];
  /** Enrolments that came with an import (batch_id), left out. */
  importedLeftOut: number;
}

interface EventRow { id: number; enrolment_id: number; kind: string; at: unknown; actor: string | null; detail: string | null }

export async function findChangesWithoutApproval(knex: Knex, regionCode: string, month: string): Promise<ChangesWithoutApproval> {
  const monthEnd = lastDayOfPeriod(month);
  const enrolments: { id: number; person_id: number; household_id: number; name: string; household_no: string; registered_region: string; category: string; start_date: string;
    end_date: string | null; end_reason: string | null; batch_id: number | null; monthly_amount_fen: number | string | null }[] =
    await knex('enrolments as e').join('persons as p', 'p.id', 'e.person_id').join('households as h', 'h.id', 'e.household_id')
      .where('e.region_code', 'like', `${regionCode}%`).andWhere('e.start_date', '<=', monthEnd).orderBy('e.id')
      .select('e.id', 'e.person_id', 'e.household_id', 'p.name', 'h.household_no', 'h.registered_region', 'e.category', 'e.start_date', 'e.end_date', 'e.end_reason', 'e.batch_id', 'e.monthly_amount_fen');
  const ids = enrolments.map((e) => Number(e.id));
  const approved = new Set<number>();
  const events = new Map<number, EventRow[]>();
  for (let at = 0; at < ids.length; at += 2000) {
    const chunk = ids.slice(at, at + 2000);
    for (const row of await knex('application_enrolments').whereIn('enrolment_id', chunk).select('enrolment_id')) approved.add(Number(row.enrolment_id));
    const rows: EventRow[] = await knex('enrolment_events').whereIn('enrolment_id', chunk).orderBy('id').select('id', 'enrolment_id', 'kind', 'at', 'actor', 'detail');
    for (const row of rows) (events.get(Number(row.enrolment_id)) ?? events.set(Number(row.enrolment_id), []).get(Number(row.enrolment_id))!).push(row);
  }
  const decisions = await warningDecisions(knex, [...events.values()].flat());
  const checked = await periodicCheckEffects(knex, [...new Set(enrolments.map((e) => Number(e.household_id)))]);

  const rows: ChangeWithoutApproval[] = [];
  let importedLeftOut = 0;
  for (const enrolment of enrolments) {
    const own = events.get(Number(enrolment.id)) ?? [];
    const base = {
      enrolmentId: Number(enrolment.id), personId: Number(enrolment.person_id), name: enrolment.name, householdId: Number(enrolment.household_id), householdNo: enrolment.household_no,
      villageCode: enrolment.registered_region, category: enrolment.category, fromFen: null, toFen: null, endReason: null, namedWarningId: null,
    };
    if (enrolment.batch_id !== null) {
      importedLeftOut += 1;
    } else if (!approved.has(Number(enrolment.id))) {
      const started = own.find((e) => e.kind === 'started');
      rows.push({ ...base, kind: 'start', effectiveOn: enrolment.start_date, recordedAt: started ? instantText(started.at) : null, actor: started?.actor ?? null,
        toFen: numberOrNull(enrolment.monthly_amount_fen), missing: 'direct-start' });
    }

    for (const event of own.filter((e) => e.kind === 'amount-changed')) {
      const effectiveOn = todayInShanghai(new Date(instantText(event.at)));
      if (effectiveOn > monthEnd) continue;
      const detail = parsed(event.detail);
      const named = typeof detail.warningId === 'number' ? detail.warningId : null;
      const warningId = named ?? decisions.byInstant.get(`${instantText(event.at)}/${event.actor ?? ''}`) ?? null;
      if (warningId !== null && decisions.outcomes.get(warningId) === 'benefit-adjusted') continue;
      if (detail.periodicCheck === true && checked.adjusted.has(Number(enrolment.id))) continue;
      rows.push({ ...base, kind: 'amount', effectiveOn, recordedAt: instantText(event.at), actor: event.actor, fromFen: fenOrNull(detail.fromFen), toFen: fenOrNull(detail.toFen),
        missing: 'amount-without-warning', namedWarningId: named });
    }

    if (enrolment.end_date === null || enrolment.end_date > monthEnd) continue;
    const ended = own.filter((e) => e.kind === 'ended').at(-1);
    if (!ended) {
      if (enrolment.batch_id === null) rows.push({ ...base, kind: 'end', effectiveOn: enrolment.end_date, recordedAt: null, actor: null, endReason: enrolment.end_reason, missing: 'ended-without-event' });
      continue;
    }
    const endDetail = parsed(ended.detail);
    const named = endDetail.warningId;
    const warningId = typeof named === 'number' ? named : null;
    if (warningId !== null && decisions.outcomes.get(warningId) === 'stopped') continue;
    if (endDetail.periodicCheck === true && checked.ended.has(Number(enrolment.id))) continue;
    rows.push({ ...base, kind: 'end', effectiveOn: enrolment.end_date, recordedAt: instantText(ended.at), actor: ended.actor, endReason: enrolment.end_reason,
      missing: 'ended-without-warning', namedWarningId: warningId });
  }
  rows.sort((a, b) => a.villageCode.localeCompare(b.villageCode) || a.householdNo.localeCompare(b.householdNo) || a.effectiveOn.localeCompare(b.effectiveOn) || a.enrolmentId - b.enrolmentId);
  return { rows, importedLeftOut };
}

/** The enrolments a recorded periodic check (定期核查) adjusted or stopped, read from the effects it stored. */
async function periodicCheckEffects(knex: Knex, householdIds: readonly number[]): Promise<{ adjusted: Set<number>; ended: Set<number> }> {
  const adjusted = new Set<number>();
  const ended = new Set<number>();
  const rows: { effects: string }[] = [];
  for (let at = 0; at < householdIds.length; at += 2000) {
    rows.push(...await knex('household_checks').whereIn('household_id', householdIds.slice(at, at + 2000)).whereIn('result', ['increased', 'decreased', 'stopped']).select('effects'));
  }
  for (const row of rows) {
    const effects = parsed(row.effects) as { adjusted?: { enrolmentId: number }[]; endedEnrolmentIds?: number[] };
    for (const a of effects.adjusted ?? []) adjusted.add(Number(a.enrolmentId));
    for (const id of effects.endedEnrolmentIds ?? []) ended.add(Number(id));
  }
  return { adjusted, ended };
}

/**
 * The outcome of each warning the events name, and the resolving transitions that were `benefit-adjusted`, by
 * instant and actor: the outcome and its 'amount-changed' events are written in one transaction with one timestamp.
 */
async function warningDecisions(knex: Knex, events: readonly EventRow[]): Promise<{ outcomes: Map<number, string | null>; byInstant: Map<string, number> }> {
  const named = [...new Set(events.flatMap((e) => {
    const id = parsed(e.detail).warningId;
    return typeof id === 'number' ? [id] : [];
  }))];
  const outcomes = new Map<number, string | null>();
  for (let at = 0; at < named.length; at += 2000) {
    for (const row of await knex('warnings').whereIn('id', named.slice(at, at + 2000)).andWhere('status', 'resolved').select('id', 'outcome')) outcomes.set(Number(row.id), row.outcome);
  }
  const byInstant = new Map<string, number>();
  if (events.some((e) => e.kind === 'amount-changed' && typeof parsed(e.detail).warningId !== 'number')) {
    const adjusted: { warning_id: number; at: unknown; actor_label: string | null }[] = await knex('warning_transitions')
      .where({ to_status: 'resolved', outcome: 'benefit-adjusted' }).select('warning_id', 'at', 'actor_label');
    for (const row of adjusted) {
      byInstant.set(`${instantText(row.at)}/${row.actor_label ?? ''}`, Number(row.warning_id));
      outcomes.set(Number(row.warning_id), 'benefit-adjusted');
    }
  }
  return { outcomes, byInstant };
}

function parsed(detail: string | null): Record<string, unknown> {
  try {
    const value = JSON.parse(detail ?? 'null') as unknown;
    return typeof value === 'object' && value !== null ? value as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

/** A stored instant as ISO 8601: PostgreSQL gives ISO text (store/connect.ts), SQLite what was written (text or epoch milliseconds). */
function instantText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const text = String(value);
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

function fenOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

function numberOrNull(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
