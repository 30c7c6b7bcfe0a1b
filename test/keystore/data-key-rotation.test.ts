import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fieldCiphertextsInJson, fieldKeyIdOf, replaceFieldCiphertextsInJson } from '../../gateway/crypto/field-cipher.js';
import {
  DataKeyRotationError, reencryptRows, rotateDataKey, type ProtectedColumn, type RotateDataKeyOptions, type RotationProgress,
} from '../../gateway/keystore/data-key-rotation.js';
import { openDataKeyring, type DataKeyring } from '../../gateway/keystore/data-keys.js';
import { storedAttributes } from '../../gateway/store/fact-attributes.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

/** Tables of this test's own, not the register's: a text-keyed one too, since keyset pagination must not assume integers. */
const idNumbers: ProtectedColumn = { table: 'rotation_people', primaryKey: 'id', column: 'id_number', kind: 'text' };
const phones: ProtectedColumn = { table: 'rotation_people', primaryKey: 'id', column: 'phone', kind: 'text' };
const rawRows: ProtectedColumn = { table: 'rotation_rejects', primaryKey: 'code', column: 'raw', kind: 'json' };
const columns = [idNumbers, phones, rawRows];

const people = 1200;
const rejects = 130;

const idNumberOf = (i: number) => `640121${19500101 + i}${String(i % 1000).padStart(3, '0')}X`.slice(0, 18);
const phoneOf = (i: number) => (i % 7 === 0 ? null : `138${String(i).padStart(8, '0')}`);
/** A raw rejected row: ciphertexts at several depths, beside numbers beyond 2^53, escapes and look-alikes. */
function rawRowOf(i: number, keyring: DataKeyring): string {
  const [idNumber, name] = keyring.encryptMany([idNumberOf(i), `张伟${i}`]);
  return `{"line": ${i}, "big": 12345678901234567890, "cells": ["${idNumber}", "not \\"${name}\\"", {"name": "${name}"}], "reason": "bad date"}`;
}

