/**
 * 抽查结果: the current spot-check draws of a period (seed 000 "检查抽查", seed 001 "案卷抽查"), each sampled item of
 * the region with its township, household, result and findings, and the totals. Draws replaced by a redraw are not
 * listed but counted in the figures, so a sheet never hides that a sample was drawn again.
 */
import { isWithinScope } from '../../access/region-scope.js';
import { householdHeads } from '../../oversight/spot-checks/household-heads.js';
import { itemsOfDraws, listSpotCheckDraws, resultsOfItems, type SpotCheckDrawRow, type SpotCheckResultRow } from '../../store/repositories/spot-checks.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';
import { readTogether } from '../../store/reads-together.js';

const resultText: Readonly<Record<SpotCheckResultRow['result'], string>> = { passed: '合格', problem: '存在问题', unverifiable: '无法核查' };
const populationText: Readonly<Record<string, { name: string; unit: string }>> = {
  'enrolled-households': { name: '在册户', unit: '户' },
  'resolved-warnings': { name: '预警核查案卷', unit: '件' },
  'decided-applications': { name: '申请审批案卷', unit: '件' },
};

export default defineReportSource({
  name: 'spot-check-results',
  description: 'The current spot-check draws of the period within or around the region, each sampled item of the region with its township, household, result (合格, 存在问题, 无法核查) and findings; the figures total the results and count redrawn samples.',
  capability: 'readPersonalData',
  contextFields: { figures: 'How many draws and items, and the items by result', redraws: 'How many draws of the period were replaced by a redraw, and why' },
  fields: {
    draw: { type: 'text', description: '抽查批次: the draw\'s number, what was sampled and the sample size out of the population' },
    position: { type: 'integer', description: '抽样顺序: the item\'s place in the sample' },
    township: { type: 'text', description: '乡镇（街道）' },
    item: { type: 'text', description: '户编号/案卷: the household number, or the warning or application number of a case file' },
    headName: { type: 'text', description: '户主姓名' },
    result: { type: 'text', description: '核查结果: 合格, 存在问题, 无法核查, or 未核查' },
    findings: { type: 'text', description: '发现问题: what was found' },
    checker: { type: 'text', description: '核查人' },
    checkedOn: { type: 'date', description: '核查日期' },
    correction: { type: 'text', description: '更正记录: how often the result was corrected, and the last reason' },
  },
  async load(knex, request) {
    const all = await listSpotCheckDraws(knex, { scopeRegionCode: request.regionCode, period: request.period.text, includeSuperseded: true });
    const draws = all.filter((d) => d.supersededAt === null);
    const redrawn = all.filter((d) => d.supersededAt !== null);
    const items = (await itemsOfDraws(knex, draws.map((d) => d.id))).filter((i) => isWithinScope(request.regionCode, i.townshipCode));
    const results = await resultsOfItems(knex, items.map((i) => i.id));
    const households = items.flatMap((i) => (i.householdId === null ? [] : [i.householdId]));
    const [heads, numbers, townships] = await readTogether(
      knex,
      () => householdHeads(knex, households),
      () => knex('households').whereIn('id', [...new Set(households)]).select('id', 'household_no') as Promise<{ id: number; household_no: string }[]>,
      () => placeNames(knex, items.map((i) => i.townshipCode)),
    );
    const householdNo = new Map(numbers.map((n) => [Number(n.id), n.household_no]));
    const drawLabel = new Map(draws.map((d) => [d.id, labelOf(d)]));
    const counts = { passed: 0, problem: 0, unverifiable: 0, unchecked: 0 };
    const rows = items.map((item): ReportRow => {
      const history = results.filter((r) => r.itemId === item.id);
      const current = history.at(-1);
      if (current) counts[current.result] += 1;
      else counts.unchecked += 1;
      const head = item.householdId === null ? undefined : heads.get(item.householdId);
      return {
        draw: drawLabel.get(item.drawId)!, position: item.position, township: townships(item.townshipCode),
        item: item.householdId !== null && item.itemRef.startsWith('household:') ? householdNo.get(item.householdId) ?? item.itemRef : caseFileLabel(item.itemRef, householdNo.get(item.householdId ?? -1)),
        headName: head?.name ?? '', result: current ? resultText[current.result] : '未核查', findings: current?.findings ?? '',
        checker: current?.checker ?? '', checkedOn: current?.checkedOn ?? null,
        correction: history.length > 1 ? `更正${history.length - 1}次：${current!.correctionReason ?? ''}` : '',
      };
    });
    return {
      context: {
        region: await regionName(knex, request.regionCode), period: request.period.label,
        figures: `抽查${draws.length}批，抽取${items.length}个：合格${counts.passed}个，存在问题${counts.problem}个，无法核查${counts.unverifiable}个，未核查${counts.unchecked}个`,
        redraws: redrawn.length === 0 ? '本期无重抽' : `本期重抽${redrawn.length}次（原抽样保留备查）：${redrawn.map((d) => `第${d.id}号，${d.supersedeReason ?? ''}`).join('；')}`,
      },
      rows,
      subjectPersonIds: [...heads.values()].map((h) => h.personId),
    };
  },
});

function labelOf(draw: SpotCheckDrawRow): string {
  const kind = populationText[draw.population] ?? { name: draw.population, unit: '个' };
  return `第${draw.id}号 ${kind.name}（${draw.populationCount}${kind.unit}中抽${draw.sampleSize}${kind.unit}）`;
}

/** A case file by its kind and number, with the household's number when it has one. */
function caseFileLabel(ref: string, householdNo: string | undefined): string {
  const [kind, id] = ref.split(':');
  const name = kind === 'warning' ? `预警${id}号` : kind === 'application' ? `申请${id}号` : ref;
  return householdNo ? `${name}（${householdNo}）` : name;
}
