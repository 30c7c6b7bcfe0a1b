import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeSigningKey } from '../../gateway/audit/checkpoint-keys.js';
import { checkpointText } from '../../gateway/audit/chain-format.js';
import { createAuditCheckpointer } from '../../gateway/audit/checkpoints.js';
import { readAuditHead } from '../../gateway/store/repositories/audit-log.js';
import { appendSampleEntries, chainKeys, type ChainKeys } from '../helpers/audit-chain.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { createOpensslWorkdir } from '../helpers/openssl.js';

describe.each(dialects)('audit checkpoints on %s', (dialect) => {
  let store: TestStore;
  let keys: ChainKeys;
  let clock: Date;
  const checkpointer = (options: { everyEntries?: number; everySeconds?: number; log?: Parameters<typeof createAuditCheckpointer>[0]['log'] } = {}) =>
    createAuditCheckpointer({ knex: store.knex, signingKey: activeSigningKey(keys.ownKeys, store.knex), now: () => clock, ...options });
  const signedPositions = async () => (await store.knex('audit_checkpoints').orderBy('position').pluck('position')).map(Number);

  beforeAll(async () => {
    store = await openTestStore(dialect);
    keys = chainKeys(store.knex);
    clock = new Date('2026-03-02T01:00:00.000Z');
  });
  afterAll(async () => store.dispose());
  afterEach(async () => {
    clock = new Date(clock.getTime() + 3_600_000);
  });

  it('generates an SM2 key pair when there is none, audits that, and covers the entry with its first checkpoint', async () => {
    await appendSampleEntries(store.knex, 3);
    const first = await checkpointer().checkpoint();
    const [generated] = await keys.ownKeys.list();
    expect(generated).toMatchObject({ algorithm: 'sm2', status: 'active' });
    expect(await store.knex('audit_log').where('seq', 4).first('action', 'resource_id', 'actor_label')).toEqual({ action: 'keypair.generate', resource_id: generated!.id, actor_label: null });
    expect(first).toMatchObject({ position: 4, keyId: generated!.id, keyFingerprint: generated!.fingerprint, head: (await readAuditHead(store.knex))!.hash });
  });

  it('signs nothing while the head has not moved past the last checkpoint', async () => {
    clock = new Date(clock.getTime() + 86_400_000);
    expect(await checkpointer({ everySeconds: 1 }).checkpointIfDue()).toBeUndefined();
    expect(await checkpointer().checkpoint()).toBeUndefined();
    expect(await signedPositions()).toEqual([4]);
  });

  it('signs once the head is everyEntries past the last checkpoint', async () => {
    const every5 = checkpointer({ everyEntries: 5, everySeconds: Infinity });
    await appendSampleEntries(store.knex, 4);
    expect(await every5.checkpointIfDue()).toBeUndefined();
    await appendSampleEntries(store.knex, 1);
    expect(await every5.checkpointIfDue()).toMatchObject({ position: 9 });
  });

  it('signs a head that moved at all once the last checkpoint is older than everySeconds', async () => {
    const every5Minutes = checkpointer({ everySeconds: 300 });
    await appendSampleEntries(store.knex, 1);
    clock = new Date(clock.getTime() - 3_600_000 + 299_000);
    expect(await every5Minutes.checkpointIfDue()).toBeUndefined();
    clock = new Date(clock.getTime() + 1_000);
    expect(await every5Minutes.checkpointIfDue()).toMatchObject({ position: 10 });
  });

  it('signs each position once when two processes sign the same head at once', async () => {
    await appendSampleEntries(store.knex, 2);
    const results = await Promise.all([checkpointer().checkpoint(), checkpointer().checkpoint(), checkpointer().checkpoint()]);
    expect(results.filter(Boolean).map((c) => c!.position)).toEqual([12]);
    expect(await signedPositions()).toEqual([4, 9, 10, 12]);
  });

  it('logs every checkpoint it signs, in full, for a collector outside the database', async () => {
    const logged: object[] = [];
    await appendSampleEntries(store.knex, 1);
    const signed = await checkpointer({ log: { info: (object) => logged.push(object), error: () => undefined } }).checkpoint();
    expect(logged).toEqual([{ auditCheckpoint: { ...signed, signature: signed!.signature.toString('base64') } }]);
  });

  it('checks every second once started, and signs the head when stopped', async () => {
    const running = checkpointer({ everyEntries: 2, everySeconds: Infinity });
    running.start(20);
    await appendSampleEntries(store.knex, 2);
    await expect.poll(signedPositions, { timeout: 5_000 }).toContain(15);
    await appendSampleEntries(store.knex, 1);
    expect(await running.stop()).toMatchObject({ position: 16 });
  });

  it('writes a signature over the checkpoint text that openssl verifies with our public key', async () => {
    const workdir = await createOpensslWorkdir();
    try {
      const [key] = await keys.ownKeys.list();
      const checkpoint: { position: number; head_hash: string; signed_at: string; key_fingerprint: string; signature: Buffer } = await store.knex('audit_checkpoints').orderBy('position', 'desc').first();
      const text = checkpointText({ position: Number(checkpoint.position), head: checkpoint.head_hash, at: checkpoint.signed_at, keyFingerprint: checkpoint.key_fingerprint });
      expect(text).toBe(`jiuzhu audit checkpoint v1\nposition 16\nhead ${checkpoint.head_hash}\ntime ${checkpoint.signed_at}\nkey ${key!.fingerprint}\n`);
      await workdir.write('key.pem', key!.publicKey);
      await workdir.write('checkpoint.txt', text);
      await workdir.write('checkpoint.sig', checkpoint.signature);
      const verify = ['pkeyutl', '-verify', '-pubin', '-inkey', 'key.pem', '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-in', 'checkpoint.txt', '-sigfile', 'checkpoint.sig'];
      expect((await workdir.run(verify)).status).toBe(0);
      await workdir.write('checkpoint.txt', text.replace('position 16', 'position 15'));
      expect((await workdir.run(verify)).status).toBe(1);
    } finally {
      await workdir.remove();
    }
  });
});
