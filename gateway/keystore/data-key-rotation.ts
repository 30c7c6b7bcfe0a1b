import type { Knex } from 'knex';
import { CryptoError } from '../crypto/crypto-error.js';
import { fieldCiphertextPrefix, fieldCiphertextsInJson, fieldKeyIdOf, replaceFieldCiphertextsInJson } from '../crypto/field-cipher.js';
import { dataKeyRefreshIntervalMs, type DataKeyring, type FieldKeyRotation } from './data-keys.js';

/**
 * `jiuzhu keys rotate-data-key` without downtime: a new field key takes over encryption at once, the old one keeps
 * decrypting, and every value under the old key is re-encrypted in short batches while the gateway keeps serving.
 *
 * Guarantees:
 * - Readers never fail: the old key is only retired after a pass finds no value under it, and its material is kept
 *   after that, for backups made before the rotation.
 * - No write is lost: a batch updates a cell only where it still holds the ciphertext that was read, so a value a
 *   user changed meanwhile stays as they wrote it (and is picked up by the next pass if it is under an old key).
 * - Stale writers are caught: a process that has not refreshed its keyring yet still encrypts under the old key.
 *   Passes repeat until one finds nothing under an old key, and that last pass starts no earlier than `settleMs`
 *   after the new key was made; with every process refreshing at least every `dataKeyRefreshIntervalMs`, no
 *   old-key value can appear after it.
 * - Interrupted, it resumes: run again, it finds the retiring key and continues, making no second new key.
 */

/** A column that holds field ciphertexts: 'text', the whole cell, or 'json', strings anywhere in a JSON text. */
export interface ProtectedColumn {
  table: string;
  /** A single-column key with a total order; batches page through it (keyset pagination). */
  primaryKey: string;
  column: string;
  kind: 'text' | 'json';
}

export type RotationProgress =
  | { type: 'started'; rotation: FieldKeyRotation }
  /** After each batch: rows re-encrypted in it, and in this column since the rotation started in this process. */
  | { type: 'batch'; pass: number; table: string; column: string; rows: number; columnTotal: number }
  | { type: 'pass'; pass: number; found: number }
  | { type: 'settling'; waitMs: number }
  | { type: 'retired'; keyIds: number[] };

