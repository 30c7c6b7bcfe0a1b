import type { Knex } from 'knex';

/**
 * facts.person_id: every fact whose subject is a register person points at that person, whichever came first. The
 * comparison on SQLite joins facts to the register on it (rule-sql.ts personJoin), and the payment roll reads a
 * member's deaths and cremations by it: an integer key found in the persons table itself, where the blind index
 * (subject_key = id_key) took a probe of the persons' id_key index first, and SQLite's match queries took twice as long
 * (docs/benchmarks.md). Kept by:
 * - a feed import: on SQLite as it writes each chunk (the persons found by the region check's query), on PostgreSQL
 *   after its load, which a query per chunk would interrupt (linkBatchFactsSql, in the import's transaction);
 * - a person's registration, for facts received before it (linkFactsToPerson);
 * - the demo seed, for facts already in the store (linkUnlinkedFactsSql);
 * - migration 027, for stores written before this rule held.
 * Facts are never moved from one person to another: an ID number belongs to one register person (id_key is unique)
 * and neither is rewritten.
 *
 * On PostgreSQL an import and a registration at the same moment could each link before the other commits, and each
 * statement sees only what was committed when it began: the fact would stay unlinked. Both take one transaction-level
 * advisory lock before they link (factLinkLockSql), so the second links after the first has committed. SQLite has
 * one writer at a time already.
 */

/** The advisory lock both sides take on PostgreSQL; null on SQLite. Held to the end of the transaction. */
export function factLinkLockSql(dialect: 'sqlite' | 'pg'): string | null {
  // A constant no other part of the gateway uses as an advisory lock key: 0x6a7a0001, "jz" and 1.
  return dialect === 'pg' ? 'SELECT pg_advisory_xact_lock(1786380289)' : null;
}

/** Links one batch's facts not linked yet (binds the batch id). A join, not a subquery per fact: only matched rows are rewritten. */
export const linkBatchFactsSql = 'UPDATE facts SET person_id = p.id FROM persons p WHERE p.id_key = facts.subject_key AND facts.batch_id = ? AND facts.person_id IS NULL';

/** Links every fact not linked yet whose subject is in the register. */
export const linkUnlinkedFactsSql = 'UPDATE facts SET person_id = p.id FROM persons p WHERE p.id_key = facts.subject_key AND facts.person_id IS NULL';

/** Facts received about a person before they were registered, found by the blind index, now point at them. */
export async function linkFactsToPerson(db: Knex.Transaction, personId: number, idKey: string): Promise<void> {
  const lock = factLinkLockSql(db.client.config.client === 'pg' ? 'pg' : 'sqlite');
  if (lock) await db.raw(lock);
  await db('facts').where('subject_key', idKey).whereNull('person_id').update({ person_id: personId });
}
