import type { ReportData } from '../../gateway/reports/report-source.js';

/**
 * Fixed rows for each report template, written by hand as each source would give them: what the golden files are
 * rendered from. A template without rows here fails the golden test, so none goes unrendered.
 */
export const reportFixtures: Record<string, ReportData> = {
  'qianjiang-discovery-detail': {
    context: { region: '重庆市黔江区', period: '2024年6月' },
    subjectPersonIds: [11, 12],
    rows: [
      {
        method: '走访发现', discoverer: '冉小华（城东街道民政办）', township: '城东街道', subjectName: '李春梅',
        familySituation: '丈夫2024年5月因车祸去世，独自抚养两个在校子女，无稳定收入（家庭人口3人）', suspectedAssistance: '城乡低保、临时救助、教育救助',
        investigation: '家庭月收入约600元，人均200元，低于当地低保标准（冉小华（城东街道民政办），2024年6月12日调查）',
        result: '纳入救助范畴：城乡低保、临时救助，纳入时间：2024年6月20日', notes: '', discoveredOn: '2024-06-03',
      },
      {
        method: '信息推送发现', discoverer: '黔江区民政局（数据比对）', township: '城东街道', subjectName: '张国强',
        familySituation: '医保结算显示住院自付2.3万元（家庭人口4人）', suspectedAssistance: '医疗救助',
        investigation: '儿子在外务工，月收入4500元，家庭人均收入高于低保边缘标准（王敏，2024年6月18日调查）',
        result: '不符合救助条件', notes: '列入救助观察：大病支出较大，持续关注', discoveredOn: '2024-06-11',
      },
      {
        method: '工作发现', discoverer: '向红（舟白街道社会救助协理员）', township: '舟白街道', subjectName: '冉德明',
        familySituation: '独居老人，患慢性病', suspectedAssistance: '特困供养', investigation: '', result: '', notes: '', discoveredOn: '2024-06-25',
      },
    ],
  },
  'monitoring-statistics': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年第二季度' },
    subjectPersonIds: [],
    rows: [
      figures('640121001', '团结西路街道', 1),
      figures('640121100', '杨和镇', 2),
      figures('640121101', '李俊镇', 3),
    ],
  },
  'urgent-hardship-weekly': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年第23周（6月3日—6月9日）' },
    subjectPersonIds: [],
    rows: [
      {
        regionCode: '640121100', regionName: '杨和镇', casesOpened: 3, casesClosed: 1, referralsSent: 4, urgentReferralsSent: 1, referralsDone: 2, referralsOverdue: 0,
        escalations: 1, escalationsDecided: 0, temporaryAssistanceCases: 2, temporaryAssistanceFen: 150_000, disasterWarnings: 0,
      },
      {
        regionCode: '640121101', regionName: '李俊镇', casesOpened: 0, casesClosed: 0, referralsSent: 0, urgentReferralsSent: 0, referralsDone: 0, referralsOverdue: 1,
        escalations: 0, escalationsDecided: 1, temporaryAssistanceCases: 1, temporaryAssistanceFen: 80_050, disasterWarnings: 5,
      },
    ],
  },
};

/** A division's figures, distinct per division so a misplaced column shows. */
function figures(regionCode: string, regionName: string, k: number) {
  return {
    regionCode, regionName, warningsPushed: 10 * k, warningsVerified: 9 * k, warningsHandled: 8 * k, warningsOverdue: k, benefitAdjusted: 2 * k, stopped: k,
    included: 3 * k, referred: k, noChange: k, householdsAdjusted: 2 * k, newlyIncludedHouseholds: 4 * k, newlyIncludedPersons: 9 * k,
    temporaryAssistanceCases: 5 * k, temporaryAssistanceFen: 123_456 * k, visits: 40 * k, householdsVisited: 35 * k, problemsFound: 6 * k, problemsSolved: 5 * k,
    discoveryCasesOpened: 2 * k, discoveryCasesIncluded: k, referralsSent: 3 * k, referralsDone: 2 * k,
  };
}
