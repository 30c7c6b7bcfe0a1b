import type { ReportData } from '../../gateway/reports/report-source.js';

/** Fixed rows for the compliance templates' golden files (test/reports/report-fixtures.ts takes them in). */
export const complianceFixtures: Record<string, ReportData> = {
  'compliance-duplicates': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年8月', figures: '重复享受基本生活救助1条，多部门同类救助1条' },
    subjectPersonIds: [3, 8],
    rows: [
      {
        kind: '重复享受基本生活救助', township: '杨和镇', village: '王太村委会', name: '李秀英', idNumber: '640121********0125', period: '2024-08',
        detail: '县民政局核定保留一项，停发另一项并追回重复发放金额', amountFen: null, status: 'open',
      },
      {
        kind: '多部门同类救助', township: '李俊镇', village: '西邵村委会', name: '周永福', idNumber: '640121********0141', period: '2024-07',
        detail: '临时救助：县民政局、县总工会共2条记录', amountFen: 150_000, status: '',
      },
    ],
  },
  'compliance-paid-after-death': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年8月', figures: '死亡后仍发放2人，应追回合计860.00元（另有1人需重算）' },
    subjectPersonIds: [3, 7, 8],
    rows: [
      {
        township: '杨和镇', village: '王太村委会', householdNo: '640121100200-0002', name: '李秀英', idNumber: '640121********0125', deathDate: '2024-06-20',
        deathSource: '死亡（2024-08-30报送）', monthsPaid: '2024-07、2024-08', paidFen: 86_000, recoverFen: 86_000, recovery: '未追回',
      },
      {
        township: '李俊镇', village: '西邵村委会', householdNo: '640121101200-0004', name: '周永福', idNumber: '640121********0141', deathDate: '2024-07-03',
        deathSource: '火化（2024-08-12报送）', monthsPaid: '2024-08', paidFen: 76_000, recoverFen: null, recovery: '未追回：户内仍有在世成员，需重算',
      },
    ],
  },
  'compliance-closed-roll-integrity': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年7月', figures: '核验已结账发放册2份，不一致或无法验证1份' },
    subjectPersonIds: [],
    rows: [
      {
        county: '永宁县', month: '2024-06', closedAt: '2024-06-28T08:00:00.000Z', lines: 5, totalFen: 512_000, status: '不一致：明细与摘要不符',
        storedSm3: '9f1c4e7a2b3d5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff', recomputedSm3: '0a1b2c3d4e5f60718293a4b5c6d7e8f9aabbccddeeff00112233445566778899',
        keyFingerprint: '5b7e2c91d04f3a68', action: '结账后发放明细被改动：以结账时下载的签名文档为准核对明细，查数据库操作记录',
      },
      {
        county: '永宁县', month: '2024-07', closedAt: '2024-07-29T08:00:00.000Z', lines: 5, totalFen: 504_000, status: '一致',
        storedSm3: '77aa01be53c2d9e4f6a8b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f', recomputedSm3: '77aa01be53c2d9e4f6a8b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f',
        keyFingerprint: '5b7e2c91d04f3a68', action: '',
      },
    ],
  },
};
