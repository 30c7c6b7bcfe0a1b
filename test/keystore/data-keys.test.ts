import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CryptoError } from '../../gateway/crypto/crypto-error.js';
import { openDataKeyring, type DataKeyring } from '../../gateway/keystore/data-keys.js';
import { createStore, type StoreConnection } from '../../gateway/store/connect.js';
import { migrateToLatest } from '../../gateway/store/migrations/index.js';
import { dialects, openTestConnection, type TestConnection } from '../helpers/dialects.js';

const run = promisify(execFile);
const keyringProcess = fileURLToPath(new URL('../helpers/data-keyring-process.ts', import.meta.url));

const wrongMasterKeySentence =
  "the master key does not open this store's data keys: JIUZHU_MASTER_KEY or the key file is not the one this store was created with";

async function fieldKeys(store: StoreConnection) {
  return store.knex('data_keys').where({ purpose: 'field' }).orderBy('id').select('id', 'status');
}

/** Counts the keyring's reads of data_keys, to tell a reload from none. */
function countKeyReads(store: StoreConnection): { readonly count: number } {
  const counter = { count: 0 };
  store.knex.on('query', (query: { sql: string }) => {
    if (/^select \* from ["`]data_keys["`]/.test(query.sql)) counter.count++;
  });
  return counter;
}

describe.each(dialects)('the data keyring on %s', (dialect) => {
  let store: TestConnection;
  const masterKey = randomBytes(32);
  let keyring: DataKeyring;

  beforeAll(async () => {
    store = await openTestConnection(dialect, { referenceData: false });
    keyring = await openDataKeyring({ knex: store.knex, masterKey });
  });
  afterAll(async () => store.dispose());

  it('creates one active field key and one blind-index key on first use, sealed, and finds the same ones next time', async () => {
    const rows = await store.knex('data_keys').orderBy('id');
    expect(rows.map((row) => [row.purpose, row.status])).toEqual([['field', 'active'], ['blind-index', 'active']]);
    const { encryptionKeyHex, authenticationKeyHex } = keyring.revealFieldKey(keyring.activeFieldKeyId);
    for (const row of rows) {
      expect(row.key_sealed).toMatch(/^v1:/);
      expect(Buffer.from(row.key_sealed.slice(3), 'base64').toString('hex')).not.toContain(encryptionKeyHex.slice(0, 8));
      expect(Buffer.from(row.key_sealed.slice(3), 'base64').toString('hex')).not.toContain(authenticationKeyHex.slice(0, 8));
    }

    const again = await openDataKeyring({ knex: store.knex, masterKey });
    expect(await store.knex('data_keys').count({ n: '*' }).first()).toMatchObject({ n: 2 });
    expect(again.activeFieldKeyId).toBe(keyring.activeFieldKeyId);
    expect(await again.decrypt(keyring.encrypt('110101199003077777'))).toBe('110101199003077777');
    expect(again.blindIndex('id-number', '110101199003077777')).toBe(keyring.blindIndex('id-number', '110101199003077777'));
  });

  it('refuses another master key with the one sentence an operator needs', async () => {
    const opening = openDataKeyring({ knex: store.knex, masterKey: randomBytes(32) });
    await expect(opening).rejects.toBeInstanceOf(CryptoError);
    await expect(opening).rejects.toMatchObject({ code: 'bad-key', message: `[crypto] ${wrongMasterKeySentence}` });
  });

  it('says which row was altered when the master key opens the other keys but not that one, the first row included', async () => {
    const [field] = await store.knex('data_keys').where({ purpose: 'field', status: 'active' }).select('id', 'key_sealed');
    const [blind] = await store.knex('data_keys').where({ purpose: 'blind-index' }).select('key_sealed');
    expect(field.id).toBeLessThan((await store.knex('data_keys').where({ purpose: 'blind-index' }).first()).id);
    try {
      // The blind-index key's seal in the field key's row: a valid seal, but under the other purpose.
      await store.knex('data_keys').where({ id: field.id }).update({ key_sealed: blind.key_sealed });
      const opening = openDataKeyring({ knex: store.knex, masterKey });
      await expect(opening).rejects.toMatchObject({ code: 'bad-key' });
      await expect(opening).rejects.toThrow(`data key ${field.id} (field) does not open with the master key that opens the others`);
    } finally {
      await store.knex('data_keys').where({ id: field.id }).update({ key_sealed: field.key_sealed });
    }
  });

  it('keeps nulls as nulls and order as given in encryptMany and decryptMany', async () => {
    const texts = keyring.encryptMany(['a', null, '张伟', null]);
    expect(texts[1]).toBeNull();
    expect(texts[3]).toBeNull();
    expect(await keyring.decryptMany(texts)).toEqual(['a', null, '张伟', null]);
  });

  it('lists keys without their material', async () => {
    const listed = await keyring.list();
    expect(listed.map((key) => key.purpose)).toEqual(['field', 'blind-index']);
    expect(JSON.stringify(listed)).not.toContain('v1:');
    expect(listed[0]).toEqual({ id: keyring.activeFieldKeyId, purpose: 'field', status: 'active', createdAt: expect.any(String), retiredAt: null });
  });

  it('lets the database refuse a second active field key and a second blind-index key, whoever writes', async () => {
    const [field] = await store.knex('data_keys').where({ purpose: 'field', status: 'active' }).select('key_sealed');
    const row = { key_sealed: field.key_sealed, created_at: new Date().toISOString() };
    await expect(store.knex('data_keys').insert({ ...row, purpose: 'field', status: 'active' })).rejects.toThrow();
    await expect(store.knex('data_keys').insert({ ...row, purpose: 'blind-index', status: 'retired' })).rejects.toThrow();
    await expect(store.knex('data_keys').insert({ ...row, purpose: 'spare', status: 'active' })).rejects.toThrow();
  });

  describe('when another process rotates', () => {
    let writer: DataKeyring;
    let reader: DataKeyring;
    let reads: { readonly count: number };

    beforeAll(async () => {
      writer = await openDataKeyring({ knex: store.knex, masterKey });
      reader = await openDataKeyring({ knex: store.knex, masterKey });
      reads = countKeyReads(store);
    });

    it('decrypts a value under a key it has not seen after one reload of the table', async () => {
      const before = reader.activeFieldKeyId;
      const rotation = await writer.startFieldKeyRotation();
      expect(rotation).toMatchObject({ fromKeyIds: [before], resumed: false });
      expect(writer.activeFieldKeyId).toBe(rotation.toKeyId);
      const text = writer.encrypt('13800138000');
      expect(text.startsWith(`jzf1.${rotation.toKeyId}.`)).toBe(true);

      const readsBefore = reads.count;
      expect(await reader.decrypt(text)).toBe('13800138000');
      expect(reads.count - readsBefore).toBe(1);
      expect(reader.activeFieldKeyId).toBe(rotation.toKeyId);
      expect(await reader.decryptMany([text, writer.encrypt('x')])).toEqual(['13800138000', 'x']);
      expect(reads.count - readsBefore).toBe(1);
    });

    it('still decrypts under the retiring and then the retired key', async () => {
      const [old] = (await fieldKeys(store)).filter((row) => row.status === 'retiring');
      const oldText = keyring.encrypt('6222021234567890123');
      expect(oldText.startsWith(`jzf1.${old.id}.`)).toBe(true);
      await writer.retireFieldKeys([old.id]);
      expect((await fieldKeys(store)).find((row) => row.id === old.id)?.status).toBe('retired');
      expect(await writer.decrypt(oldText)).toBe('6222021234567890123');
      expect(await (await openDataKeyring({ knex: store.knex, masterKey })).decrypt(oldText)).toBe('6222021234567890123');
    });

    it('fails with unknown-key after one reload when the key is in no row', async () => {
      const text = writer.encrypt('x').replace(/^jzf1\.\d+\./, 'jzf1.999.');
      const readsBefore = reads.count;
      await expect(reader.decrypt(text)).rejects.toMatchObject({ code: 'unknown-key' });
      expect(reads.count - readsBefore).toBe(1);
    });

    it('moves its writers to the new key when refreshed, by hand or on a timer', async () => {
      const stale = await openDataKeyring({ knex: store.knex, masterKey });
      const rotation = await writer.startFieldKeyRotation();
      expect(stale.activeFieldKeyId).not.toBe(rotation.toKeyId);
      const stop = stale.startRefreshing(10, (error) => {
        throw error;
      });
      try {
        await expect.poll(() => stale.activeFieldKeyId, { timeout: 5000, interval: 10 }).toBe(rotation.toKeyId);
      } finally {
        stop();
      }
      expect(stale.encrypt('x').startsWith(`jzf1.${rotation.toKeyId}.`)).toBe(true);
      await writer.retireFieldKeys(rotation.fromKeyIds);
    });
  });

  it('uses up no key ids when it opens a store that has its keys: the next key is the next small integer', async () => {
    const fresh = await openTestConnection(dialect, { referenceData: false });
    try {
      const first = await openDataKeyring({ knex: fresh.knex, masterKey });
      for (let i = 0; i < 3; i++) await openDataKeyring({ knex: fresh.knex, masterKey });
      expect(first.activeFieldKeyId).toBe(1);
      expect((await first.startFieldKeyRotation()).toKeyId).toBe(3);
    } finally {
      await fresh.dispose();
    }
  });

  it('continues a rotation in progress instead of making a second new key', async () => {
    const first = await keyring.startFieldKeyRotation();
    const second = await keyring.startFieldKeyRotation();
    expect(second).toEqual({ ...first, resumed: true });
    expect((await fieldKeys(store)).filter((row) => row.status === 'active')).toEqual([{ id: first.toKeyId, status: 'active' }]);
    await keyring.retireFieldKeys(first.fromKeyIds);
  });
});

describe('two processes opening one store for the first time together', () => {
  const stores: StoreConnection[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  it('end with one field key and one blind-index key on SQLite, both processes using them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jiuzhu-data-keys-'));
    try {
      const filename = join(dir, 'store.db');
      const store = createStore({ client: 'sqlite', filename });
      stores.push(store);
      await migrateToLatest(store.knex);
      const masterKey = randomBytes(32);
      // Both start at one instant, once each has loaded its modules (about a second under tsx).
      const startAt = String(Date.now() + 2500);
      const opened = await Promise.all([0, 1].map(() => run(process.execPath, ['--import', 'tsx', keyringProcess, filename, masterKey.toString('hex'), startAt])));
      const [a, b] = opened.map(({ stdout }) => JSON.parse(stdout) as { activeFieldKeyId: number; text: string; blindIndex: string });
      const rows = await store.knex('data_keys').orderBy('id');
      expect(rows.map((row) => row.purpose)).toEqual(['field', 'blind-index']);
      expect(a!.activeFieldKeyId).toBe(b!.activeFieldKeyId);
      expect(a!.blindIndex).toBe(b!.blindIndex);
      const keyring = await openDataKeyring({ knex: store.knex, masterKey });
      expect(await keyring.decryptMany([a!.text, b!.text])).toEqual(['110101199003077777', '110101199003077777']);
    } finally {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await rm(dir, { recursive: true, force: true });
    }
  });

  // PostgreSQL only, like every test that needs TEST_PG_URL: with SQLite alone these two cases are not made at all.
  const postgres = dialects.filter((dialect) => dialect === 'pg');

  it.each(postgres)('end with one field key and one blind-index key on PostgreSQL, ten times over', async (dialect) => {
    for (let round = 0; round < 10; round++) {
      const store = await openTestConnection(dialect, { referenceData: false });
      try {
        const [{ schema }] = (await store.knex.raw('select current_schema() as schema')).rows;
        stores.push(createStore({ client: 'pg', connectionString: process.env.TEST_PG_URL!, searchPath: schema }), createStore({ client: 'pg', connectionString: process.env.TEST_PG_URL!, searchPath: schema }));
        await expectOneKeyEach(stores);
      } finally {
        await Promise.all(stores.splice(0).map((s) => s.close()));
        await store.dispose();
      }
    }
  });

  it.each(postgres)('start one rotation on PostgreSQL when two start at once: the second continues the first', async (dialect) => {
    const store = await openTestConnection(dialect, { referenceData: false });
    try {
      const [{ schema }] = (await store.knex.raw('select current_schema() as schema')).rows;
      stores.push(createStore({ client: 'pg', connectionString: process.env.TEST_PG_URL!, searchPath: schema }), createStore({ client: 'pg', connectionString: process.env.TEST_PG_URL!, searchPath: schema }));
      const masterKey = randomBytes(32);
      const [a, b] = await Promise.all(stores.map((s) => openDataKeyring({ knex: s.knex, masterKey })));
      const rotations = await Promise.all([a!.startFieldKeyRotation(), b!.startFieldKeyRotation()]);
      expect(rotations.map((r) => r.resumed).sort()).toEqual([false, true]);
      expect(rotations[0]!.toKeyId).toBe(rotations[1]!.toKeyId);
      expect((await fieldKeys(store)).map((row) => row.status)).toEqual(['retiring', 'active']);
    } finally {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await store.dispose();
    }
  });
});

async function expectOneKeyEach(stores: StoreConnection[]): Promise<void> {
  const masterKey = randomBytes(32);
  const keyrings = await Promise.all(stores.map((store) => openDataKeyring({ knex: store.knex, masterKey })));
  const rows = await stores[0]!.knex('data_keys').orderBy('id');
  expect(rows.filter((row) => row.purpose === 'field')).toHaveLength(1);
  expect(rows.filter((row) => row.purpose === 'blind-index')).toHaveLength(1);
  const [a, b] = keyrings as [DataKeyring, DataKeyring];
  expect(a.activeFieldKeyId).toBe(b.activeFieldKeyId);
  expect(await b.decrypt(a.encrypt('110101199003077777'))).toBe('110101199003077777');
  expect(a.blindIndex('phone', '13800138000')).toBe(b.blindIndex('phone', '13800138000'));
}