describe.each(dialects)('rotating the field key on %s', (dialect) => {
  let store: TestStore;
  const masterKey = randomBytes(32);
  let keyring: DataKeyring;

  beforeAll(async () => {
    store = await openTestStore(dialect, { referenceData: false, masterKey });
  });
  afterAll(async () => store.dispose());

  beforeEach(async () => {
    const { knex } = store;
    await knex.schema.dropTableIfExists('rotation_people');
    await knex.schema.dropTableIfExists('rotation_rejects');
    await knex.schema.createTable('rotation_people', (t) => {
      t.increments('id');
      t.text('id_number').notNullable();
      t.text('phone').nullable();
    });
    await knex.schema.createTable('rotation_rejects', (t) => {
      t.string('code', 12).primary();
      t.text('raw').notNullable();
    });
    // A rotation a test left unfinished on purpose ends here, so each test starts with no rotation in progress.
    await knex('data_keys').where({ status: 'retiring' }).update({ status: 'retired' });
    keyring = await openDataKeyring({ knex, masterKey });
    const values = Array.from({ length: people }, (_, i) => i);
    const idTexts = keyring.encryptMany(values.map(idNumberOf));
    const phoneTexts = keyring.encryptMany(values.map(phoneOf));
    for (let at = 0; at < people; at += 200) {
      await knex('rotation_people').insert(values.slice(at, at + 200).map((i) => ({ id_number: idTexts[i], phone: phoneTexts[i] })));
    }
    // Codes that sort differently as text and as numbers: r-10 comes before r-9.
    await knex('rotation_rejects').insert(Array.from({ length: rejects }, (_, i) => ({ code: `r-${i}`, raw: rawRowOf(i, keyring) })));
  });

  async function snapshot() {
    const rows = await store.knex('rotation_people').orderBy('id');
    const raws = await store.knex('rotation_rejects').orderBy('code');
    return { rows, raws };
  }

  /** Every key id that any protected cell names. */
  async function keyIdsInUse(): Promise<Set<number>> {
    const { rows, raws } = await snapshot();
    const texts = [...rows.flatMap((row) => [row.id_number, row.phone]), ...raws.flatMap((row) => fieldCiphertextsInJson(row.raw))];
    return new Set(texts.filter((text) => text !== null).map((text) => fieldKeyIdOf(text)!));
  }

  /** The plaintexts the tables hold, and the raw JSON with each ciphertext replaced by its plaintext. */
  async function plaintexts(reader: DataKeyring = keyring) {
    const { rows, raws } = await snapshot();
    const decrypted = await reader.decryptMany(rows.flatMap((row) => [row.id_number, row.phone]));
    const rawPlain = await Promise.all(
      raws.map(async (row) => {
        const texts = fieldCiphertextsInJson(row.raw);
        const plain = new Map(texts.map((text, i) => [text, i]));
        const decryptedTexts = await reader.decryptMany(texts);
        return replaceFieldCiphertextsInJson(row.raw, (text) => decryptedTexts[plain.get(text)!]!);
      }),
    );
    return { decrypted, rawPlain };
  }

  const rotate = (options: Partial<RotateDataKeyOptions> = {}) => rotateDataKey({ knex: store.knex, keyring, columns, batchSize: 100, settleMs: 0, ...options });

  it('moves every value to the new key in batches, reports rows per column, and retires the old key, keeping it', async () => {
    const before = await plaintexts();
    const oldKey = keyring.activeFieldKeyId;
    const backup = (await snapshot()).rows[0].id_number as string;
    const events: RotationProgress[] = [];

    const report = await rotate({ onProgress: (event) => void events.push(event) });

    expect(report.rotation).toMatchObject({ fromKeyIds: [oldKey], resumed: false });
    expect(report.reencrypted).toEqual([
      { table: 'rotation_people', column: 'id_number', rows: people },
      { table: 'rotation_people', column: 'phone', rows: people - Math.ceil(people / 7) },
      { table: 'rotation_rejects', column: 'raw', rows: rejects },
    ]);
    expect(report.passes).toBe(2);
    expect(await keyIdsInUse()).toEqual(new Set([report.rotation.toKeyId]));
    expect(await plaintexts()).toEqual(before);

    const batches = events.filter((event) => event.type === 'batch');
    expect(batches.filter((event) => event.column === 'id_number')).toHaveLength(people / 100);
    expect(batches.every((event) => event.rows <= 100)).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'retired', keyIds: [oldKey] });
    expect((await keyring.list()).find((key) => key.id === oldKey)).toMatchObject({ status: 'retired', retiredAt: expect.any(String) });
    // A backup taken before the rotation still opens, with a keyring opened afterwards.
    expect(await (await openDataKeyring({ knex: store.knex, masterKey })).decrypt(backup)).toBe(idNumberOf(0));
  });

  it('lets readers decrypt old and new ciphertexts alike while values move, a reader that has not refreshed included', async () => {
    const before = await plaintexts();
    const reader = await openDataKeyring({ knex: store.knex, masterKey });
    let checked = false;
    await rotate({
      onProgress: async (event) => {
        if (event.type !== 'batch' || event.column !== 'phone' || checked) return;
        checked = true;
        expect((await keyIdsInUse()).size).toBe(2);
        expect(await plaintexts(reader)).toEqual(before);
      },
    });
    expect(checked).toBe(true);
  });

  it('resumes an interrupted rotation where it stopped, without making a second new key', async () => {
    const before = await plaintexts();
    const oldKey = keyring.activeFieldKeyId;
    const keysBefore = await keyring.list();
    const interrupted = rotate({
      onProgress: (event) => {
        if (event.type === 'batch' && event.column === 'phone') throw new Error('the operator pressed Ctrl-C');
      },
    });
    await expect(interrupted).rejects.toThrow('Ctrl-C');
    const keysDuringRotation = await keyring.list();
    expect(keysDuringRotation).toHaveLength(keysBefore.length + 1);
    const newKey = keysDuringRotation.find((key) => key.purpose === 'field' && key.status === 'active')!.id;
    expect(keysDuringRotation.find((key) => key.id === oldKey)?.status).toBe('retiring');
    expect(await keyIdsInUse()).toEqual(new Set([oldKey, newKey]));

    // Another process runs it again, with a keyring of its own.
    keyring = await openDataKeyring({ knex: store.knex, masterKey });
    const resumed = await rotate();
    expect(resumed.rotation).toMatchObject({ toKeyId: newKey, fromKeyIds: [oldKey], resumed: true });
    expect(resumed.reencrypted[0]!.rows).toBe(0);
    // The first batch of phones was written before the interruption.
    expect(resumed.reencrypted[1]!.rows).toBe(people - Math.ceil(people / 7) - 100);
    const keysAfter = await keyring.list();
    expect(keysAfter).toHaveLength(keysDuringRotation.length);
    expect(keysAfter.find((key) => key.id === oldKey)?.status).toBe('retired');
    expect(keysAfter.find((key) => key.id === newKey)?.status).toBe('active');
    expect(await keyIdsInUse()).toEqual(new Set([newKey]));
    expect(await plaintexts()).toEqual(before);
  });

  it('finds ciphertexts anywhere in a JSON text and leaves every other byte of it as it was', async () => {
    const { raws: before } = await snapshot();
    const mask = (json: string) => json.replace(/jzf1\.\d+\.[A-Za-z0-9_-]+/g, '<ciphertext>');
    await rotateDataKey({ knex: store.knex, keyring, columns: [rawRows], batchSize: 7, settleMs: 0 });
    const { raws: after } = await snapshot();
    expect(after.map((row) => mask(row.raw))).toEqual(before.map((row) => mask(row.raw)));
    expect(after[0].raw).toContain('12345678901234567890');
    for (const row of after) {
      const texts = fieldCiphertextsInJson(row.raw);
      // The name quoted inside a longer string is no ciphertext of its own, and stays under the old key.
      expect(texts).toHaveLength(2);
      expect(texts.every((text) => fieldKeyIdOf(text) === keyring.activeFieldKeyId)).toBe(true);
    }
  });

  it('re-encrypts the ciphertexts of a jsonb column, as facts.attributes is on PostgreSQL, and the values read back the same', async () => {
    const { knex } = store;
    const attributesColumn: ProtectedColumn = { table: 'rotation_attributes', primaryKey: 'id', column: 'attributes', kind: 'json' };
    await knex.schema.dropTableIfExists('rotation_attributes');
    await knex.schema.createTable('rotation_attributes', (t) => {
      t.increments('id');
      t.jsonb('attributes').notNullable();
    });
    const plain = (i: number) => ({ role: 'relative', relatedIdNumber: idNumberOf(i), unit: `李俊镇${i}`, big: 12345, zeta: [i, { b: true, a: null }] });
    const stored = Array.from({ length: 30 }, (_, i) => ({ ...plain(i), relatedIdNumber: keyring.encrypt(idNumberOf(i)) }));
    await knex('rotation_attributes').insert(stored.map((attributes) => ({ attributes: JSON.stringify(attributes) })));

    const report = await rotateDataKey({ knex, keyring, columns: [attributesColumn], batchSize: 7, settleMs: 0 });

    expect(report.reencrypted).toEqual([{ table: 'rotation_attributes', column: 'attributes', rows: 30 }]);
    const after = (await knex('rotation_attributes').orderBy('id').pluck('attributes')).map(storedAttributes);
    expect(after.every((attributes) => fieldKeyIdOf(attributes.relatedIdNumber) === report.rotation.toKeyId)).toBe(true);
    const decrypted = await Promise.all(after.map(async (attributes) => ({ ...attributes, relatedIdNumber: await keyring.decrypt(attributes.relatedIdNumber as string) })));
    expect(decrypted).toEqual(Array.from({ length: 30 }, (_, i) => plain(i)));
  });

  it('re-encrypts in a later pass what a writer that has not refreshed writes under the old key meanwhile', async () => {
    const stale = await openDataKeyring({ knex: store.knex, masterKey });
    const oldKey = stale.activeFieldKeyId;
    let wrote = false;
    const report = await rotate({
      onProgress: async (event) => {
        // Behind the rotation's cursor: row 1 of a column it has finished, and a new row.
        if (event.type !== 'batch' || event.column !== 'phone' || wrote) return;
        wrote = true;
        await store.knex('rotation_people').where({ id: 1 }).update({ id_number: stale.encrypt('11010119900307777X') });
        await store.knex('rotation_people').insert({ id_number: stale.encrypt('110101199003070000'), phone: stale.encrypt('13900000000') });
        await store.knex('rotation_rejects').where({ code: 'r-0' }).update({ raw: JSON.stringify({ cells: [stale.encrypt('late')] }) });
      },
    });
    expect(stale.activeFieldKeyId).toBe(oldKey);
    expect(report.passes).toBe(3);
    expect(await keyIdsInUse()).toEqual(new Set([report.rotation.toKeyId]));
    const row1 = await store.knex('rotation_people').where({ id: 1 }).first();
    expect(await keyring.decrypt(row1.id_number)).toBe('11010119900307777X');
    const last = await store.knex('rotation_people').orderBy('id', 'desc').first();
    expect(await keyring.decryptMany([last.id_number, last.phone])).toEqual(['110101199003070000', '13900000000']);
  });

  it('waits until writers have had time to refresh before its last pass, and catches what they wrote meanwhile', async () => {
    const stale = await openDataKeyring({ knex: store.knex, masterKey });
    let clock = Date.now() + 60_000;
    const waits: number[] = [];
    const report = await rotate({
      settleMs: 90_000,
      now: () => new Date(clock),
      sleep: async (ms) => {
        waits.push(ms);
        await store.knex('rotation_people').where({ id: 5 }).update({ phone: stale.encrypt('13911112222') });
        clock += ms;
      },
    });
    // The key was made at the real time, just after the clock was set a minute ahead: half a minute is left to wait.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(30_000);
    expect(waits[0]).toBeLessThan(35_000);
    expect(report.passes).toBe(4);
    expect(await keyIdsInUse()).toEqual(new Set([report.rotation.toKeyId]));
    expect(await keyring.decrypt((await store.knex('rotation_people').where({ id: 5 }).first()).phone)).toBe('13911112222');
  });

  it('gives up, retiring nothing, when old-key values keep appearing after writers should have moved', async () => {
    const stale = await openDataKeyring({ knex: store.knex, masterKey });
    const oldKey = stale.activeFieldKeyId;
    const rotation = rotate({
      columns: [phones],
      onProgress: async (event) => {
        if (event.type === 'pass') await store.knex('rotation_people').where({ id: 2 }).update({ phone: stale.encrypt('13800000002') });
      },
    });
    await expect(rotation).rejects.toBeInstanceOf(DataKeyRotationError);
    await expect(rotation).rejects.toThrow(/is not refreshing its keyring/);
    expect((await keyring.list()).find((key) => key.id === oldKey)?.status).toBe('retiring');
  });

  it('never overwrites a cell written between the read of its batch and the write', async () => {
    const rotation = await keyring.startFieldKeyRotation();
    const rows = await store.knex('rotation_people').whereIn('id', [2, 3, 4]).orderBy('id').select({ key: 'id', value: 'phone' });
    const written = keyring.encrypt('a number the user just typed');
    await store.knex('rotation_people').where({ id: 3 }).update({ phone: written });

    expect(await reencryptRows(store.knex, keyring, phones, rows, rotation.toKeyId)).toEqual({ found: 3, updated: 2 });
    expect((await store.knex('rotation_people').where({ id: 3 }).first()).phone).toBe(written);
    const others = await store.knex('rotation_people').whereIn('id', [2, 4]).orderBy('id');
    expect(others.map((row) => fieldKeyIdOf(row.phone))).toEqual([rotation.toKeyId, rotation.toKeyId]);
    expect(await keyring.decryptMany(others.map((row) => row.phone))).toEqual([phoneOf(1), phoneOf(3)]);
  });

  it('stops at a cell it cannot decrypt, naming its table, column and row, and retires nothing', async () => {
    const oldKey = keyring.activeFieldKeyId;
    const row = await store.knex('rotation_people').where({ id: 700 }).first();
    // A character in the middle of the base64url, where no spare bits could make the text merely non-canonical.
    const at = row.id_number.length - 20;
    const altered = `${row.id_number.slice(0, at)}${row.id_number[at] === 'A' ? 'B' : 'A'}${row.id_number.slice(at + 1)}`;
    await store.knex('rotation_people').where({ id: 700 }).update({ id_number: altered });

    const rotation = rotate();
    await expect(rotation).rejects.toThrow(/rotation stopped at rotation_people\.id_number of row 700: .*fails its MAC/);
    await expect(rotation).rejects.toMatchObject({ cell: { table: 'rotation_people', column: 'id_number', rowKey: 700 } });
    expect((await keyring.list()).find((key) => key.id === oldKey)?.status).toBe('retiring');
  });
});
