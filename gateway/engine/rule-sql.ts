import type { AttributeCondition, Exemption, Rule } from '../../schemas/types/index.js';
import { addMonths } from '../calendar/periods.js';
import { householdWithSeriouslyIllMemberSql } from '../store/serious-illness.js';
import { loadCodeTables } from '../store/reference-data/code-tables.js';
import { typedColumnFor, typedStringColumnOf } from '../store/typed-attributes.js';
import type { Store } from '../store/connect.js';
import type { ThresholdVariant } from './rule-set.js';

type Dialect = Store['dialect'];
type Binding = string | number;

/** A piece of SQL with its `?` bindings, in order. */
export interface Sql {
  text: string;
  bindings: Binding[];
}

/** What one match query needs to know about the run. */
export interface MatchContext {
  dialect: Dialect;
  runId: number;
  /** The run's period, YYYY-MM, and its last day. */
  period: string;
  periodEnd: string;
  /** Incremental runs look only at subjects with facts from batches after this one. */
  afterBatchId: number | null;
  /** A run bounded to a region reads only the facts of batches whose region overlaps it; null for a nationwide run. */
  batchRegions: { containing: readonly string[]; within: { low: string; high: string } } | null;
  /**
   * Test attributes on their typed columns where one holds them (migration 026, typed-attributes.ts); false forces
   * the JSON path everywhere — the tests compare both, rule by rule. Default true.
   */
  typedAttributes?: boolean;
}

/**
 * Turns a rule's match into one INSERT … SELECT into comparison_matches: every fact that matches, with the
 * subject's register person and household, the group it is totalled in, its measure and threshold, whether it
 * is new to this rule (not yet evidence of a warning of it) and the exemption that covers it, if any. Grouping,
 * thresholds, deduplication and exemptions are then applied to that working set, all set-based, so a run costs a
 * few statements per rule whatever the number of facts.
 *
 * Rule data never reaches the SQL text except as bindings, or as names the rule schema restricts to letters
 * (attribute names) — so a rule file cannot inject SQL.
 */
export function matchInsert(rule: Rule, variant: ThresholdVariant, context: MatchContext): Sql {
  const select = matchSelect(rule, variant, context);
  return { text: `INSERT INTO comparison_matches (${matchColumns.join(', ')})\n    ${select.text}`, bindings: select.bindings };
}

/** The columns of comparison_matches that matchSelect's rows fill, in its order. */
export const matchColumns = ['run_id', 'rule_id', 'fact_id', 'subject_key', 'subject_cipher', 'subject_region', 'subject_name', 'person_id', 'household_id',
  'group_key', 'measure', 'threshold', 'divisor', 'is_new', 'exemption', 'restating'] as const;

