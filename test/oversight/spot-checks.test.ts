import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../gateway/access/actor.js';
import { sm3Hex } from '../../gateway/crypto/sm3.js';
import { drawSpotCheck, redrawSpotCheck } from '../../gateway/oversight/spot-checks/draws.js';
import { recordSpotCheckResult } from '../../gateway/oversight/spot-checks/results.js';
import { sampleSize } from '../../gateway/oversight/spot-checks/sampling.js';
import { viewSpotCheck, viewSpotCheckList } from '../../gateway/oversight/spot-checks/spot-check-views.js';
import { addHousehold, idNumber, subjectColumns } from '../helpers/monitoring.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

const county: Actor = { keyId: 1, role: 'admin', regionCode: '640121', label: 'county admin' };
const yanghe: Actor = { keyId: 2, role: 'township', regionCode: '640121100', label: 'yanghe township' };
const wangyuan: Actor = { keyId: 3, role: 'township', regionCode: '640121101', label: 'wangyuan township' };
const auditor: Actor = { keyId: 4, role: 'auditor', regionCode: '640121', label: 'county auditor' };

const villageA = '640121100200';
const villageB = '640121101200';
const seedA = '00112233445566778899aabbccddeeff';
const seedB = 'ffeeddccbbaa99887766554433221100';
/** 2024-10-08 10:00 in Shanghai: the draws are made that day, the checks after. */
const drawnAt = new Date('2024-10-08T02:00:00Z');

/** The expected sample worked out here, independently of the module: SM3 of the seed bytes then the reference. */
function expectedSample(seed: string, refs: string[], size: number): string[] {
  const key = (ref: string) => sm3Hex(Buffer.concat([Buffer.from(seed, 'hex'), Buffer.from(ref, 'utf8')]));
  return [...refs].sort((a, b) => (key(a) < key(b) ? -1 : 1)).slice(0, size);
}

