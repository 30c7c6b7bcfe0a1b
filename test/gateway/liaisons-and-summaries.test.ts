import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';

const shanghai = (local: string) => new Date(`${local}+08:00`);
const contacts = (leaderPhone: string, staffName = '李晓梅') => ({
  leader: { name: '王建军', post: '副局长', phone: leaderPhone },
  staff: { name: staffName, post: '社会救助股股长', phone: '0951-8012345' },
});

describe.each(dialects)('the liaison roster (附件1) on %s', (dialect) => {
  let t: TestApp;
  let clock = shanghai('2024-06-05T17:30:00');
  let wj: { authorization: string };
  let mz: { authorization: string };

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => clock });
    wj = await t.authAs('liaison', '640121', 'wj');
    mz = await t.authAs('liaison', '640121', 'mz');
  });
  afterAll(async () => t.close());

  const roster = async (headers: { authorization: string }) =>
    (await t.app.inject({ method: 'GET', url: '/v1/liaisons', headers })).json().programmes[0];

  it('takes a unit’s 分管领导 and 工作人员, on time on 5 June, and stores the phones encrypted', async () => {
    const response = await t.app.inject({ method: 'PUT', url: '/v1/liaisons/wj', headers: wj, payload: contacts('139 5100 1234') });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      unit: { code: 'wj', name: '卫健局' }, filing: 'on-time',
      leader: { name: '王建军', post: '副局长', phone: '13951001234', phoneMasked: false },
      staff: { phone: '09518012345', phoneMasked: false },
    });
    const stored = await t.store.knex('liaison_contacts').first();
    expect(JSON.stringify(stored)).not.toMatch(/13951001234|09518012345/);
    expect(await t.store.keyring.decrypt(stored.leader_phone_cipher)).toBe('13951001234');
  });

  it('keeps the roster current: an update changes the row and says what changed, but not when it was first filed', async () => {
    clock = shanghai('2024-08-01T09:00:00');
    const updated = await t.app.inject({ method: 'PUT', url: '/v1/liaisons/wj', headers: wj, payload: contacts('13951001234', '马丽') });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ filing: 'on-time', staff: { name: '马丽' }, filedAt: clock.toISOString(), firstFiledAt: shanghai('2024-06-05T17:30:00').toISOString() });
    const audit = await t.store.knex('audit_log').where({ action: 'liaison.file' }).orderBy('id').pluck('detail');
    expect(audit).toEqual(['first filed', 'changed: staff name']);
    expect(audit.join(' ')).not.toContain('1395');
    const same = await t.app.inject({ method: 'PUT', url: '/v1/liaisons/wj', headers: wj, payload: contacts('139-5100-1234', '马丽') });
    expect(same.statusCode).toBe(200);
    // The request is logged as a request; no change is.
    expect(await t.store.knex('audit_log').where({ action: 'liaison.file', resource_type: 'liaison-contacts' }).count({ n: '*' }).first()).toMatchObject({ n: 2 });
  });

  it('counts a roster first filed after 5 June late, and lists units that filed none', async () => {
    expect((await t.app.inject({ method: 'PUT', url: '/v1/liaisons/wj', headers: mz, payload: contacts('13900000000') })).statusCode).toBe(403);
    const late = await t.app.inject({ method: 'PUT', url: '/v1/liaisons/mz', headers: mz, payload: contacts('13800001111') });
    expect(late.json().filing).toBe('late');
    const rows = (await roster(mz)).units;
    expect(rows).toHaveLength(23);
    expect(rows.filter((r: { filing: string }) => r.filing === 'missing')).toHaveLength(21);
  });

  it('shows phones in full to the lead unit, to the unit itself and to roles that see phones, masked to others', async () => {
    const phoneOf = (programme: { units: { unit: { code: string }; leader: { phone: string; phoneMasked: boolean } | null }[] }) =>
      programme.units.find((r) => r.unit.code === 'wj')!.leader;
    expect(phoneOf(await roster(mz))).toEqual(expect.objectContaining({ phone: '13951001234', phoneMasked: false }));
    expect(phoneOf(await roster(wj))).toEqual(expect.objectContaining({ phone: '13951001234', phoneMasked: false }));
    expect(phoneOf(await roster(await t.authAs('auditor', '640121')))).toEqual(expect.objectContaining({ phone: '13951001234' }));
    expect(phoneOf(await roster(await t.authAs('liaison', '640121', 'ga')))).toEqual(expect.objectContaining({ phone: '139****1234', phoneMasked: true }));
    expect(phoneOf(await roster(await t.authAs('admin', '640121')))).toEqual(expect.objectContaining({ phone: '139****1234', phoneMasked: true }));
    const township = await roster(await t.authAs('township', '640121100'));
    expect(township.units.map((r: { unit: { code: string } }) => r.unit.code)).toEqual(['640121100']);
  });
});

describe.each(dialects)('the quarterly summaries (季度工作小结) on %s', (dialect) => {
  let t: TestApp;
  let clock = shanghai('2024-06-30T23:30:00');
  let rs: { authorization: string };

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => clock });
    rs = await t.authAs('liaison', '640121', 'rs');
  });
  afterAll(async () => t.close());

  const file = (unit: string, quarter: string, summary: string, headers = rs) =>
    t.app.inject({ method: 'PUT', url: `/v1/summaries/${quarter}/${unit}`, headers, payload: { summary } });

  it('counts a summary first filed on the quarter’s last day on time, and one the day after late', async () => {
    const onTime = await file('rs', '2024-Q2', '二季度开展就业援助……');
    expect(onTime.statusCode, onTime.body).toBe(201);
    expect(onTime.json()).toMatchObject({ unit: { code: 'rs' }, filing: 'on-time', summary: '二季度开展就业援助……' });
    clock = shanghai('2024-07-01T08:00:00');
    const admin = await t.authAs('admin', '640121');
    expect((await file('jy', '2024-Q2', '教育救助小结', admin)).json().filing).toBe('late');
    const replaced = await file('rs', '2024-Q2', '二季度开展就业援助，公益性岗位安置3人');
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ filing: 'on-time', firstFiledAt: shanghai('2024-06-30T23:30:00').toISOString() });
    const listed = (await t.app.inject({ method: 'GET', url: '/v1/summaries/2024-Q2', headers: rs })).json();
    expect(listed.programmes[0].deadline).toMatchObject({ dueOn: '2024-06-30', entryClosesAfter: '2024-07-10' });
    const byUnit = Object.fromEntries(listed.programmes[0].units.map((r: { unit: { code: string }; filing: string }) => [r.unit.code, r.filing]));
    expect(byUnit).toMatchObject({ rs: 'on-time', jy: 'late', mz: 'missing' });
  });

  it('takes none after the lock period or before the quarter begins, and none for a quarter before the round', async () => {
    clock = shanghai('2024-07-11T08:00:00');
    expect((await file('rs', '2024-Q2', '迟交')).json().code).toBe('filing-closed');
    expect((await file('rs', '2024-Q4', '提前')).json().code).toBe('filing-not-open');
    expect((await file('rs', '2024-Q1', '太早')).statusCode).toBe(404);
    expect((await file('rs', '2024-Q5', '无此季度')).statusCode).toBe(400);
    expect(await t.store.knex('audit_log').where({ action: 'summary.file', outcome: 'ok' }).count({ n: '*' }).first()).toMatchObject({ n: 3 });
  });
});