/** The SELECT of matchInsert alone: its rows, in matchColumns' order. */
export function matchSelect(rule: Rule, variant: ThresholdVariant, context: MatchContext): Sql {
  const match = rule.match;
  if (match.type === 'enrolment-conflict') return conflictInsert(rule, variant, context);
  const sql = new SqlBuilder();
  const { dialect } = context;
  const month = factMonth(dialect, 'f');
  const isAmount = match.type === 'amount';
  const perMonth = isAmount && match.total === 'per-month';
  const perHousehold = isAmount && match.per === 'household-member';
  const groupKey = perHousehold
    ? `'h' || ${castText(dialect, 'p.household_id')}${perMonth ? ` || ':' || ${month}` : ''}`
    : `f.subject_key${perMonth ? ` || ':' || ${month}` : ''}`;
  const measure = isAmount ? measureExpression(dialect, match.measure) : 'NULL';
  const threshold = isAmount ? thresholdExpression(dialect, variant, match.threshold, match.exPoorThreshold) : 'NULL';
  const divisor = perHousehold ? '(SELECT COUNT(*) FROM persons m WHERE m.household_id = p.household_id)' : '1';

  sql.add(`SELECT ?, ?, f.id, f.subject_key, f.subject_cipher, f.subject_region, f.subject_name, p.id, p.household_id, ${groupKey}, ${measure}, `, context.runId, rule.id);
  sql.add(threshold);
  sql.add(`, ${divisor}, `);
  isNewColumn(sql, dialect, rule.id);
  sql.add(', ');
  exemptionCase(sql, context, match.kinds, rule.exemptions ?? []);
  restatingColumn(sql, isAmount ? match.restating : undefined);
  sql.add(`
      FROM facts f
      LEFT JOIN persons p ON ${personJoin(dialect)}
      LEFT JOIN households hh ON hh.id = p.household_id`);
  isNewJoin(sql, dialect, rule.id);
  if (isAmount && match.exPoorThreshold !== undefined && dialect === 'pg') sql.add(`
      LEFT JOIN (SELECT DISTINCT a.subject_key FROM facts a WHERE a.kind = 'antipoverty-monitored') ap ON ap.subject_key = f.subject_key`);
  sql.add(`
     WHERE f.kind IN (${placeholders(match.kinds)})`, ...match.kinds);
  windowCondition(sql, dialect, 'f', context, match.lookbackMonths);
  for (const condition of match.where ?? []) {
    sql.add(' AND ');
    attributeCondition(sql, context, 'f', match.kinds, condition);
  }
  subjectCondition(sql, match.subjects, context);
  if (perHousehold) sql.add(' AND p.household_id IS NOT NULL');
  if (match.type === 'fact' && match.minimumAge !== undefined) {
    // The birth date is stored beside the ID number (what the rules need of it), so "adult at the period's end" is a
    // date comparison. Born on 29 February, one turns 18 on 1 March in a year without one.
    const [year, monthDay] = [Number(context.periodEnd.slice(0, 4)), context.periodEnd.slice(4)];
    sql.add(` AND f.subject_birth_date <= ?`, `${year - match.minimumAge}${monthDay}`);
  }
  if (match.type === 'fact' && match.with) otherFactCondition(sql, dialect, context, 'EXISTS', match.with);
  if (match.type === 'fact' && match.without) otherFactCondition(sql, dialect, context, 'NOT EXISTS', match.without);
  countyCondition(sql, variant, 'f');
  incrementalCondition(sql, context, match.kinds);
  batchRegionCondition(sql, context);
  return sql.build();
}

/**
 * How a fact reaches its register person. SQLite: by facts.person_id, which every fact about a register person holds
 * whichever came first (fact-persons.ts), so the person is found by row id instead of through the id_key index first;
 * the match queries over 5M facts took 4.6 s instead of 9.5. PostgreSQL: by the blind index, which it hash-joins; on
 * person_id it chose other plans, faster for some rules and slower for more (the run 15.3–16.6 s instead of 11.1–11.4,
 * docs/benchmarks.md).
 */
function personJoin(dialect: Dialect): string {
  return dialect === 'pg' ? 'p.id_key = f.subject_key' : 'p.id = f.person_id';
}

/** With (EXISTS) or without (NOT EXISTS) another fact about the same subject, of these kinds, in its own window. */
function otherFactCondition(
  sql: SqlBuilder, dialect: Dialect, context: MatchContext, test: 'EXISTS' | 'NOT EXISTS',
  other: { kinds: string[]; where?: AttributeCondition[]; lookbackMonths?: number },
): void {
  sql.add(` AND ${test} (SELECT 1 FROM facts o WHERE o.subject_key = f.subject_key AND o.kind IN (${placeholders(other.kinds)})`, ...other.kinds);
  windowCondition(sql, dialect, 'o', context, other.lookbackMonths);
  for (const condition of other.where ?? []) {
    sql.add(' AND ');
    attributeCondition(sql, context, 'o', other.kinds, condition);
  }
  sql.add(')');
}

/**
 * The national roster (jinmin-enrolment facts) against local basic-living enrolments: a conflict is the other
 * basic-living group (特困 where we pay 低保, or the reverse) or another county. Codes come from the code table.
 */
