import type { SeededRandom } from '../../seeded-random.js';
import { writtenDate, type DemoMonth, type Subject } from '../demo-month-context.js';
import { csvBytes, formatYuan, type FeedFile } from '../file-formats.js';
import { holdsBasicLiving, isRecipient } from '../register-snapshot.js';

const HOSPITALS = ['宁夏医科大学总医院', '宁夏回族自治区人民医院', '永宁县人民医院', '永宁县中医医院', '银川市第一人民医院'];

interface Settlement {
  person: Subject;
  insurance: string;
  type: string;
  hospital: string;
  on: string;
  totalFen: number;
  selfFen: number;
  assistanceFen: number;
}

/**
 * 医保局's settlements of the month (GBK CSV under a title and a 填报单位 line, 合计 at the end, as the fixture).
 * Planted for active discovery: a resident outside the register who paid over 20,000 yuan of a hospital bill, an
 * ex-poor resident (monitored by the anti-poverty system) who paid over 5,000, and one who paid over 500 yuan for
 * chronic-disease outpatient care in the month. Recipients' bills raise nothing (they are not discovery leads).
 * A 药店购药 row is rejected: the mapping knows no such settlement type.
 */
export function medicalSettlements(month: DemoMonth): FeedFile {
  const random = month.random('yibao');
  const rows: Settlement[] = [];
  const settle = (person: Subject, type: string, selfFen: number, shareOfTotal: number, assistanceFen = 0): Settlement => {
    const totalFen = Math.round(selfFen / shareOfTotal);
    const settlement = { person, insurance: random.chance(0.85) ? '城乡居民' : '职工', type, hospital: random.pick(HOSPITALS), on: month.day(random), totalFen, selfFen, assistanceFen };
    rows.push(settlement);
    return settlement;
  };

  const patient = month.resident(random, { min: 40, max: 75 });
  const stay = settle(patient, '住院', random.integerBetween(21_000, 26_000) * 100 + random.integerBetween(0, 99), 0.32);
  month.plant('non-recipient-inpatient-self-pay', 'yibao', patient, `住院个人自付 ${formatYuan(stay.selfFen)} 元（${stay.hospital}）`);

  const exPoor = month.exPoor[0];
  if (!exPoor) throw new Error('[demo] the anti-poverty file must be generated before the medical settlements');
  const exPoorStay = settle(exPoor, '住院', random.integerBetween(5_200, 8_000) * 100, 0.3);
  month.plant('non-recipient-inpatient-self-pay', 'yibao', exPoor, `脱贫户住院个人自付 ${formatYuan(exPoorStay.selfFen)} 元（脱贫人口阈值 5,000 元）`);

  const chronic = month.resident(random, { min: 45, max: 78 });
  const visit = settle(chronic, '门诊慢特病', random.integerBetween(520, 880) * 100, 0.35);
  month.plant('non-recipient-outpatient-self-pay', 'yibao', chronic, `门诊慢特病个人自付 ${formatYuan(visit.selfFen)} 元`);

  for (let n = 0; n < 3; n += 1) {
    const recipient = month.registered(random, (m) => isRecipient(m) && m.age >= 40);
    if (!recipient) continue;
    const bill = settle(recipient, '住院', random.integerBetween(1_500, 6_000) * 100, 0.25, random.integerBetween(10, 30) * 10_000);
    month.assistance.push({ subject: recipient, department: '县医保局', assistanceType: '医疗救助', amountFen: bill.assistanceFen, givenOn: bill.on, note: bill.hospital });
  }
  for (let n = 0; n < 4; n += 1) settle(month.resident(random, { min: 18, max: 80 }), '住院', random.integerBetween(800, 3_900) * 100, 0.3);
  for (let n = 0; n < 4; n += 1) settle(month.resident(random, { min: 5, max: 80 }), random.pick(['普通门诊', '门诊统筹']), random.integerBetween(30, 300) * 100, 0.5);
  settle(month.resident(random, { min: 30, max: 70 }), '药店购药', random.integerBetween(40, 120) * 100, 1);

  rows.sort((a, b) => a.on.localeCompare(b.on));
  const [year, monthNumber] = [month.period.slice(0, 4), Number(month.period.slice(5))];
  const sums = [0, 0, 0, 0, 0];
  const body = rows.map((row, index) => {
    const rest = row.totalFen - row.selfFen - row.assistanceFen;
    const pooled = Math.round(rest * 0.82);
    const parts = [row.totalFen, pooled, rest - pooled, row.assistanceFen, row.selfFen];
    parts.forEach((part, i) => (sums[i] = (sums[i] ?? 0) + part));
    return [index + 1, row.person.name, row.person.idNumber, row.insurance, row.type, row.hospital, settlementTime(random, row.on), ...parts.map(formatYuan)];
  });
  const blank = Array<null>(12).fill(null);
  const table = [
    [`${month.countyName}医疗保障局${year}年${monthNumber}月医疗费用结算明细`, ...blank.slice(1)],
    [`填报单位：${month.countyName}医疗保障局（盖章）`, ...blank.slice(1)],
    blank,
    ['序号', '姓名', '公民身份号码', '参保类别', '就诊类型', '定点医药机构名称', '结算日期', '医疗总费用', '统筹基金支付', '大病保险支付', '医疗救助支付', '个人自付'],
    ...body,
    blank,
    ['合计', null, null, null, null, null, null, ...sums.map(formatYuan)],
  ];
  return { source: 'yibao', fileName: `settlements-${month.period}.csv`, bytes: csvBytes(table, 'gbk') };
}

