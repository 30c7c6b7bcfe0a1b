import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { exchangeConfigFrom } from '../../gateway/config.js';
import { fieldKeyIdOf } from '../../gateway/crypto/field-cipher.js';
import { runDemoMonth } from '../../gateway/demo/month/run-demo-month.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { isValidIdNumber } from '../../gateway/identity/id-number.js';
import { openDataKeyring } from '../../gateway/keystore/data-keys.js';
import type { Store } from '../../gateway/store/connect.js';
import { migrateToLatest } from '../../gateway/store/migrations/index.js';
import { openMigratedStore } from '../../gateway/store/open-store.js';
import { storedAttributes } from '../../gateway/store/fact-attributes.js';
import { idNumberKey, protectedColumns } from '../../gateway/store/personal-data.js';
import { dialects, openTestConnection, openTestStore, type TestStore } from '../helpers/dialects.js';

/**
 * Personal data at rest (issue 10): a demo month — the register seeded, every department's file imported with its
 * rejected rows, the month compared, warnings handled into cases, visits and referrals, the liaison roster filed — and
 * then the store's bytes searched for every ID number, phone and account number the month involved. None may be there in clear: not in the
 * SQLite file, not in its write-ahead log, not in a pg_dump of the PostgreSQL store.
 */

/** Every run of digits (an ID number may end in X) long enough to be a phone, an ID number or an account. */
function digitRuns(text: string): string[] {
  return text.match(/[0-9]{11,}[0-9Xx]?/g) ?? [];
}

/** The values of `wanted` found anywhere inside the text's digit runs. */
function clearValuesIn(text: string, wanted: ReadonlySet<string>, lengths: readonly number[]): string[] {
  const found = new Set<string>();
  for (const run of digitRuns(text)) {
    for (const length of lengths) {
      for (let at = 0; at + length <= run.length; at += 1) {
        const piece = run.slice(at, at + length).toUpperCase();
        if (wanted.has(piece)) found.add(piece);
      }
    }
  }
  return [...found];
}

interface Secrets {
  idNumbers: Set<string>;
  phones: Set<string>;
  accounts: Set<string>;
}

/** What the month handled: the register's numbers (decrypted through the gateway) and every ID number in its files. */
async function secretsOf(store: Store, outDir: string): Promise<Secrets> {
  const persons: { id_cipher: string; phone_cipher: string | null }[] = await store.knex('persons').select('id_cipher', 'phone_cipher');
  const idNumbers = new Set(await store.keyring.decryptMany(persons.map((p) => p.id_cipher)));
  const phones = new Set((await store.keyring.decryptMany(persons.map((p) => p.phone_cipher))).filter((p): p is string => p !== null));
  const liaisons: { leader_phone_cipher: string; staff_phone_cipher: string }[] = await store.knex('liaison_contacts').select('leader_phone_cipher', 'staff_phone_cipher');
  for (const phone of await store.keyring.decryptMany(liaisons.flatMap((l) => [l.leader_phone_cipher, l.staff_phone_cipher]))) phones.add(phone);
  const accounts = new Set(await store.keyring.decryptMany(await store.knex('bank_accounts').pluck('account_cipher')));
  const feeds = join(outDir, 'feeds');
  for (const file of readdirSync(feeds)) {
    const text = readFileSync(join(feeds, file), 'latin1');
    for (const run of text.match(/[0-9]{17}[0-9Xx]/g) ?? []) if (isValidIdNumber(run.toUpperCase())) idNumbers.add(run.toUpperCase());
  }
  return { idNumbers, phones, accounts };
}

function expectNothingInClear(bytes: string, secrets: Secrets, where: string): void {
  expect(clearValuesIn(bytes, secrets.idNumbers, [18]), `ID numbers in ${where}`).toEqual([]);
  expect(clearValuesIn(bytes, secrets.phones, [11]), `phones in ${where}`).toEqual([]);
  const accountLengths = [...new Set([...secrets.accounts].map((a) => a.length))];
  expect(clearValuesIn(bytes, secrets.accounts, accountLengths), `accounts in ${where}`).toEqual([]);
}

