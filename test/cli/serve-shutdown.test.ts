import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJiuzhu } from '../helpers/cli.js';
import { startServe } from '../helpers/serve.js';

const workDir = mkdtempSync(join(tmpdir(), 'jiuzhu-shutdown-'));
const env = { JIUZHU_DB: join(workDir, 'serve.db'), JIUZHU_MASTER_KEY_FILE: join(workDir, 'master.key'), PORT: '0', LOG_LEVEL: 'info' };

async function waitFor(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('jiuzhu serve shutting down (JIUZHU_SHUTDOWN_SECONDS)', () => {
  let apiKey: string;

  beforeAll(async () => {
    expect((await runJiuzhu(env, 'migrate')).code).toBe(0);
    const created = await runJiuzhu(env, 'keys', 'create', '--role', 'integrator', '--region', '640121', '--label', 'shutdown test');
    expect(created.code, created.stderr).toBe(0);
    apiKey = created.stdout.trim();
    expect((await runJiuzhu(env, 'keys', 'gen')).code).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('exits promptly with status 0 on SIGTERM when no request is in flight, after answering /health, /ready and /metrics', async () => {
    const server = await startServe(env);
    for (const path of ['/health', '/ready', '/metrics']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('x-request-id'), path).toBeTruthy();
    }
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('jiuzhu_http_requests_total{method="GET",route="/ready",status_code="200"} 1');
    const sent = Date.now();
    server.child.kill('SIGTERM');
    const { code, at } = await server.exited;
    expect(code).toBe(0);
    expect(at - sent).toBeLessThan(3_000);
  }, 120_000);

  it('closes an upload that never finishes once the deadline passes, logs it and exits with status 1', async () => {
    const deadlineSeconds = 2;
    const server = await startServe({ ...env, JIUZHU_SHUTDOWN_SECONDS: String(deadlineSeconds) });
    const { port, hostname } = new URL(server.url);
    const upload = request({
      host: hostname, port, method: 'POST', path: '/v1/feeds/yibao/batches',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
    });
    let uploadError: Error | undefined;
    upload.on('error', (error) => (uploadError = error));
    upload.write('序号,姓名,公民身份号码,就诊类型,结算日期,医疗总费用,个人自付\n');
    // A row a second, never the end of the body: a client on a bad line, or one that hangs.
    const trickle = setInterval(() => upload.write('1,马秀兰,11010519491231002X,住院,2024-05-06,"100.00","10.00"\n'), 1_000);
    try {
      await waitFor(() => server.log().includes('"url":"/v1/feeds/yibao/batches"'), 'the server to take the upload');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = Date.now();
      server.child.kill('SIGTERM');
      const { code, at } = await server.exited;
      const took = at - sent;
      expect(code).toBe(1);
      // It waited for the upload until the deadline, then did not wait much longer.
      expect(took).toBeGreaterThanOrEqual(deadlineSeconds * 1000 - 100);
      expect(took).toBeLessThan(deadlineSeconds * 1000 + 2_500);
      expect(server.log()).toContain('shutdown deadline passed: closing the connections still open');
      await waitFor(() => uploadError !== undefined, 'the upload to be cut off', 5_000);
    } finally {
      clearInterval(trickle);
      upload.destroy();
    }
  }, 120_000);
});
