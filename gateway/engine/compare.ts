import type { Knex } from 'knex';
import type { Rule } from '../../schemas/types/index.js';
import type { Actor } from '../access/actor.js';
import { nationwide, prefixRange, scopePrefix } from '../access/region-scope.js';
import { loadWorkingCalendar } from '../calendar/holiday-calendar.js';
import { isPeriod, lastDayOfPeriod } from '../calendar/periods.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { addWorkingDaysProvisionally } from '../calendar/working-days.js';
import { redactDatabaseError } from '../store/database-errors.js';
import type { Store } from '../store/connect.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { matchColumns, matchSelect, type MatchContext } from './rule-sql.js';
import { thresholdVariants, type LoadedRuleSet, type ThresholdVariant } from './rule-set.js';

export interface ComparisonOptions {
  /** The benefit month compared, YYYY-MM. */
  period: string;
  /** full: every fact up to the period; incremental: only subjects with facts from batches since the last run. */
  mode: 'full' | 'incremental';
  rules: LoadedRuleSet;
  actor: Actor;
  /** The day warnings are pushed, from which deadlines count; today in Asia/Shanghai unless given. */
  today?: string;
  /** The deadline `workingDays` working days after `raisedOn`; by default from the official holiday calendar. */
  dueDate?(raisedOn: string, workingDays: number): string;
  /** Where warnings about people outside the register go when the county that issued their ID number is not ours. */
  defaultRegion?: string | null;
  /**
   * The region the run is bounded to (the key's, for a run started through the API; nationwide by default). It reads
   * only facts of batches whose region overlaps it, places each warning where a nationwide run would, and raises only
   * those it placed within its region: the rest (someone registered here but living in another county, an outsider
   * whose ID number another county issued) are left for a run whose region covers them.
   */
  regionCode?: string;
  /** false tests every attribute condition on the JSON attributes, not on the typed columns (the equivalence tests). */
  typedAttributes?: boolean;
}

export interface RuleCounts {
  /** New warnings. */
  raised: number;
  /** Subjects every one of whose matches an exemption covers. */
  exempted: number;
  /** Subjects with an earlier warning of the rule still open: no second one while the first is handled. */
  suppressed: number;
}

export interface ComparisonReport {
  runId: number;
  period: string;
  mode: 'full' | 'incremental';
  ruleSet: string;
  /** Warnings raised by this run. */
  warnings: number;
  byRule: Record<string, number>;
  details: Record<string, RuleCounts>;
  afterBatchId: number | null;
  throughBatchId: number | null;
}

/**
 * One comparison run (数据比对): every enabled rule of the set against the facts and the register, as of the end of
 * `period`, in one transaction — a run that fails leaves no warning behind, only its failed run row. Each rule is a
 * handful of set-based statements (see rule-sql.ts); the same person, rule and period is one warning however often
 * runs repeat, and a fact that was evidence of a warning never raises that rule again.
 */
