import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createBlindIndexer, blindIndexKeyLength, type BlindIndexer, type BlindIndexKind } from '../crypto/blind-index.js';
import { CryptoError } from '../crypto/crypto-error.js';
import { createFieldCipher, fieldKeyMaterialLength, prepareFieldKey, type FieldCipher, type FieldCipherOptions, type FieldKey } from '../crypto/field-cipher.js';
import { deriveSecretKeys, openSecret, sealSecret, type SecretKeys } from '../crypto/sealed-secret.js';

/**
 * The data keys of personal fields at rest (table data_keys, migration 014): one active field key encrypts, every
 * field key ever made decrypts, and one blind-index key per deployment indexes. Each is sealed with the master key
 * under its own HKDF purpose, so a copy of the database without the master key holds no usable key, and material of
 * one purpose sealed into a row of the other does not open.
 */
export type DataKeyPurpose = 'field' | 'blind-index';
export type DataKeyStatus = 'active' | 'retiring' | 'retired';

/** What may be shown about a data key: never its material. */
export interface DataKeyInfo {
  id: number;
  purpose: DataKeyPurpose;
  status: DataKeyStatus;
  createdAt: string;
  retiredAt: string | null;
}

/** A rotation of the field key, started now or found in progress. */
export interface FieldKeyRotation {
  /** The active key values move to. */
  toKeyId: number;
  /** The retiring keys values move from. */
  fromKeyIds: number[];
  /** When the active key was made: writers that refresh every `dataKeyRefreshIntervalMs` have all moved to it by then + that interval. */
  startedAt: string;
  /** True when a rotation was already in progress and this one continues it. */
  resumed: boolean;
}

/**
 * How often a long-running process should call `refresh()` (`startRefreshing(dataKeyRefreshIntervalMs, …)`), so that
 * its writers move to a new field key soon after a rotation starts. The rotation waits twice this before its last pass.
 */
export const dataKeyRefreshIntervalMs = 60_000;

export interface DataKeyringDeps {
  knex: Knex;
  masterKey: Buffer;
  now?: () => Date;
  /** For tests that must force an IV; see createFieldCipher. */
  cipher?: FieldCipherOptions;
}

export interface DataKeyring {
  /** The id of the key `encrypt` uses now. */
  readonly activeFieldKeyId: number;
  /** One value under the active key: `jzf1.<id>.…`. */
  encrypt(value: string): string;
  /** Many values under the active key in one SM4 call (the import's path); nulls stay null. */
  encryptMany(values: readonly string[]): string[];
  encryptMany(values: readonly (string | null)[]): (string | null)[];
  /** The plaintext; a key id this keyring has not seen makes it reload the table once before it fails (unknown-key). */
  decrypt(text: string): Promise<string>;
  /** As `decrypt` for each, with at most one reload; nulls stay null. */
  decryptMany(texts: readonly string[]): Promise<string[]>;
  decryptMany(texts: readonly (string | null)[]): Promise<(string | null)[]>;
  /** The blind index of a value already in canonical form (see blind-index.ts). */
  blindIndex(kind: BlindIndexKind, normalisedValue: string): string;
  /**
   * The material another thread of this process needs to write as this keyring does (the import's reading worker): the
   * active field key and the blind-index key. Handed over in memory only (workerData or a message), never through a
   * file or the environment. A keyring without material to hand over (the benchmark's clear one) leaves this out.
   */
  writingKeys?(): WritingKeys;
  /** Reloads the table: new keys are opened, a new active key takes over `encrypt`. One query when nothing changed. */
  refresh(): Promise<void>;
  /** Calls `refresh` every `intervalMs` (the timer does not keep the process alive); returns the function that stops it. */
  startRefreshing(intervalMs: number, onError: (error: unknown) => void): () => void;
  /** Every data key, newest last, without material. */
  list(): Promise<DataKeyInfo[]>;
  /** A field key's two halves in hex, for an operator decrypting one value by hand with openssl (docs/encryption-at-rest.md). */
  revealFieldKey(id: number): { encryptionKeyHex: string; authenticationKeyHex: string };
  /** Makes a new active field key and turns the active one retiring, or finds the rotation already in progress. */
  startFieldKeyRotation(): Promise<FieldKeyRotation>;
  /** Ends a rotation: the keys turn retired. Their material stays, for backups made before the rotation. */
  retireFieldKeys(ids: readonly number[]): Promise<void>;
}

/** What writing personal fields needs: encrypting under the active key and blind-indexing, nothing that reads. */
export type WritingKeyring = Pick<DataKeyring, 'activeFieldKeyId' | 'encrypt' | 'encryptMany' | 'blindIndex'>;

/** The raw material of a WritingKeyring: the active field key (48 bytes, fieldKeyMaterialLength) and the blind-index key. */
export interface WritingKeys {
  fieldKeyId: number;
  fieldKey: Uint8Array;
  blindIndexKey: Uint8Array;
}

