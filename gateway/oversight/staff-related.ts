/**
 * Recipients whom the staff roster (近亲属备案, the staff-roster feed's staff-relation facts) connects to staff: the
 * 人情保、关系保 check (seed 002: "杜绝“人情保”“关系保”,严查优亲厚友"). A household is listed when an enrolment of a
 * member was in force on some day of the month and the roster files that member, or another member, as
 * civil-affairs staff, a village cadre or a close relative of one — the recipient-related-to-staff rule's reading
 * (its subjects are recipient households); one row per household and filing, naming the filed person when enrolled,
 * with every enrolment of the household in the month. Which relations count as 近亲属 is the roster's, that is local
 * practice: every relation it files is listed as filed.
 *
 * The roster is read as it stands (a relationship filed later was as true in the month). It is filed again each
 * month, so one person's filings are one connection: the latest fact for each filed
 * person and staff member. A relative's staff member is found by the relative's 关联人身份证号 on the blind index,
 * among the roster's own staff and cadre rows, for their name and unit (which carries the post when the form has it).
 * The warning shown is the rule's latest for the filed person up to the month, with how it was resolved.
 */
import type { Knex } from 'knex';
import { lastDayOfPeriod } from '../calendar/periods.js';
import { attributesInClear, type StoredAttributes } from '../store/fact-attributes.js';
import { idNumberKey, keyringOf } from '../store/personal-data.js';

export const staffRelationRule = 'recipient-related-to-staff';

export type StaffRole = 'civil-affairs-staff' | 'village-cadre' | 'relative';

export interface StaffRelatedRecipient {
  /** The recipient the row is about: the filed person when enrolled, else the household's first enrolled member. */
  personId: number;
  name: string;
  householdId: number;
  householdNo: string;
  /** The household's registration village (户籍地), which grants and pays. */
  villageCode: string;
  /** The household's enrolments in force in the month, the row's recipient's first. */
  enrolments: HouseholdEnrolment[];
  /** The person the roster files: the recipient, or another member of the recipient's household. */
  filedPersonId: number;
  filedName: string;
  filedEnrolled: boolean;
  role: StaffRole;
  /** The relation as filed (父子, 兄妹 …), for a relative; null for staff and cadres themselves. */
  relation: string | null;
  /** For a relative, the staff member the filing names; for staff and cadres, themselves. */
  staffName: string | null;
  staffRole: Exclude<StaffRole, 'relative'> | null;
  staffUnit: string | null;
  warning: StaffWarning | null;
}

export interface HouseholdEnrolment {
  enrolmentId: number;
  personId: number;
  category: string;
  startDate: string;
  endDate: string | null;
  monthlyAmountFen: number | null;
}

export interface StaffWarning {
  id: number;
  period: string;
  status: string;
  outcome: string | null;
  outcomeReason: string | null;
  resolvedOn: string | null;
  resolvedBy: string | null;
}

interface Filing {
  factId: number;
  subjectKey: string;
  role: StaffRole;
  unit: string | null;
  relation: string | null;
  relatedKey: string | null;
}

interface StaffEntry {
  name: string | null;
  role: Exclude<StaffRole, 'relative'>;
  unit: string | null;
}

