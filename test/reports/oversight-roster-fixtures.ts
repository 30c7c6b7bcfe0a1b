import type { ReportData } from '../../gateway/reports/report-source.js';

/** Fixed rows for the economic-check, key-group and village-assistant templates' golden files (report-fixtures.ts takes them in). */
export const oversightRosterFixtures: Record<string, ReportData> = {
  'economic-check-overdue': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '截至2024年12月31日', asOf: '2024年12月31日', figures: '在册基本生活救助家庭412户，本年监测不足2次2户' },
    subjectPersonIds: [3, 8],
    rows: [
      {
        township: '杨和镇', village: '王太村委会', householdNo: '640121100200-0002', headName: '李秀英', enrolledSince: '2024-01-01',
        checks: 1, comparisons: 1, visits: 0, lastCheck: '2024-03-28 数据比对', shortfall: 1, status: '逾期',
      },
      {
        township: '李俊镇', village: '西邵村委会', householdNo: '640121101200-0004', headName: '周永福', enrolledSince: '2024-11-15',
        checks: 0, comparisons: 0, visits: 0, lastCheck: '无记录', shortfall: 2, status: '逾期',
      },
    ],
  },
  'key-group-roster': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年8月', asOf: '2024年8月31日', figures: '重点人群2户，走访逾期1户' },
    subjectPersonIds: [5, 9],
    rows: [
      {
        township: '杨和镇', village: '王太村委会', householdNo: '640121100200-0007', headName: '马金花', basis: '救助观察（主动发现案件12）', since: '2024-06-18',
        reason: '收入超过低保边缘标准，但大病支出较大，列入救助观察，每月走访。', lastVisit: '2024-07-10', nextVisitDue: '2024-08-10', visitStatus: '逾期21天',
      },
      {
        township: '望远镇', village: '东和村委会', householdNo: '640121102203-0011', headName: '张学军', basis: '乡镇添加', since: '2024-08-05',
        reason: '独居老人，子女外出务工，暂不符合救助条件', lastVisit: null, nextVisitDue: '2024-09-05', visitStatus: '按期',
      },
    ],
  },
  'villages-without-assistant': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '截至2024年8月31日', asOf: '2024年8月31日', figures: '共95个村（社区），未配备社会救助协理员3个' },
    subjectPersonIds: [],
    rows: [
      { township: '杨和镇', villages: 17, villageCode: '640121100201', village: '红星村委会' },
      { township: '杨和镇', villages: null, villageCode: '640121100207', village: '惠丰村委会' },
      { township: '闽宁镇', villages: 12, villageCode: '640121104203', village: '原隆村委会' },
    ],
  },
};
