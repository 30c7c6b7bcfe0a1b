/**
 * A month's roll as every consumer reads it (exports, reports, totals, the bank file): a closed month from its stored
 * lines, never recomputed, so what was signed is what is shown; an open month compiled from the register now.
 */
import type { Knex } from 'knex';
import { changesOfRoll, findClosedRoll, linesOfRoll, type ClosedRoll } from '../store/repositories/payroll-rolls.js';
import type { StandardsBook } from './benefit-standards.js';
import { compileRoll, type CompiledPage } from './compile-roll.js';

export interface RollSource {
  closed: ClosedRoll | undefined;
  pages: AsyncGenerator<CompiledPage>;
}

export async function rollPages(knex: Knex, countyCode: string, month: string, book: StandardsBook): Promise<RollSource> {
  const closed = await findClosedRoll(knex, countyCode, month);
  if (!closed) return { closed, pages: compileRoll(knex, { countyCode, month, book }) };
  return {
    closed,
    pages: (async function* storedPages() {
      let changes = await changesOfRoll(knex, closed.id);
      for await (const lines of linesOfRoll(knex, closed.id)) {
        yield { lines, changes, problems: [] };
        changes = [];
      }
    })(),
  };
}
