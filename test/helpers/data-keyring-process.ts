/**
 * One process opening a SQLite store's data keyring, for the test of two processes doing so at once: SQLite's locks
 * are per connection, and two connections in one Node thread would deadlock on busy_timeout, which blocks the thread.
 * Usage: node --import tsx data-keyring-process.ts FILE MASTER_KEY_HEX START_AT_MS
 * Prints one JSON line: the active field key id, a ciphertext under it and a blind index.
 */
import { openDataKeyring } from '../../gateway/keystore/data-keys.js';
import { createStore } from '../../gateway/store/connect.js';

const [filename, masterKeyHex, startAt] = process.argv.slice(2) as [string, string, string];
const store = createStore({ client: 'sqlite', filename });
await store.knex.raw('select 1');
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const keyring = await openDataKeyring({ knex: store.knex, masterKey: Buffer.from(masterKeyHex, 'hex') });
process.stdout.write(`${JSON.stringify({ activeFieldKeyId: keyring.activeFieldKeyId, text: keyring.encrypt('110101199003077777'), blindIndex: keyring.blindIndex('phone', '13800138000') })}\n`);
await store.close();
