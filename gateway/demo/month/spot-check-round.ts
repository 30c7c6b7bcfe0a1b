/**
 * The demo month's spot check (抽查): the county bureau draws 8 of the month's enrolled households of 永宁县 (a
 * count chosen for the demo), the townships check them, and three results are in by the day the month is run — one
 * 合格, one 存在问题 (a car found by the check, first recorded 合格 and corrected with the reason), one 无法核查; the
 * rest are still open. The seed comes from the demo's seed and the period, so the same month draws the same
 * households; a month drawn before is left as it is.
 */
import type { Actor } from '../../access/actor.js';
import { sm3Hex } from '../../crypto/sm3.js';
import { drawSpotCheck } from '../../oversight/spot-checks/draws.js';
import { recordSpotCheckResult } from '../../oversight/spot-checks/results.js';
import type { Store } from '../../store/connect.js';

export interface DemoSpotCheck {
  drawId: number;
  /** Whether this run drew it (false: drawn by an earlier run of the month). */
  drawnNow: boolean;
  sampleSize: number;
  results: number;
}

export async function plantDemoSpotCheck(store: Store, options: { countyCode: string; period: string; today: string; seed: number; actor: Actor }): Promise<DemoSpotCheck> {
  const existing = await store.knex('spot_check_draws')
    .where({ region_code: options.countyCode, period: options.period, population: 'enrolled-households' }).whereNull('superseded_at').first('id', 'sample_size');
  if (existing) return { drawId: Number(existing.id), drawnNow: false, sampleSize: Number(existing.sample_size), results: 0 };
  const seed = sm3Hex(`jiuzhu demo spot check ${options.seed} ${options.period}`).slice(0, 32);
  const drawId = await drawSpotCheck(store.knex, options.actor, { regionCode: options.countyCode, population: 'enrolled-households', period: options.period, size: { count: 8 }, seed }, new Date(`${options.today}T09:00:00+08:00`));
  const items: { id: number }[] = await store.knex('spot_check_items').where({ draw_id: drawId }).orderBy('position').select('id');
  const at = { today: options.today, now: new Date(`${options.today}T11:00:00+08:00`) };
  const record = (index: number, input: Parameters<typeof recordSpotCheckResult>[4]) => recordSpotCheckResult(store.knex, options.actor, drawId, items[index]!.id, input, at);
  await record(0, { result: 'passed', checker: '乡镇民政办 入户核查', checkedOn: options.today });
  await record(1, { result: 'passed', checker: '乡镇民政办 入户核查', checkedOn: options.today });
  await record(1, {
    result: 'problem', findings: '家中有小型汽车一辆未申报，需核对车辆登记和家庭收入', checker: '县民政局核查组', checkedOn: options.today,
    reason: '县级复核查到车辆登记信息',
  });
  await record(2, { result: 'unverifiable', findings: '家中无人，户主外出务工，电话未接通', checker: '乡镇民政办 入户核查', checkedOn: options.today });
  return { drawId, drawnNow: true, sampleSize: items.length, results: 3 };
}
