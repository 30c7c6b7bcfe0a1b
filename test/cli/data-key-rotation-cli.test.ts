import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exchangeConfigFrom } from '../../gateway/config.js';
import { fieldKeyIdOf } from '../../gateway/crypto/field-cipher.js';
import { openMigratedStore } from '../../gateway/store/open-store.js';
import { personsOfHouseholds } from '../../gateway/store/repositories/persons.js';
import { runJiuzhu } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-rotate-cli-'));
// No running gateway shares this store, so the rotation need not wait for one to take up the new key.
const env = { JIUZHU_DB: join(dir, 'rotate.db'), JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key'), JIUZHU_DATA_KEY_REFRESH_SECONDS: '0' };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jiuzhu keys rotate-data-key', () => {
  it('moves every personal field to a new data key, keeps the old one for backups, audits it, and leaves everything readable', async () => {
    expect((await runJiuzhu(env, 'seed', '--county', '640121', '--households', '30', '--seed', '3', '--as-of', '2024-06-30')).code).toBe(0);
    const rotated = await runJiuzhu(env, 'keys', 'rotate-data-key', '--batch-size', '7', '--json');
    expect(rotated.code, rotated.stderr).toBe(0);
    const report = JSON.parse(rotated.stdout);
    expect(report).toMatchObject({ fromKeyIds: [1], toKeyId: 3 });
    const rows = (table: string, column: string) => report.reencrypted.find((r: { table: string; column: string }) => r.table === table && r.column === column).rows;
    expect(rows('persons', 'id_cipher')).toBeGreaterThan(30);
    expect(rows('bank_accounts', 'account_cipher')).toBeGreaterThan(10);
    expect(rotated.stderr).toMatch(/rotating from data key 1 to 3/);

    const { store } = await openMigratedStore({ database: { client: 'sqlite', filename: env.JIUZHU_DB }, exchange: exchangeConfigFrom(env) });
    try {
      const ciphers: string[] = [...await store.knex('persons').pluck('id_cipher'), ...await store.knex('bank_accounts').pluck('account_cipher')];
      expect(new Set(ciphers.map(fieldKeyIdOf))).toEqual(new Set([3]));
      expect(await store.knex('data_keys').orderBy('id').select('id', 'purpose', 'status')).toEqual([
        { id: 1, purpose: 'field', status: 'retired' }, { id: 2, purpose: 'blind-index', status: 'active' }, { id: 3, purpose: 'field', status: 'active' },
      ]);
      const persons = await personsOfHouseholds(store.knex, await store.knex('households').pluck('id'));
      expect(persons.every((person) => /^640121[0-9]{11}[0-9X]$/.test(person.idNumber))).toBe(true);
      expect(await store.knex('audit_log').whereIn('action', ['data-key.rotate', 'data-key.retire']).orderBy('id').pluck('action')).toEqual(['data-key.rotate', 'data-key.retire']);
    } finally {
      await store.close();
    }

    const again = await runJiuzhu(env, 'keys', 'rotate-data-key', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ fromKeyIds: [3], toKeyId: 4 });
  });
});
