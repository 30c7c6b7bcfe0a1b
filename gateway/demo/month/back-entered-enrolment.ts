import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { loadBenefitStandards, standardsFor } from '../../payroll/benefit-standards.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import { insertEnrolment, type EnrolmentRow } from '../../store/repositories/enrolments.js';
import { idNumbersOfPersons } from '../../store/repositories/persons.js';
import type { DemoMonth } from './demo-month-context.js';
import { maskPerson, type MaskedPerson } from './masking.js';

/** The label the back-entry is recorded under: a batch correction run by the county's IT staff from a township's list. */
export const backEntryLabel = '数据补录（乡镇报送名单）';

export interface BackEnteredEnrolment {
  enrolmentId: number;
  subject: MaskedPerson;
  category: string;
  startDate: string;
  endDate: string | null;
}

/**
 * Plants the case compliance-changes-without-approval is for: an elderly resident of a household with no enrolment is
 * given last year's 低保 (January to December) by a data back-entry (补录) of a township's paper ledger, with no
 * application or approval behind it — neither for the start nor for the end. Written through the enrolments
 * repository as any register write, with its 'started' event and an audit line, after the month's roll has closed,
 * and only once: a rerun finds the back-entered enrolment by its label and plants nothing. Being over before the
 * month, it changes nothing the month reads (the register snapshot, the comparison, the rolls), so a rerun makes the
 * same files.
 */
export async function backEnterEnrolment(knex: Knex, month: DemoMonth, countyCode: string, actor: Actor): Promise<BackEnteredEnrolment | null> {
  const done: { id: number; person_id: number; category: string; start_date: string; end_date: string | null }[] = await knex('enrolments as e').join('enrolment_events as ev', 'ev.enrolment_id', 'e.id')
    .where('ev.kind', 'started').andWhere('ev.actor', backEntryLabel).andWhere('e.region_code', 'like', `${countyCode}%`).select('e.id', 'e.person_id', 'e.category', 'e.start_date', 'e.end_date');
  if (done.length > 0) return describeBackEntry(knex, done[0]!);

  const random = month.random('back-entered-enrolment');
  // The seed enrols whole households, so the back-entry goes to a household with no enrolment now; a person who held
  // one earlier in the register's history is passed over (its dates could overlap).
  const everEnrolled = new Set((await knex('enrolments').where('region_code', 'like', `${countyCode}%`).distinct('person_id')).map((r: { person_id: number }) => Number(r.person_id)));
  const subject = month.registered(random, (member, household) => household.categories.length === 0 && member.age >= 60 && !everEnrolled.has(member.personId));
  if (!subject?.member || !subject.household) return null;
  const household: { registered_region: string } = await knex('households').where('id', subject.household.id).first('registered_region');
  const urban = month.placeOf(household.registered_region).urban;
  const category = urban ? '110' : '120';
  // The 低保 standard of the county's example standards file for the month, as a ledger copied by hand might carry.
  const dibao = standardsFor(loadBenefitStandards(), countyCode, month.period).dibao;
  const amountFen = urban ? dibao.urbanFen : dibao.ruralFen;
  const year = Number(month.period.slice(0, 4)) - 1;
  const startDate = `${year}-01-01`;
  const endDate = `${year}-12-31`;
  const enrolmentId = await knex.transaction(async (trx) => {
    const id = await insertEnrolment(trx, {
      personId: subject.member!.personId, householdId: subject.household!.id, category: category as EnrolmentRow['category'], regionCode: household.registered_region,
      startDate, endDate, endReason: '补录：纸质台账记载年末退出', monthlyAmountFen: amountFen, tekunSupport: null,
    }, backEntryLabel);
    await recordAudit(trx, { ...actor, label: backEntryLabel }, {
      action: 'enrolment.back-entry', outcome: 'ok', resourceType: 'enrolment', resourceId: String(id), regionCode: household.registered_region,
      subjectPersonIds: [subject.member!.personId], detail: `补录${category} ${startDate}至${endDate}`,
    });
    return id;
  });
  return { enrolmentId, subject: maskPerson(subject.idNumber, subject.name), category, startDate, endDate };
}

async function describeBackEntry(knex: Knex, row: { id: number; person_id: number; category: string; start_date: string; end_date: string | null }): Promise<BackEnteredEnrolment> {
  const person: { name: string } = await knex('persons').where('id', row.person_id).first('name');
  const idNumber = (await idNumbersOfPersons(knex, [Number(row.person_id)])).get(Number(row.person_id)) ?? '';
  return { enrolmentId: Number(row.id), subject: maskPerson(idNumber, person.name), category: row.category, startDate: row.start_date, endDate: row.end_date };
}