export async function findStaffRelatedRecipients(knex: Knex, regionCode: string, month: string): Promise<StaffRelatedRecipient[]> {
  const enrolments: { id: number; person_id: number; household_id: number; category: string; start_date: string; end_date: string | null; monthly_amount_fen: number | string | null }[] =
    await knex('enrolments').where('region_code', 'like', `${regionCode}%`)
      .andWhere('start_date', '<=', lastDayOfPeriod(month)).andWhere((q) => q.whereNull('end_date').orWhere('end_date', '>=', `${month}-01`))
      .orderBy('id').select('id', 'person_id', 'household_id', 'category', 'start_date', 'end_date', 'monthly_amount_fen');
  if (enrolments.length === 0) return [];
  const householdIds = [...new Set(enrolments.map((e) => Number(e.household_id)))];
  const members: { id: number; household_id: number; name: string; id_key: string }[] = [];
  const households: { id: number; household_no: string; registered_region: string }[] = [];
  for (let at = 0; at < householdIds.length; at += 2000) {
    const chunk = householdIds.slice(at, at + 2000);
    members.push(...await knex('persons').whereIn('household_id', chunk).select('id', 'household_id', 'name', 'id_key'));
    households.push(...await knex('households').whereIn('id', chunk).select('id', 'household_no', 'registered_region'));
  }
  const filings = await filingsOf(knex, members.map((m) => m.id_key));
  if (filings.size === 0) return [];
  const staff = await staffOf(knex, [...filings.values()].flat().flatMap((f) => (f.relatedKey ? [f.relatedKey] : [])));
  const warnings = await latestWarnings(knex, [...filings.keys()], month);
  const householdOf = new Map(households.map((h) => [Number(h.id), h]));
  const membersOf = new Map<number, typeof members>();
  for (const member of members) (membersOf.get(Number(member.household_id)) ?? membersOf.set(Number(member.household_id), []).get(Number(member.household_id))!).push(member);
  const nameOf = new Map(members.map((m) => [Number(m.id), m.name]));

  const enrolmentsOf = new Map<number, HouseholdEnrolment[]>();
  for (const e of enrolments) {
    (enrolmentsOf.get(Number(e.household_id)) ?? enrolmentsOf.set(Number(e.household_id), []).get(Number(e.household_id))!).push({
      enrolmentId: Number(e.id), personId: Number(e.person_id), category: e.category, startDate: e.start_date, endDate: e.end_date,
      monthlyAmountFen: e.monthly_amount_fen === null ? null : Number(e.monthly_amount_fen),
    });
  }

  // One row per household and filing: a 低保 household is enrolled member by member, but one connection is one case.
  const rows: StaffRelatedRecipient[] = [];
  for (const [householdId, own] of enrolmentsOf) {
    const household = householdOf.get(householdId)!;
    for (const member of membersOf.get(householdId) ?? []) {
      for (const filing of filings.get(member.id_key) ?? []) {
        const filedEnrolled = own.some((e) => e.personId === Number(member.id));
        const recipient = filedEnrolled ? Number(member.id) : own[0]!.personId;
        const named = filing.role === 'relative' ? (filing.relatedKey ? staff.get(filing.relatedKey) : undefined) : { name: member.name, role: filing.role, unit: filing.unit };
        rows.push({
          personId: recipient, name: nameOf.get(recipient) ?? '', householdId, householdNo: household.household_no, villageCode: household.registered_region,
          enrolments: [...own.filter((e) => e.personId === recipient), ...own.filter((e) => e.personId !== recipient)],
          filedPersonId: Number(member.id), filedName: member.name, filedEnrolled, role: filing.role, relation: filing.relation,
          staffName: named?.name ?? null, staffRole: named?.role ?? null, staffUnit: named?.unit ?? null, warning: warnings.get(member.id_key) ?? null,
        });
      }
    }
  }
  return rows.sort((a, b) => a.villageCode.localeCompare(b.villageCode) || a.householdNo.localeCompare(b.householdNo) || a.filedPersonId - b.filedPersonId || a.role.localeCompare(b.role));
}

