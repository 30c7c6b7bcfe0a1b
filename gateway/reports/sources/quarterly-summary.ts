/**
 * 季度工作小结 (seed 002 §三(二): "每季度末报季度工作小结"): each unit's summary of the quarter as filed, with the
 * quarter's monitoring figures of the region (warnings, discoveries, visits, referrals, inclusions) in one sentence
 * above them, so the bureau files the units' words and the record's figures together.
 */
import { viewQuarterlySummaries } from '../../filing/filing-views.js';
import { loadFilingProgrammes } from '../../filing/index.js';
import { monitoringFiguresBetween } from '../../statistics/monitoring-statistics.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { yuanText } from '../../exports/money-text.js';
import { dayOf, filingLabels } from './filing-labels.js';
import { regionName } from './region-names.js';

export default defineReportSource({
  name: 'quarterly-summary',
  description: 'Each unit\'s 季度工作小结 of the quarter, and the quarter\'s monitoring figures of the region.',
  capability: 'readReturns',
  contextFields: { figures: 'the quarter\'s monitoring figures of the region, in one sentence', dueOn: 'the summaries\' due date (the quarter\'s last day)' },
  fields: {
    unit: { type: 'text', description: '单位' },
    summary: { type: 'text', description: '季度工作小结, as the unit filed it' },
    filedOn: { type: 'date', description: 'The day the unit first filed it' },
    filing: { type: 'text', description: '按时报送, 逾期报送 or 未报送, against the quarter\'s last day' },
  },
  async load(knex, request) {
    const summaries = await viewQuarterlySummaries(knex, loadFilingProgrammes(), request.actor, request.period.text);
    const { total: f } = await monitoringFiguresBetween(knex, { regionCode: request.regionCode, from: request.period.from, to: request.period.to, today: request.today });
    const figures = `本季度预警推送${f.warningsPushed}条、核查${f.warningsVerified}条、处置${f.warningsHandled}条（期末逾期未处置${f.warningsOverdue}条）；`
      + `新增救助对象${f.newlyIncludedHouseholds}户${f.newlyIncludedPersons}人，调整待遇${f.householdsAdjusted}户；临时救助${f.temporaryAssistanceCases}件次${yuanText(f.temporaryAssistanceFen)}元；`
      + `走访${f.visits}户次，发现问题${f.problemsFound}个、解决${f.problemsSolved}个；主动发现${f.discoveryCasesOpened}件、纳入救助${f.discoveryCasesIncluded}件；转介${f.referralsSent}件、办结${f.referralsDone}件。`;
    const rows: ReportRow[] = summaries.programmes.flatMap((programme) => programme.units.map((row) => ({
      unit: row.unit.name, summary: row.summary ?? '', filedOn: dayOf(row.firstFiledAt), filing: filingLabels[row.filing] ?? row.filing,
    })));
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label, figures, dueOn: summaries.programmes.map((p) => p.deadline.dueOn).join('、') },
      rows,
      subjectPersonIds: [],
    };
  },
});
