import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverLoggerOptions } from '../../gateway/server.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { householdBody, idNumbers } from '../helpers/households.js';

describe.each(dialects)('looking a person up by an ID number in the body on %s (issue 10, finding 9)', (dialect) => {
  let t: TestApp;
  const logLines: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp(dialect, { logger: serverLoggerOptions('info', { write: (line) => void logLines.push(line) }) });
    const created = await t.app.inject({ method: 'POST', url: '/v1/households', headers: await t.authAs('township', '640121100'), payload: householdBody('640121100') });
    expect(created.statusCode).toBe(201);
  });
  afterAll(async () => t.close());

  it('answers POST /v1/lookups/person as GET /v1/persons/{idNumber} does, masked by role and audited', async () => {
    const township = await t.authAs('township', '640121100');
    const posted = await t.app.inject({ method: 'POST', url: '/v1/lookups/person', headers: township, payload: { idNumber: idNumbers.head.toLowerCase() } });
    const got = await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.head}`, headers: township });
    expect(posted.statusCode, posted.body).toBe(200);
    expect(posted.json()).toEqual(got.json());
    expect(posted.json().idNumber).toBe('110105********002X');
    const audit = await t.store.knex('audit_log').where('action', 'person.read').orderBy('id', 'desc').limit(2).pluck('outcome');
    expect(audit).toEqual(['ok', 'ok']);
  });

  it('answers POST /v1/lookups/assistance-chain, and names /idNumber in the body when the number is invalid', async () => {
    const auditor = await t.authAs('auditor', '640121');
    const chain = await t.app.inject({ method: 'POST', url: '/v1/lookups/assistance-chain', headers: auditor, payload: { idNumber: idNumbers.head } });
    expect(chain.statusCode).toBe(200);
    expect(chain.json()).toMatchObject({ idNumber: idNumbers.head, name: '马秀兰' });
    const invalid = await t.app.inject({ method: 'POST', url: '/v1/lookups/person', headers: auditor, payload: { idNumber: '110105194912310021' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ code: 'invalid-id-number', errors: [{ in: 'body', pointer: '/idNumber' }] });
  });

  it('keeps ID numbers out of the server log: the lookup has none in its URL, the GET form has it masked', async () => {
    const township = await t.authAs('township', '640121100');
    await t.app.inject({ method: 'POST', url: '/v1/lookups/person', headers: township, payload: { idNumber: idNumbers.head } });
    await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.head}/assistance-chain`, headers: township });
    await t.app.inject({ method: 'GET', url: '/v1/persons/110105194912310021', headers: township });
    const log = logLines.join('');
    expect(log).toContain('/v1/persons/110105********002X/assistance-chain');
    expect(log).toContain('/v1/persons/110105********0021');
    expect(log).not.toContain(idNumbers.head);
    expect(log).not.toContain('19491231');
    expect(log).not.toMatch(/authorization|Bearer/i);
  });
});
