import type { ReportData } from '../../gateway/reports/report-source.js';

/** Fixed rows for the compliance templates' golden files (test/reports/report-fixtures.ts takes them in). */
export const complianceFixtures: Record<string, ReportData> = {
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
