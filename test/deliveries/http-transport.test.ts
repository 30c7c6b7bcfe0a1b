import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, describeFailure } from '../../gateway/deliveries/delivery-error.js';
import type { OutgoingDelivery } from '../../gateway/deliveries/delivery-queue.js';
import { createHttpTransport } from '../../gateway/deliveries/http-transport.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

describe('the HTTP delivery transport', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  const routes: Record<string, (response: ServerResponse) => void> = {
    '/ok': (response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"receiptId":"R1"}'),
    '/long': (response) => response.writeHead(202).end('r'.repeat(10_000)),
    '/refuse': (response) => response.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad-package', reason: `record 11010519491231002X: ${'x'.repeat(1000)}` })),
    '/down': (response) => response.writeHead(503).end(),
    '/slow': (response) => void setTimeout(() => response.writeHead(200).end('late'), 500),
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
        (routes[request.url ?? ''] ?? ((r: ServerResponse) => r.writeHead(404).end()))(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const delivery = (path: string | null): OutgoingDelivery => ({
    id: 7, target: 'jinmin', endpointUrl: path === null ? null : `${base}${path}`, kind: 'jinmin-change-set', period: '2026-05', payload: Buffer.from([0x30, 0x80, 0x00, 0xff]), attempt: 2,
  });

  it('POSTs the payload as application/pkcs7-mime and returns the answer as the receipt', async () => {
    const transport = createHttpTransport();
    expect(await transport.send(delivery('/ok'))).toEqual({ receipt: '{"receiptId":"R1"}' });
    const request = received.at(-1)!;
    expect(request.body.equals(Buffer.from([0x30, 0x80, 0x00, 0xff]))).toBe(true);
    expect(request.headers).toMatchObject({
      'content-type': 'application/pkcs7-mime', 'x-jiuzhu-delivery-id': '7', 'x-jiuzhu-delivery-attempt': '2', 'x-jiuzhu-kind': 'jinmin-change-set', 'x-jiuzhu-period': '2026-05',
    });
  });

  it('cuts a long receipt to the configured size', async () => {
    const { receipt } = await createHttpTransport({ maxReceiptBytes: 100 }).send(delivery('/long'));
    expect(receipt).toBe(`${'r'.repeat(100)}…`);
  });

  it('fails on a non-2xx answer with its status and a short excerpt of the body', async () => {
    const error = await createHttpTransport().send(delivery('/refuse')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ failure: 'refused', status: 422 });
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^\\[deliveries\\] jinmin \\(${base.replace(/[.]/g, '\\.')}/refuse\\) answered 422 Unprocessable Entity: \\{"error":"bad-package"`));
    expect(message.length).toBeLessThan(400);
    expect(describeFailure(error)).not.toContain('11010519491231002X');
    await expect(createHttpTransport().send(delivery('/down'))).rejects.toMatchObject({ failure: 'refused', status: 503, message: expect.stringMatching(/answered 503 Service Unavailable$/) });
  });

  it('gives up after its timeout', async () => {
    await expect(createHttpTransport({ timeoutMs: 100 }).send(delivery('/slow'))).rejects.toMatchObject({ failure: 'timeout', message: expect.stringMatching(/did not answer within 100 ms/) });
  });

  it('names the reason when the partner cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(createHttpTransport().send({ ...delivery(null), endpointUrl: `http://127.0.0.1:${port}/in` })).rejects.toMatchObject({
      failure: 'network', message: expect.stringMatching(/could not be reached: fetch failed \(ECONNREFUSED\)/),
    });
  });

  it('refuses to send without a usable endpoint', async () => {
    const transport = createHttpTransport();
    await expect(transport.send(delivery(null))).rejects.toMatchObject({ failure: 'no-endpoint', message: expect.stringMatching(/has no endpoint_url/) });
    await expect(transport.send({ ...delivery(null), endpointUrl: 'ftp://jinmin.example/in' })).rejects.toMatchObject({ failure: 'no-endpoint' });
    await expect(transport.send({ ...delivery(null), endpointUrl: 'https://user:secret@jinmin.example/in' })).rejects.toMatchObject({ failure: 'no-endpoint', message: expect.not.stringContaining('secret') });
  });
});
