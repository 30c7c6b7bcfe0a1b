import { describe, expect, it } from 'vitest';
import { createAuthFailureTracker, describeAuthFailures } from '../../gateway/access/auth-failures.js';
import { buildTestApp } from '../helpers/build-app.js';

describe('failed authentications, per client address (issue 10: brute force)', () => {
  it('answers 429 with Retry-After once an address has failed too often, even to a good key, until the window ends', async () => {
    let clock = new Date('2026-12-04T10:00:00Z');
    const t = await buildTestApp('sqlite', { authFailureLimit: 3, now: () => clock });
    try {
      const good = await t.authAs('liaison', '640121');
      for (let i = 0; i < 3; i += 1) {
        expect((await t.app.inject({ method: 'GET', url: '/v1/regions', headers: { authorization: `Bearer jz_guess${i}` } })).statusCode).toBe(401);
      }
      const refused = await t.app.inject({ method: 'GET', url: '/v1/regions', headers: good });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.json()).toMatchObject({ code: 'too-many-requests', status: 429 });
      expect(Number(refused.headers['retry-after'])).toBe(60);
      const elsewhere = await t.app.inject({ method: 'GET', url: '/v1/regions', headers: good, remoteAddress: '10.0.0.9' });
      expect(elsewhere.statusCode).toBe(200);
      clock = new Date(clock.getTime() + 61_000);
      expect((await t.app.inject({ method: 'GET', url: '/v1/regions', headers: good })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('writes one audit line per address and window, with counts and reasons and never a key', async () => {
    const clock = new Date('2026-12-04T10:00:00Z');
    const t = await buildTestApp('sqlite', { authFailureLimit: 2, now: () => clock });
    await t.app.inject({ method: 'GET', url: '/v1/households' });
    await t.app.inject({ method: 'GET', url: '/v1/households', headers: { authorization: 'Bearer jz_secret-guess' } });
    await t.app.inject({ method: 'GET', url: '/v1/households', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    await t.app.inject({ method: 'GET', url: '/v1/households', headers: { authorization: 'Bearer jz_secret-guess' } });
    await t.app.inject({ method: 'GET', url: '/v1/households', remoteAddress: '10.0.0.7' });
    expect(await t.store.knex('audit_log').where('action', 'household.list').count({ n: '*' }).first()).toMatchObject({ n: 0 });
    await t.app.close();
    const lines = await t.store.knex('audit_log').where('action', 'auth.failed').orderBy('id').select('outcome', 'actor_role', 'detail');
    await t.store.dispose();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ outcome: 'denied', actor_role: null });
    expect(lines[0].detail).toMatch(/^2 failed authentication\(s\) from 127\.0\.0\.1 between .*: no key ×1, unknown or revoked key ×1; 2 more refused \(429\)$/);
    expect(lines[1].detail).toMatch(/^1 failed authentication\(s\) from 10\.0\.0\.7/);
    expect(JSON.stringify(lines)).not.toContain('secret-guess');
  });
});

describe('the failure tracker', () => {
  it('summarises a window once it has ended, and only once', () => {
    let clock = new Date('2026-12-04T10:00:00Z');
    const tracker = createAuthFailureTracker({ limit: 5, windowMs: 60_000, now: () => clock });
    tracker.recordFailure('10.0.0.1', 'no key');
    expect(tracker.takeSummaries()).toEqual([]);
    clock = new Date(clock.getTime() + 60_000);
    const [summary] = tracker.takeSummaries();
    expect(summary).toMatchObject({ address: '10.0.0.1', failures: 1, refused: 0, reasons: { 'no key': 1 } });
    expect(describeAuthFailures(summary!)).toBe('1 failed authentication(s) from 10.0.0.1 between 2026-12-04T10:00:00.000Z and 2026-12-04T10:01:00.000Z: no key ×1');
    expect(tracker.takeSummaries()).toEqual([]);
  });

  it('stays within its bound of addresses under a spray, summarising the oldest early', () => {
    const tracker = createAuthFailureTracker({ limit: 5, windowMs: 60_000, maxAddresses: 100, now: () => new Date('2026-12-04T10:00:00Z') });
    for (let i = 0; i < 1_000; i += 1) tracker.recordFailure(`10.0.${i >> 8}.${i & 255}`, 'unknown or revoked key');
    expect(tracker.takeSummaries()).toHaveLength(900);
    expect(tracker.takeSummaries(true)).toHaveLength(100);
  });
});
