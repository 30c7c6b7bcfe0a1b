import type { ReportData } from '../../gateway/reports/report-source.js';
import { complianceFixtures } from './compliance-fixtures.js';
import { oversightRosterFixtures } from './oversight-roster-fixtures.js';
import { payrollFixtures } from './payroll-fixtures.js';
import { supervisionFixtures } from './supervision-fixtures.js';
import { spotCheckFixtures } from './spot-check-fixtures.js';

/**
 * Fixed rows for each report template, written by hand as each source would give them: what the golden files are
 * rendered from. A template without rows here fails the golden test, so none goes unrendered.
 */
export const reportFixtures: Record<string, ReportData> = {
  ...payrollFixtures,
  ...complianceFixtures,
  ...supervisionFixtures,
  ...spotCheckFixtures,
  ...oversightRosterFixtures,
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
  'yongning-liaisons': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '截至2024年6月5日', dueOn: '2024-06-05' },
    subjectPersonIds: [],
    rows: [
      { unit: '民政局', leaderName: '苏娟', leaderPost: '副局长', leaderPhone: '13012340873', staffName: '杨斌', staffPost: '社会救助股股长', staffPhone: '155****6381', filedOn: '2024-06-03', filing: '按时报送' },
      { unit: '红十字会', leaderName: '', leaderPost: '', leaderPhone: '', staffName: '', staffPost: '', staffPhone: '', filedOn: '', filing: '未报送' },
      { unit: '团结西路街道办事处', leaderName: '彭桂玲', leaderPost: '副主任', leaderPhone: '132****3125', staffName: '张萱琳', staffPost: '民政专干', staffPhone: '136****8107', filedOn: '2024-06-07', filing: '逾期报送' },
    ],
  },
  'yongning-task-progress': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年6月', unit: '各责任单位' },
    subjectPersonIds: [],
    rows: [
      progress(1, '做好低收入人口认定工作', '—', '民政局', '完成本月数据录入和信息共享。', '按时报送', '已审核'),
      progress(1, '做好低收入人口认定工作', '—', '杨和镇', '', '未报送', ''),
      progress(2, '推进低收入人口信息化建设', '民政局', '民政局（牵头）', '=平台数据已更新', '逾期报送', ''),
    ],
  },
  'yongning-quarterly-summary': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年第二季度', dueOn: '2024-06-30', figures: '本季度预警推送12条、核查10条、处置9条。' },
    subjectPersonIds: [],
    rows: [
      { unit: '民政局', summary: '按照任务分工方案，落实责任任务15项，按月报送落实进度。', filedOn: '2024-06-30', filing: '按时报送' },
      { unit: '教育局', summary: '', filedOn: '', filing: '未报送' },
    ],
  },
  'filing-completeness': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年6月', dueOn: '2024-07-05', onTimeThrough: '2024-07-05' },
    subjectPersonIds: [],
    rows: [
      { kind: '县级部门', unit: '民政局', tasksExpected: 15, tasksFiled: 15, filing: '按时报送', completedOn: '2024-07-01', overdue: '', approved: '已审核', reopenCount: 0, tasksMissing: '' },
      { kind: '县级部门', unit: '公安局', tasksExpected: 1, tasksFiled: 1, filing: '逾期报送', completedOn: '2024-07-07', overdue: '', approved: '待审核', reopenCount: 1, tasksMissing: '' },
      { kind: '群团和社会组织', unit: '红十字会', tasksExpected: 1, tasksFiled: 0, filing: '未报送', completedOn: '', overdue: '是', approved: '', reopenCount: 0, tasksMissing: '13' },
    ],
  },
};

function progress(taskNumber: number, title: string, leadUnits: string, unit: string, text: string, filing: string, approved: string) {
  return { taskNumber, title, measures: `${title}的落实措施（种子文件原文）。`, leadUnits, unit, progress: text, note: '', filing, approved };
}

/** A division's figures, distinct per division so a misplaced column shows. */
function figures(regionCode: string, regionName: string, k: number) {
  return {
    regionCode, regionName, warningsPushed: 10 * k, warningsVerified: 9 * k, warningsHandled: 8 * k, warningsOverdue: k, personsWarned: 7 * k, personsHandled: 6 * k,
    benefitAdjusted: 2 * k, stopped: k,
    included: 3 * k, referred: k, noChange: k, householdsAdjusted: 2 * k, newlyIncludedHouseholds: 4 * k, newlyIncludedPersons: 9 * k,
    temporaryAssistanceCases: 5 * k, temporaryAssistanceFen: 123_456 * k, visits: 40 * k, householdsVisited: 35 * k, problemsFound: 6 * k, problemsSolved: 5 * k,
    discoveryCasesOpened: 2 * k, discoveryCasesIncluded: k, referralsSent: 3 * k, referralsDone: 2 * k,
  };
}
