/**
 * 附件2's monthly 落实进度表 (seed 002 §三(二): "附件2按月填报任务落实进度,每月5日前将上一月落实进度表报送至民政局"): every
 * task with each unit reporting on it and what that unit filed for the month — the combined sheet the 民政局 files —
 * or, for one unit (?unit=), that unit's own sheet.
 */
import { ProblemError } from '../../errors.js';
import { combinedProgressSheet, unitRegion } from '../../filing/index.js';
import { requireCapability } from '../../access/role-policy.js';
import { isWithinScope } from '../../access/region-scope.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { filingLabels, programmesFor } from './filing-labels.js';
import { regionName } from './region-names.js';

export default defineReportSource({
  name: 'task-progress',
  description: 'The month\'s progress of the 15 tasks of seed 002, per responsible unit, as filed.',
  capability: 'readReturns',
  fields: {
    taskNumber: { type: 'integer', description: '序号: the task\'s number in seed 002' },
    title: { type: 'text', description: '重点任务' },
    measures: { type: 'text', description: '落实措施, as the seed words it' },
    leadUnits: { type: 'text', description: '牵头单位, joined by 、' },
    unit: { type: 'text', description: '责任单位 reporting (牵头 marked)' },
    progress: { type: 'text', description: '本月落实进度, as the unit filed it' },
    note: { type: 'text', description: '备注' },
    filing: { type: 'text', description: 'The unit\'s sheet: 按时报送, 逾期报送 or 未报送 for this task' },
    approved: { type: 'text', description: '已审核 when the lead unit approved the unit\'s sheet' },
  },
  async load(knex, request) {
    requireCapability(request.actor, 'readReturns');
    const rows: ReportRow[] = [];
    let unitName: string | undefined;
    for (const programme of programmesFor(request.actor)) {
      const reached = new Set(programme.units.filter((u) => isWithinScope(request.actor.regionCode, unitRegion(programme, u))).map((u) => u.code));
      if (request.unit !== undefined) {
        if (!reached.has(request.unit)) continue;
        unitName = programme.units.find((u) => u.code === request.unit)!.name;
      }
      for (const row of await combinedProgressSheet(knex, programme, request.period.text)) {
        if (!reached.has(row.unit.code) || (request.unit !== undefined && row.unit.code !== request.unit)) continue;
        rows.push({
          taskNumber: row.taskNumber, title: row.title, measures: row.measures, leadUnits: row.leadUnits.join('、') || '—',
          unit: row.leads ? `${row.unit.name}（牵头）` : row.unit.name, progress: row.progress ?? '', note: row.note ?? '',
          filing: row.timeliness === null ? filingLabels.missing! : filingLabels[row.timeliness]!, approved: row.approved ? '已审核' : '',
        });
      }
    }
    if (request.unit !== undefined && unitName === undefined) throw new ProblemError('not-found', `no filing unit ${request.unit} within ${request.regionCode}`);
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label, unit: unitName ?? '各责任单位' },
      rows,
      subjectPersonIds: [],
    };
  },
});
