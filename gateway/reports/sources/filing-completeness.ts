/**
 * Who has filed the month's progress sheet (seed 002 附件2, due 每月5日前) and who has not: one row per unit within the
 * reported region, read from the record — tasks filed, the day the last was first filed, on time or late, approved —
 * so the 民政局 knows whom to remind. Never a box someone ticks.
 */
import { viewCompleteness } from '../../filing/filing-views.js';
import { loadFilingProgrammes } from '../../filing/index.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { dayOf, filingLabels } from './filing-labels.js';
import { regionName } from './region-names.js';

const unitKinds: Readonly<Record<string, string>> = { department: '县级部门', group: '群团和社会组织', township: '乡镇（街道）' };

export default defineReportSource({
  name: 'filing-completeness',
  description: 'Each unit\'s progress sheet of the month: filed on time, late, incomplete or missing, and approved or not.',
  capability: 'readReturns',
  contextFields: { dueOn: 'the month\'s due date', onTimeThrough: 'the last day counted on time' },
  fields: {
    kind: { type: 'text', description: '县级部门, 群团和社会组织 or 乡镇（街道）' },
    unit: { type: 'text', description: '单位' },
    tasksExpected: { type: 'integer', description: 'Tasks the unit reports on' },
    tasksFiled: { type: 'integer', description: 'Tasks filed' },
    filing: { type: 'text', description: '按时报送, 逾期报送, 未报全 or 未报送' },
    completedOn: { type: 'date', description: 'The day the last task was first filed' },
    overdue: { type: 'text', description: '是 when not complete after the last on-time day' },
    approved: { type: 'text', description: '已审核 or 待审核 (blank while not complete)' },
    reopenCount: { type: 'integer', description: 'Times the lead unit sent the sheet back' },
    tasksMissing: { type: 'text', description: 'Numbers of the tasks not filed, joined by 、' },
  },
  async load(knex, request) {
    const completeness = await viewCompleteness(knex, loadFilingProgrammes(), request.actor, { period: request.period.text, today: request.today });
    const rows: ReportRow[] = completeness.programmes.flatMap((programme) => programme.units.map(({ unit, status, tasksMissing }) => ({
      kind: unitKinds[unit.kind] ?? unit.kind, unit: unit.name, tasksExpected: status.tasksExpected, tasksFiled: status.tasksFiled,
      filing: filingLabels[status.filing] ?? status.filing, completedOn: dayOf(status.completedAt), overdue: status.overdue ? '是' : '',
      approved: status.approved ? '已审核' : status.tasksFiled === status.tasksExpected ? '待审核' : '', reopenCount: status.reopenCount,
      tasksMissing: tasksMissing.join('、'),
    })));
    const deadlines = completeness.programmes.map((p) => p.deadline);
    return {
      context: {
        region: await regionName(knex, request.regionCode), period: request.period.label,
        dueOn: deadlines.map((d) => d.dueOn).join('、'), onTimeThrough: deadlines.map((d) => d.onTimeThrough).join('、'),
      },
      rows,
      subjectPersonIds: [],
    };
  },
});
