import type { ReportData } from '../../gateway/reports/report-source.js';

/** Fixed rows for the spot-check template's golden file (test/reports/report-fixtures.ts takes them in). */
export const spotCheckFixtures: Record<string, ReportData> = {
  'spot-check-results': {
    context: {
      region: '宁夏回族自治区银川市永宁县', period: '2024年第三季度',
      figures: '抽查2批，抽取4个：合格1个，存在问题1个，无法核查1个，未核查1个',
      redraws: '本期重抽1次（原抽样保留备查）：第3号，抽样期间选错',
    },
    subjectPersonIds: [3, 8, 11],
    rows: [
      { draw: '第4号 在册户（120户中抽3户）', position: 1, township: '杨和镇', item: '640121100200-0002', headName: '李秀英', result: '存在问题', findings: '家庭有小型汽车一辆未申报', checker: '杨和镇民政办 马军', checkedOn: '2024-10-09', correction: '更正1次：复核车辆登记信息' },
      { draw: '第4号 在册户（120户中抽3户）', position: 2, township: '李俊镇', item: '640121101200-0004', headName: '周永福', result: '合格', findings: '', checker: '李俊镇民政办', checkedOn: '2024-10-10', correction: '' },
      { draw: '第4号 在册户（120户中抽3户）', position: 3, township: '望远镇', item: '640121102200-0011', headName: '王桂兰', result: '未核查', findings: '', checker: '', checkedOn: null, correction: '' },
      { draw: '第5号 申请审批案卷（14件中抽1件）', position: 1, township: '杨和镇', item: '申请7号（640121100200-0019）', headName: '张建国', result: '无法核查', findings: '档案未归档，审批表缺失', checker: '县民政局核查组', checkedOn: '2024-10-11', correction: '' },
    ],
  },
};