export async function runComparison(store: Store, options: ComparisonOptions): Promise<ComparisonReport> {
  if (!isPeriod(options.period)) throw new RangeError(`period must be YYYY-MM, got "${options.period}"`);
  const knex = store.knex;
  const today = options.today ?? todayInShanghai();
  const startedAt = new Date().toISOString();
  const regionCode = options.regionCode ?? nationwide;
  const throughBatchId = Number((await knex('batches').max({ id: 'id' }).first())?.id ?? 0) || null;
  const afterBatchId = options.mode === 'incremental' ? await lastComparedBatch(knex, regionCode) : null;
  const [run] = await knex('comparison_runs').insert({
    period: options.period, mode: options.mode, rule_set: options.rules.ruleSet.id, rule_set_sm3: options.rules.sm3,
    started_at: startedAt, status: 'running', after_batch_id: afterBatchId, through_batch_id: throughBatchId, actor: options.actor.label,
    region_code: regionCode,
  }, ['id']);
  const runId = Number(typeof run === 'object' ? run.id : run);
  const context: MatchContext = {
    dialect: store.dialect, runId, period: options.period, periodEnd: lastDayOfPeriod(options.period), afterBatchId,
    batchRegions: regionCode === nationwide ? null : overlappingBatchRegions(regionCode),
    typedAttributes: options.typedAttributes ?? true,
  };
  const defaultRegion = options.defaultRegion === undefined ? await soleCounty(knex) : options.defaultRegion;

  const details: Record<string, RuleCounts> = {};
  try {
    await knex.transaction(async (trx) => {
      // PostgreSQL compiles a statement whose estimated cost passes jit_above_cost to machine code first: with the
      // facts' month statistics (migration 011) the bigger rules' estimates pass it, and compiling took longer than
      // the statement saved (1.0 s of the roster conflict's 4.4 s over 5M facts). For this transaction only.
      if (context.dialect === 'pg') await trx.raw('SET LOCAL jit = off');
      await createRunMatches(trx, context.dialect);
      for (const rule of options.rules.ruleSet.rules) {
        if (rule.enabled === false) continue;
        details[rule.id] = await applyRule(trx, rule, options, context, today, defaultRegion, regionCode);
      }
      await dropRunTable(trx, context.dialect, 'run_matches');
      const warnings = Object.values(details).reduce((sum, counts) => sum + counts.raised, 0);
      await trx('comparison_runs').where('id', runId).update({
        status: 'finished', finished_at: new Date().toISOString(), warnings_raised: warnings, by_rule: JSON.stringify(details),
      });
      await recordAudit(trx, options.actor, {
        action: 'comparison.run', outcome: 'ok', resourceType: 'comparison', resourceId: String(runId), regionCode,
        detail: `period ${options.period}, ${options.mode}, rule set ${options.rules.ruleSet.id}: ${warnings} warnings`,
      });
    });
  } catch (error) {
    await knex('comparison_runs').where('id', runId).update({ status: 'failed', finished_at: new Date().toISOString() });
    if (error instanceof Error) redactDatabaseError(error);
    throw error;
  }
  const byRule = Object.fromEntries(Object.entries(details).map(([id, counts]) => [id, counts.raised]));
  return {
    runId, period: options.period, mode: options.mode, ruleSet: options.rules.ruleSet.id,
    warnings: Object.values(byRule).reduce((a, b) => a + b, 0), byRule, details, afterBatchId, throughBatchId,
  };
}

