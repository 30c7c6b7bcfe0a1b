import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSm3 } from '../../gateway/crypto/sm3.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';
import { upsertBankAccount } from '../../gateway/store/repositories/bank-accounts.js';

const county = '640121';
const month = '2024-09';

describe.each(dialects)('the payroll routes on %s', (dialect) => {
  let t: TestApp;
  let township: string;
  let headers: Record<'township' | 'bureau' | 'finance' | 'townshipAdmin' | 'auditor', { authorization: string }>;

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => new Date('2024-10-03T02:00:00Z') });
    const village = (await t.store.knex('regions').where({ level: 'village' }).andWhere('code', 'like', `${county}%`).orderBy('code').first('code')).code;
    township = village.slice(0, 9);
    await addHousehold(t.store.knex, village, [
      { idNumber: idNumber(county, '1960-01-01', 1), name: '马德福', enrolment: { category: '120', startDate: '2024-01-01' } },
      { idNumber: idNumber(county, '1962-02-02', 2), name: '马秀英', enrolment: { category: '120', startDate: '2024-01-01' } },
    ]);
    const head = (await t.store.knex('persons').orderBy('id').first('id')).id;
    await t.store.knex.transaction((trx) => upsertBankAccount(trx, head, { bankName: '宁夏黄河农村商业银行', accountNumber: '6231940012345678901', accountName: '马德福' }));
    headers = {
      township: await t.authAs('township', township),
      bureau: await t.authAs('admin', county),
      finance: await t.authAs('finance', county),
      townshipAdmin: await t.authAs('admin', township),
      auditor: await t.authAs('auditor', county),
    };
  });
  afterAll(async () => t.close());

  const call = (method: 'GET' | 'POST', url: string, who: { authorization: string }) => t.app.inject({ method, url, headers: who });

  it('answers the month\'s totals by township, a preview while the month is open', async () => {
    const response = await call('GET', `/v1/payroll/${month}`, headers.township);
    expect(response.statusCode, response.body).toBe(200);
    // 2 × 630 − 500 = 760 元 (Yongning's example standards from 2024-07).
    expect(response.json()).toMatchObject({ month, countyCode: county, status: 'open', households: 1, persons: 2, lines: 1, totalFen: 76_000, closed: null, problems: [] });
    expect(response.json().byTownship).toEqual([expect.objectContaining({ code: township, households: 1, persons: 2, totalFen: 76_000 })]);
  });

  it('lets only the county bureau close, and only once every township has submitted', async () => {
    expect((await call('POST', `/v1/payroll/${month}/close`, headers.townshipAdmin)).json()).toMatchObject({ status: 403, code: 'forbidden' });
    expect((await call('POST', `/v1/payroll/${month}/close`, headers.finance)).statusCode).toBe(403);
    const early = await call('POST', `/v1/payroll/${month}/close`, headers.bureau);
    expect(early.json()).toMatchObject({ status: 409, code: 'payroll-not-ready' });
    expect(early.json().detail).toContain(`${township} has not submitted`);
    const submitted = await call('POST', `/v1/payroll/${month}/townships/${township}/submission`, headers.township);
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json()).toMatchObject({ month, townshipCode: township, households: 1, totalFen: 76_000 });
    const closed = await call('POST', `/v1/payroll/${month}/close`, headers.bureau);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ countyCode: county, month, households: 1, persons: 2, lines: 1, totalFen: 76_000 });
  });

  it('gives finance the signed document, byte for byte the same at every export, which openssl verifies', async () => {
    const signature = (await call('GET', `/v1/payroll/${month}/signature`, headers.auditor)).json();
    const first = await call('GET', `/v1/payroll/${month}/document`, headers.finance);
    const second = await call('GET', `/v1/payroll/${month}/document`, headers.finance);
    expect(first.statusCode, first.body).toBe(200);
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(createSm3().update(first.rawPayload).digest('hex')).toBe(signature.documentSm3);
    expect(first.headers['x-content-sm3']).toBe(signature.documentSm3);
    expect(first.rawPayload.toString('utf8')).toContain(idNumber(county, '1960-01-01', 1));

    const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-roll-api-'));
    writeFileSync(join(dir, 'roll.csv'), first.rawPayload);
    writeFileSync(join(dir, 'roll.sig'), Buffer.from(signature.signature, 'base64'));
    writeFileSync(join(dir, 'key.pem'), signature.publicKeyPem);
    for (const command of signature.verify as string[]) {
      const output = execFileSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8' });
      if (command.includes('dgst')) expect(output.split(' ')[0]).toBe(signature.documentSm3);
      else expect(output).toContain('Signature Verified Successfully');
    }
    // The auditor sees the signature but not the document, which shows every account in full.
    expect((await call('GET', `/v1/payroll/${month}/document`, headers.auditor)).statusCode).toBe(403);
  });

  it('gives finance the bank file, and imports the bank\'s return: refused whole on a conflict, the same file twice changes nothing, a failure is paid again next month', async () => {
    expect((await call('GET', `/v1/payroll/${month}/bank-file?layout=example-delimited`, headers.bureau)).statusCode).toBe(403);
    const file = await call('GET', `/v1/payroll/${month}/bank-file?layout=example-delimited`, headers.finance);
    expect(file.statusCode, file.body).toBe(200);
    expect(file.headers).toMatchObject({ 'x-control-count': '1', 'x-control-total-fen': '76000' });
    expect(file.body.split('\n')[1]).toBe(`1|202409-000001|6231940012345678901|马德福|${idNumber(county, '1960-01-01', 1)}|76000|宁夏黄河农村商业银行|2024年9月社会救助金`);
    const again = await call('GET', `/v1/payroll/${month}/bank-file?layout=example-delimited`, headers.finance);
    expect(again.rawPayload.equals(file.rawPayload)).toBe(true);

    const upload = (body: string) => t.app.inject({
      method: 'POST', url: `/v1/payroll/${month}/bank-returns?layout=example-delimited&fileName=return.txt`, headers: { ...headers.finance, 'content-type': 'text/plain' }, payload: body,
    });
    const conflicting = await upload('HEAD|x|1|76000\n202409-000001|6231940012345678901|70000|F|卡号已注销\n');
    expect(conflicting.json()).toMatchObject({ status: 422, code: 'bank-return-refused' });
    expect(conflicting.json().errors).toEqual(expect.arrayContaining([{ parameter: 'line 2', detail: '202409-000001: 70000 fen, 76000 were sent' }]));
    expect(await t.store.knex('payroll_bank_results').count({ n: '*' }).first()).toMatchObject({ n: 0 });

    const failed = 'HEAD|x|1|76000\n202409-000001|6231940012345678901|76000|F|卡号已注销\n';
    expect((await upload(failed)).json()).toEqual({ returnId: expect.any(Number), duplicate: false, paid: 0, failed: 1, returned: 0, unanswered: 0 });
    expect((await upload(failed)).json()).toMatchObject({ duplicate: true, failed: 1 });
    expect((await upload('HEAD|y|1|76000\n202409-000001|6231940012345678901|76000|S|\n')).json()).toMatchObject({ status: 422, code: 'bank-return-refused' });

    const next = (await call('GET', '/v1/payroll/2024-10', headers.bureau)).json();
    // October's own 760 元 and September's again as 补发.
    expect(next).toMatchObject({ status: 'open', lines: 2, totalFen: 152_000 });
  });

  it('changes nothing of a closed month through any route', async () => {
    const before = (await call('GET', `/v1/payroll/${month}`, headers.bureau)).json();
    expect(before.status).toBe('closed');
    expect((await call('POST', `/v1/payroll/${month}/townships/${township}/submission`, headers.township)).json()).toMatchObject({ status: 409, code: 'payroll-closed' });
    expect((await call('POST', `/v1/payroll/${month}/close`, headers.bureau)).json()).toMatchObject({ status: 409, code: 'payroll-closed' });
    // A change to the register shows in the next month, never in the closed one.
    await t.store.knex('households').update({ monthly_income_fen: 30_000 });
    expect((await call('GET', `/v1/payroll/${month}`, headers.bureau)).json()).toEqual(before);
    const next = (await call('GET', '/v1/payroll/2024-10', headers.bureau)).json();
    // 2 × 630 − 300 = 960 元 for October, and September's failed 760 元 again.
    expect(next).toMatchObject({ status: 'open', totalFen: 96_000 + 76_000 });
    // An earlier month cannot close after a later one.
    expect((await call('POST', '/v1/payroll/2024-08/close', headers.bureau)).json()).toMatchObject({ status: 409, code: 'payroll-closed' });
  });
});
