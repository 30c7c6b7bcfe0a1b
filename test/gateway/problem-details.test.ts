import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';

/** Sends raw bytes to the listening app and reads the whole answer: for requests Node's parser refuses before fastify. */
function rawRequest(port: number, request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body });
    });
  });
}

describe('answers that fastify or Node give before the app, as problem+json (issue 10, finding 4)', () => {
  let t: TestApp;
  let port: number;
  let headers: { authorization: string };

  beforeAll(async () => {
    t = await buildTestApp('sqlite');
    headers = await t.authAs('admin', '640121');
    port = Number(new URL(await t.app.listen({ port: 0, host: '127.0.0.1' })).port);
  });
  afterAll(async () => t.close());

  it('answers 414 uri-too-long for a path parameter over 100 characters', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/v1/warnings/${'1'.repeat(120)}`, headers });
    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: 'urn:jiuzhu:problem:uri-too-long', status: 414, code: 'uri-too-long' });
  });

  it('answers 400 for a URL that is not valid percent-encoding', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/warnings/1%', headers });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'validation-failed', detail: 'the URL is not valid percent-encoding' });
  });

  it('answers 431 headers-too-large for headers over Node’s limit', async () => {
    const answer = await rawRequest(port, `GET /v1/regions HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(answer.headers).toMatch(/Content-Type: application\/problem\+json/i);
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'urn:jiuzhu:problem:headers-too-large', status: 431 });
  });

  it('answers 400 malformed-request for a NUL in a header value', async () => {
    const answer = await rawRequest(port, 'GET /v1/regions HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.headers).toMatch(/Content-Type: application\/problem\+json/i);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'malformed-request', status: 400 });
  });
});

describe('input read as written (issue 10, finding 10)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp('sqlite');
  });
  afterAll(async () => t.close());

  it.each(['0x10', '1e3', '+7', '010', '1.0', ' 7'])('refuses the path id %s instead of reading it as a number', async (id) => {
    const response = await t.app.inject({ method: 'GET', url: `/v1/warnings/${encodeURIComponent(id)}`, headers: await t.authAs('admin', '640121') });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation-failed', errors: [{ in: 'path', parameter: 'id' }] });
  });

  it('refuses a query integer written in hexadecimal or with an exponent', async () => {
    const headers = await t.authAs('admin', '640121');
    for (const limit of ['0x10', '1e2']) {
      const response = await t.app.inject({ method: 'GET', url: `/v1/warnings?limit=${limit}`, headers });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toEqual([{ in: 'query', parameter: 'limit', detail: 'must be a whole number written in decimal digits' }]);
    }
    expect((await t.app.inject({ method: 'GET', url: '/v1/warnings?limit=16', headers })).statusCode).toBe(200);
  });

  it('refuses a JSON body declared in another charset than UTF-8 with 415', async () => {
    const headers = { ...(await t.authAs('admin', '640121')), 'content-type': 'application/json; charset=gbk' };
    const response = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers, payload: Buffer.from('{"period":"2024-05"}') });
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('unsupported-media-type');
    expect(Number((await t.store.knex('comparison_runs').count({ n: '*' }).first())?.n)).toBe(0);
    const utf8 = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers: { ...headers, 'content-type': 'application/json; charset=UTF-8' }, payload: '{"period":"2024-05"}' });
    expect(utf8.statusCode).toBe(201);
  });

  it('refuses a role before reading the body, so a key learns nothing of what the route accepts', async () => {
    const liaison = await t.authAs('liaison', '640121');
    const household = await t.app.inject({ method: 'POST', url: '/v1/households', headers: liaison, payload: { nonsense: true } });
    expect(household.statusCode).toBe(403);
    expect(household.json().code).toBe('forbidden');
    expect(household.body).not.toMatch(/members|registeredRegionCode/);
    const township = await t.authAs('township', '640121100');
    const run = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers: township, payload: { period: 'not a month', extra: 1 } });
    expect(run.statusCode).toBe(403);
    expect(run.json().errors).toBeUndefined();
  });
});
