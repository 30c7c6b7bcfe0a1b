import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditGroupCommit } from '../../gateway/audit/audit-group-commit.js';
import { createStore } from '../../gateway/store/connect.js';
import { chainKeys, township } from '../helpers/audit-chain.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

describe.each(dialects)('appending the entries of reads together on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect, { referenceData: false });
    // An entry the database refuses, whatever the dialect: the stand-in for one that cannot be stored.
    if (dialect === 'sqlite') {
      await store.knex.raw("CREATE TRIGGER refuse_poison BEFORE INSERT ON audit_log WHEN NEW.action = 'test.poison' BEGIN SELECT RAISE(ABORT, 'poisoned entry'); END");
    } else {
      await store.knex.raw(`CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN
        IF NEW.action = 'test.poison' THEN RAISE EXCEPTION 'poisoned entry'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await store.knex.raw('CREATE TRIGGER refuse_poison BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_poison()');
    }
  });
  afterAll(async () => store.dispose());

  /** Counts the INSERTs into audit_log while `work` runs: one per transaction that appended. */
  async function insertsDuring(work: () => Promise<unknown>): Promise<number> {
    let inserts = 0;
    const count = (query: { sql: string }) => {
      if (query.sql.startsWith('INSERT INTO audit_log')) inserts += 1;
    };
    store.knex.on('query', count);
    try {
      await work();
    } finally {
      store.knex.removeListener('query', count);
    }
    return inserts;
  }

  it('appends entries handed in together in one transaction, each caller getting its own entry, in the order handed in', async () => {
    const entries = createAuditGroupCommit(store.knex);
    const before = Number((await store.knex('audit_head').first('seq')).seq);
    let ids: number[] = [];
    const inserts = await insertsDuring(async () => {
      ids = await Promise.all(Array.from({ length: 30 }, (_, n) => entries.append(township, {
        action: 'person.read', outcome: 'ok', resourceType: 'person', resourceId: String(n), subjectPersonIds: [n + 1, n + 100],
      })));
    });
    expect(inserts).toBe(1);
    const rows = await store.knex('audit_log').whereIn('id', ids).select('id', 'seq', 'resource_id');
    const byId = new Map(rows.map((row) => [Number(row.id), row]));
    expect(ids.map((id) => byId.get(id)?.resource_id)).toEqual(Array.from({ length: 30 }, (_, n) => String(n)));
    expect(ids.map((id) => Number(byId.get(id)?.seq))).toEqual(Array.from({ length: 30 }, (_, n) => before + n + 1));
    const subjects = await store.knex('audit_subjects').where('audit_id', ids[7]!).orderBy('person_id').pluck('person_id');
    expect(subjects.map(Number)).toEqual([8, 107]);
    expect((await chainKeys(store.knex).verify()).problem).toBeNull();
  });

  it('fails only the caller whose entry cannot be stored; the others are appended and the chain stays whole', async () => {
    const entries = createAuditGroupCommit(store.knex);
    const results = await Promise.allSettled(['a', 'b', 'poison', 'c', 'd'].map((name) => entries.append(township, {
      action: name === 'poison' ? 'test.poison' : 'person.read', outcome: 'ok', resourceType: 'person', resourceId: `group-${name}`,
    })));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toContain('poisoned entry');
    expect((await store.knex('audit_log').where('resource_id', 'like', 'group-%').orderBy('seq').pluck('resource_id'))).toEqual(['group-a', 'group-b', 'group-c', 'group-d']);
    expect((await chainKeys(store.knex).verify()).problem).toBeNull();
  });

  it('settles once every entry handed in is committed, and starts again for entries that come later', async () => {
    const entries = createAuditGroupCommit(store.knex);
    const first = entries.append(township, { action: 'person.read', outcome: 'ok', resourceId: 'settle-1' });
    const second = entries.append(township, { action: 'person.read', outcome: 'ok', resourceId: 'settle-2' });
    await entries.settled();
    expect(await store.knex('audit_log').whereIn('resource_id', ['settle-1', 'settle-2']).count({ n: '*' }).first()).toMatchObject({ n: 2 });
    await Promise.all([first, second]);
    await entries.append(township, { action: 'person.read', outcome: 'ok', resourceId: 'settle-3' });
    expect(await store.knex('audit_log').where('resource_id', 'settle-3').count({ n: '*' }).first()).toMatchObject({ n: 1 });
  });
});

it('rejects every waiting caller when no transaction can begin, instead of leaving them waiting', async () => {
  const closed = createStore({ client: 'sqlite', filename: ':memory:' });
  await closed.close();
  const entries = createAuditGroupCommit(closed.knex);
  const results = await Promise.allSettled([1, 2, 3].map((n) => entries.append(township, { action: 'person.read', outcome: 'ok', resourceId: String(n) })));
  expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
  await entries.settled();
});
