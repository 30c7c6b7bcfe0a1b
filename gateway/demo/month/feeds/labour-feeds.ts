import { addDays, demoTownship, writtenDate, type DemoMonth, type Subject } from '../demo-month-context.js';
import { csvBytes, formatYuan, type FeedFile } from '../file-formats.js';
import { holdsBasicLiving, isRecipient } from '../register-snapshot.js';

const EMPLOYERS = [
  '宁夏永宁县恒昌物流有限公司', '宁夏伊品生物科技股份有限公司', '永宁县胜利乡农机合作社', '宁夏永宁县鑫源建材有限公司',
  '永宁县望远镇便民超市', '宁夏塞上红农业科技有限公司', '永宁县杨和镇卫生院', '银川市金凤区美家家政服务部',
];

/** 2024 Ningxia employee pension contribution: 16 % employer, 8 % employee; unemployment insurance 0.5 % each. */
const CONTRIBUTION_RATES = { '企业职工基本养老保险': [0.16, 0.08], '失业保险': [0.005, 0.005] } as const;

/** The month as 人社 systems write 费款所属期 and 发放年月: mostly 202405, sometimes 2024-05. */
function writtenMonth(month: DemoMonth, dashed: boolean): string {
  return dashed ? month.period : month.period.replace('-', '');
}

/**
 * 人社's 就业登记 of the month (UTF-8 CSV with Excel's BOM). Planted: a recipient now earning 3,200 yuan a month,
 * above the 1,850 example threshold. A recipient on a 公益性岗位 below it and one without a stated wage raise
 * nothing. One ID number arrives as Excel's 6.40121E+17 and is rejected with the advice to re-export as text.
 */
export function employmentRegistrations(month: DemoMonth): FeedFile {
  const random = month.random('renshe');
  const rows: { person: Subject; idText: string; employer: string | null; form: string; on: string; wage: string | null }[] = [];

  // A paid 低保 or 特困 recipient, whose benefit the township can then reduce for gradual exit (渐退).
  const earner = month.requireRegistered(random, 'working-age basic-living recipient', (m) => holdsBasicLiving(m) && m.benefitFen > 0 && m.age >= 20 && m.age <= 50, demoTownship);
  const hiredOn = month.day(random);
  rows.push({ person: earner, idText: earner.idNumber, employer: random.pick(EMPLOYERS), form: '单位就业', on: hiredOn, wage: formatYuan(320_000) });
  month.plant('recipient-income-above-threshold', 'renshe', earner, `就业登记 ${hiredOn}，月工资 3,200.00 元`);

  const publicJob = month.registered(random, (m) => isRecipient(m) && m.age >= 30 && m.age <= 55);
  if (publicJob) rows.push({ person: publicJob, idText: publicJob.idNumber, employer: `${month.countyName}${publicJob.townshipName}人民政府`, form: '公益性岗位', on: month.day(random), wage: formatYuan(150_000) });
  const flexible = month.registered(random, (m) => isRecipient(m) && m.age >= 20 && m.age <= 50);
  if (flexible) rows.push({ person: flexible, idText: flexible.idNumber, employer: null, form: '灵活就业', on: month.day(random), wage: null });
  for (let n = 0; n < 7; n += 1) {
    const person = month.resident(random, { min: 19, max: 52 });
    rows.push({ person, idText: person.idNumber, employer: random.pick(EMPLOYERS), form: random.chance(0.8) ? '单位就业' : '灵活就业', on: month.day(random), wage: formatYuan(random.integerBetween(24, 60) * 10_000) });
  }
  // The earner whose death 公安 reports this month was registered in work earlier in the month.
  for (const { subject, diedOn } of month.earnerDeaths) {
    rows.push({ person: subject, idText: subject.idNumber, employer: random.pick(EMPLOYERS), form: '单位就业', on: addDays(diedOn, -9), wage: formatYuan(380_000) });
  }
  const mangled = month.resident(random, { min: 20, max: 40 });
  rows.push({ person: mangled, idText: '6.40121E+17', employer: random.pick(EMPLOYERS), form: '单位就业', on: month.day(random), wage: formatYuan(320_000) });

  rows.sort((a, b) => a.on.localeCompare(b.on));
  const total = rows.reduce((sum, row) => sum + (row.wage ? Number(row.wage.replaceAll(',', '')) * 100 : 0), 0);
  const table = [
    ['序号', '姓名', '性别', '公民身份号码', '就业单位', '就业形式', '就业登记日期', '月工资（元）'],
    ...rows.map((row, index) => [index + 1, row.person.name, row.person.gender === '1' ? '男' : '女', row.idText, row.employer, row.form, writtenDate(random, row.on), row.wage]),
    [],
    ['合计', null, null, null, null, null, null, formatYuan(Math.round(total))],
  ];
  return { source: 'renshe', fileName: `employment-registrations-${month.period}.csv`, bytes: csvBytes(table, 'utf8-bom') };
}

/**
 * 社保缴费明细 of the month (GBK CSV), one row per person and 险种. Planted: a recipient whose contribution base is
 * 3,840 yuan, above the income threshold; the base stands for the wage the contribution was assessed on.
 */
