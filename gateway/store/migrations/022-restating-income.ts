import type { Knex } from 'knex';

/**
 * comparison_matches.restating: 1 for a match whose amount restates another's (a wage and the contribution base it
 * sets), 0 for one that adds to it (a pension, an unemployment benefit). An amount rule with `restating` kinds totals
 * a group as the largest restating amount plus the sum of the others (gateway/engine/compare.ts groupTotal). The table
 * is a run's working set, emptied when the run ends, so the column needs no back-fill.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('comparison_matches', (t) => {
    t.integer('restating').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('comparison_matches', (t) => {
    t.dropColumn('restating');
  });
}
