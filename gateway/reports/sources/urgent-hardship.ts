/** The weekly 急难 figures (statistics/urgent-hardship-figures.ts) of a region's divisions: counts only. */
import { urgentHardshipFigureNames, urgentHardshipFigures, type UrgentHardshipFigure } from '../../statistics/urgent-hardship-figures.js';
import { defineReportSource, type ReportFieldType } from '../report-source.js';
import { regionName } from './region-names.js';

const descriptions: Record<UrgentHardshipFigure, string> = {
  casesOpened: '首问受理: first-responder cases opened',
  casesClosed: '办结: first-responder cases closed',
  referralsSent: '转介: needs referred to a department',
  urgentReferralsSent: '其中紧急: referrals marked urgent',
  referralsDone: '转介办结: referrals the department finished',
  referralsOverdue: '转介逾期: referrals unfinished past their time limit at the span\'s end',
  escalations: '一事一议 提请: cases put to the county meeting',
  escalationsDecided: '一事一议 议定: cases the meeting decided',
  temporaryAssistanceCases: '临时救助 件次',
  temporaryAssistanceFen: '临时救助 金额, fen',
  disasterWarnings: '受灾预警: disaster-victim warnings raised',
};

export default defineReportSource({
  name: 'urgent-hardship',
  description: 'Urgent-hardship (急难) casework figures of the region\'s divisions over the period (seed 003: a weekly statistic reported level by level).',
  capability: 'readFigures',
  fields: {
    regionCode: { type: 'text', description: 'The division\'s code' },
    regionName: { type: 'text', description: 'The division\'s name' },
    ...Object.fromEntries(urgentHardshipFigureNames.map((name) => [name, { type: (name === 'temporaryAssistanceFen' ? 'fen' : 'integer') as ReportFieldType, description: descriptions[name] }])),
  },
  async load(knex, request) {
    const divisions = await urgentHardshipFigures(knex, { regionCode: request.regionCode, from: request.period.from, to: request.period.to, today: request.today });
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label },
      rows: divisions.map((d) => ({ regionCode: d.code, regionName: d.name, ...d.figures })),
      subjectPersonIds: [],
    };
  },
});
