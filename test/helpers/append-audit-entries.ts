/**
 * A second process appending to the audit chain of one SQLite file, as `jiuzhu` on the command line does while
 * a server runs: node --import tsx test/helpers/append-audit-entries.ts FILE COUNT LABEL
 * It prints "ready" once connected and starts when a line arrives on stdin, so the test can start every process
 * at once. Every fifth append shares a transaction with a write of its own, holding the lock across awaits as a
 * change does.
 */
import { once } from 'node:events';
import { sm3Hex } from '../../gateway/crypto/sm3.js';
import { createStore } from '../../gateway/store/connect.js';
import { recordAudit } from '../../gateway/store/repositories/audit-log.js';

const [filename = '', count = '0', label = 'child'] = process.argv.slice(2);
const store = createStore({ client: 'sqlite', filename });
const actor = { keyId: null, role: 'admin' as const, regionCode: '000000', label };
try {
  await store.knex.raw('SELECT 1');
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  for (let n = 1; n <= Number(count); n += 1) {
    const record = { action: 'test.append', outcome: 'ok' as const, resourceId: `${label}-${n}`, subjectPersonIds: [n] };
    if (n % 5 === 0) {
      await store.knex.transaction(async (trx) => {
        await trx('batches').insert({ source: label, sm3: sm3Hex(`${label}-${n}`), status: 'applied', received_at: new Date().toISOString() });
        await recordAudit(trx, actor, record);
      });
    } else {
      await recordAudit(store.knex, actor, record);
    }
  }
} finally {
  await store.close();
}