export function contributions(month: DemoMonth): FeedFile {
  const random = month.random('renshe-contributions');
  const rows: (string | number | null)[][] = [];
  const contribute = (person: Subject, baseFen: number, employer: string) => {
    for (const [insurance, [employerRate, personalRate]] of Object.entries(CONTRIBUTION_RATES)) {
      rows.push([0, person.name, person.idNumber, insurance, writtenMonth(month, random.chance(0.15)), formatYuan(baseFen),
        formatYuan(Math.round(baseFen * employerRate)), formatYuan(Math.round(baseFen * personalRate)), employer]);
    }
  };
  const insured = month.requireRegistered(random, 'working-age recipient', (m) => isRecipient(m) && m.age >= 22 && m.age <= 55);
  const employer = random.pick(EMPLOYERS);
  contribute(insured, 384_000, employer);
  month.plant('recipient-income-above-threshold', 'renshe-contributions', insured, `${month.period} 缴费基数 3,840.00 元（${employer}）`);
  for (let n = 0; n < 7; n += 1) contribute(month.resident(random, { min: 22, max: 58 }), random.pick([384_000, 384_000, 420_000, 512_000, 651_200]), random.pick(EMPLOYERS));

  const table = [['序号', '姓名', '社会保障号码', '险种类型', '费款所属期', '缴费基数', '单位缴费', '个人缴费', '参保单位'], ...rows.map((row, index) => [index + 1, ...row.slice(1)])];
  return { source: 'renshe-contributions', fileName: `contributions-${month.period}.csv`, bytes: csvBytes(table, 'gbk') };
}

/** 养老金发放明细 (UTF-8 CSV): pensions paid this month to older recipients and residents. No rule reads them yet. */
export function pensions(month: DemoMonth): FeedFile {
  const random = month.random('renshe-pensions');
  const rows: (string | number | null)[][] = [];
  let totalFen = 0;
  const pay = (person: Subject, type: string, amountFen: number, bank: string) => {
    totalFen += amountFen;
    rows.push([0, person.name, person.idNumber, type, writtenMonth(month, random.chance(0.15)), formatYuan(amountFen), bank, null]);
  };
  for (let n = 0; n < 4; n += 1) {
    const elder = month.registered(random, (m) => isRecipient(m) && m.age >= 62);
    if (elder) pay(elder, '城乡居民基本养老金', random.pick([18_300, 18_300, 20_300]), '宁夏黄河农村商业银行');
  }
  for (let n = 0; n < 5; n += 1) {
    pay(month.resident(random, { min: 61, max: 85 }), '企业职工基本养老金', random.integerBetween(2_400, 3_300) * 100 + random.integerBetween(0, 99), random.pick(['中国工商银行', '中国建设银行', '中国农业银行']));
  }
  const table = [
    ['序号', '姓名', '身份证号码', '待遇类型', '发放年月', '发放金额（元）', '发放银行', '备注'],
    ...rows.map((row, index) => [index + 1, ...row.slice(1)]),
    ['合计', null, null, null, null, formatYuan(totalFen), null, null],
  ];
  return { source: 'renshe-pensions', fileName: `pensions-${month.period}.csv`, bytes: csvBytes(table, 'utf8') };
}

/** 失业保险金发放明细 (UTF-8 CSV): unemployment benefit paid this month. */
export function unemploymentBenefits(month: DemoMonth): FeedFile {
  const random = month.random('renshe-unemployment');
  const table: (string | number | null)[][] = [['序号', '姓名', '公民身份号码', '领取年月', '失业保险金（元）', '领取期限（月）', '已领月数', '发放方式']];
  for (let n = 1; n <= 5; n += 1) {
    const person = month.resident(random, { min: 24, max: 50 });
    const term = random.pick([3, 6, 9, 12]);
    table.push([n, person.name, person.idNumber, writtenMonth(month, random.chance(0.15)), formatYuan(151_600), term, random.integerBetween(1, term), random.chance(0.8) ? '社保卡' : '银行卡']);
  }
  return { source: 'renshe-unemployment', fileName: `unemployment-benefits-${month.period}.csv`, bytes: csvBytes(table, 'utf8') };
}

/** 总工会's 困难职工 filed this month (UTF-8 CSV). */
export function workersInHardship(month: DemoMonth): FeedFile {
  const random = month.random('gonghui');
  const table: (string | number | null)[][] = [['序号', '职工姓名', '性别', '身份证号码', '工作单位', '困难类型', '建档时间', '家庭人口', '家庭月人均收入（元）', '帮扶措施']];
  for (let n = 1; n <= 4; n += 1) {
    const worker = month.resident(random, { min: 30, max: 56 });
    const [kind, help] = random.pick([['因病致困', '医疗救助'], ['因残致困', '生活救助'], ['子女上学', '助学'], ['单亲家庭', '生活救助']] as const);
    table.push([n, worker.name, worker.gender === '1' ? '男' : '女', worker.idNumber, random.pick(EMPLOYERS), kind, writtenDate(random, month.day(random)),
      random.integerBetween(2, 5), formatYuan(random.integerBetween(450, 720) * 100), help]);
  }
  return { source: 'gonghui', fileName: `workers-in-hardship-${month.period}.csv`, bytes: csvBytes(table, 'utf8') };
}