export interface RotateDataKeyOptions {
  knex: Knex;
  keyring: DataKeyring;
  columns: readonly ProtectedColumn[];
  /** Rows read and written per transaction (default 1000). */
  batchSize?: number;
  /** How long after the new key is made the last pass may start (default twice dataKeyRefreshIntervalMs). */
  settleMs?: number;
  onProgress?: (progress: RotationProgress) => void | Promise<void>;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface RotationReport {
  rotation: FieldKeyRotation;
  passes: number;
  /** Rows re-encrypted per column by this run. */
  reencrypted: Array<{ table: string; column: string; rows: number }>;
}

/**
 * Once writers should all have moved to the new key, a pass still finding old-key values means one has not (or a cell
 * never takes the update): stop after this many such passes rather than loop for ever.
 */
const maxPassesAfterSettling = 5;

export async function rotateDataKey(options: RotateDataKeyOptions): Promise<RotationReport> {
  const { knex, keyring, columns } = options;
  const batchSize = options.batchSize ?? 1000;
  const settleMs = options.settleMs ?? 2 * dataKeyRefreshIntervalMs;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const report = async (progress: RotationProgress) => options.onProgress?.(progress);

  const rotation = await keyring.startFieldKeyRotation();
  await report({ type: 'started', rotation });
  const totals = columns.map(() => 0);
  const settledAt = Date.parse(rotation.startedAt) + settleMs;
  let passes = 0;
  let passesAfterSettling = 0;
  for (;;) {
    const passStartedAt = now().getTime();
    passes++;
    let found = 0;
    for (const [index, column] of columns.entries()) {
      for await (const batch of batchesUnderOldKeys(knex, column, rotation.toKeyId, batchSize)) {
        const result = await reencryptRows(knex, keyring, column, batch, rotation.toKeyId);
        found += result.found;
        totals[index]! += result.updated;
        await report({ type: 'batch', pass: passes, table: column.table, column: column.column, rows: result.updated, columnTotal: totals[index]! });
      }
    }
    await report({ type: 'pass', pass: passes, found });
    if (found === 0 && passStartedAt >= settledAt) break;
    if (passStartedAt >= settledAt && ++passesAfterSettling >= maxPassesAfterSettling) {
      throw new DataKeyRotationError(
        `values under keys other than ${rotation.toKeyId} were still found after ${passesAfterSettling} passes made once every writer should have moved to it: ` +
          'a process is not refreshing its keyring (startRefreshing), or a cell does not take the update; mend that and run the rotation again, it resumes',
      );
    }
    if (found > 0) continue;
    const waitMs = settledAt - now().getTime();
    if (waitMs > 0) {
      await report({ type: 'settling', waitMs });
      await sleep(waitMs);
    }
  }
  await keyring.retireFieldKeys(rotation.fromKeyIds);
  await report({ type: 'retired', keyIds: rotation.fromKeyIds });
  return { rotation, passes, reencrypted: columns.map((column, index) => ({ table: column.table, column: column.column, rows: totals[index]! })) };
}

export interface StoredRow {
  key: string | number;
  value: string;
}

/**
 * Pages through the rows whose cell holds a field ciphertext under another key than `toKeyId`, in primary-key order,
 * each page read on its own (no transaction is held between pages). The filter is written so both databases run it:
 * - text: the cell starts with "jzf1." and not with "jzf1.<to>.";
 * - json: once every "\"jzf1.<to>." is taken out, a "\"jzf1." is still there.
 * LIKE ignores case on SQLite; that can only let through more rows, which reencryptRows then leaves alone.
 */
export async function* batchesUnderOldKeys(knex: Knex, column: ProtectedColumn, toKeyId: number, batchSize: number): AsyncGenerator<StoredRow[]> {
  const current = `${fieldCiphertextPrefix}${toKeyId}.`;
  let after: string | number | undefined;
  for (;;) {
    const query = knex(column.table).orderBy(column.primaryKey).limit(batchSize);
    if (column.kind === 'text') {
      query.select({ key: column.primaryKey, value: column.column });
      query.where(column.column, 'like', `${fieldCiphertextPrefix}%`).whereNot(column.column, 'like', `${current}%`);
    } else {
      // Read as text: a jsonb column (facts.attributes on PostgreSQL, migration 025) would come back parsed, and its
      // numbers beyond 2^53 rounded. jsonb's text is its own canonical form, so the cell is written back as read.
      query.select({ key: column.primaryKey }).select(knex.raw('CAST(?? AS TEXT) as value', [column.column]));
      query.whereRaw('replace(CAST(?? AS TEXT), ?, ?) like ?', [column.column, `"${current}`, '', `%"${fieldCiphertextPrefix}%`]);
    }
    if (after !== undefined) query.where(column.primaryKey, '>', after);
    const rows: StoredRow[] = await query;
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.key;
  }
}

/**
 * Re-encrypts under `toKeyId` every field ciphertext under another key in these rows, as read, and writes each changed
 * cell back in one short transaction, only where the cell still holds what was read. `found` counts rows that held
 * an old-key value; `updated` those written (fewer when someone wrote meanwhile).
 */
export async function reencryptRows(
  knex: Knex,
  keyring: DataKeyring,
  column: ProtectedColumn,
  rows: readonly StoredRow[],
  toKeyId: number,
): Promise<{ found: number; updated: number }> {
  if (keyring.activeFieldKeyId !== toKeyId) {
    throw new DataKeyRotationError(`the keyring encrypts under data key ${keyring.activeFieldKeyId}, not ${toKeyId}, the key this rotation moves values to`);
  }
  const isOld = (text: string) => {
    const id = fieldKeyIdOf(text);
    return id !== undefined && id !== toKeyId;
  };
  const oldTexts = new Set<string>();
  const candidates: StoredRow[] = [];
  for (const row of rows) {
    const texts = column.kind === 'text' ? [row.value] : ciphertextsOfJsonCell(column, row);
    const old = texts.filter(isOld);
    if (old.length === 0) continue;
    candidates.push(row);
    for (const text of old) oldTexts.add(text);
  }
  if (candidates.length === 0) return { found: 0, updated: 0 };

  const olds = [...oldTexts];
  const plaintexts = await decryptNamingTheRow(keyring, column, candidates, olds);
  const renewedTexts = keyring.encryptMany(plaintexts);
  const renewed = new Map(olds.map((text, i) => [text, renewedTexts[i]!]));
  const updates = candidates.map((row) => ({
    row,
    value: column.kind === 'text' ? renewed.get(row.value)! : replaceFieldCiphertextsInJson(row.value, (text) => renewed.get(text) ?? text),
  }));
  const updated = knex.client.config.client === 'pg' ? await writeBatchOnPostgres(knex, column, updates) : await writeBatchRowByRow(knex, column, updates);
  return { found: candidates.length, updated };
}

interface CellUpdate {
  row: StoredRow;
  value: string;
}

/** SQLite: one statement per row inside one transaction costs microseconds, SQLite running in this process. */
async function writeBatchRowByRow(knex: Knex, column: ProtectedColumn, updates: readonly CellUpdate[]): Promise<number> {
  let updated = 0;
  await knex.transaction(async (trx) => {
    for (const { row, value } of updates) {
      updated += await trx(column.table).where(column.primaryKey, row.key).where(column.column, row.value).update({ [column.column]: value });
    }
  });
  return updated;
}

/**
 * PostgreSQL: a round trip per row held a rotation to ~4,000 rows/s here, so a batch is one UPDATE … FROM unnest(…).
 * The keys travel as text and are cast to the key column's own type, read from the catalogue, so that the join uses
 * the primary key's index (casting the column to text instead would scan the table once per batch).
 */
async function writeBatchOnPostgres(knex: Knex, column: ProtectedColumn, updates: readonly CellUpdate[]): Promise<number> {
  const { rows } = await knex.raw('select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = ?::regclass and attname = ? and not attisdropped', [
    column.table,
    column.primaryKey,
  ]);
  const keyType = (rows as Array<{ type: string }>)[0]?.type;
  if (!keyType) throw new DataKeyRotationError(`${column.table}.${column.primaryKey} is not a column: the protected columns list names a table or key that does not exist`);
  // A jsonb cell (facts.attributes) takes the texts as jsonb and compares as jsonb: equal whatever the key order.
  const { rows: valueRows } = await knex.raw('select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = ?::regclass and attname = ? and not attisdropped', [
    column.table,
    column.column,
  ]);
  const asValue = (valueRows as Array<{ type: string }>)[0]?.type === 'jsonb' ? '::jsonb' : '';
  const result = await knex.raw(
    `update ?? as t set ?? = v.new_value${asValue} from unnest(?::text[], ?::text[], ?::text[]) as v(key, old_value, new_value)
      where t.?? = v.key::${keyType} and t.?? = v.old_value${asValue}`,
    [column.table, column.column, updates.map((u) => String(u.row.key)), updates.map((u) => u.row.value), updates.map((u) => u.value), column.primaryKey, column.column],
  );
  return result.rowCount as number;
}

function ciphertextsOfJsonCell(column: ProtectedColumn, row: StoredRow): string[] {
  try {
    JSON.parse(row.value);
  } catch (error) {
    throw cellError(column, row, 'the cell is not JSON, so its field ciphertexts cannot be told apart safely', error);
  }
  return fieldCiphertextsInJson(row.value);
}

/** decryptMany, and when a value fails, that value's error again with the row it sits in. */
async function decryptNamingTheRow(keyring: DataKeyring, column: ProtectedColumn, rows: readonly StoredRow[], texts: string[]): Promise<string[]> {
  try {
    return await keyring.decryptMany(texts);
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    for (const row of rows) {
      try {
        await keyring.decryptMany(column.kind === 'text' ? [row.value] : fieldCiphertextsInJson(row.value));
      } catch (rowError) {
        throw cellError(column, row, rowError instanceof Error ? rowError.message : String(rowError), rowError);
      }
    }
    throw error;
  }
}

/** A rotation that stopped: why, and at which cell when one cell is the reason. Run again once mended: it resumes. */
export class DataKeyRotationError extends Error {
  readonly cell: { table: string; column: string; rowKey: string | number } | undefined;

  constructor(message: string, options: { cell?: { table: string; column: string; rowKey: string | number }; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'DataKeyRotationError';
    this.cell = options.cell;
  }
}

function cellError(column: ProtectedColumn, row: StoredRow, reason: string, cause: unknown): DataKeyRotationError {
  return new DataKeyRotationError(`the data key rotation stopped at ${column.table}.${column.column} of row ${row.key}: ${reason}`, {
    cell: { table: column.table, column: column.column, rowKey: row.key },
    cause,
  });
}
