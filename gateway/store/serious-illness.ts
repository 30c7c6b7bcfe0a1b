/**
 * 重病 (serious illness), once for the whole project. The visit policy's 家有重病 (seed 000), the need index's
 * 重病重残 component and the vehicle exemption for 患病 households (seed 001) all read it from here, so the three
 * never disagree (seed-review C-13, C-14).
 *
 * - A member is seriously ill when 卫健 has reported a major illness of theirs (major-illness fact, 大病专项救治) on or
 *   before the day asked about. A diagnosis stands: no window is applied.
 * - A household has a seriously ill member when one of its members is, or when it holds a current 刚性支出困难家庭
 *   enrolment (650): seed 002 asks that "因病致贫重病患者家庭直接认定为刚性支出困难家庭", so that enrolment is itself
 *   the recognition of a seriously ill member, even when the 卫健 feed has not reported them.
 *
 * The register's health code (GB/T 2261.3) is not used: its 有慢性病 (3) covers any chronic condition, far wider
 * than 重病.
 */
export const seriousIllnessFactKind = 'major-illness';

/** 刚性支出困难家庭: the enrolment through which a household with a seriously ill member (因病致贫重病患者家庭) is recognised. */
export const seriousIllnessEnrolmentCategory = '650';

export interface SqlCondition {
  text: string;
  bindings: string[];
}

/** The person `alias` (a persons row) is seriously ill on `day` (YYYY-MM-DD): a major-illness fact about them by then. */
export function seriouslyIllMemberSql(alias: string, day: string): SqlCondition {
  assertAlias(alias);
  return {
    text: `EXISTS (SELECT 1 FROM facts ill WHERE ill.subject_key = ${alias}.id_key AND ill.kind = ? AND (ill.occurred_on IS NULL OR ill.occurred_on <= ?))`,
    bindings: [seriousIllnessFactKind, day],
  };
}

/**
 * The household `householdColumn` (an SQL expression for a household id) has a seriously ill member on `day`: a member
 * with a major-illness fact by then, or a 650 enrolment active on that day.
 */
export function householdWithSeriouslyIllMemberSql(householdColumn: string, day: string): SqlCondition {
  if (!/^[a-z_]+\.[a-z_]+$/.test(householdColumn)) throw new Error(`household column ${householdColumn} is not alias.column`);
  const member = seriouslyIllMemberSql('ill_member', day);
  return {
    text: `(EXISTS (SELECT 1 FROM persons ill_member WHERE ill_member.household_id = ${householdColumn} AND ${member.text})
      OR EXISTS (SELECT 1 FROM enrolments ill_enrolment WHERE ill_enrolment.household_id = ${householdColumn} AND ill_enrolment.category = ?
        AND ill_enrolment.start_date <= ? AND (ill_enrolment.end_date IS NULL OR ill_enrolment.end_date > ?)))`,
    bindings: [...member.bindings, seriousIllnessEnrolmentCategory, day, day],
  };
}

function assertAlias(alias: string): void {
  if (!/^[a-z_]+$/.test(alias)) throw new Error(`alias ${alias} is not lower-case letters`);
}
