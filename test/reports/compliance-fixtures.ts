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
  'compliance-related-to-staff': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年8月', figures: '与经办人员、村干部有关联的救助家庭2户，其中预警未办结或未预警1户' },
    subjectPersonIds: [3, 4, 8],
    rows: [
      {
        township: '杨和镇', village: '王太村委会', householdNo: '640121100200-0002', name: '李秀英', idNumber: '640121********0125', relation: '本人为近亲属（兄妹）',
        staff: '李建国（村（社区）干部），杨和镇王太村村委会', enrolment: '农村最低生活保障，2023-03-01起', amountFen: 60_000, warning: '预警12（2024-08）：待核查', handling: '',
      },
      {
        township: '李俊镇', village: '西邵村委会', householdNo: '640121101200-0004', name: '周永福', idNumber: '640121********0141', relation: '同户成员周丽（本人未在保）为民政工作人员',
        staff: '周丽（民政工作人员），永宁县民政局社会救助股', enrolment: '农村最低生活保障，2022-05-01起；同户在保2人', amountFen: 90_000,
        warning: '预警15（2024-07）：已办结（无需处置）', handling: '经县民政局复核，该户2022年纳入时周丽尚未入职，审批程序完整（2024-08-06，county auditor）',
      },
    ],
  },
  'compliance-assets-kept': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年8月', figures: '超标预警办结后仍保留救助2户，涉及在保3人，目前仍在保1户' },
    subjectPersonIds: [3, 8],
    rows: [
      {
        township: '杨和镇', village: '王太村委会', householdNo: '640121100200-0002', name: '李秀英', idNumber: '640121********0125', finding: '预警21（2024-07）：救助家庭成员登记经营主体',
        evidence: '本人：经营主体永宁县杨和镇秀英便利店（法定代表人或经营者）', decision: '无需处置：个体店已于2024年6月注销，经营收入已计入家庭收入，未超标', resolved: '2024-07-18，杨和镇经办人',
        enrolment: '农村最低生活保障；同户在保2人', amountFen: 120_000, inForce: '仍在保',
      },
      {
        township: '李俊镇', village: '西邵村委会', householdNo: '640121101200-0004', name: '周永福', idNumber: '640121********0141', finding: '预警25（2024-08）：在保对象收入或缴费基数超标',
        evidence: '周丽（640121********0166）：宁夏某物流有限公司，2024-07月工资2600.00元；月收入2600.00元，标准1850.00元（示例阈值）', decision: '转介：已转介县人社局核实劳动合同', resolved: '2024-08-09，李俊镇经办人',
        enrolment: '农村最低生活保障', amountFen: 45_000, inForce: '已于2024-08-31终止（预警30核查停保：家庭收入超标）',
      },
    ],
  },
  'compliance-changes-without-approval': {
    context: { region: '宁夏回族自治区银川市永宁县', period: '2024年8月', figures: '无审批依据的变更3条（纳入1条，终止1条，金额调整1条）；批量导入的在保记录1520条以导入文件为依据，未列入' },
    subjectPersonIds: [3, 8],
    rows: [
      {
        township: '杨和镇', village: '王太村委会', householdNo: '640121100200-0002', name: '李秀英', idNumber: '640121********0125', category: '农村最低生活保障', change: '纳入：月600.00元',
        effectiveOn: '2024-08-01', recordedAt: '2024-08-02 10:15', actor: 'township 640121100', reason: '无审批记录：未经申请审批，直接登记在册',
      },
      {
        township: '李俊镇', village: '西邵村委会', householdNo: '640121101200-0004', name: '周永福', idNumber: '640121********0141', category: '农村最低生活保障', change: '终止：全家迁往银川市',
        effectiveOn: '2024-07-31', recordedAt: '', actor: '无记录', reason: '无停保决定：终止日期非经预警处置写入（登记时填写或系统外改动）',
      },
      {
        township: '李俊镇', village: '西邵村委会', householdNo: '640121101200-0004', name: '周永福', idNumber: '640121********0141', category: '农村最低生活保障', change: '金额调整：450.00元→300.00元',
        effectiveOn: '2024-08-12', recordedAt: '2024-08-12 16:40', actor: 'township 640121101', reason: '金额调整未关联待遇调整的预警处置（所记预警31未作此处置）',
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