describe.each(dialects)('spot checks on %s', (dialect) => {
  let store: TestStore;
  const refsA: string[] = [];
  const refsB: string[] = [];

  beforeAll(async () => {
    store = await openTestStore(dialect);
    for (let i = 0; i < 12; i += 1) {
      const id = await addHousehold(store.knex, villageA, [{ idNumber: idNumber('640121', '1960-01-01', 100 + i), name: `杨和户主${i}`, enrolment: { category: '120', startDate: '2023-01-01' } }]);
      refsA.push(`household:${(await store.knex('households').where({ id }).first('household_no')).household_no}`);
    }
    for (let i = 0; i < 5; i += 1) {
      const id = await addHousehold(store.knex, villageB, [{ idNumber: idNumber('640121', '1961-01-01', 200 + i), name: `望远户主${i}`, enrolment: { category: '110', startDate: '2024-09-15' } }]);
      refsB.push(`household:${(await store.knex('households').where({ id }).first('household_no')).household_no}`);
    }
    // Left before September: not in the period's population. Joined in October: not either.
    await addHousehold(store.knex, villageA, [{ idNumber: idNumber('640121', '1962-01-01', 300), name: '已退出户', enrolment: { category: '120', startDate: '2023-01-01', endDate: '2024-08-31' } }]);
    await addHousehold(store.knex, villageA, [{ idNumber: idNumber('640121', '1962-01-01', 301), name: '十月新增户', enrolment: { category: '120', startDate: '2024-10-01' } }]);
  }, 60_000);
  afterAll(async () => store.dispose());

  const draw = (actor: Actor, input: Partial<Parameters<typeof drawSpotCheck>[2]> = {}) =>
    drawSpotCheck(store.knex, actor, { regionCode: '640121', population: 'enrolled-households', period: '2024-09', size: { count: 5 }, seed: seedA, ...input }, drawnAt);
  const refsOf = async (id: number) => (await store.knex('spot_check_items').where({ draw_id: id }).orderBy('position')).map((r: { item_ref: string }) => r.item_ref);

  it('draws the first n of the period’s enrolled households in SM3(seed ‖ ref) order, and stores how', async () => {
    const id = await draw(county);
    const row = await store.knex('spot_check_draws').where({ id }).first();
    const population = [...refsA, ...refsB];
    expect(row.population_count).toBe(17);
    expect(row.population_sm3).toBe(sm3Hex([...population].sort().join('\n')));
    expect(row.seed).toBe(seedA);
    expect(Boolean(row.seed_given)).toBe(true);
    expect(row.sample_size).toBe(5);
    expect(await refsOf(id)).toEqual(expectedSample(seedA, population, 5));
    const audit = await store.knex('audit_log').where({ action: 'spot-check.draw', resource_id: String(id) }).first('actor_label', 'detail');
    expect(audit).toEqual({ actor_label: 'county admin', detail: 'enrolled-households 2024-09: 5 of 17' });
  });

  it('gives the same sample for the same seed and a different one for another seed', async () => {
    const first = await draw(county);
    const again = await draw(county);
    const other = await draw(county, { seed: seedB });
    expect(await refsOf(again)).toEqual(await refsOf(first));
    expect(await refsOf(other)).not.toEqual(await refsOf(first));
    expect(await refsOf(other)).toEqual(expectedSample(seedB, [...refsA, ...refsB], 5));
  });

  it('draws a fresh 128-bit seed when none is given, and sizes by rate with a minimum', async () => {
    const id = await draw(county, { seed: undefined, size: { ratePercent: 10, minimum: 3 } });
    const row = await store.knex('spot_check_draws').where({ id }).first();
    expect(row.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(Boolean(row.seed_given)).toBe(false);
    // 10 % of 17 is 1.7, rounded up to 2, raised to the minimum of 3.
    expect(row.sample_size).toBe(3);
    expect(await refsOf(id)).toEqual(expectedSample(row.seed, [...refsA, ...refsB], 3));
    expect(sampleSize({ ratePercent: 50, minimum: 3 }, 17)).toBe(9);
    expect(sampleSize({ count: 40 }, 17)).toBe(17);
    // The default of 5 % with at least 10 (an example) takes 10 of 17.
    expect((await store.knex('spot_check_draws').where({ id: await draw(county, { size: undefined }) }).first()).sample_size).toBe(10);
  });

  it('samples a township only, and refuses a region outside the key and an empty population', async () => {
    const id = await draw(county, { regionCode: '640121101', size: { count: 10 } });
    expect((await refsOf(id)).sort()).toEqual([...refsB].sort());
    await expect(draw(county, { regionCode: '500114' })).rejects.toMatchObject({ code: 'out-of-scope' });
    await expect(draw(county, { period: '2023-Q1', regionCode: '640121101' })).rejects.toMatchObject({ code: 'spot-check-population-empty' });
    await expect(draw(yanghe, { regionCode: '640121100' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(draw(county, { size: { count: 0 } })).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(draw(county, { size: { ratePercent: 120, minimum: 1 } })).rejects.toMatchObject({ code: 'validation-failed' });
  });

  it('refuses a redraw without a reason; with one it keeps the old draw, superseded, and only once', async () => {
    const old = await draw(county);
    await expect(redrawSpotCheck(store.knex, county, old, { reason: ' ' }, drawnAt)).rejects.toMatchObject({ code: 'validation-failed' });
    expect((await store.knex('spot_check_draws').where({ id: old }).first()).superseded_at).toBeNull();
    const redrawn = await redrawSpotCheck(store.knex, county, old, { reason: '抽中户与上月重复，重新抽取', seed: seedB }, drawnAt);
    const [oldRow, newRow] = await Promise.all([store.knex('spot_check_draws').where({ id: old }).first(), store.knex('spot_check_draws').where({ id: redrawn }).first()]);
    expect(oldRow).toMatchObject({ superseded_by: 'county admin', supersede_reason: '抽中户与上月重复，重新抽取' });
    expect(new Date(oldRow.superseded_at).toISOString()).toBe(drawnAt.toISOString());
    expect(await refsOf(old)).toEqual(expectedSample(seedA, [...refsA, ...refsB], 5));
    expect(newRow).toMatchObject({ redraw_of: old, seed: seedB, population: 'enrolled-households', period: '2024-09', sample_size: 5 });
    await expect(redrawSpotCheck(store.knex, county, old, { reason: '再抽一次' }, drawnAt)).rejects.toMatchObject({ code: 'spot-check-superseded' });
    const viewed = await viewSpotCheck(store.knex, auditor, old);
    expect(viewed.view.superseded).toEqual({ by: 'county admin', at: drawnAt.toISOString(), reason: '抽中户与上月重复，重新抽取', byDraw: redrawn });
    const item = (await store.knex('spot_check_items').where({ draw_id: old }).first('id')).id;
    await expect(recordSpotCheckResult(store.knex, county, old, item, { result: 'passed', checker: '张三', checkedOn: '2024-10-09' }, { today: '2024-10-09' }))
      .rejects.toMatchObject({ code: 'spot-check-superseded' });
    const actions = (await store.knex('audit_log').whereIn('resource_id', [String(old), String(redrawn)]).andWhere('resource_type', 'spot-check').orderBy('id')).map((r: { action: string }) => r.action);
    expect(actions).toEqual(['spot-check.draw', 'spot-check.supersede', 'spot-check.redraw']);
  });

  it('records a result, refuses a second one without a reason, and keeps the history of a correction', async () => {
    const id = await draw(county, { size: { count: 17 } });
    const items: { id: number; township_code: string }[] = await store.knex('spot_check_items').where({ draw_id: id }).orderBy('position');
    const own = items.find((i) => i.township_code === '640121100')!;
    const today = { today: '2024-10-10', now: new Date('2024-10-10T03:00:00Z') };
    await expect(recordSpotCheckResult(store.knex, yanghe, id, own.id, { result: 'problem', checker: '李四', checkedOn: '2024-10-09' }, today))
      .rejects.toMatchObject({ code: 'validation-failed' });
    await expect(recordSpotCheckResult(store.knex, yanghe, id, own.id, { result: 'passed', checker: '李四', checkedOn: '2024-10-07' }, today))
      .rejects.toMatchObject({ code: 'validation-failed', message: expect.stringContaining('before the sample was drawn') });
    await recordSpotCheckResult(store.knex, yanghe, id, own.id, { result: 'passed', checker: '李四', checkedOn: '2024-10-09' }, today);
    await expect(recordSpotCheckResult(store.knex, yanghe, id, own.id, { result: 'problem', findings: '家庭有车辆未申报', checker: '李四', checkedOn: '2024-10-10' }, today))
      .rejects.toMatchObject({ code: 'validation-failed', message: expect.stringContaining('a correction says why') });
    await recordSpotCheckResult(store.knex, yanghe, id, own.id, { result: 'problem', findings: '家庭有车辆未申报', checker: '李四', checkedOn: '2024-10-10', reason: '复核发现车辆登记信息' }, today);
    const viewed = await viewSpotCheck(store.knex, auditor, id);
    const item = viewed.view.items!.find((i) => i.id === own.id)!;
    expect(item.history.map((h) => [h.version, h.result, h.findings, h.correctionReason])).toEqual([
      [1, 'passed', null, null],
      [2, 'problem', '家庭有车辆未申报', '复核发现车辆登记信息'],
    ]);
    expect(item.result).toMatchObject({ version: 2, result: 'problem', checker: '李四', checkedOn: '2024-10-10', recordedBy: 'yanghe township' });
    expect(viewed.view.totals).toEqual({ items: 17, passed: 0, problem: 1, unverifiable: 0, unchecked: 16 });
    expect(item.household).toMatchObject({ headName: expect.stringMatching(/^杨和户主/) });
    const audit = await store.knex('audit_log').where({ resource_type: 'spot-check-item', resource_id: String(own.id) }).orderBy('id').select('action', 'detail');
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['spot-check.result', 'spot-check.result-correct']);
    expect(audit[1].detail).toContain('passed → problem on 2024-10-10: 复核发现车辆登记信息');
  });

  it('lets a township see and record only its own items of the county’s draw', async () => {
    const id = await draw(county, { size: { count: 17 } });
    const items: { id: number; township_code: string }[] = await store.knex('spot_check_items').where({ draw_id: id });
    const other = items.find((i) => i.township_code === '640121101')!;
    await expect(recordSpotCheckResult(store.knex, yanghe, id, other.id, { result: 'passed', checker: '李四', checkedOn: '2024-10-09' }, { today: '2024-10-09' }))
      .rejects.toMatchObject({ code: 'not-found' });
    const seen = await viewSpotCheck(store.knex, wangyuan, id);
    expect(seen.view.items!.map((i) => i.township.code)).toEqual(Array(5).fill('640121101'));
    expect(JSON.stringify(seen.view)).not.toContain('杨和户主');
    const townshipDraw = await draw(county, { regionCode: '640121100' });
    await expect(viewSpotCheck(store.knex, wangyuan, townshipDraw)).rejects.toMatchObject({ code: 'not-found' });
    expect((await viewSpotCheckList(store.knex, wangyuan, {})).view.map((d) => d.id)).not.toContain(townshipDraw);
    expect((await viewSpotCheckList(store.knex, yanghe, {})).view.map((d) => d.id)).toContain(townshipDraw);
    const liaison: Actor = { keyId: 5, role: 'liaison', regionCode: '640121', label: 'liaison' };
    await expect(viewSpotCheck(store.knex, liaison, id)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('samples case files: warnings resolved in the period and applications decided in it, each in its township', async () => {
    const { knex } = store;
    const now = new Date().toISOString();
    const [run] = await knex('comparison_runs').insert({ period: '2024-08', mode: 'full', rule_set: 'test', rule_set_sm3: '0'.repeat(64), started_at: now, status: 'finished' }, ['id']);
    const warning = async (sequence: number, region: string, status: string, resolvedOn: string | null): Promise<number> => {
      const [row] = await knex('warnings').insert({
        run_id: run.id, rule_id: 'recipient-died', period: '2024-08', ...subjectColumns(knex, idNumber('640121', '1940-01-01', sequence)), region_code: region,
        handling_unit: 'township', severity: 'high', suggested_action: 'stop', status, outcome: resolvedOn ? 'stopped' : null,
        raised_on: '2024-09-02', due_on: '2024-09-20', resolved_on: resolvedOn, created_at: now, updated_at: now,
      }, ['id']);
      return row.id as number;
    };
    const inPeriod = [await warning(1, '640121100200', 'resolved', '2024-09-10'), await warning(2, '640121101', 'resolved', '2024-09-30')];
    await warning(3, '640121100200', 'resolved', '2024-10-01');
    await warning(4, '640121100200', 'pending', null);
    await warning(5, '500114001', 'resolved', '2024-09-10');
    const resolved = await draw(county, { population: 'resolved-warnings', size: { count: 10 } });
    const items = await knex('spot_check_items').where({ draw_id: resolved }).orderBy('item_ref');
    expect(items.map((i: { item_ref: string; township_code: string }) => [i.item_ref, i.township_code])).toEqual([
      [`warning:${inPeriod[0]}`, '640121100'], [`warning:${inPeriod[1]}`, '640121101'],
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));

    const household = await knex('households').where('household_no', refsB[0]!.slice('household:'.length)).first('id');
    const applicant = await knex('persons').where({ household_id: household.id }).first('id');
    const application = async (status: string, decidedOn: string | null): Promise<number> => {
      const [row] = await knex('applications').insert({
        procedure: 'dibao', category: '120', household_id: household.id, applicant_person_id: applicant.id, accepting_region: '640121101200', registration_region: '640121101200', investigating_region: '640121101200',
        accepted_on: '2024-08-01', due_on: '2024-09-12', extended: false, status, last_step: 'decision', last_step_on: decidedOn ?? '2024-08-01', decided_on: decidedOn, created_at: now, updated_at: now,
      }, ['id']);
      return row.id as number;
    };
    const decided = await application('approved', '2024-09-11');
    await application('rejected', '2024-08-30');
    const decidedDraw = await draw(county, { population: 'decided-applications', size: { ratePercent: 50, minimum: 1 } });
    const viewed = await viewSpotCheck(store.knex, wangyuan, decidedDraw);
    expect(viewed.view.items!.map((i) => [i.ref, i.township.code, i.household?.id])).toEqual([[`application:${decided}`, '640121101', household.id]]);
    expect(viewed.view.items![0]!.household!.headName).toMatch(/^望远户主/);
  });

  it('shows, when the population is read again, that the stored seed gives the stored sample, and when the population changed', async () => {
    const id = await draw(county, { seed: undefined });
    expect((await viewSpotCheck(store.knex, auditor, id)).view.verification).toMatchObject({ populationCount: 17, populationUnchanged: true, sampleReproduced: true });
    await addHousehold(store.knex, villageB, [{ idNumber: idNumber('640121', '1963-01-01', 400), name: '补录户', enrolment: { category: '110', startDate: '2024-09-01' } }]);
    const after = (await viewSpotCheck(store.knex, auditor, id)).view.verification!;
    expect(after.populationCount).toBe(18);
    expect(after.populationUnchanged).toBe(false);
  });
});