function conflictInsert(rule: Rule, variant: ThresholdVariant, context: MatchContext): Sql {
  const { dialect } = context;
  const categories = basicLivingCategories();
  // CASE x WHEN: x is worked out once, not once per category — on the roster's side, a JSON parse each time.
  const groupOf = (expression: string, sql: SqlBuilder) => {
    sql.add(`CASE ${expression}`);
    for (const category of categories) sql.add(' WHEN ? THEN ?', category.code, String(category.group ?? category.code));
    sql.add(' END');
  };
  const codes = categories.map((c) => c.code);
  const typedCategory = context.typedAttributes === false ? undefined : typedStringColumnOf('jinmin-enrolment', 'category');
  const category = typedCategory ? `f.${typedCategory}` : attributeText(dialect, 'f', 'category');
  const region = attributeText(dialect, 'f', 'regionCode');
  const match = rule.match as { lookbackMonths?: number };
  const sql = new SqlBuilder();
  sql.add(`SELECT ?, ?, f.id, f.subject_key, f.subject_cipher, f.subject_region, f.subject_name, p.id, p.household_id, f.subject_key, NULL, NULL, 1, `, context.runId, rule.id);
  isNewColumn(sql, dialect, rule.id);
  sql.add(`, NULL, NULL
      FROM facts f
      JOIN persons p ON ${personJoin(dialect)}
      JOIN households hh ON hh.id = p.household_id`);
  isNewJoin(sql, dialect, rule.id);
  sql.add(`
     WHERE f.kind = 'jinmin-enrolment' AND ${category} IN (${placeholders(codes)})`, ...codes);
  windowCondition(sql, dialect, 'f', context, match.lookbackMonths);
  sql.add(` AND EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id AND ${activeAtPeriodEnd}
       AND e.category IN (${placeholders(codes)}) AND (`, context.periodEnd, context.periodEnd, ...codes);
  groupOf('e.category', sql);
  sql.add(' <> ');
  groupOf(category, sql);
  sql.add(` OR substr(e.region_code, 1, 6) <> substr(${region}, 1, 6)))`);
  countyCondition(sql, variant, 'f');
  incrementalCondition(sql, context, ['jinmin-enrolment']);
  batchRegionCondition(sql, context);
  return sql.build();
}

/**
 * is_new: 1 unless the fact is already evidence of a warning of the rule.
 * - SQLite: a subquery per fact (binds the rule id). CROSS JOIN makes it start from the fact's evidence rows (index on
 *   fact_id, a row or two) rather than from every warning of the rule, which it would otherwise pick without
 *   statistics: a probe that grew with each month's warnings (a second run over 1M facts took 4.9 s instead of 1.2).
 * - PostgreSQL: a join to the rule's evidenced facts (isNewJoin, which binds the rule id). A correlated subquery in
 *   the select list is parallel-restricted: the whole join above the facts scan ran in one process, the workers
 *   only scanning.
 */
function isNewColumn(sql: SqlBuilder, dialect: Dialect, ruleId: string): void {
  if (dialect === 'pg') sql.add('CASE WHEN seen.fact_id IS NULL THEN 1 ELSE 0 END');
  else sql.add(`CASE WHEN EXISTS (SELECT 1 FROM warning_evidence we CROSS JOIN warnings w WHERE we.fact_id = f.id AND w.id = we.warning_id AND w.rule_id = ?)
    THEN 0 ELSE 1 END`, ruleId);
}

/** PostgreSQL's side of isNewColumn: each fact evidence of a warning of the rule, once (DISTINCT keeps one row per fact). */
function isNewJoin(sql: SqlBuilder, dialect: Dialect, ruleId: string): void {
  if (dialect !== 'pg') return;
  sql.add(`
      LEFT JOIN (SELECT DISTINCT we.fact_id FROM warning_evidence we JOIN warnings w ON w.id = we.warning_id WHERE w.rule_id = ?) seen ON seen.fact_id = f.id`, ruleId);
}

/** Active at the period's end: started by then and not ended by then (binds the period's last day twice). */
const activeAtPeriodEnd = 'e.start_date <= ? AND (e.end_date IS NULL OR e.end_date > ?)';

/** 低保 and 特困 (code table assistance-category, basicLiving), with the group each belongs to. */
function basicLivingCategories() {
  return (loadCodeTables().get('assistance-category')?.codes ?? []).filter((c) => c.basicLiving === true);
}

