/**
 * The monitoring figures (statistics/monitoring-statistics.ts) of a region over a period, one row per division
 * directly below it: counts only, no one named, so every role — liaison officers included — may take them.
 */
import { findRegions } from '../../store/repositories/regions.js';
import { monitoringFiguresBetween } from '../../statistics/monitoring-statistics.js';
import { defineReportSource, type ReportSource } from '../report-source.js';
import { regionName } from './region-names.js';

const counts = {
  warningsPushed: '预警推送: warnings raised in the period and pushed to a township or county',
  warningsVerified: '核查: warnings whose verification began in the period',
  warningsHandled: '处置: warnings resolved in the period',
  warningsOverdue: '逾期未处置: warnings open past their due date at the period\'s end (or today)',
  personsWarned: '预警对象 人次: each person once per day warned about',
  personsHandled: '处置排查 人次: each person once per day their warnings were resolved (seed 001 counts 处置排查 so)',
  benefitAdjusted: '处置结果 调整待遇',
  stopped: '处置结果 停止救助',
  included: '处置结果 纳入救助',
  referred: '处置结果 转介',
  noChange: '处置结果 维持不变',
  householdsAdjusted: '调整待遇家庭: households whose enrolment amount changed or ended',
  newlyIncludedHouseholds: '新增救助对象 户',
  newlyIncludedPersons: '新增救助对象 人',
  temporaryAssistanceCases: '临时救助 件次',
  visits: '走访 户次',
  householdsVisited: '走访 户数',
  problemsFound: '走访发现问题',
  problemsSolved: '发现问题已解决',
  discoveryCasesOpened: '主动发现',
  discoveryCasesIncluded: '主动发现 纳入救助',
  referralsSent: '转介 转出',
  referralsDone: '转介 办结',
} as const;

type CountField = keyof typeof counts;

const source: ReportSource = defineReportSource({
  name: 'monitoring-figures',
  description: 'The monitoring figures of the region\'s divisions over the period (seed 001 reports the same kinds of figures).',
  capability: 'readFigures',
  fields: {
    regionCode: { type: 'text', description: 'The division\'s code' },
    regionName: { type: 'text', description: 'The division\'s name' },
    ...Object.fromEntries(Object.entries(counts).map(([name, description]) => [name, { type: 'integer' as const, description }])),
    temporaryAssistanceFen: { type: 'fen', description: '临时救助 金额, fen' },
  },
  async load(knex, request) {
    const figures = await monitoringFiguresBetween(knex, { regionCode: request.regionCode, from: request.period.from, to: request.period.to, today: request.today });
    // The divisions by their own short names (望远镇), the region itself being named in the subtitle.
    const divisions = await findRegions(knex, figures.byRegion.map((r) => r.code));
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label },
      rows: figures.byRegion.map(({ code, name, figures: f }) => {
        const row: Record<CountField, number> = {
          warningsPushed: f.warningsPushed, warningsVerified: f.warningsVerified, warningsHandled: f.warningsHandled, warningsOverdue: f.warningsOverdue,
          personsWarned: f.personsWarned, personsHandled: f.personsHandled,
          benefitAdjusted: f.outcomes['benefit-adjusted'], stopped: f.outcomes.stopped, included: f.outcomes.included, referred: f.outcomes.referred,
          noChange: f.outcomes['no-change'], householdsAdjusted: f.householdsAdjusted, newlyIncludedHouseholds: f.newlyIncludedHouseholds,
          newlyIncludedPersons: f.newlyIncludedPersons, temporaryAssistanceCases: f.temporaryAssistanceCases, visits: f.visits,
          householdsVisited: f.householdsVisited, problemsFound: f.problemsFound, problemsSolved: f.problemsSolved,
          discoveryCasesOpened: f.discoveryCasesOpened, discoveryCasesIncluded: f.discoveryCasesIncluded, referralsSent: f.referralsSent,
          referralsDone: f.referralsDone,
        };
        return { regionCode: code, regionName: divisions.get(code)?.name ?? name, ...row, temporaryAssistanceFen: f.temporaryAssistanceFen };
      }),
      subjectPersonIds: [],
    };
  },
});

export default source;
