import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { acceptApplication } from '../../gateway/casework/applications/application-intake.js';
import { defaultCaseworkSettings } from '../../gateway/casework/casework-settings.js';
import { openCase } from '../../gateway/casework/referrals/first-responder-cases.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';
import { exchangeConfigFrom } from '../../gateway/config.js';
import { openMigratedStore } from '../../gateway/store/open-store.js';
import { runJiuzhu } from '../helpers/cli.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';

/** The built `jiuzhu` (npm run build first) against a SQLite file prepared through the services. */
const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-casework-cli-'));
const database = join(dir, 'casework.db');
const env = { JIUZHU_DB: database, JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key') };
const applicant = idNumber('640121', '1972-07-07', 41);
/** Registered in 杨和镇, living in 李俊镇, enrolled: 杨和镇's periodic check (定期核查) falls due 6 months after the enrolment. */
const livingElsewhere = idNumber('640121', '1958-08-08', 42);
let elsewhereHousehold = 0;

beforeAll(async () => {
  const { store } = await openMigratedStore({ database: { client: 'sqlite', filename: database }, exchange: exchangeConfigFrom(env) });
  try {
    const settings = defaultCaseworkSettings();
    const options = { settings, today: '2024-12-20' };
    await addHousehold(store.knex, '640121100200', [{ idNumber: applicant, name: '马国强' }]);
    // No 一城通办 in 永宁 by default: taken where registered (杨和镇), which investigates, so no forwarding; the 核对
    // starts within 3 working days (an example) after Friday 09-27, i.e. 10-08.
    await acceptApplication(store.knex, commandLineActor('test'), { procedure: 'dibao', category: '120', applicantIdNumber: applicant, acceptingRegionCode: '640121100', acceptedOn: '2024-09-27' }, options);
    elsewhereHousehold = await registerHousehold(store.knex, commandLineActor('test'), {
      registeredRegionCode: '640121100200', residenceRegionCode: '640121101001', address: '李俊镇',
      members: [{ idNumber: livingElsewhere, name: '马德福', relation: '01', enrolments: [{ category: '120', startDate: '2024-03-01', monthlyAmountFen: 45_000 }] }],
    });
    await openCase(store.knex, commandLineActor('test'), {
      origin: { type: 'walk-in' }, subjectIdNumber: applicant, subjectName: '马国强', regionCode: '640121100', ownerUnit: '杨和镇社会救助服务站',
      summary: '就医困难', openedOn: '2024-09-27', referrals: [{ department: 'yb', need: '医疗救助', urgent: true }],
    }, options);
  } finally {
    await store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jiuzhu applications overdue / referrals overdue', () => {
  it('lists the application whose 核对 is late, as JSON, and nothing the day it is due', async () => {
    const late = await runJiuzhu(env, 'applications', 'overdue', '--as-of', '2024-10-09', '--json');
    expect(late.code, late.stderr).toBe(0);
    const report = JSON.parse(late.stdout);
    expect(report.asOf).toBe('2024-10-09');
    expect(report.items).toEqual([expect.objectContaining({ procedure: 'dibao', applicantName: '马国强', acceptingRegionCode: '640121100', registrationRegionCode: '640121100', investigatingRegionCode: '640121100', nextStep: { step: 'check-started', dueOn: '2024-10-08', dueProvisional: false, notBefore: null }, overdue: true })]);
    expect(JSON.parse((await runJiuzhu(env, 'applications', 'overdue', '--as-of', '2024-10-08', '--json')).stdout).items).toEqual([]);
    const text = await runJiuzhu(env, 'applications', 'overdue', '--as-of', '2024-10-09');
    expect(text.stdout).toContain('1 overdue application(s) as of 2024-10-09');
    expect(text.stdout).toContain('check-started due 2024-10-08');
  });

  it('lists the urgent referral not answered within one working day', async () => {
    // Urgent, sent Friday 09-27: due Sunday 09-29, a make-up working day.
    const result = await runJiuzhu(env, 'referrals', 'overdue', '--as-of', '2024-09-30', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).items.map((r: { department: { code: string }; dueOn: string; urgent: boolean }) => [r.department.code, r.dueOn, r.urgent])).toEqual([['yb', '2024-09-29', true]]);
    expect(JSON.parse((await runJiuzhu(env, 'referrals', 'overdue', '--as-of', '2024-09-29', '--json')).stdout).items).toEqual([]);
  });

  it('lists a township’s households living elsewhere with their periodic check due, and records a check that stops the benefit', async () => {
    const listed = await runJiuzhu(env, 'periodic-checks', 'list', '--township', '640121100', '--as-of', '2024-09-02', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).items).toEqual([expect.objectContaining({ householdId: elsewhereHousehold, names: ['马德福'], lastCheck: null, dueOn: '2024-09-01', due: true })]);
    const stopped = await runJiuzhu(env, 'periodic-checks', 'record', String(elsewhereHousehold), '--on', '2024-09-02', '--result', 'stopped', '--reason', '已就业，收入超标');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(new RegExp(`^periodic check \\d+ of household ${elsewhereHousehold} on 2024-09-02: stopped; ended enrolments \\d+\n$`));
    expect(JSON.parse((await runJiuzhu(env, 'periodic-checks', 'list', '--township', '640121100', '--as-of', '2024-09-03', '--json')).stdout).items).toEqual([]);
    const wrong = await runJiuzhu(env, 'periodic-checks', 'record', String(elsewhereHousehold), '--on', '2024-09-02', '--result', 'halved', '--reason', 'x');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('jiuzhu: The request does not match its schema: --result halved is not one of unchanged, increased, decreased, stopped\n');
  });

  it('refuses an --as-of that is not a date, in one sentence', async () => {
    const result = await runJiuzhu(env, 'referrals', 'overdue', '--as-of', '2024-9-30');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('jiuzhu: The request does not match its schema: --as-of 2024-9-30 is not a date YYYY-MM-DD\n');
  });
});
