import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainedEntryOf, checkpointText, genesisHash, type AuditLogRow } from '../../gateway/audit/chain-format.js';
import { createSm2Signer, sm2Sign } from '../../gateway/crypto/sm2.js';
import { generateSm2KeyPair, sm2PublicKeyPem } from '../../gateway/crypto/sm2-keys.js';
import type { AuditVerification } from '../../gateway/audit/verify-chain.js';
import { appendSampleEntries, chainKeys, forgedHash, rowAt, shiftPositions, type ChainKeys } from '../helpers/audit-chain.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

/**
 * Thirty entries, checkpoints signed at positions 10 and 20 (position 10 is the generation of the signing key,
 * so from 11 on, sample entry n sits at position n + 1). Each test tampers with raw SQL inside a
 * transaction, verifies through it, and rolls it back, so every test starts from the same whole chain.
 */
describe.each(dialects)('jiuzhu audit verify on %s', (dialect) => {
  let store: TestStore;
  let keys: ChainKeys;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    keys = chainKeys(store.knex);
    await appendSampleEntries(store.knex, 9);
    await keys.checkpointer.checkpoint();
    await appendSampleEntries(store.knex, 10, 10);
    await keys.checkpointer.checkpoint();
    await appendSampleEntries(store.knex, 10, 20);
  });
  afterAll(async () => store.dispose());

  async function verifyTampered(tamper: (trx: Knex.Transaction) => Promise<void>): Promise<AuditVerification> {
    const trx = await store.knex.transaction();
    try {
      await tamper(trx);
      return await keys.verify(trx);
    } finally {
      await trx.rollback();
    }
  }

  const problemOf = (verification: AuditVerification) => verification.problem && { kind: verification.problem.kind, position: verification.problem.position };

  it('passes a whole log, counting its entries and checkpoints', async () => {
    // The checkpointer signed 10 = nine sample entries plus the generation of its key, then 20.
    expect(await keys.verify()).toEqual({
      ok: true, entries: 30, checkpoints: 2, problem: null,
      lastCheckpoint: { position: 20, at: expect.any(String), keyId: expect.stringMatching(/^sm2-/) },
    });
  });

  it('names an entry whose content was edited', async () => {
    const verification = await verifyTampered((trx) => trx.raw("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 7"));
    expect(verification).toMatchObject({ ok: false, entries: 6, problem: { kind: 'edited', position: 7, detail: 'the entry no longer matches its hash' } });
  });

  it('names an entry whose subjects were changed in audit_subjects', async () => {
    const verification = await verifyTampered(async (trx) => {
      const { id } = await rowAt(trx, 15);
      await trx.raw('UPDATE audit_subjects SET person_id = 99999 WHERE audit_id = ? AND person_id = 1014', [id]);
    });
    expect(problemOf(verification)).toEqual({ kind: 'edited', position: 15 });
  });

  it('names an entry that was deleted', async () => {
    const verification = await verifyTampered(async (trx) => {
      const { id } = await rowAt(trx, 12);
      await trx.raw('DELETE FROM audit_subjects WHERE audit_id = ?', [id]);
      await trx.raw('DELETE FROM audit_log WHERE id = ?', [id]);
    });
    expect(verification.problem).toEqual({ kind: 'deleted', position: 12, detail: 'no entry at position 12' });
  });

  it('names an entry that was deleted even when the later ones were moved up to close the gap', async () => {
    const verification = await verifyTampered(async (trx) => {
      const { id } = await rowAt(trx, 12);
      await trx.raw('DELETE FROM audit_subjects WHERE audit_id = ?', [id]);
      await trx.raw('DELETE FROM audit_log WHERE id = ?', [id]);
      await shiftPositions(trx, 13, -1);
      await trx.raw('UPDATE audit_head SET seq = seq - 1');
    });
    expect(problemOf(verification)).toEqual({ kind: 'deleted', position: 12 });
  });

  it('names an entry put in between two others, with its hash computed and the later ones moved down', async () => {
    const verification = await verifyTampered(async (trx) => {
      await shiftPositions(trx, 15, 1);
      const before = await rowAt(trx, 14);
      const forged: AuditLogRow = { ...(before as unknown as AuditLogRow), seq: 15, detail: 'a read that never happened' };
      const hash = forgedHash(before.hash, chainedEntryOf(forged, []));
      await trx('audit_log').insert({ ...forged, id: undefined, prev_hash: before.hash, hash });
    });
    expect(problemOf(verification)).toEqual({ kind: 'inserted', position: 15 });
  });

  it('names an entry put in at a position that was already taken', async () => {
    const verification = await verifyTampered(async (trx) => {
      await trx.raw('DROP INDEX audit_log_seq_unique');
      const { id: _id, ...copy } = await rowAt(trx, 9);
      await trx('audit_log').insert({ ...copy, detail: 'a second ninth entry' });
    });
    expect(verification.problem).toEqual({ kind: 'inserted', position: 9, detail: 'a second entry at position 9' });
  });

  it('names entries put in after the last one without moving the head row', async () => {
    const verification = await verifyTampered(async (trx) => {
      const last = await rowAt(trx, 30);
      const forged: AuditLogRow = { ...(last as unknown as AuditLogRow), seq: 31, detail: 'appended by hand' };
      await trx('audit_log').insert({ ...forged, id: undefined, prev_hash: last.hash, hash: forgedHash(last.hash, chainedEntryOf(forged, [])) });
    });
    expect(problemOf(verification)).toEqual({ kind: 'inserted', position: 31 });
  });

  it('says two entries were swapped when their positions were exchanged', async () => {
    const verification = await verifyTampered(async (trx) => {
      await trx.raw('UPDATE audit_log SET seq = -3 WHERE seq = 3');
      await trx.raw('UPDATE audit_log SET seq = 3 WHERE seq = 4');
      await trx.raw('UPDATE audit_log SET seq = 4 WHERE seq = -3');
    });
    expect(verification.problem).toEqual({ kind: 'reordered', position: 3, detail: 'the entries at positions 3 and 4 were swapped' });
  });

  it('says two entries were swapped when their contents were exchanged in place', async () => {
    const verification = await verifyTampered(async (trx) => {
      // Neither has subjects, which would stay behind; one has an actor, the other none.
      const [a, b] = [await rowAt(trx, 22), await rowAt(trx, 26)];
      const columns = ['at', 'actor_key_id', 'actor_role', 'actor_label', 'action', 'outcome', 'resource_type', 'resource_id', 'region_code', 'request_id', 'detail'];
      const content = (row: Record<string, unknown>) => Object.fromEntries(columns.map((column) => [column, row[column]]));
      await trx('audit_log').where('id', a.id).update(content(b));
      await trx('audit_log').where('id', b.id).update(content(a));
    });
    expect(verification.problem).toEqual({ kind: 'reordered', position: 22, detail: 'the contents of the entries at positions 22 and 26 were swapped' });
  });

  it('names a truncation: the entries after a checkpoint deleted, the head row left as it was', async () => {
    const verification = await verifyTampered(async (trx) => {
      await trx.raw('DELETE FROM audit_subjects WHERE audit_id IN (SELECT id FROM audit_log WHERE seq >= 16)');
      await trx.raw('DELETE FROM audit_log WHERE seq >= 16');
    });
    expect(verification).toMatchObject({ ok: false, entries: 15, problem: { kind: 'truncated', position: 16 } });
    expect(verification.problem?.detail).toMatch(/checkpoint at position 20/);
  });

  it('names a truncation behind the last checkpoint even when the head row was rewritten to match', async () => {
    const verification = await verifyTampered(async (trx) => {
      await trx.raw('DELETE FROM audit_subjects WHERE audit_id IN (SELECT id FROM audit_log WHERE seq >= 16)');
      await trx.raw('DELETE FROM audit_log WHERE seq >= 16');
      await trx.raw('UPDATE audit_head SET seq = 15, hash = ?', [(await rowAt(trx, 15)).hash]);
    });
    expect(problemOf(verification)).toEqual({ kind: 'truncated', position: 16 });
  });

  it('names the entries lost after the last checkpoint while the head row still counts them', async () => {
    const verification = await verifyTampered(async (trx) => {
      await trx.raw('DELETE FROM audit_subjects WHERE audit_id IN (SELECT id FROM audit_log WHERE seq >= 27)');
      await trx.raw('DELETE FROM audit_log WHERE seq >= 27');
    });
    expect(verification.problem).toEqual({ kind: 'truncated', position: 27, detail: 'the head row counts 30 entries but the log ends at 26' });
  });

  it('cannot see the entries after the last checkpoint deleted together with a rewritten head row: the limit docs/audit-log.md states', async () => {
    const verification = await verifyTampered(async (trx) => {
      await trx.raw('DELETE FROM audit_subjects WHERE audit_id IN (SELECT id FROM audit_log WHERE seq >= 25)');
      await trx.raw('DELETE FROM audit_log WHERE seq >= 25');
      await trx.raw('UPDATE audit_head SET seq = 24, hash = ?', [(await rowAt(trx, 24)).hash]);
    });
    expect(verification).toMatchObject({ ok: true, entries: 24 });
  });

  it('names the range behind a checkpoint when an entry was edited and every hash after it recomputed', async () => {
    const verification = await verifyTampered(async (trx) => {
      let previous = (await rowAt(trx, 12)).hash;
      for (let seq = 13; seq <= 30; seq += 1) {
        const row = await rowAt(trx, seq);
        const subjects = (await trx('audit_subjects').where('audit_id', row.id).pluck('person_id')).map(Number);
        const edited = { ...(row as unknown as AuditLogRow), detail: seq === 13 ? 'rewritten' : (row.detail as string | null) };
        const hash = forgedHash(previous, chainedEntryOf(edited, subjects));
        await trx('audit_log').where('id', row.id).update({ detail: edited.detail, prev_hash: previous, hash });
        previous = hash;
      }
      await trx.raw('UPDATE audit_head SET hash = ?', [previous]);
    });
    expect(verification.problem).toEqual({
      kind: 'edited', position: 11,
      detail: 'the entries no longer hash to the head signed at position 20: one from 11 to 20 was changed and the hashes after it rewritten',
    });
  });

  it('refuses a checkpoint signed by a key planted in own_keys, which the master key does not open', async () => {
    const verification = await verifyTampered(async (trx) => {
      const attacker = createSm2Signer(generateSm2KeyPair());
      await trx('own_keys').insert({
        id: 'sm2-planted', algorithm: 'sm2', fingerprint: attacker.publicKey.fingerprint, public_key: sm2PublicKeyPem(attacker.publicKey.hex),
        private_key_sealed: 'v1:AAAA', status: 'active', created_at: new Date().toISOString(),
      });
      const head = await rowAt(trx, 25);
      const fields = { position: 25, head: head.hash, at: new Date().toISOString(), keyFingerprint: attacker.publicKey.fingerprint };
      await trx('audit_checkpoints').insert({
        position: 25, head_hash: head.hash, signed_at: fields.at, key_id: 'sm2-planted', key_fingerprint: fields.keyFingerprint,
        signature: sm2Sign(checkpointText(fields), attacker),
      });
    });
    expect(verification).toMatchObject({ ok: false, entries: 25, checkpoints: 2, problem: { kind: 'forged-checkpoint', position: 25 } });
    expect(verification.problem?.detail).toMatch(/sm2-planted .*not one of ours proven by the master key/);
  });

  it('refuses a checkpoint whose signed head was changed', async () => {
    const verification = await verifyTampered((trx) => trx.raw('UPDATE audit_checkpoints SET head_hash = ? WHERE position = 10', [genesisHash]));
    expect(verification).toMatchObject({ ok: false, checkpoints: 0, problem: { kind: 'forged-checkpoint', position: 10 } });
  });
});