/** 低保 (code table assistance-category, group dibao): 城市 and 农村. */
function dibaoCategories(): string[] {
  return (loadCodeTables().get('assistance-category')?.codes ?? []).filter((c) => c.group === 'dibao').map((c) => c.code);
}

class SqlBuilder {
  private text = '';
  private readonly bindings: Binding[] = [];

  add(text: string, ...bindings: Binding[]): void {
    this.text += text;
    this.bindings.push(...bindings);
  }

  build(): Sql {
    return { text: this.text, bindings: this.bindings };
  }
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/**
 * The month a fact belongs to: its own period, else the month of its date; NULL for an undated standing fact. On
 * PostgreSQL this is, word for word, the expression migration 011 indexes with the kind (EXTRACT, not to_char,
 * which cannot be indexed): change one, change the other.
 */
export function factMonth(dialect: Dialect, alias: string): string {
  return dialect === 'pg'
    ? `COALESCE(${alias}.period::text, lpad(extract(year FROM ${alias}.occurred_on)::int::text, 4, '0') || '-' || lpad(extract(month FROM ${alias}.occurred_on)::int::text, 2, '0'))`
    : `COALESCE(${alias}.period, substr(${alias}.occurred_on, 1, 7))`;
}

function castText(dialect: Dialect, expression: string): string {
  return dialect === 'pg' ? `${expression}::text` : `CAST(${expression} AS TEXT)`;
}

/** Facts up to the period's end, and from `lookbackMonths` before it; undated standing facts count when no window is set. */
function windowCondition(sql: SqlBuilder, dialect: Dialect, alias: string, context: MatchContext, lookbackMonths: number | undefined): void {
  const month = factMonth(dialect, alias);
  if (lookbackMonths === undefined) {
    sql.add(` AND (${month} IS NULL OR ${month} <= ?)`, context.period);
  } else {
    sql.add(` AND ${month} BETWEEN ? AND ?`, addMonths(context.period, -lookbackMonths), context.period);
  }
}


/**
 * An attribute as SQL sees it, for equality with a binding of the same JSON type. On PostgreSQL facts.attributes is
 * jsonb (migration 025), parsed once at insert; as text, each condition parsed every row's JSON again.
 */
function attributeValue(dialect: Dialect, alias: string, attribute: string): string {
  return dialect === 'pg' ? `(${alias}.attributes -> '${attribute}')` : `json_extract(${alias}.attributes, '$.${attribute}')`;
}

function attributeText(dialect: Dialect, alias: string, attribute: string): string {
  return dialect === 'pg' ? `(${alias}.attributes ->> '${attribute}')` : `json_extract(${alias}.attributes, '$.${attribute}')`;
}

/** A rule value bound so it compares like the stored JSON: jsonb on PostgreSQL; SQLite's json_extract gives 1/0 for booleans. */
function attributeBinding(dialect: Dialect, value: string | number | boolean): Binding {
  if (dialect === 'pg') return JSON.stringify(value);
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

function attributeCondition(sql: SqlBuilder, context: MatchContext, alias: string, kinds: readonly string[], condition: AttributeCondition): void {
  if (!/^[a-zA-Z]+$/.test(condition.attribute)) throw new Error(`attribute name ${condition.attribute} is not letters only`);
  const typed = context.typedAttributes === false ? undefined : typedColumnFor(kinds, condition);
  const { dialect } = context;
  const value = typed ? `${alias}.${typed.column}` : attributeValue(dialect, alias, condition.attribute);
  const list = typed ? typed.values : (condition.in ?? condition.notIn ?? []).map((v) => attributeBinding(dialect, v));
  const marks = list.map(() => (dialect === 'pg' && !typed ? '?::jsonb' : '?')).join(', ');
  if (condition.in) sql.add(`${value} IN (${marks})`, ...list);
  else sql.add(`(${value} IS NULL OR ${value} NOT IN (${marks}))`, ...list);
}

function measureExpression(dialect: Dialect, measure: string): string {
  if (measure === 'amountFen') return 'f.amount_fen';
  const attribute = measure.replace(/^attributes\./, '');
  if (!/^[a-zA-Z]+$/.test(attribute)) throw new Error(`measure ${measure} is not amountFen or attributes.<letters>`);
  // Hundredths of the unit, so an area of 85.5 m² is compared exactly against a threshold in whole m² × 100.
  return dialect === 'pg'
    ? `CAST(ROUND((f.attributes ->> '${attribute}')::numeric * 100) AS BIGINT)`
    : `CAST(ROUND(CAST(json_extract(f.attributes, '$.${attribute}') AS REAL) * 100) AS INTEGER)`;
}

/**
 * The subject's threshold: the ex-poor one for a subject the anti-poverty system monitors (any antipoverty-monitored
 * fact), when the rule has one. PostgreSQL reads it from the join `ap` (matchInsert adds it), not from a correlated
 * subquery, for the reason isNewColumn gives.
 */
function thresholdExpression(dialect: Dialect, variant: ThresholdVariant, name: string, exPoorName: string | undefined): string {
  const value = variant.values[name];
  if (value === undefined) throw new Error(`threshold ${name} has no value`);
  if (exPoorName === undefined) return String(Math.trunc(value));
  const exPoor = variant.values[exPoorName];
  if (exPoor === undefined) throw new Error(`threshold ${exPoorName} has no value`);
  const monitored = dialect === 'pg'
    ? 'ap.subject_key IS NOT NULL'
    : "EXISTS (SELECT 1 FROM facts a WHERE a.subject_key = f.subject_key AND a.kind = 'antipoverty-monitored')";
  return `CASE WHEN ${monitored} THEN ${Math.trunc(exPoor)} ELSE ${Math.trunc(value)} END`;
}


/**
 * A register person's facts only. On PostgreSQL the fact's own person_id is tested too, though the join on the blind
 * index already says it (every fact about a register person holds it, fact-persons.ts): the planner cannot know that
 * most vehicles, homes and businesses a feed reports are outsiders' (9,156 of 250,000 vehicle facts in the 5M-fact
 * bench), took every fact of the kind to find a person, and hashed the whole register (a million persons) to join
 * them, for each rule; person_id's share of NULLs brings the estimate down, and it probes the register instead. The
 * vehicle rule's match query took 0.43–0.63 s instead of 1.8–3.0 s, the housing rule's 0.72–0.76 s instead of
 * 1.40–1.50 s (on the 5M-fact bench store with docs/scale.md's settings). SQLite joins on person_id itself (personJoin).
 */
function registerPerson(dialect: Dialect): string {
  return dialect === 'pg' ? ' AND p.id IS NOT NULL AND f.person_id IS NOT NULL' : ' AND p.id IS NOT NULL';
}

function subjectCondition(sql: SqlBuilder, subjects: string, context: MatchContext): void {
  const end = context.periodEnd;
  const registered = registerPerson(context.dialect);
  switch (subjects) {
    case 'recipients':
      sql.add(`${registered} AND EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id AND ${activeAtPeriodEnd})`, end, end);
      return;
    case 'recipient-households':
      sql.add(`${registered} AND EXISTS (SELECT 1 FROM enrolments e WHERE e.household_id = p.household_id AND ${activeAtPeriodEnd})`, end, end);
      return;
    // Outside the register (p.id NULL) nothing matches e.person_id = p.id, so NOT EXISTS alone covers both cases: no
    // "p.id IS NULL OR", which would keep PostgreSQL from making it an anti-join (a subquery run once per fact, in
    // one process).
    case 'non-recipients':
      sql.add(` AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id AND ${activeAtPeriodEnd})`, end, end);
      return;
    case 'not-basic-living': {
      const codes = basicLivingCategories().map((c) => c.code);
      sql.add(` AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id AND ${activeAtPeriodEnd} AND e.category IN (${placeholders(codes)}))`, end, end, ...codes);
      return;
    }
    // Part of a register household holds 低保 and this member does not (seed 004's 整户纳入 check).
    case 'partly-enrolled-households': {
      const dibao = dibaoCategories();
      sql.add(`${registered}
        AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id AND ${activeAtPeriodEnd} AND e.category IN (${placeholders(dibao)}))
        AND EXISTS (SELECT 1 FROM enrolments e WHERE e.household_id = p.household_id AND ${activeAtPeriodEnd} AND e.category IN (${placeholders(dibao)}))`,
      end, end, ...dibao, end, end, ...dibao);
      return;
    }
    case 'anyone':
      return;
    default:
      throw new Error(`unknown subjects ${subjects}`);
  }
}

/**
 * The exemption that covers a match, by id, or NULL. Checked per fact, so one exempt vehicle does not excuse a
 * second one that is not.
 */
function exemptionCase(sql: SqlBuilder, context: MatchContext, kinds: readonly string[], exemptions: readonly Exemption[]): void {
  const periodEnd = context.periodEnd;
  if (exemptions.length === 0) {
    sql.add('NULL');
    return;
  }
  sql.add('CASE');
  for (const exemption of exemptions) {
    sql.add(' WHEN ');
    const parts: (() => void)[] = [];
    const member = exemption.householdMember;
    if (member) {
      parts.push(() => {
        const grades = member.disabilityGrades ?? [];
        const health = member.health ?? [];
        const tests = [
          ...(grades.length > 0 ? [`m.disability_grade IN (${placeholders(grades)})`] : []),
          ...(health.length > 0 ? [`m.health IN (${placeholders(health)})`] : []),
        ];
        const ill = member.seriouslyIll === true ? householdWithSeriouslyIllMemberSql('p.household_id', periodEnd) : undefined;
        const either = [
          ...(tests.length > 0 ? [`EXISTS (SELECT 1 FROM persons m WHERE m.household_id = p.household_id AND (${tests.join(' OR ')}))`] : []),
          ...(ill ? [ill.text] : []),
        ];
        sql.add(`(${either.join(' OR ')})`, ...grades, ...health, ...(ill?.bindings ?? []));
      });
    }
    if (exemption.fact) {
      const condition = exemption.fact;
      parts.push(() => attributeCondition(sql, context, 'f', kinds, condition));
    }
    parts.forEach((part, index) => {
      if (index > 0) sql.add(' AND ');
      part();
    });
    sql.add(' THEN ?', exemption.id);
  }
  sql.add(' END');
}

/**
 * restating: 1 when the fact's kind restates another of the rule's amounts (a wage and the contribution base it
 * sets), else 0; NULL for a rule without restating kinds. compare.ts groupTotal counts the largest restating amount
 * once and adds the others.
 */
function restatingColumn(sql: SqlBuilder, restating: readonly string[] | undefined): void {
  if (restating === undefined || restating.length === 0) sql.add(', NULL');
  else sql.add(`, CASE WHEN f.kind IN (${placeholders(restating)}) THEN 1 ELSE 0 END`, ...restating);
}

/** The subject's county: where their register household lives, else where their ID number was issued. */
function countyCondition(sql: SqlBuilder, variant: ThresholdVariant, alias: string): void {
  const county = `COALESCE(substr(hh.residence_region, 1, 6), ${alias}.subject_region)`;
  if (variant.counties) sql.add(` AND ${county} IN (${placeholders(variant.counties)})`, ...variant.counties);
  else if (variant.excludedCounties && variant.excludedCounties.length > 0) sql.add(` AND ${county} NOT IN (${placeholders(variant.excludedCounties)})`, ...variant.excludedCounties);
}

function incrementalCondition(sql: SqlBuilder, context: MatchContext, kinds: readonly string[]): void {
  if (context.afterBatchId === null) return;
  sql.add(` AND EXISTS (SELECT 1 FROM facts n WHERE n.subject_key = f.subject_key AND n.batch_id > ? AND n.kind IN (${placeholders(kinds)}))`, context.afterBatchId, ...kinds);
}

function batchRegionCondition(sql: SqlBuilder, context: MatchContext): void {
  if (!context.batchRegions) return;
  const { containing, within } = context.batchRegions;
  sql.add(` AND f.batch_id IN (SELECT b.id FROM batches b WHERE b.region_code IN (${placeholders(containing)}) OR (b.region_code >= ? AND b.region_code < ?))`,
    ...containing, within.low, within.high);
}