async function applyRule(
  trx: Knex.Transaction, rule: Rule, options: ComparisonOptions, context: MatchContext, today: string, defaultRegion: string | null, regionCode: string,
): Promise<RuleCounts> {
  const { runId } = context;
  const variants = thresholdVariants(options.rules.ruleSet, rule);
  for (const variant of variants) await insertMatches(trx, rule, variant, context, variants.length === 1);
  // PostgreSQL plans the statements below from the matches' statistics, which autovacuum cannot gather inside this
  // transaction: believing the table empty, it nested-looped the group totals (103 s for one rule over 5M facts).
  // ANALYZE in the transaction samples its own new rows, in milliseconds — on the run's private table, so that it
  // locks nothing another run needs (see createRunMatches).
  if (context.dialect === 'pg') await trx.raw('ANALYZE run_matches');
  const scope = { run_id: runId, rule_id: rule.id };

  const total = groupTotal(rule);
  if (rule.match.type === 'amount') {
    // Only groups whose total (of unexempted matches) reaches the threshold stay.
    await trx.raw(`DELETE FROM run_matches WHERE run_id = ? AND rule_id = ? AND group_key NOT IN (
        SELECT group_key FROM run_matches WHERE run_id = ? AND rule_id = ? AND exemption IS NULL AND measure IS NOT NULL
         GROUP BY group_key HAVING ${total} >= MIN(threshold) * MIN(divisor))`, [runId, rule.id, runId, rule.id]);
  }

  const exempted = await countSubjects(trx, `run_id = ? AND rule_id = ? AND is_new = 1 AND subject_key NOT IN (
      SELECT subject_key FROM run_matches WHERE run_id = ? AND rule_id = ? AND exemption IS NULL)`, [runId, rule.id, runId, rule.id]);
  // A group is raised only for something new in it: facts already behind a warning of this rule do not raise it again.
  await trx.raw(`DELETE FROM run_matches WHERE run_id = ? AND rule_id = ? AND (exemption IS NOT NULL OR group_key NOT IN (
      SELECT group_key FROM run_matches WHERE run_id = ? AND rule_id = ? AND exemption IS NULL GROUP BY group_key HAVING MAX(is_new) = 1))`,
  [runId, rule.id, runId, rule.id]);
  const suppressed = await countSubjects(trx, `run_id = ? AND rule_id = ? AND subject_key IN (
      SELECT subject_key FROM warnings WHERE rule_id = ? AND status <> 'resolved' AND period <> ?)`, [runId, rule.id, rule.id, context.period]);

  const now = new Date().toISOString();
  // A deadline running into a year whose holiday notice is not out yet counts weekdays there (provisional).
  const { date: due, provisional } = options.dueDate
    ? { date: options.dueDate(today, rule.deadlineWorkingDays), provisional: false }
    : addWorkingDaysProvisionally(loadWorkingCalendar(), today, rule.deadlineWorkingDays);
  // Pushed to the township of residence (or its county, for county rules); people outside the register go to the
  // county that issued their ID number when it is ours, else to the default region. A bounded run keeps only the
  // warnings it placed within its region.
  const township = rule.handlingUnit === 'township' ? 'substr(MAX(h.residence_region), 1, 9)' : 'substr(MAX(h.residence_region), 1, 6)';
  const prefix = scopePrefix(regionCode);
  const placed = `COALESCE(${township}, MAX(issuer.code), ?)`;
  const placedBindings = [defaultRegion];
  await trx.raw(`INSERT INTO warnings (run_id, rule_id, period, subject_key, subject_cipher, subject_region, subject_name, person_id, household_id, region_code,
        handling_unit, severity, suggested_action, refer_to, measured, threshold, status, raised_on, due_on, deadline_working_days, due_provisional, created_at,
        updated_at)
      SELECT ?, ?, ?, m.subject_key, MAX(m.subject_cipher), MAX(m.subject_region), MAX(m.subject_name), MAX(m.person_id), MAX(m.household_id), ${placed},
             ?, ?, ?, ?, MAX(g.total), MAX(m.threshold), 'pending', ?, ?, ?, ?, ?, ?
        FROM run_matches m
        LEFT JOIN households h ON h.id = m.household_id
        LEFT JOIN regions issuer ON issuer.code = m.subject_region
        LEFT JOIN (SELECT group_key, ${total} / MIN(divisor) AS total FROM run_matches WHERE run_id = ? AND rule_id = ? GROUP BY group_key) g
               ON g.group_key = m.group_key
       WHERE m.run_id = ? AND m.rule_id = ?
         AND NOT EXISTS (SELECT 1 FROM warnings o WHERE o.rule_id = m.rule_id AND o.subject_key = m.subject_key AND (o.status <> 'resolved' OR o.period = ?))
       GROUP BY m.subject_key${prefix === '' ? '' : `
      HAVING substr(${placed}, 1, ?) = ?`}`,
  [runId, rule.id, context.period, ...placedBindings, rule.handlingUnit, rule.severity, rule.suggestedAction,
    rule.referTo ?? null, today, due, rule.deadlineWorkingDays, provisional, now, now, runId, rule.id, runId, rule.id, context.period,
    ...(prefix === '' ? [] : [...placedBindings, prefix.length, prefix])]);
  // The evidence joins the warnings just raised. Read into a private table and ANALYZEd there, for the same reason
  // as the matches (without statistics, 7 s for one rule's evidence), and not by ANALYZE of warnings itself, whose
  // lock would be held to the end of the run and make every other run's ANALYZE of it wait.
  await trx.raw(`CREATE TEMPORARY TABLE run_warnings${context.dialect === 'pg' ? ' ON COMMIT DROP' : ''} AS
      SELECT id, subject_key FROM warnings WHERE run_id = ? AND rule_id = ?`, [runId, rule.id]);
  // SQLite has no statistics on it either, and compared every match with every warning of the rule (0.75 s for the
  // inpatient rule's 4,834 matches × 3,624 warnings): an index on the key it is joined by.
  if (context.dialect === 'pg') await trx.raw('ANALYZE run_warnings');
  else await trx.raw('CREATE INDEX temp.run_warnings_subject ON run_warnings (subject_key)');
  await trx.raw(`INSERT INTO warning_evidence (warning_id, fact_id)
      SELECT w.id, m.fact_id FROM run_matches m JOIN run_warnings w ON w.subject_key = m.subject_key
       WHERE m.run_id = ? AND m.rule_id = ?`, [runId, rule.id]);
  await dropRunTable(trx, context.dialect, 'run_warnings');
  // No later statement reads this rule's matches: the next rule starts from an empty working set. Left in, every rule's
  // rows piled up behind the next rules' statements, and PostgreSQL's ANALYZE of the table took 120–150 ms per rule by
  // the last rules (1.43–1.66 s of a 5M-fact run, 0.11–0.13 s now).
  await trx.raw(context.dialect === 'pg' ? 'TRUNCATE run_matches' : 'DELETE FROM run_matches');
  const raised = Number((await trx('warnings').where(scope).count({ n: '*' }).first())?.n ?? 0);
  return { raised, exempted, suppressed };
}

