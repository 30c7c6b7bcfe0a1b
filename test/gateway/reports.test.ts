import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sm3Hex } from '../../gateway/crypto/sm3.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { idNumber } from '../helpers/monitoring.js';
import { dumpSheet } from '../helpers/sheet-dump.js';

describe.each(dialects)('the reports API on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => new Date('2024-07-02T10:00:00+08:00') });
    const discover = async (township: string, name: string, discoveredOn: string, county = '640121') => {
      const headers = await t.authAs('township', township);
      const response = await t.app.inject({
        method: 'POST', url: '/v1/discoveries', headers,
        payload: {
          discoverer: { name: '陈网格', unit: '网格员' }, townshipCode: township, subject: { idNumber: idNumber(county, '1980-01-01', name.length * 7 + discoveredOn.length), name },
          familyMemberCount: 2, familySituation: '丈夫去世，无收入', suspectedAssistance: ['dibao', 'linshi'], discoveredOn, notes: null,
        },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().id as number;
    };
    const concluded = await discover('640121100', '赵大', '2024-06-03');
    const township = await t.authAs('township', '640121100');
    await t.app.inject({ method: 'POST', url: `/v1/discoveries/${concluded}/investigation`, headers: township, payload: { investigator: { name: '孙民政' }, investigatedOn: '2024-06-05', findings: '人均收入低于低保标准' } });
    const conclusion = await t.app.inject({
      method: 'POST', url: `/v1/discoveries/${concluded}/conclusion`, headers: township,
      payload: { result: 'included', includedOn: '2024-06-11', includedAssistance: ['dibao'], filing: 'newly-assisted', reason: '纳入低保', concludedOn: '2024-06-11' },
    });
    expect(conclusion.statusCode, conclusion.body).toBe(200);
    await discover('640121101', '钱二', '2024-06-20');
    await discover('640121101', '孙三', '2024-05-31');
    await discover('500114001', '李四', '2024-06-15', '500114');
  });
  afterAll(async () => t.close());

  it('lists the templates to every role, saying which name people', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/reports', headers: await t.authAs('liaison', '640121') });
    expect(response.statusCode, response.body).toBe(200);
    const byName = Object.fromEntries(response.json().map((r: { name: string }) => [r.name, r]));
    expect(byName['qianjiang-discovery-detail']).toMatchObject({ title: '黔江区社会救助主动发现救助对象明细表', personalData: true, basis: { kind: 'seed', seed: '004_8f445b94a58339e8.txt' } });
    expect(byName['monitoring-statistics']).toMatchObject({ personalData: false });
  });

  it('gives a county its cases of the month, in township order, as the annex prints them, and records the file\'s SM3', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/reports/qianjiang-discovery-detail?period=2024-06&format=csv&purpose=%E6%9C%88%E5%BA%A6%E6%8A%A5%E9%80%81', headers: await t.authAs('admin', '640121') });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('黔江区社会救助主动发现救助对象明细表_640121_2024-06.csv')}`);
    const lines = response.body.split('\r\n');
    expect(lines.slice(1, -1)).toEqual([
      '1,工作发现,陈网格（网格员）,杨和镇,赵大,丈夫去世，无收入（家庭人口2人）,城乡低保、临时救助,人均收入低于低保标准（孙民政，2024年6月5日调查）,纳入救助范畴：城乡低保，纳入时间：2024年6月11日,',
      '2,工作发现,陈网格（网格员）,李俊镇,钱二,丈夫去世，无收入（家庭人口2人）,城乡低保、临时救助,,,',
    ]);
    const digest = sm3Hex(response.rawPayload);
    expect(response.headers['x-content-sm3']).toBe(digest);
    const entry = await t.store.knex('audit_log').where({ action: 'report.export' }).orderBy('seq', 'desc').first();
    expect(entry).toMatchObject({ outcome: 'ok', resource_type: 'report', resource_id: 'qianjiang-discovery-detail', region_code: '640121' });
    expect(entry.detail).toBe(`qianjiang-discovery-detail 2024-06 640121 csv: 2 rows, sm3 ${digest}; purpose: 月度报送`);
  });

  it('keeps a township key to its township, and refuses another county and a liaison key', async () => {
    const township = await t.authAs('township', '640121101');
    const own = await t.app.inject({ method: 'GET', url: '/v1/reports/qianjiang-discovery-detail?period=2024-06&format=csv', headers: township });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('钱二');
    expect(own.body).not.toContain('赵大');
    const county = await t.app.inject({ method: 'GET', url: '/v1/reports/qianjiang-discovery-detail?period=2024-06&region=640121', headers: township });
    expect(county.statusCode).toBe(403);
    expect(county.json()).toMatchObject({ code: 'out-of-scope' });
    const other = await t.app.inject({ method: 'GET', url: '/v1/reports/qianjiang-discovery-detail?period=2024-06&region=500114', headers: await t.authAs('admin', '640121') });
    expect(other.statusCode).toBe(403);
    const liaison = await t.app.inject({ method: 'GET', url: '/v1/reports/qianjiang-discovery-detail?period=2024-06', headers: await t.authAs('liaison', '640121') });
    expect(liaison.statusCode).toBe(403);
    expect(liaison.json()).toMatchObject({ code: 'forbidden', detail: 'role liaison cannot read the report qianjiang-discovery-detail' });
    const refusals = await t.store.knex('audit_log').where({ action: 'report.export', outcome: 'denied' }).count({ n: '*' });
    expect(Number(refusals[0]!.n)).toBeGreaterThanOrEqual(1);
  });

  it('gives an auditor the compliance reports of its region, audited, and refuses them another county and a liaison', async () => {
    const auditor = await t.authAs('auditor', '640121');
    const own = await t.app.inject({ method: 'GET', url: '/v1/reports/compliance-closed-roll-integrity?period=2024-06&format=csv', headers: auditor });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.body).toContain('核验结果');
    const entry = await t.store.knex('audit_log').where({ action: 'report.export', resource_id: 'compliance-closed-roll-integrity' }).orderBy('id', 'desc').first('outcome', 'region_code');
    expect(entry).toMatchObject({ outcome: 'ok', region_code: '640121' });
    const other = await t.app.inject({ method: 'GET', url: '/v1/reports/compliance-paid-after-death?period=2024-06&region=500114', headers: auditor });
    expect(other.statusCode).toBe(403);
    const liaison = await t.app.inject({ method: 'GET', url: '/v1/reports/compliance-duplicates?period=2024-06', headers: await t.authAs('liaison', '640121') });
    expect(liaison.statusCode).toBe(403);
  });

  it('gives the casework oversight reports to auditor and admin keys only, not to the townships whose decisions they judge', async () => {
    const auditor = await t.authAs('auditor', '640121');
    const admin = await t.authAs('admin', '640121');
    const township = await t.authAs('township', '640121100');
    const finance = await t.authAs('finance', '640121');
    const deniedCount = async () => Number((await t.store.knex('audit_log').where({ action: 'report.export', outcome: 'denied' }).count({ n: '*' }))[0]!.n);
    const deniedBefore = await deniedCount();
    for (const name of ['compliance-related-to-staff', 'compliance-assets-kept', 'compliance-changes-without-approval']) {
      for (const headers of [auditor, admin]) {
        const taken = await t.app.inject({ method: 'GET', url: `/v1/reports/${name}?period=2024-06&format=csv`, headers });
        expect(taken.statusCode, taken.body).toBe(200);
      }
      const refused = await t.app.inject({ method: 'GET', url: `/v1/reports/${name}?period=2024-06`, headers: township });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ code: 'forbidden', detail: `role township cannot read the report ${name}: only auditor and admin keys take it` });
      expect((await t.app.inject({ method: 'GET', url: `/v1/reports/${name}?period=2024-06`, headers: finance })).statusCode).toBe(403);
    }
    expect(await deniedCount()).toBe(deniedBefore + 6);
  });

  it('hands a liaison officer the figures as a styled workbook with the signature lines turned on or off', async () => {
    const liaison = await t.authAs('liaison', '640121');
    const response = await t.app.inject({ method: 'GET', url: '/v1/reports/monitoring-statistics?period=2024-Q2', headers: liaison });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const sheet = await dumpSheet(response.rawPayload);
    expect(sheet.cells.A1).toBe('低收入人口动态监测工作情况统计表');
    expect(sheet.cells.A2).toBe('区域：宁夏回族自治区银川市永宁县　　统计期间：2024年第二季度　　制表日期：2024-07-02');
    expect(sheet.definedNames).toEqual([`_xlnm.Print_Titles='监测统计'!$3:$4`.replace(/'/g, '&apos;')]);
    const withLines = await t.app.inject({ method: 'GET', url: '/v1/reports/qianjiang-discovery-detail?period=2024-06&options=signatureLines', headers: await t.authAs('admin', '640121') });
    expect(Object.values((await dumpSheet(withLines.rawPayload)).cells).some((v) => String(v).startsWith('填报单位（盖章）'))).toBe(true);
    const unknown = await t.app.inject({ method: 'GET', url: '/v1/reports/qianjiang-discovery-detail?period=2024-06&options=stamp', headers: await t.authAs('admin', '640121') });
    expect(unknown.statusCode).toBe(400);
  });

  it('gives a unit its own 落实进度表, the bureau the combined one and who has filed, and keeps them from roles outside the round', async () => {
    const ga = await t.authAs('liaison', '640121', 'ga');
    const filed = await t.app.inject({ method: 'PUT', url: '/v1/progress/2024-06/ga/11', headers: ga, payload: { progress: '联合开展流浪乞讨人员救助' } });
    expect([200, 201], filed.body).toContain(filed.statusCode);
    const own = await t.app.inject({ method: 'GET', url: '/v1/reports/yongning-task-progress?period=2024-06&unit=ga&format=csv', headers: ga });
    expect(own.statusCode, own.body).toBe(200);
    const ownRows = own.body.split('\r\n').slice(1, -1);
    expect(ownRows).toHaveLength(1);
    expect(ownRows[0]).toMatch(/^11,落实急难社会救助,.*,民政局,公安局,联合开展流浪乞讨人员救助,按时报送,,$/);
    const combined = await t.app.inject({ method: 'GET', url: '/v1/reports/yongning-task-progress?period=2024-06&format=csv', headers: await t.authAs('admin', '640121') });
    const rows = combined.body.split('\r\n').slice(1, -1);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter((row) => row.includes('联合开展流浪乞讨人员救助'))).toHaveLength(1);
    expect(rows.filter((row) => row.includes(',未报送,')).length).toBe(rows.length - 1);
    const completeness = await t.app.inject({ method: 'GET', url: '/v1/reports/filing-completeness?period=2024-06&format=csv', headers: ga });
    expect(completeness.statusCode, completeness.body).toBe(200);
    expect(completeness.body).toContain('县级部门,公安局,1,1,按时报送,2024-07-02,,待审核,0,');
    expect(completeness.body).toContain('县级部门,民政局,15,0,未报送,,,,0,1、2、3、4、5、6、7、8、9、10、11、12、13、14、15');
    const integrator = await t.app.inject({ method: 'GET', url: '/v1/reports/yongning-task-progress?period=2024-06', headers: await t.authAs('integrator', '640121') });
    expect(integrator.statusCode).toBe(403);
    const unknown = await t.app.inject({ method: 'GET', url: '/v1/reports/yongning-task-progress?period=2024-06&unit=nobody', headers: ga });
    expect(unknown.statusCode).toBe(404);
    const township = await t.app.inject({ method: 'GET', url: '/v1/reports/filing-completeness?period=2024-06&format=csv', headers: await t.authAs('township', '640121100') });
    expect(township.body.split('\r\n').slice(1, -2).map((row) => row.split(',')[2])).toEqual(['杨和镇']);
  });

  it('answers problems for an unknown report and a period the report does not take', async () => {
    const admin = await t.authAs('admin', '640121');
    const missing = await t.app.inject({ method: 'GET', url: '/v1/reports/no-such-report?period=2024-06', headers: admin });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'unknown-report' });
    const weekly = await t.app.inject({ method: 'GET', url: '/v1/reports/qianjiang-discovery-detail?period=2024-W23', headers: admin });
    expect(weekly.statusCode).toBe(400);
    expect(weekly.json()).toMatchObject({ code: 'report-period-invalid' });
    expect(weekly.json().detail).toContain('not a week');
  });
});
