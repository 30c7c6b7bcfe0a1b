import type { Knex } from 'knex';

/**
 * PostgreSQL: facts indexed by (kind, month), the month being what the comparison engine's window reads —
 * `factMonth` in gateway/engine/rule-sql.ts, which must stay the same expression, written the same way, or the
 * planner will not match it (test/engine/comparison-plans.test.ts checks that it does). Two things come of it:
 * - a rule with a short window (the month compared, or two) reads that month's facts of its kinds, not the whole
 *   year's — the income rule over 5M facts scanned 1.5M contributions and wages to keep 110,000;
 * - ANALYZE keeps statistics on an index's expressions, so the planner knows how many facts a window keeps. With
 *   none it guessed 0.5 % (46 rows for 185,000), chose nested loops and probed the register once per fact.
 * The month is COALESCE(period, the month of occurred_on). to_char, which the engine used before, is only STABLE
 * and cannot be indexed; EXTRACT on a date is IMMUTABLE and gives the same text for every date (checked in the
 * test), years below 1000 included.
 *
 * SQLite gets no such index: it reads a kind's rows in table order through facts_kind_index (migration 009) and
 * works out the month from the row it has in hand, which costs less than what a fifth index would add to every
 * import; and its planner does not estimate from statistics the run has no way to keep current.
 */
const month = "COALESCE(period::text, lpad(extract(year FROM occurred_on)::int::text, 4, '0') || '-' || lpad(extract(month FROM occurred_on)::int::text, 2, '0'))";

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(`CREATE INDEX facts_kind_month_index ON facts (kind, (${month}))`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('DROP INDEX IF EXISTS facts_kind_month_index');
}