/**
 * A rule's matches go to a temporary table first, and from there into the run's working set (run_matches):
 * - PostgreSQL never plans an INSERT … SELECT in parallel, but may CREATE TABLE … AS: the server's workers select the
 *   matches together (the inpatient rule over 5M facts: 4.9 s → 2.8 s on 2 cores);
 * - an amount rule's groups under its threshold stay behind (most of them: of 150,000 inpatient matches only the
 *   groups of 3,624 subjects go on), so the working set and its index no longer take in rows only to delete them
 *   (0.4 s of SQLite's DELETE for that rule alone). The test is the one
 *   applyRule's DELETE then makes, and it is made here only when the rule has one threshold variant: a group lies in
 *   one county, so in one variant, yet only that DELETE, over every variant's matches, is sure to see it whole.
 * Every column is cast on the way: a bare NULL or a binding leaves PostgreSQL's temporary column untyped (text).
 */
async function insertMatches(trx: Knex.Transaction, rule: Rule, variant: ThresholdVariant, context: MatchContext, onlyVariant: boolean): Promise<void> {
  const select = matchSelect(rule, variant, context);
  const columns = matchColumns.join(', ');
  if (context.dialect === 'pg') {
    await trx.raw(`CREATE TEMPORARY TABLE rule_matches (${columns}) ON COMMIT DROP AS ${select.text}`, select.bindings);
  } else {
    await trx.raw(`CREATE TEMPORARY TABLE rule_matches (${columns})`);
    await trx.raw(`INSERT INTO temp.rule_matches (${columns}) ${select.text}`, select.bindings);
  }
  const reaching = rule.match.type === 'amount' && onlyVariant
    ? ` WHERE group_key IN (SELECT group_key FROM rule_matches WHERE exemption IS NULL AND measure IS NOT NULL
          GROUP BY group_key HAVING ${groupTotal(rule)} >= MIN(threshold) * MIN(divisor))`
    : '';
  await trx.raw(`INSERT INTO run_matches (${columns})
      SELECT ?, ?, CAST(fact_id AS BIGINT), CAST(subject_key AS TEXT), CAST(subject_cipher AS TEXT), CAST(subject_region AS TEXT), CAST(subject_name AS TEXT),
             CAST(person_id AS INTEGER),
             CAST(household_id AS INTEGER), CAST(group_key AS TEXT), CAST(measure AS BIGINT), CAST(threshold AS BIGINT), CAST(divisor AS INTEGER),
             CAST(is_new AS INTEGER), CAST(exemption AS TEXT), CAST(restating AS INTEGER)
        FROM rule_matches${reaching}`, [context.runId, rule.id]);
  await trx.raw('DROP TABLE rule_matches');
}