/** Encrypts and indexes as the keyring that gave `keys` does, in another thread: the import's reading worker. */
export function openWritingKeyring(keys: WritingKeys, options?: FieldCipherOptions): WritingKeyring {
  const cipher = createFieldCipher(options);
  const key = prepareFieldKey(keys.fieldKeyId, keys.fieldKey);
  const blindIndexer = createBlindIndexer(keys.blindIndexKey);
  return {
    activeFieldKeyId: key.id,
    encrypt: (value) => cipher.encrypt(value, key),
    encryptMany: ((values: readonly (string | null)[]) => encryptPresent(cipher, key, values)) as DataKeyring['encryptMany'],
    blindIndex: (kind, normalisedValue) => blindIndexer(kind, normalisedValue),
  };
}

/** Values under one key in one SM4 call; nulls stay null. */
function encryptPresent(cipher: FieldCipher, key: FieldKey, values: readonly (string | null)[]): (string | null)[] {
  const present = values.filter((value): value is string => value !== null);
  const texts = cipher.encryptMany(present, key);
  let next = 0;
  return values.map((value) => (value === null ? null : texts[next++]!));
}

interface DataKeyRow {
  id: number;
  purpose: DataKeyPurpose;
  key_sealed: string;
  status: DataKeyStatus;
  created_at: string;
  retired_at: string | null;
}

const wrongMasterKey =
  "the master key does not open this store's data keys: JIUZHU_MASTER_KEY or the key file is not the one this store was created with";

/**
 * Opens the store's data keys, creating the active field key and the blind-index key on first use. Two processes
 * doing this at once on one PostgreSQL end with one key of each: the partial unique indexes of migration 014 let only
 * one insert of each purpose through, and both read back the same rows.
 * Refuses with one sentence (CryptoError 'bad-key') when the master key is not the one the keys were sealed with.
 */
