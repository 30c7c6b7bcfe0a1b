/**
 * 附件1 《分层分类社会救助工作各部门(单位)联络人》 (seed 002 §三(二)) as filed: one row per responsible unit within the
 * reported region, its 分管领导 and its 工作人员, phones masked as GET /v1/liaisons masks them for the caller.
 */
import { loadFilingProgrammes } from '../../filing/index.js';
import { viewLiaisonRoster } from '../../filing/filing-views.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { dayOf, filingLabels } from './filing-labels.js';
import { regionName } from './region-names.js';

export default defineReportSource({
  name: 'liaison-roster',
  description: 'Each responsible unit\'s 分管领导 and 工作人员 (seed 002 附件1), as filed.',
  capability: 'readReturns',
  contextFields: { dueOn: 'the roster\'s due date (2024-06-05 in seed 002)' },
  fields: {
    unit: { type: 'text', description: '单位' },
    leaderName: { type: 'text', description: '分管领导 姓名' },
    leaderPost: { type: 'text', description: '分管领导 职务' },
    leaderPhone: { type: 'text', description: '分管领导 联系电话 (masked unless the caller may see it)' },
    staffName: { type: 'text', description: '工作人员 姓名' },
    staffPost: { type: 'text', description: '工作人员 职务' },
    staffPhone: { type: 'text', description: '工作人员 联系电话 (masked unless the caller may see it)' },
    filedOn: { type: 'date', description: 'The day the unit first filed its contacts' },
    filing: { type: 'text', description: '按时报送, 逾期报送 or 未报送, against the due date' },
  },
  async load(knex, request) {
    const roster = await viewLiaisonRoster(knex, loadFilingProgrammes(), request.actor);
    const rows: ReportRow[] = roster.programmes.flatMap((programme) => programme.units.map((row) => ({
      unit: row.unit.name,
      leaderName: row.leader?.name ?? '', leaderPost: row.leader?.post ?? '', leaderPhone: row.leader?.phone ?? '',
      staffName: row.staff?.name ?? '', staffPost: row.staff?.post ?? '', staffPhone: row.staff?.phone ?? '',
      filedOn: dayOf(row.firstFiledAt), filing: filingLabels[row.filing] ?? row.filing,
    })));
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label, dueOn: roster.programmes.map((p) => p.dueOn).join('、') },
      rows,
      subjectPersonIds: [],
    };
  },
});
