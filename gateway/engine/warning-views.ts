import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { displayIdNumber } from '../access/masking.js';
import { requireCapability, type RolePolicy } from '../access/role-policy.js';
import type { WorkingCalendar } from '../calendar/working-days.js';
import { ProblemError } from '../errors.js';
import type { Viewed } from '../register/register-views.js';
import {
  evidenceOfWarning, findWarning, isWarningInScope, listWarnings, transitionsOfWarning, type WarningListQuery, type WarningRow,
} from '../store/repositories/warnings.js';
import type { Warning } from '../../schemas/types/index.js';
import { overdueWorkingDays } from './warning-deadlines.js';
import { presentEvidence } from './warning-evidence.js';
import { readTogether } from '../store/reads-together.js';

/** A read of warnings also names them: a subject outside the register has no person id for the audit log. */
export interface ViewedWarnings<T> extends Viewed<T> {
  warningIds: number[];
}

/** Warnings name people and say why their benefit may be wrong: personal data, never shown to liaison officers. */
export function warningReadPolicy(actor: Actor): RolePolicy {
  return requireCapability(actor, 'readPersonalData', 'see warnings, which hold personal data');
}

/**
 * A warning in the key's scope, or not-found: as with households, a warning outside the scope looks exactly like a
 * missing one, so a key cannot probe what other townships are verifying.
 */
export async function findWarningInScope(db: Knex | Knex.Transaction, actor: Actor, id: number): Promise<WarningRow> {
  const warning = await findWarning(db, id);
  if (!warning || !isWarningInScope(actor.regionCode, warning)) throw new ProblemError('not-found', `no warning ${id} within ${actor.regionCode}`);
  return warning;
}

export function presentWarning(warning: WarningRow, policy: RolePolicy, calendar: WorkingCalendar, today: string): Warning {
  return {
    id: warning.id,
    runId: warning.runId,
    ruleId: warning.ruleId,
    period: warning.period,
    subject: {
      idNumber: displayIdNumber(policy, warning.subjectIdNumber),
      idNumberMasked: !policy.fullIdNumber,
      name: warning.subjectName,
      personId: warning.personId,
      householdId: warning.householdId,
    },
    regionCode: warning.regionCode,
    handlingUnit: warning.handlingUnit,
    severity: warning.severity,
    suggestedAction: warning.suggestedAction,
    referTo: warning.referTo,
    measured: warning.measured,
    threshold: warning.threshold,
    status: warning.status,
    outcome: warning.outcome,
    outcomeReason: warning.outcomeReason,
    raisedOn: warning.raisedOn,
    dueOn: warning.dueOn,
    dueProvisional: warning.dueProvisional,
    deadlineWorkingDays: warning.deadlineWorkingDays,
    resolvedOn: warning.resolvedOn,
    overdueWorkingDays: overdueWorkingDays(calendar, warning, today),
  };
}

export async function viewWarningList(
  knex: Knex,
  actor: Actor,
  query: Omit<WarningListQuery, 'scopeRegionCode'>,
  calendar: WorkingCalendar,
): Promise<ViewedWarnings<Warning[]>> {
  const policy = warningReadPolicy(actor);
  const rows = await listWarnings(knex, { ...query, scopeRegionCode: actor.regionCode });
  return {
    view: rows.map((row) => presentWarning(row, policy, calendar, query.today)),
    subjectPersonIds: personIdsOf(rows),
    warningIds: rows.map((row) => row.id),
  };
}

/** One warning with the facts behind it and every transition so far. */
export async function viewWarning(knex: Knex, actor: Actor, id: number, calendar: WorkingCalendar, today: string): Promise<ViewedWarnings<Warning>> {
  const policy = warningReadPolicy(actor);
  const warning = await findWarningInScope(knex, actor, id);
  const [evidence, transitions] = await readTogether(knex, () => evidenceOfWarning(knex, id), () => transitionsOfWarning(knex, id));
  return {
    view: {
      ...presentWarning(warning, policy, calendar, today),
      evidence: evidence.map((fact) => presentEvidence(fact, policy)),
      transitions: transitions.map(({ warningId: _warningId, ...transition }) => transition),
    },
    subjectPersonIds: personIdsOf([warning]),
    regionCode: warning.regionCode ?? undefined,
    warningIds: [warning.id],
  };
}

function personIdsOf(rows: readonly WarningRow[]): number[] {
  return [...new Set(rows.flatMap((row) => (row.personId === null ? [] : [row.personId])))];
}