export async function openDataKeyring(deps: DataKeyringDeps): Promise<DataKeyring> {
  const { knex } = deps;
  const now = deps.now ?? (() => new Date());
  const sealing: Record<DataKeyPurpose, SecretKeys> = {
    field: deriveSecretKeys(deps.masterKey, 'data key field'),
    'blind-index': deriveSecretKeys(deps.masterKey, 'data key blind-index'),
  };
  const cipher = createFieldCipher(deps.cipher);
  const materialLength: Record<DataKeyPurpose, number> = { field: fieldKeyMaterialLength, 'blind-index': blindIndexKeyLength };
  const newKeyRow = (purpose: DataKeyPurpose) => ({
    purpose,
    key_sealed: sealSecret(randomBytes(materialLength[purpose]), sealing[purpose]),
    status: 'active',
    created_at: now().toISOString(),
  });

  // Inserted only when missing: on PostgreSQL an insert that yields to a conflict still uses up a serial id, and ids
  // are what ciphertexts carry. Inside the transaction the inserts come first: on SQLite a transaction that reads
  // before it writes can fail with SQLITE_BUSY when another process wrote in between, where one that writes first
  // waits its turn (busy_timeout).
  const activePurposes = new Set((await knex('data_keys').where({ status: 'active' }).select('purpose')).map((row: { purpose: string }) => row.purpose));
  const missing = (['field', 'blind-index'] as const).filter((purpose) => !activePurposes.has(purpose));
  if (missing.length > 0) {
    await knex.transaction(async (trx) => {
      for (const purpose of missing) await trx('data_keys').insert(newKeyRow(purpose)).onConflict().ignore();
    });
  }

  const fieldKeys = new Map<number, { key: FieldKey; material: Buffer }>();
  let active: FieldKey | undefined;
  let blindIndexer: BlindIndexer | undefined;
  let blindIndexMaterial: Buffer | undefined;

  // Loads may overlap (a timer's and a decrypt's); keys any of them opens are kept, but only the one that read the table
  // last says which key is active, so an early read that finishes late cannot move writers back to an old key.
  let loadsStarted = 0;
  let activeFromLoad = 0;

  async function load(): Promise<void> {
    const sequence = ++loadsStarted;
    const rows: DataKeyRow[] = await knex('data_keys').orderBy('id');
    // A key that opens proves the master key right; then one that does not was altered in the table. None opening
    // (and none opened before) means the master key is not this store's.
    let masterKeyOpens = fieldKeys.size > 0 || blindIndexer !== undefined;
    const failures: Array<{ row: DataKeyRow; error: unknown }> = [];
    const open = (row: DataKeyRow): Buffer | undefined => {
      try {
        const material = openSecret(row.key_sealed, sealing[row.purpose]);
        masterKeyOpens = true;
        return material;
      } catch (error) {
        failures.push({ row, error });
        return undefined;
      }
    };
    let nextActive: FieldKey | undefined;
    for (const row of rows) {
      if (row.purpose === 'blind-index') {
        if (!blindIndexer) {
          const material = open(row);
          if (material) {
            blindIndexer = createBlindIndexer(material);
            blindIndexMaterial = material;
          }
        }
        continue;
      }
      let known = fieldKeys.get(row.id);
      if (!known) {
        const material = open(row);
        if (!material) continue;
        known = { key: prepareFieldKey(row.id, material), material };
        fieldKeys.set(row.id, known);
      }
      if (row.status === 'active') nextActive = known.key;
    }
    const [failure] = failures;
    if (failure && !masterKeyOpens) throw new CryptoError('bad-key', wrongMasterKey, { cause: failure.error });
    if (failure) {
      const { row, error } = failure;
      throw new CryptoError('bad-key', `data key ${row.id} (${row.purpose}) does not open with the master key that opens the others: its row in data_keys was altered`, { cause: error });
    }
    if (!nextActive || !blindIndexer) throw new Error('data_keys holds no active field key or no blind-index key, although they were just created');
    if (sequence > activeFromLoad) {
      activeFromLoad = sequence;
      active = nextActive;
    }
  }

  await load();
  const keyFor = (id: number) => fieldKeys.get(id)?.key;

  async function decryptMany(texts: readonly (string | null)[]): Promise<(string | null)[]> {
    const present = texts.filter((text): text is string => text !== null);
    let plaintexts: string[];
    try {
      plaintexts = cipher.decryptMany(present, keyFor);
    } catch (error) {
      // Another process rotated since this one last looked: read the table once, then try again.
      if (!(error instanceof CryptoError && error.code === 'unknown-key')) throw error;
      await load();
      plaintexts = cipher.decryptMany(present, keyFor);
    }
    let next = 0;
    return texts.map((text) => (text === null ? null : plaintexts[next++]!));
  }


  async function fieldKeyRows(query: Knex | Knex.Transaction, forUpdate: boolean): Promise<DataKeyRow[]> {
    const select = query('data_keys').where({ purpose: 'field' }).whereIn('status', ['active', 'retiring']).orderBy('id');
    // PostgreSQL: a second rotation starting at the same moment waits here, then finds the first one's retiring key.
    if (forUpdate && knex.client.config.client === 'pg') select.forUpdate();
    return select;
  }

  function rotationFrom(rows: DataKeyRow[], resumed: boolean): FieldKeyRotation {
    const to = rows.find((row) => row.status === 'active');
    if (!to) throw new Error('data_keys holds no active field key');
    return { toKeyId: to.id, fromKeyIds: rows.filter((row) => row.status === 'retiring').map((row) => row.id), startedAt: to.created_at, resumed };
  }

  const keyring: DataKeyring = {
    get activeFieldKeyId() {
      return active!.id;
    },
    encrypt: (value) => cipher.encrypt(value, active!),
    encryptMany: ((values: readonly (string | null)[]) => encryptPresent(cipher, active!, values)) as DataKeyring['encryptMany'],
    async decrypt(text) {
      return (await decryptMany([text]))[0]!;
    },
    decryptMany: decryptMany as DataKeyring['decryptMany'],
    blindIndex: (kind, normalisedValue) => blindIndexer!(kind, normalisedValue),
    writingKeys: () => ({ fieldKeyId: active!.id, fieldKey: fieldKeys.get(active!.id)!.material, blindIndexKey: blindIndexMaterial! }),
    refresh: load,
    startRefreshing(intervalMs, onError) {
      const timer = setInterval(() => void load().catch(onError), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
    async list() {
      const rows: DataKeyRow[] = await knex('data_keys').orderBy('id');
      return rows.map((row) => ({ id: row.id, purpose: row.purpose, status: row.status, createdAt: row.created_at, retiredAt: row.retired_at }));
    },
    revealFieldKey(id) {
      const known = fieldKeys.get(id);
      if (!known) throw new CryptoError('unknown-key', `no field key ${id} in this store`);
      return { encryptionKeyHex: known.material.subarray(0, 16).toString('hex'), authenticationKeyHex: known.material.subarray(16).toString('hex') };
    },
    async startFieldKeyRotation() {
      let rotation: FieldKeyRotation;
      try {
        rotation = await knex.transaction(async (trx) => {
          const rows = await fieldKeyRows(trx, true);
          if (rows.some((row) => row.status === 'retiring')) return rotationFrom(rows, true);
          await trx('data_keys').where({ purpose: 'field', status: 'active' }).update({ status: 'retiring' });
          await trx('data_keys').insert(newKeyRow('field'));
          return rotationFrom(await fieldKeyRows(trx, false), false);
        });
      } catch (error) {
        // Another process started a rotation between our read and our insert (the unique index refused a second
        // active key, or SQLite was busy): continue that one rather than fail.
        const rows = await fieldKeyRows(knex, false);
        if (!rows.some((row) => row.status === 'retiring')) throw error;
        rotation = rotationFrom(rows, true);
      }
      await load();
      return rotation;
    },
    async retireFieldKeys(ids) {
      if (ids.length === 0) return;
      await knex('data_keys').whereIn('id', ids).where({ purpose: 'field', status: 'retiring' }).update({ status: 'retired', retired_at: now().toISOString() });
      await load();
    },
  };
  return keyring;
}