/** The latest staff-relation fact for each filed person and staff member, by the filed person's key. */
async function filingsOf(knex: Knex, keys: readonly string[]): Promise<Map<string, Filing[]>> {
  const rows: { id: number | string; subject_key: string; attributes: StoredAttributes }[] = [];
  for (let at = 0; at < keys.length; at += 2000) {
    rows.push(...await rosterFacts(knex).whereIn('f.subject_key', keys.slice(at, at + 2000)).select('f.id', 'f.subject_key', 'f.attributes'));
  }
  const keyring = keyringOf(knex);
  const byConnection = new Map<string, Filing>();
  for (const row of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
    const attributes = await attributesInClear(row.attributes, keyring);
    const related = typeof attributes.relatedIdNumber === 'string' ? idNumberKey(keyring, attributes.relatedIdNumber) : null;
    const filing: Filing = {
      factId: Number(row.id), subjectKey: row.subject_key, role: attributes.role as StaffRole, unit: textOrNull(attributes.unit), relation: textOrNull(attributes.relation), relatedKey: related,
    };
    byConnection.set(`${row.subject_key}/${filing.role}/${related ?? ''}`, filing);
  }
  const out = new Map<string, Filing[]>();
  for (const filing of byConnection.values()) (out.get(filing.subjectKey) ?? out.set(filing.subjectKey, []).get(filing.subjectKey)!).push(filing);
  return out;
}

/** The roster's staff and cadre rows of these persons (the staff members relatives are filed against), latest first wins. */
async function staffOf(knex: Knex, keys: readonly string[]): Promise<Map<string, StaffEntry>> {
  const unique = [...new Set(keys)];
  const rows: { id: number | string; subject_key: string; subject_name: string | null; attributes: StoredAttributes }[] = [];
  for (let at = 0; at < unique.length; at += 2000) {
    rows.push(...await rosterFacts(knex).whereIn('f.subject_key', unique.slice(at, at + 2000)).select('f.id', 'f.subject_key', 'f.subject_name', 'f.attributes'));
  }
  const keyring = keyringOf(knex);
  const out = new Map<string, StaffEntry>();
  for (const row of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
    const attributes = await attributesInClear(row.attributes, keyring);
    if (attributes.role === 'relative') continue;
    out.set(row.subject_key, { name: row.subject_name, role: attributes.role as StaffEntry['role'], unit: textOrNull(attributes.unit) });
  }
  return out;
}

/**
 * Every roster fact, whenever filed: a relationship filed after the month was as true during it, and an auditor
 * reading an earlier month wants to know it.
 */
function rosterFacts(knex: Knex): Knex.QueryBuilder {
  return knex('facts as f').where('f.kind', 'staff-relation');
}

/** The rule's latest warning up to the month for each filed person, with who resolved it. */
async function latestWarnings(knex: Knex, keys: readonly string[], month: string): Promise<Map<string, StaffWarning>> {
  const rows: { id: number; subject_key: string; period: string; status: string; outcome: string | null; outcome_reason: string | null; resolved_on: string | null }[] =
    await knex('warnings').where('rule_id', staffRelationRule).whereIn('subject_key', keys).andWhere('period', '<=', month).orderBy('id')
      .select('id', 'subject_key', 'period', 'status', 'outcome', 'outcome_reason', 'resolved_on');
  const resolvers = await resolversOf(knex, rows.filter((r) => r.status === 'resolved').map((r) => Number(r.id)));
  const out = new Map<string, StaffWarning>();
  for (const row of rows) {
    out.set(row.subject_key, {
      id: Number(row.id), period: row.period, status: row.status, outcome: row.outcome, outcomeReason: row.outcome_reason, resolvedOn: row.resolved_on,
      resolvedBy: resolvers.get(Number(row.id)) ?? null,
    });
  }
  return out;
}

/** Who moved each warning to resolved: the actor label of its resolving transition. */
export async function resolversOf(knex: Knex, warningIds: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let at = 0; at < warningIds.length; at += 2000) {
    const rows: { warning_id: number; actor_label: string | null }[] = await knex('warning_transitions').whereIn('warning_id', warningIds.slice(at, at + 2000))
      .andWhere('to_status', 'resolved').orderBy('id').select('warning_id', 'actor_label');
    for (const row of rows) out.set(Number(row.warning_id), row.actor_label ?? '');
  }
  return out;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
