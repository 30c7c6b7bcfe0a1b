/**
 * The month's active discovery (主动发现) in the demo's other county, 黔江区 (500114): what its townships would have
 * found and recorded, so Qianjiang's 明细表 (seed 004) has rows to print. Six families in the register, discovered on
 * days of the month in the course of the townships' work (工作发现); four investigated, three
 * concluded — one included in 低保 and 临时救助, one found ineligible and kept under observation, one ineligible — and
 * the rest still open, as a month's cases are. Recorded through the ordinary casework services, so each is checked
 * and audited like a township's own entry.
 *
 * Idempotent: a month that already holds the demo's cases (their discoverer unit says 演示) is left alone.
 */
import type { Actor } from '../access/actor.js';
import { concludeCase, createDiscoveryCase, investigateCase } from '../casework/discovery-cases.js';
import { lastDayOfPeriod } from '../calendar/periods.js';
import type { LoadedRuleSet } from '../engine/rule-set.js';
import type { Store } from '../store/connect.js';
import { personsOfHouseholds } from '../store/repositories/persons.js';

const county = '500114';
const demoUnit = '民政办（演示）';

interface DemoCase {
  day: number;
  discoverer: string;
  situation: string;
  suspected: string[];
  investigation?: { day: number; findings: string };
  conclusion?: { day: number; result: 'included' | 'ineligible'; filing: 'newly-assisted' | 'observation' | 'none'; reason: string; included?: string[] };
}

const cases: DemoCase[] = [
  {
    day: 3, discoverer: '冉小华', situation: '户主5月因车祸去世，配偶无业，两个子女在校。', suspected: ['dibao', 'linshi', 'jiaoyu'],
    investigation: { day: 6, findings: '家庭月收入约600元，人均低于当地低保标准，无机动车和商业用房。' },
    conclusion: { day: 20, result: 'included', filing: 'newly-assisted', reason: '整户纳入城乡低保，并给予一次性临时救助。', included: ['dibao', 'linshi'] },
  },
  {
    day: 5, discoverer: '向红', situation: '医保结算显示住院自付费用较高，家中主要劳动力患病。', suspected: ['yiliao'],
    investigation: { day: 11, findings: '子女在外务工，家庭人均收入高于低保边缘标准，自付费用已获大病保险报销部分。' },
    conclusion: { day: 18, result: 'ineligible', filing: 'observation', reason: '收入超过低保边缘标准，但大病支出较大，列入救助观察，每月走访。' },
  },
  {
    day: 9, discoverer: '李建', situation: '老人独居，子女户籍外迁，自述生活困难。', suspected: ['tekun'],
    investigation: { day: 14, findings: '子女具有赡养能力且按月给付赡养费，老人享受养老金。' },
    conclusion: { day: 21, result: 'ineligible', filing: 'none', reason: '有法定赡养人且具备赡养能力，不符合特困条件。' },
  },
  {
    day: 15, discoverer: '冉小华', situation: '房屋受暴雨损毁，暂住亲戚家。', suspected: ['shouzai', 'linshi', 'zhufang'],
    investigation: { day: 17, findings: '房屋局部垮塌，已报应急管理部门，待鉴定。' },
  },
  { day: 24, discoverer: '向红', situation: '残疾人家庭，户主无劳动能力。', suspected: ['dibao'] },
  { day: 28, discoverer: '张丽', situation: '学生家长反映家庭突遭变故，学费无着。', suspected: ['jiaoyu', 'linshi'] },
];

export async function recordQianjiangDiscoveries(store: Store, options: { period: string; actor: Actor; today: string; rules: LoadedRuleSet }): Promise<number> {
  const { knex } = store;
  const [from, to] = [`${options.period}-01`, lastDayOfPeriod(options.period)];
  const existing = await knex('discovery_cases').where('discoverer_unit', demoUnit).whereBetween('discovered_on', [from, to]).first('id');
  if (existing) return 0;
  const households = await knex('households').where('residence_region', 'like', `${county}%`).orderBy('id').limit(cases.length)
    .select('id', 'residence_region') as { id: number; residence_region: string }[];
  const heads = await personsOfHouseholds(knex, households.map((h) => h.id));
  const context = { today: options.today, rules: options.rules };
  let recorded = 0;
  for (const [index, demo] of cases.entries()) {
    const household = households[index];
    const head = heads.find((p) => p.householdId === household?.id);
    if (!household || !head) break;
    const on = (day: number) => `${options.period}-${String(day).padStart(2, '0')}`;
    // 走访发现 needs a visit and 信息推送发现 a warning behind it; these are recorded as found in the course of work.
    const id = await createDiscoveryCase(knex, options.actor, {
      discoverer: { name: demo.discoverer, unit: demoUnit }, townshipCode: household.residence_region.slice(0, 9),
      subject: { idNumber: head.idNumber, name: head.name }, familySituation: demo.situation, suspectedAssistance: demo.suspected,
      discoveredOn: on(demo.day), notes: '演示数据',
    }, context);
    if (demo.investigation) {
      await investigateCase(knex, options.actor, id, { investigator: { name: demo.discoverer, unit: demoUnit }, investigatedOn: on(demo.investigation.day), findings: demo.investigation.findings }, options.today);
    }
    if (demo.conclusion) {
      const c = demo.conclusion;
      await concludeCase(knex, options.actor, id, {
        result: c.result, filing: c.filing, reason: c.reason, concludedOn: on(c.day),
        ...(c.result === 'included' ? { includedOn: on(c.day), includedAssistance: c.included ?? [] } : {}),
      }, options.today);
    }
    recorded += 1;
  }
  return recorded;
}