describe('a demo month leaves no ID number, phone or account number in clear', () => {
  const rules = loadRuleSet();

  it('in the SQLite file or its write-ahead log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-at-rest-'));
    const exchange = exchangeConfigFrom({ JIUZHU_MASTER_KEY: randomBytes(32).toString('hex') });
    const { store } = await openMigratedStore({ database: { client: 'sqlite', filename: join(dir, 'jiuzhu.db') }, exchange });
    try {
      const outDir = join(dir, 'month');
      await runDemoMonth(store, { period: '2024-05', outDir, rules, actor: commandLineActor('test'), today: '2024-06-12' });
      const secrets = await secretsOf(store, outDir);
      expect(secrets.idNumbers.size).toBeGreaterThan(9_000);
      expect(secrets.phones.size).toBeGreaterThan(3_000);
      expect(secrets.accounts.size).toBeGreaterThan(3_000);
      // Read while the store is open, so the write-ahead log still holds the latest pages.
      expect(existsSync(join(dir, 'jiuzhu.db-wal'))).toBe(true);
      expectNothingInClear(readFileSync(join(dir, 'jiuzhu.db'), 'latin1'), secrets, 'the SQLite file');
      expectNothingInClear(readFileSync(join(dir, 'jiuzhu.db-wal'), 'latin1'), secrets, 'the write-ahead log');
      // The search finds what is there: the month's own files hold the numbers in clear.
      const feeds = readdirSync(join(outDir, 'feeds')).map((file) => readFileSync(join(outDir, 'feeds', file), 'latin1')).join('\n');
      expect(clearValuesIn(feeds, secrets.idNumbers, [18]).length).toBeGreaterThan(100);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it.each(dialects.filter((dialect) => dialect === 'pg'))('in a pg_dump of the PostgreSQL store', async (dialect) => {
    const store = await openTestStore(dialect);
    const outDir = mkdtempSync(join(tmpdir(), 'jiuzhu-at-rest-pg-'));
    try {
      await runDemoMonth(store, { period: '2024-05', outDir, rules, actor: commandLineActor('test'), today: '2024-06-12' });
      const secrets = await secretsOf(store, outDir);
      const [{ schema }] = (await store.knex.raw('SELECT current_schema() AS schema')).rows;
      const dump = execFileSync('pg_dump', ['--data-only', `--schema=${schema}`, process.env.TEST_PG_URL!], { maxBuffer: 1 << 30 }).toString('latin1');
      expect(dump).toContain('COPY');
      expectNothingInClear(dump, secrets, 'pg_dump');
    } finally {
      await store.dispose();
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe.each(dialects)('the protected columns on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect, { referenceData: false });
  });
  afterAll(async () => store.dispose());

  it('list every column that holds ciphertexts, which is what a key rotation re-encrypts', async () => {
    const tables = [...new Set(protectedColumns.map((c) => c.table)), 'comparison_matches'];
    const cipherColumns: string[] = [];
    for (const table of tables) {
      const columns = Object.keys(await store.knex(table).columnInfo());
      cipherColumns.push(...columns.filter((column) => column.endsWith('_cipher')).map((column) => `${table}.${column}`));
      expect(columns.filter((column) => /id_number|account_number|^phone$|^reason$|^raw$/.test(column)), `${table} keeps a clear column`).toEqual([]);
    }
    const listed = protectedColumns.filter((c) => c.kind === 'text').map((c) => `${c.table}.${c.column}`);
    expect(cipherColumns.filter((column) => !column.startsWith('comparison_matches.')).sort()).toEqual(listed.sort());
    expect(protectedColumns.filter((c) => c.kind === 'json').map((c) => `${c.table}.${c.column}`)).toEqual(['facts.attributes']);
  });
});

describe.each(dialects)('migration 015 on a store that held personal data in clear, on %s', (dialect) => {
  it('encrypts every ID number, account and rejected row, and keeps what the rules read beside the number', async () => {
    const connection = await openTestConnection(dialect, { upTo: '014-data-keys' });
    const masterKey = randomBytes(32);
    try {
      const { knex } = connection;
      expect(await knex.schema.hasColumn('persons', 'id_number')).toBe(true);
      const now = new Date().toISOString();
      const [household] = await knex('households').insert({ household_no: 'OLD-1', registered_region: '640121100', residence_region: '640121100', address: '旧址', created_at: now, updated_at: now }).returning('id');
      const [person] = await knex('persons').insert({ household_id: household.id, id_number: '11010519491231002X', name: '旧户主', gender: '2', birth_date: '1949-12-31', relation: '02', created_at: now, updated_at: now }).returning('id');
      await knex('bank_accounts').insert({ person_id: person.id, bank_name: '农商银行', account_number: '6231940012345678901', account_name: '旧户主', updated_at: now });
      const [batch] = await knex('batches').insert({ source: 'staff-roster', sm3: 'a'.repeat(64), status: 'applied', received_at: now }).returning('id');
      await knex('facts').insert({ batch_id: batch.id, source: 'staff-roster', kind: 'staff-relation', subject_id_number: '11010519491231002X', subject_name: '旧户主', period: '2024-05',
        attributes: JSON.stringify({ role: 'relative', relatedIdNumber: '44030420000229009X' }), location: 'line 2' });
      await knex('batch_rejects').insert({ batch_id: batch.id, location: 'line 3', reason: '公民身份号码 "640121201505060015": bad', raw: '["640121201505060015"]' });

      await expect(migrateToLatest(knex)).rejects.toThrow(/needs the master key/);
      await migrateToLatest(knex, { masterKey });

      const keyring = await openDataKeyring({ knex, masterKey });
      const stored = await knex('persons').first('id_key', 'id_cipher');
      expect(stored.id_key).toBe(idNumberKey(keyring, '11010519491231002X'));
      expect(await keyring.decrypt(stored.id_cipher)).toBe('11010519491231002X');
      expect(await keyring.decrypt((await knex('bank_accounts').first('account_cipher')).account_cipher)).toBe('6231940012345678901');
      const fact = await knex('facts').first('subject_key', 'subject_region', 'subject_birth_date', 'subject_sex', 'attributes');
      expect(fact).toMatchObject({ subject_region: '110105', subject_birth_date: '1949-12-31', subject_sex: '2' });
      const attributes = storedAttributes(fact.attributes);
      expect(fieldKeyIdOf(attributes.relatedIdNumber)).toBe(keyring.activeFieldKeyId);
      expect(await keyring.decrypt(attributes.relatedIdNumber as string)).toBe('44030420000229009X');
      const reject = await knex('batch_rejects').first('reason_cipher', 'raw_cipher');
      expect(await keyring.decrypt(reject.reason_cipher)).toContain('640121201505060015');
      expect(await keyring.decrypt(reject.raw_cipher)).toBe('["640121201505060015"]');
      expect(JSON.stringify(await knex('facts').select())).not.toContain('44030420000229009X');
    } finally {
      await connection.dispose();
    }
  });
});

