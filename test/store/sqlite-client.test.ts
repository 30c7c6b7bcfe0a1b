import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore, type StoreConnection } from '../../gateway/store/connect.js';

describe('the SQLite client keeps prepared statements', () => {
  let store: StoreConnection;
  let prepared: string[];

  beforeEach(async () => {
    store = createStore({ client: 'sqlite', filename: ':memory:' });
    // The pool's one connection, its prepare() counted.
    const connection = (await store.knex.client.acquireConnection()) as Database.Database;
    const prepare = connection.prepare.bind(connection);
    prepared = [];
    connection.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof connection.prepare;
    await store.knex.client.releaseConnection(connection);
    await store.knex.schema.createTable('t', (t) => {
      t.increments('id');
      t.string('name');
    });
    prepared.length = 0;
  });
  afterEach(async () => store.close());

  it('prepares a query once and answers it right every time after', async () => {
    for (const name of ['一', '二', '三']) await store.knex('t').insert({ name });
    for (const id of [1, 2, 3, 2]) expect(await store.knex('t').where('id', id).first('name')).toEqual({ name: ['一', '二', '三'][id - 1] });
    expect(prepared.filter((sql) => sql.startsWith('insert'))).toHaveLength(1);
    expect(prepared.filter((sql) => sql.startsWith('select'))).toHaveLength(1);
  });

  it('gives a kept statement the columns of a table changed after it was prepared', async () => {
    await store.knex('t').insert({ name: 'a' });
    expect(await store.knex('t').select('*')).toEqual([{ id: 1, name: 'a' }]);
    await store.knex.schema.alterTable('t', (t) => t.integer('age').defaultTo(7));
    expect(await store.knex('t').select('*')).toEqual([{ id: 1, name: 'a', age: 7 }]);
  });

  it('keeps at most 500 statements per connection, dropping the least recently used', async () => {
    await store.knex('t').where('id', 1).first();
    for (let n = 0; n < 500; n += 1) await store.knex.raw(`select ${n} as n`);
    await store.knex('t').where('id', 1).first();
    expect(prepared.filter((sql) => sql.startsWith('select * from `t`'))).toHaveLength(2);
  });

  it('runs a write and reports what it changed as knex expects', async () => {
    const [id] = await store.knex('t').insert({ name: 'x' });
    expect(id).toBe(1);
    expect(await store.knex('t').where('id', 1).update({ name: 'y' })).toBe(1);
    expect(await store.knex('t').where('id', 2).update({ name: 'y' })).toBe(0);
  });
});
