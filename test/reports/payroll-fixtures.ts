import type { ReportData } from '../../gateway/reports/report-source.js';

/** Fixed rows for the payroll templates' golden files (test/reports/report-fixtures.ts takes them in). */
const roll = (township: string, village: string, payeeName: string, idNumber: string, persons: number, basicFen: number, addOnFen: number, careFen: number, remark = '', category = '农村最低生活保障') => ({
  township, village, payeeName, idNumber, category, personsCovered: persons, basicFen, addOnFen, careFen, totalFen: basicFen + addOnFen + careFen,
  bankName: '宁夏黄河农村商业银行', account: `**************${String(1000 + persons * 7 + Math.abs(basicFen) % 97).slice(-4)}`, remark,
});

export const payrollFixtures: Record<string, ReportData> = {
  'payroll-roll': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年6月', rollStatus: '未结账（预览）' },
    subjectPersonIds: [1, 3, 6, 8, 9],
    rows: [
      roll('杨和镇', '王太村委会', '王建国', '640121********011X', 2, 70_000, 0, 0),
      roll('杨和镇', '王太村委会', '李秀英', '640121********0125', 1, 42_000, 6_000, 0, '调整：上月420.00元；无发放账户'),
      roll('杨和镇', '王太村委会', '李秀英', '640121********0125', 1, 1_500, 0, 0, '补发 2024-03：标准调整(自2024-03起执行)'),
      roll('杨和镇', '惠丰村委会', '赵德才', '640121********0139', 3, 95_000, 12_000, 0, '新增'),
      roll('李俊镇', '西邵村委会', '周永福', '640121********0141', 1, 78_000, 0, 25_000, '', '农村特困人员救助供养'),
      roll('李俊镇', '西邵村委会', '孙桂兰', '640121********0156', 1, -30_000, 0, 0, '追回 2024-04：孙桂兰死亡(2024-03-20)后已发放'),
    ],
  },
  'payroll-changes': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年6月', rollStatus: '已结账（2024-07-03，发放册文档SM3：ab…）' },
    subjectPersonIds: [3, 6],
    rows: [
      { township: '杨和镇', village: '王太村委会', householdNo: '640121A913XK3RT40', payeeName: '李秀英', programme: '低保', mark: '调整', forMonth: '2024-06', previousFen: 42_000, currentFen: 48_000, differenceFen: 6_000, reason: '上月420.00元' },
      { township: '杨和镇', village: '惠丰村委会', householdNo: '640121B2K7QW9ZP11', payeeName: '赵德才', programme: '低保', mark: '新增', forMonth: '2024-06', previousFen: 0, currentFen: 107_000, differenceFen: 107_000, reason: '' },
      { township: '李俊镇', village: '西邵村委会', householdNo: '640121C5M1RT2LX08', payeeName: '孙桂兰', programme: '低保', mark: '停发', forMonth: '2024-06', previousFen: 30_000, currentFen: 0, differenceFen: -30_000, reason: '孙桂兰死亡(2024-03-20)' },
      { township: '李俊镇', village: '西邵村委会', householdNo: '640121C5M1RT2LX08', payeeName: '孙桂兰', programme: '低保', mark: '追回', forMonth: '2024-04', previousFen: 30_000, currentFen: 0, differenceFen: -30_000, reason: '孙桂兰死亡(2024-03-20)后已发放' },
    ],
  },
  'payroll-jinmin-reconciliation': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年6月', rollStatus: '未结账（预览）', figures: '发放册5户（全县），金民4户（全县），本表差异3户' },
    subjectPersonIds: [3, 8],
    rows: [
      { kind: '金额不一致', township: '杨和镇', village: '王太村委会', name: '李秀英', idNumber: '640121********0125', rollCategory: '农村最低生活保障', rosterCategory: '农村最低生活保障', rollFen: 48_000, rosterFen: 42_000, differenceFen: 6_000 },
      { kind: '发放册有、金民无', township: '李俊镇', village: '西邵村委会', name: '周永福', idNumber: '640121********0141', rollCategory: '农村特困人员救助供养', rosterCategory: '', rollFen: 103_000, rosterFen: null, differenceFen: 103_000 },
      { kind: '金民有、发放册无', township: '李俊镇', village: '', name: '孙桂兰', idNumber: '640121********0156', rollCategory: '', rosterCategory: '农村最低生活保障', rollFen: null, rosterFen: 30_000, differenceFen: -30_000 },
    ],
  },
};