/** Settlement systems stamp the time of day now and then: 2024-05-08 10:21:35. */
function settlementTime(random: SeededRandom, on: string): string {
  if (!random.chance(0.2)) return writtenDate(random, on);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${on} ${two(random.integerBetween(8, 17))}:${two(random.integerBetween(0, 59))}:${two(random.integerBetween(0, 59))}`;
}

const DISEASES = ['乳腺癌', '终末期肾病', '肺癌', '胃癌', '宫颈癌', '食管癌', '耐多药肺结核', '儿童急性淋巴细胞白血病'];

/**
 * 卫健局's 大病专项救治 patients diagnosed this month (UTF-8 CSV): recipients, who raise nothing, and one patient without
 * an enrolment (planted: major-illness-without-assistance). One row still 待确诊 has no disease and is rejected.
 */
export function majorIllness(month: DemoMonth): FeedFile {
  const random = month.random('weijian');
  const patients: { person: Subject; disease: string | null; status: string }[] = [];
  for (let n = 0; n < 2; n += 1) {
    // Not in a household another feed planted a case in: a major illness exempts its vehicle, for one.
    const recipient = month.registered(random, (m, h) => isRecipient(m) && m.age >= 30 && !h.members.some((other) => month.isUsed(other.idNumber)));
    if (recipient) patients.push({ person: recipient, disease: random.pick(DISEASES.slice(0, 7)), status: '治疗中' });
  }
  // Someone without an enrolment: seed 002 asks that such a household be recognised as 刚性支出困难 (planted).
  const patient = month.resident(random, { min: 35, max: 75 });
  const disease = random.pick(DISEASES.slice(0, 7));
  patients.push({ person: patient, disease, status: '治疗中' });
  month.plant('major-illness-without-assistance', 'weijian', patient, `大病专项救治：${disease}，治疗中，无救助`);
  patients.push({ person: month.resident(random, { min: 40, max: 70 }), disease: null, status: '待确诊' });
  const table = [
    ['序号', '患者姓名', '性别', '年龄', '身份证号码', '病种名称', '确诊日期', '定点救治医院', '救治状态'],
    ...patients.map((p, index) => [index + 1, p.person.name, p.person.gender === '1' ? '男' : '女', p.person.age, p.person.idNumber, p.disease,
      writtenDate(random, month.day(random)), random.pick(HOSPITALS), p.status]),
  ];
  return { source: 'weijian', fileName: `major-illness-${month.period}.csv`, bytes: csvBytes(table, 'utf8') };
}

const CATEGORIES = [['肢体', '4'], ['视力', '1'], ['听力', '2'], ['言语', '3'], ['智力', '5'], ['精神', '6']] as const;
const GRADES = { '一级': '1', '二级': '2', '三级': '3', '四级': '4' } as const;

/**
 * 残联's certificates issued or changed this month (UTF-8 CSV). Planted: an adult outside basic living with a new
 * grade 1–2 certificate and no job on record (单人保 candidate). A 低保 recipient's renewed grade 1, a child's grade 2
 * and grade 3–4 certificates raise nothing.
 */
export function disabilityCertificates(month: DemoMonth): FeedFile {
  const random = month.random('canlian');
  const rows: (string | number | null)[][] = [];
  const certify = (person: Subject, grade: keyof typeof GRADES, business: string) => {
    const [category, categoryCode] = random.pick(CATEGORIES);
    const issuedOn = month.day(random);
    rows.push([0, person.name, person.gender === '1' ? '男' : '女', person.idNumber, `${person.idNumber}${categoryCode}${GRADES[grade]}`, category, grade,
      writtenDate(random, issuedOn), business, person.townshipName]);
    return { category, issuedOn };
  };
  const adult = month.resident(random, { min: 25, max: 58 });
  const grade = random.chance(0.5) ? '一级' : '二级';
  const issued = certify(adult, grade, '新办');
  month.plant('severe-disability-without-work', 'canlian', adult, `新办残疾人证：${issued.category}${grade}，${issued.issuedOn}；无就业登记`);

  const recipient = month.registered(random, (m) => holdsBasicLiving(m) && m.age >= 18);
  if (recipient) certify(recipient, '一级', '换领');
  certify(month.resident(random, { min: 8, max: 15 }), '二级', '新办');
  for (let n = 0; n < 4; n += 1) certify(month.resident(random, { min: 20, max: 80 }), random.chance(0.5) ? '三级' : '四级', random.chance(0.7) ? '新办' : '等级变更');

  const table = [['序号', '姓名', '性别', '身份证号', '残疾人证号', '残疾类别', '残疾等级', '发证日期', '业务类型', '所属乡镇'], ...rows.map((row, index) => [index + 1, ...row.slice(1)])];
  return { source: 'canlian', fileName: `certificates-${month.period}.csv`, bytes: csvBytes(table, 'utf8') };
}
