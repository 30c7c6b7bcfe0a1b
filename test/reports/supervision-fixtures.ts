import type { ReportData } from '../../gateway/reports/report-source.js';

/** Fixed rows for the supervision templates' golden files (test/reports/report-fixtures.ts takes them in). */
export const supervisionFixtures: Record<string, ReportData> = {
  'compliance-overdue': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '截至2024年10月21日', figures: '逾期事项3件，已督办2件，已书面提醒2件' },
    subjectPersonIds: [3, 8],
    rows: [
      {
        township: '杨和镇', kind: '预警处置', what: '预警「在保对象死亡」待核查', subject: '李秀英', dueOn: '2024-10-10', workingDaysLate: 7,
        order: '第1号（2024-10-14），限2024-10-21前', reminders: '640121督〔2024〕1号（2024-10-15）', reason: '当事人外出务工，暂无法入户核实',
      },
      {
        township: '杨和镇', kind: '走访', what: '走访（低保家庭）', subject: '马福成', dueOn: '2024-07-01', workingDaysLate: 77,
        order: null, reminders: '640121督〔2024〕1号（2024-10-15）', reason: null,
      },
      {
        township: '永宁县', kind: '进度报送', what: '2024-09 落实进度表（已填 2/5 项）', subject: '县医疗保障局', dueOn: '2024-10-11', workingDaysLate: 6,
        order: '第2号（2024-10-14），限2024-10-21前', reminders: null, reason: null,
      },
    ],
  },
  'supervision-reminder': {
    context: { region: '宁夏回族自治区银川市永宁县杨和镇', period: '2024-10-15', number: '640121督〔2024〕1号', county: '永宁县', township: '杨和镇', asOf: '2024年10月15日', count: '2' },
    subjectPersonIds: [3, 8],
    rows: [
      { kind: '预警处置', what: '预警「在保对象死亡」待核查', subject: '李秀英', dueOn: '2024-10-10', workingDaysLate: 3, order: '督办第1号，限2024-10-21前办结' },
      { kind: '申请办理', what: '申请（最低生活保障）入户调查', subject: '马兰花', dueOn: '2024-10-11', workingDaysLate: 2, order: null },
    ],
  },
  'supervision-circular': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年10月' },
    subjectPersonIds: [],
    rows: [
      { township: '永宁县', orders: 1, done: 0, reasonsRecorded: 0, stillOpen: 1, remindersIssued: 0, overdueNow: 4 },
      { township: '杨和镇', orders: 3, done: 1, reasonsRecorded: 1, stillOpen: 1, remindersIssued: 1, overdueNow: 2 },
      { township: '李俊镇', orders: 0, done: 0, reasonsRecorded: 0, stillOpen: 0, remindersIssued: 0, overdueNow: 0 },
    ],
  },
};
