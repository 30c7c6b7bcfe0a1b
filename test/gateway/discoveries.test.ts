import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addFacts, addHousehold, idNumber, personIdOf } from '../helpers/monitoring.js';

const village = '640121100200';

describe.each(dialects)('active discovery cases (主动发现) through the API on %s', (dialect) => {
  let t: TestApp;
  let township: { authorization: string };
  const people = {
    victim: idNumber('640121', '1975-04-09', 17),
    spouse: idNumber('640121', '1977-10-01', 28),
    patient: idNumber('640121', '1966-04-18', 24),
    walkIn: idNumber('640121', '1990-12-12', 35),
  };
  const warnings: { disaster: number; selfPay: number } = { disaster: 0, selfPay: 0 };
  let householdId = 0;

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => new Date('2024-06-12T02:00:00Z') });
    const { knex } = t.store;
    householdId = await addHousehold(knex, village, [
      { idNumber: people.victim, name: '王小明', enrolment: { category: '600', startDate: '2024-01-01' } },
      { idNumber: people.spouse, name: '刘芳' },
    ]);
    await addFacts(knex, 'yingji', [{ kind: 'disaster-victim', idNumber: people.victim, occurredOn: '2024-05-28', attributes: { disasterType: '洪涝' } }]);
    await addFacts(knex, 'yibao', [{ kind: 'medical-settlement', idNumber: people.patient, name: '马秀兰', occurredOn: '2024-05-06', amountFen: 2_500_000, attributes: { settlementType: 'inpatient' } }]);
    await runComparison(t.store, { period: '2024-05', mode: 'full', rules: loadRuleSet(), actor: commandLineActor('test'), today: '2024-06-05' });
    warnings.disaster = Number((await knex('warnings').where('rule_id', 'disaster-victim').first('id')).id);
    warnings.selfPay = Number((await knex('warnings').where('rule_id', 'non-recipient-inpatient-self-pay').first('id')).id);
    township = await t.authAs('township', '640121100');
  });
  afterAll(async () => t.close());

  it('opens a case from a warning (信息推送发现), filled from the warning’s subject, and only one per warning', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/discoveries', headers: township, payload: { warningId: warnings.disaster } });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      status: 'open', method: 'data-push', discoverer: { name: '数据比对', unit: '民政部门动态监测' },
      township: { code: '640121100' }, subject: { idNumber: `640121********${people.victim.slice(-4)}`, idNumberMasked: true, name: '王小明', inRegister: true },
      family: { householdId, memberCount: 2 }, familySituation: '数据比对预警：受灾人员（2024-05）',
      suspectedAssistance: [{ code: 'linshi', name: '临时救助' }, { code: 'shouzai', name: '受灾人员救助' }],
      discoveredOn: '2024-06-05', warningId: warnings.disaster, visitId: null, investigation: null, conclusion: null,
      events: [{ from: null, to: 'open', by: 'test township 640121100' }],
    });
    expect(response.headers.location).toBe(`/v1/discoveries/${response.json().id}`);
    const again = await t.app.inject({ method: 'POST', url: '/v1/discoveries', headers: township, payload: { warningId: warnings.disaster } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'discovery-exists' });
  });

  it('asks which township takes a county’s warning about someone outside the register, and states the amounts in yuan', async () => {
    const county = await t.authAs('township', '640121100');
    const refused = await t.app.inject({ method: 'POST', url: '/v1/discoveries', headers: county, payload: { warningId: warnings.selfPay } });
    // The warning is held by the county: a township key does not see it.
    expect(refused.statusCode).toBe(404);
    const admin = await t.authAs('admin', '640121');
    const missing = await t.app.inject({ method: 'POST', url: '/v1/discoveries', headers: admin, payload: { warningId: warnings.selfPay } });
    expect(missing.statusCode).toBe(422);
    expect(missing.json()).toMatchObject({ code: 'casework-inconsistent', errors: [{ pointer: '/townshipCode' }] });
    const opened = await t.app.inject({ method: 'POST', url: '/v1/discoveries', headers: admin, payload: { warningId: warnings.selfPay, townshipCode: '640121100' } });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json()).toMatchObject({
      subject: { name: '马秀兰', inRegister: false }, family: { householdId: null, memberCount: null },
      familySituation: '数据比对预警：非救助对象住院自付费用高（2024-05）；金额 25,000.00 元，阈值 20,000.00 元',
      suspectedAssistance: [{ code: 'dibao' }, { code: 'yiliao' }],
    });
  });

  let handCase = 0;

  it('opens a case by hand (工作发现) only with who found whom, where, and what they may need', async () => {
    const incomplete = await t.app.inject({ method: 'POST', url: '/v1/discoveries', headers: township, payload: { subject: { name: '赵大' } } });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/discoverer', '/townshipCode', '/familySituation', '/suspectedAssistance']);
    const badCode = await t.app.inject({
      method: 'POST', url: '/v1/discoveries', headers: township,
      payload: { discoverer: { name: '陈网格', unit: '石桥村网格' }, townshipCode: '640121100', subject: { name: '赵大' }, familySituation: '独居老人', suspectedAssistance: ['dibao', 'pension'] },
    });
    expect(badCode.statusCode).toBe(422);
    expect(badCode.json()).toMatchObject({ code: 'unknown-code', errors: [{ pointer: '/suspectedAssistance/1' }] });
    const response = await t.app.inject({
      method: 'POST', url: '/v1/discoveries', headers: township,
      payload: {
        discoverer: { name: '陈网格', unit: '石桥村网格' }, townshipCode: '640121100', subject: { idNumber: people.walkIn.toLowerCase(), name: '赵大' },
        familyMemberCount: 3, familySituation: '妻子重病住院，丈夫失业，子女在读。', suspectedAssistance: ['dibao', 'yiliao'], discoveredOn: '2024-06-03', notes: '网格巡查发现',
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    handCase = response.json().id;
    expect(response.json()).toMatchObject({
      method: 'work', subject: { name: '赵大', inRegister: false, idNumberMasked: true }, family: { householdId: null, memberCount: 3 }, discoveredOn: '2024-06-03', notes: '网格巡查发现',
    });
    expect(response.json().subject.idNumber).toBe(`640121********${people.walkIn.slice(-4)}`);
  });

  it('goes open → investigating → concluded, each step once, each checked, each in the audit log', async () => {
    const early = await t.app.inject({ method: 'POST', url: `/v1/discoveries/${handCase}/conclusion`, headers: township, payload: { result: 'ineligible', filing: 'observation', reason: '收入超标' } });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'discovery-status-conflict' });
    const beforeDiscovery = await t.app.inject({
      method: 'POST', url: `/v1/discoveries/${handCase}/investigation`, headers: township,
      payload: { investigator: { name: '孙民政', unit: '某某镇民政办' }, investigatedOn: '2024-06-02', findings: '入户调查' },
    });
    expect(beforeDiscovery.statusCode).toBe(422);
    const investigated = await t.app.inject({
      method: 'POST', url: `/v1/discoveries/${handCase}/investigation`, headers: township,
      payload: { investigator: { name: '孙民政', unit: '某某镇民政办' }, investigatedOn: '2024-06-05', findings: '家庭人均收入低于低保标准，医疗自付4.2万元。' },
    });
    expect(investigated.statusCode, investigated.body).toBe(200);
    expect(investigated.json()).toMatchObject({ status: 'investigating', investigation: { investigator: { name: '孙民政', unit: '某某镇民政办' }, investigatedOn: '2024-06-05' } });
    const twice = await t.app.inject({
      method: 'POST', url: `/v1/discoveries/${handCase}/investigation`, headers: township,
      payload: { investigator: { name: '孙民政' }, investigatedOn: '2024-06-06', findings: '再次调查' },
    });
    expect(twice.statusCode).toBe(409);

    const disagreeing = await t.app.inject({ method: 'POST', url: `/v1/discoveries/${handCase}/conclusion`, headers: township, payload: { result: 'included', filing: 'observation', reason: '符合低保条件' } });
    expect(disagreeing.statusCode).toBe(422);
    expect(disagreeing.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/filing', '/includedOn', '/includedAssistance']);
    const concluded = await t.app.inject({
      method: 'POST', url: `/v1/discoveries/${handCase}/conclusion`, headers: township,
      payload: { result: 'included', includedOn: '2024-06-11', includedAssistance: ['dibao', 'yiliao'], filing: 'newly-assisted', reason: '整户纳入农村低保，并给予医疗救助', concludedOn: '2024-06-11' },
    });
    expect(concluded.statusCode, concluded.body).toBe(200);
    expect(concluded.json()).toMatchObject({
      status: 'concluded',
      conclusion: {
        result: 'included', includedOn: '2024-06-11', includedAssistance: [{ code: 'dibao', name: '最低生活保障金' }, { code: 'yiliao', name: '医疗救助' }],
        filing: 'newly-assisted', reason: '整户纳入农村低保，并给予医疗救助', concludedOn: '2024-06-11',
      },
    });
    expect(concluded.json().events.map((e: { from: string | null; to: string }) => [e.from, e.to])).toEqual([[null, 'open'], ['open', 'investigating'], ['investigating', 'concluded']]);
    const audit = await t.store.knex('audit_log').where('resource_id', String(handCase)).where('resource_type', 'discovery-case').orderBy('id').select('action', 'outcome', 'detail');
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([['discovery.create', 'ok'], ['discovery.investigate', 'ok'], ['discovery.conclude', 'ok']]);
    expect(audit[2].detail).toBe('investigating → concluded: included on 2024-06-11, filed as newly-assisted');
  });

  it('files an ineligible family in real hardship as under observation, with the reason', async () => {
    const opened = await t.app.inject({
      method: 'POST', url: '/v1/discoveries', headers: township,
      payload: { discoverer: { name: '陈网格' }, townshipCode: '640121100', subject: { name: '钱二' }, familySituation: '子女外出务工，老人独居。', suspectedAssistance: ['linshi'] },
    });
    const id = opened.json().id;
    expect(opened.json().discoveredOn).toBe('2024-06-12');
    await t.app.inject({ method: 'POST', url: `/v1/discoveries/${id}/investigation`, headers: township, payload: { investigator: { name: '孙民政' }, investigatedOn: '2024-06-12', findings: '子女有赡养能力。' } });
    const concluded = await t.app.inject({ method: 'POST', url: `/v1/discoveries/${id}/conclusion`, headers: township, payload: { result: 'ineligible', filing: 'observation', reason: '子女有赡养能力，不符合低保条件；老人行动不便，列入观察名单' } });
    expect(concluded.statusCode, concluded.body).toBe(200);
    expect(concluded.json().conclusion).toEqual({
      result: 'ineligible', includedOn: null, includedAssistance: [], filing: 'observation', reason: '子女有赡养能力，不符合低保条件；老人行动不便，列入观察名单', concludedOn: '2024-06-12',
    });
  });

  it('lists by township, status and month within the key’s region; shows full ID numbers only to roles that need them', async () => {
    const concluded = (await t.app.inject({ method: 'GET', url: '/v1/discoveries?status=concluded', headers: township })).json();
    expect(concluded.items.map((c: { subject: { name: string } }) => c.subject.name)).toEqual(['赵大', '钱二']);
    const june = (await t.app.inject({ method: 'GET', url: '/v1/discoveries?period=2024-06&township=640121100', headers: township })).json();
    expect(june.items).toHaveLength(4);
    expect((await t.app.inject({ method: 'GET', url: '/v1/discoveries?period=2024-05', headers: township })).json().items).toEqual([]);
    const paged = (await t.app.inject({ method: 'GET', url: '/v1/discoveries?limit=3', headers: township })).json();
    expect(paged.items).toHaveLength(3);
    expect((await t.app.inject({ method: 'GET', url: `/v1/discoveries?after=${paged.next}`, headers: township })).json().items).toHaveLength(1);

    const auditor = (await t.app.inject({ method: 'GET', url: `/v1/discoveries/${handCase}`, headers: await t.authAs('auditor', '640121') })).json();
    expect(auditor.subject).toEqual({ idNumber: people.walkIn, idNumberMasked: false, name: '赵大', inRegister: false });
    const otherTownship = await t.authAs('township', '640121101');
    expect((await t.app.inject({ method: 'GET', url: `/v1/discoveries/${handCase}`, headers: otherTownship })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/v1/discoveries', headers: otherTownship })).json().items).toEqual([]);
    expect((await t.app.inject({ method: 'POST', url: `/v1/discoveries/${handCase}/investigation`, headers: otherTownship, payload: { investigator: { name: 'x' }, investigatedOn: '2024-06-12', findings: 'x' } })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/v1/discoveries', headers: await t.authAs('liaison', '640121') })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/v1/discoveries', headers: await t.authAs('auditor', '640121'), payload: { warningId: warnings.selfPay } })).statusCode).toBe(403);

    const read = await t.store.knex('audit_log').where('action', 'discovery.read').where('outcome', 'ok').orderBy('id').first('id', 'actor_role');
    expect(read.actor_role).toBe('auditor');
    // The concluded list showed only people outside the register; June's showed the disaster victim, who is in it.
    const [concludedRead, juneRead] = await t.store.knex('audit_log').where('action', 'discovery.list').where('outcome', 'ok').orderBy('id').limit(2).pluck('id');
    const victimId = await personIdOf(t.store.knex, people.victim);
    expect((await t.store.knex('audit_subjects').where('audit_id', concludedRead).pluck('person_id')).map(Number)).toEqual([]);
    expect((await t.store.knex('audit_subjects').where('audit_id', juneRead).pluck('person_id')).map(Number)).toEqual([victimId]);
  });
});