/**
 * How an amount rule totals a group's measures. With restating kinds, the largest of their amounts counts once
 * (a wage and the contribution base it sets are one income) and every other amount is added to it (a pension, an
 * unemployment benefit), all in the one GROUP BY.
 */
export function groupTotal(rule: Rule): string {
  if (rule.match.type !== 'amount') return 'SUM(measure)';
  if ((rule.match.restating ?? []).length > 0) {
    return '(COALESCE(MAX(CASE WHEN restating = 1 THEN measure END), 0) + COALESCE(SUM(CASE WHEN restating = 0 THEN measure END), 0))';
  }
  return rule.match.aggregate === 'max' ? 'MAX(measure)' : 'SUM(measure)';
}

/**
 * The run's working set (matches before grouping, deduplication and exemptions), private to the run's connection:
 * a temporary table shaped like comparison_matches, which the migrations keep as its template. One table shared by
 * all runs would be ANALYZEd inside each run, and ANALYZE holds its lock to the end of the transaction, so runs of
 * different counties at once would wait for one another rule by rule; a temporary table is seen and locked by its
 * own session alone. PostgreSQL drops it at commit or rollback; SQLite drops it with dropRunTable (and a rollback
 * undoes its creation).
 */
async function createRunMatches(trx: Knex.Transaction, dialect: Store['dialect']): Promise<void> {
  if (dialect === 'pg') {
    await trx.raw('CREATE TEMPORARY TABLE run_matches (LIKE comparison_matches INCLUDING DEFAULTS INCLUDING INDEXES) ON COMMIT DROP');
  } else {
    await trx.raw('CREATE TEMPORARY TABLE run_matches AS SELECT * FROM comparison_matches WHERE 0');
    await trx.raw('CREATE INDEX temp.run_matches_group ON run_matches (run_id, rule_id, group_key)');
  }
}

/** Drops one of the run's temporary tables now: SQLite keeps them for the connection's life, PostgreSQL to the commit. */
async function dropRunTable(trx: Knex.Transaction, dialect: Store['dialect'], table: 'run_matches' | 'run_warnings'): Promise<void> {
  await trx.raw(`DROP TABLE ${dialect === 'sqlite' ? 'temp.' : ''}${table}`);
}

async function countSubjects(trx: Knex.Transaction, where: string, bindings: (string | number)[]): Promise<number> {
  const result = await trx.raw(`SELECT COUNT(DISTINCT subject_key) AS n FROM run_matches WHERE ${where}`, bindings);
  const rows = Array.isArray(result) ? result : (result as { rows: { n: number | string }[] }).rows;
  return Number(rows[0]?.n ?? 0);
}

/** The last batch a finished run of the same region considered: an incremental run looks at what came after it. */
async function lastComparedBatch(knex: Knex, regionCode: string): Promise<number | null> {
  const row = await knex('comparison_runs').where({ status: 'finished', region_code: regionCode }).max({ id: 'through_batch_id' }).first();
  return row?.id === null || row?.id === undefined ? null : Number(row.id);
}

/** With one county in the register, warnings about outsiders go there; with several, they wait unassigned. */
async function soleCounty(knex: Knex): Promise<string | null> {
  const counties = await knex('regions').where('level', 'county').pluck('code');
  return counties.length === 1 ? String(counties[0]) : null;
}

/**
 * The batch regions a run bounded to `regionCode` reads: every region containing it (the province's and the
 * nation's batches feed a county's run) and every region within it (a city's run reads its counties' batches).
 */
function overlappingBatchRegions(regionCode: string): { containing: string[]; within: { low: string; high: string } } {
  const prefix = scopePrefix(regionCode);
  const containing = new Set([nationwide, regionCode]);
  if (prefix.length >= 2) containing.add(`${prefix.slice(0, 2)}0000`);
  if (prefix.length >= 4) containing.add(`${prefix.slice(0, 4)}00`);
  if (prefix.length >= 6) containing.add(prefix.slice(0, 6));
  if (prefix.length >= 9) containing.add(prefix.slice(0, 9));
  return { containing: [...containing], within: prefixRange(prefix) };
}
