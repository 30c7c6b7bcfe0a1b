import { addMonths } from '../../../calendar/periods.js';
import { codeName, isBasicLivingCategory } from '../../../store/reference-data/code-tables.js';
import type { SeededRandom } from '../../seeded-random.js';
import { demoTownship, writtenDate, type DemoMonth, type Subject } from '../demo-month-context.js';
import { csvBytes, dateCell, formatYuan, textCell, xlsxBytes, type FeedFile, type TableCell } from '../file-formats.js';
import type { RegisterHousehold, RegisterMember } from '../register-snapshot.js';

/**
 * 应急管理局's disaster victims of the month (GBK CSV under the disaster's title, 合计 at the end). Every victim of
 * the month is an urgent-difficulty case (急难), so every row is planted: a registered household's head and two
 * neighbours outside the register, hit by the same storm in one township.
 */
export function disasterVictims(month: DemoMonth): FeedFile {
  const random = month.random('yingji');
  // The storm strikes the demo township, so its key always has a warning due the next working day.
  const isHead = (m: RegisterMember, h: RegisterHousehold) => m === h.members[0] && m.age >= 25;
  const head = month.registered(random, (m, h) => isHead(m, h) && h.residenceRegion.startsWith(demoTownship)) ?? month.requireRegistered(random, 'household head', isHead);
  const township = head.regionCode.slice(0, 9);
  const places = month.places.filter((p) => p.code.startsWith(township));
  const victims = [head, month.resident(random, { min: 30, max: 75 }, undefined, random.pick(places)), month.resident(random, { min: 30, max: 75 }, undefined, random.pick(places))];
  const [disaster, short] = random.pick([['暴雨洪涝', '暴雨洪涝'], ['风雹', '风雹'], ['低温冷冻', '低温冷冻']] as const);
  const struckOn = month.day(random, 1, 25);
  let totalFen = 0;
  let totalRooms = 0;
  let totalPersons = 0;
  const rows = victims.map((victim, index) => {
    const rooms = random.integerBetween(0, 2);
    const lossFen = random.integerBetween(20, 400) * 10_000;
    const persons = victim.household?.size ?? random.integerBetween(1, 6);
    totalFen += lossFen;
    totalRooms += rooms;
    totalPersons += persons;
    month.disasterVictims.push(victim);
    month.plant('disaster-victim', 'yingji', victim, `${short}受灾 ${struckOn}，直接经济损失 ${formatYuan(lossFen)} 元`);
    return [index + 1, victim.townshipName, victim.villageName, victim.name, victim.idNumber, persons, disaster, writtenDate(random, struckOn), rooms, formatYuan(lossFen)];
  });
  const [monthNumber, day] = [Number(struckOn.slice(5, 7)), Number(struckOn.slice(8))];
  const table = [
    [`${month.countyName}${struckOn.slice(0, 4)}年“${monthNumber}·${day}”${disaster}灾害受灾人员统计表`, ...Array<null>(9).fill(null)],
    ['序号', '乡镇', '村（社区）', '户主姓名', '身份证号码', '家庭人口', '灾害种类', '受灾日期', '倒损房屋（间）', '直接经济损失（元）'],
    ...rows,
    ['合计', null, null, null, null, totalPersons, null, null, totalRooms, formatYuan(totalFen)],
  ];
  return { source: 'yingji', fileName: `disaster-victims-${month.period}.csv`, bytes: csvBytes(table, 'gbk') };
}

interface Schooling {
  stage: string;
  grade: string;
  enrolledOn: string;
  feesFen: number;
  aid: string;
}

const CHINESE_NUMBERS = ['一', '二', '三', '四', '五', '六'];

/**
 * Where a child born on `birthDate` is in school in the school year running at the period's end: primary from the
 * September after the sixth birthday (the 31 August cut-off), six years of primary, three of junior and three of
 * senior secondary, then four of college. Undefined for a child not in school.
 */
export function schoolingOf(birthDate: string, periodEnd: string): Schooling | undefined {
  const schoolYear = Number(periodEnd.slice(5, 7)) >= 9 ? Number(periodEnd.slice(0, 4)) : Number(periodEnd.slice(0, 4)) - 1;
  const entry = Number(birthDate.slice(0, 4)) + 6 + (birthDate.slice(5) > '08-31' ? 1 : 0);
  const year = schoolYear - entry;
  const stages = [
    { from: 0, years: 6, stage: '小学', grade: (n: number) => `${CHINESE_NUMBERS[n]}年级`, feesFen: 0, aid: '营养改善计划' },
    { from: 6, years: 3, stage: '初中', grade: (n: number) => `初${CHINESE_NUMBERS[n]}`, feesFen: 0, aid: '寄宿生生活费补助' },
    { from: 9, years: 3, stage: '高中', grade: (n: number) => `高${CHINESE_NUMBERS[n]}`, feesFen: 160_000, aid: '国家助学金' },
    { from: 12, years: 4, stage: '本科', grade: (n: number) => `大${CHINESE_NUMBERS[n]}`, feesFen: 880_000, aid: '国家助学贷款' },
  ];
  const stage = stages.find((s) => year >= s.from && year < s.from + s.years);
  if (!stage) return undefined;
  return { stage: stage.stage, grade: stage.grade(year - stage.from), enrolledOn: `${entry + stage.from}-09-01`, feesFen: stage.feesFen, aid: stage.aid };
}

/**
 * 教育局's students from families in difficulty (XLSX: title, blank row, header, 合计), with 入学日期 for each
 * stage. Planted: a student of a recipient household who started this stage within the year and got no education
 * assistance (refer to 教育局). The other recipient households' new students are given 教育救助 in this month's
 * feedback, so they raise nothing; students who started earlier are outside the rule's year.
 */
export function students(month: DemoMonth): FeedFile {
  const random = month.random('jiaoyu');
  const windowStart = `${addMonths(month.period, -12)}-01`;
  const isNew = (s: Schooling) => s.enrolledOn >= windowStart && s.enrolledOn <= month.periodEnd;
  const rows: { person: Subject; school: Schooling; schoolName: string }[] = [];
  const schoolName = (person: Subject, school: Schooling) =>
    school.stage === '小学' ? `${month.countyName}${person.townshipName}中心小学` : school.stage === '初中' ? `${month.countyName}第二中学`
      : school.stage === '高中' ? `${month.countyName}第一中学` : random.pick(['宁夏大学', '宁夏医科大学', '北方民族大学']);

  const inRecipientHousehold = (m: RegisterMember, h: RegisterHousehold) => h.categories.length > 0 && schoolingOf(m.birthDate, month.periodEnd) !== undefined;
  const planted = month.requireRegistered(random, 'student of a recipient household who started a stage within the year',
    (m, h) => inRecipientHousehold(m, h) && isNew(schoolingOf(m.birthDate, month.periodEnd) as Schooling), demoTownship);
  const plantedSchool = schoolingOf(planted.birthDate, month.periodEnd) as Schooling;
  rows.push({ person: planted, school: plantedSchool, schoolName: schoolName(planted, plantedSchool) });
  month.plant('student-without-education-assistance', 'jiaoyu', planted, `${plantedSchool.stage}${plantedSchool.grade}，入学 ${plantedSchool.enrolledOn}，一年内无教育救助`);

  for (let n = 0; n < 5; n += 1) {
    const student = month.registered(random, inRecipientHousehold);
    if (!student) continue;
    const school = schoolingOf(student.birthDate, month.periodEnd) as Schooling;
    rows.push({ person: student, school, schoolName: schoolName(student, school) });
    if (isNew(school)) {
      month.assistance.push({ subject: student, department: '县教育局', assistanceType: '教育救助', amountFen: random.pick([62_500, 100_000, 150_000]), givenOn: month.day(random), note: school.aid });
    }
  }
  for (let n = 0; n < 4; n += 1) {
    const child = month.resident(random, { min: 7, max: 20 });
    const school = schoolingOf(child.birthDate, month.periodEnd);
    if (school) rows.push({ person: child, school, schoolName: schoolName(child, school) });
  }

  const year = month.period.slice(0, 4);
  const totalFen = rows.reduce((sum, row) => sum + row.school.feesFen, 0);
  const table: TableCell[][] = [
    [`${month.countyName}${year}年${Number(month.period.slice(5))}月家庭经济困难学生信息表`],
    [],
    ['序号', '学生姓名', '性别', '身份证件号', '学校名称', '学段', '年级', '入学日期', '本学年自付费用（元）', '资助项目'],
    ...rows.map((row, index) => [index + 1, row.person.name, row.person.gender === '1' ? '男' : '女', textCell(row.person.idNumber), row.schoolName,
      row.school.stage, row.school.grade, dateCell(row.school.enrolledOn), row.school.feesFen / 100, row.school.aid]),
    [],
    ['合计', null, null, null, null, null, null, null, totalFen / 100, null],
  ];
  const lastRow = table.length;
  return {
    source: 'jiaoyu',
    fileName: `students-${month.period}.xlsx`,
    bytes: xlsxBytes([{ name: '学生资助信息', rows: table, merges: ['A1:J1', `A${lastRow}:H${lastRow}`], columnWidths: [6, 10, 6, 22, 26, 10, 8, 12, 18, 18] }]),
  };
}

const RELATIONS = ['户主', '配偶', '之子', '之女', '之子', '孙子'];

/**
 * 农业农村局's monthly export of the households the anti-poverty system monitors (XLSX, one row per member). Planted:
 * a newly identified 边缘易致贫户 outside the register — each member is a warning (add to low-income monitoring).
 * Registered recipient households it monitors and ex-poor residents whose risk is eliminated raise nothing; the
 * ex-poor are what the medical file's 5,000-yuan threshold applies to.
 */
export function monitoredHouseholds(month: DemoMonth): FeedFile {
  const random = month.random('antipoverty');
  const rows: TableCell[][] = [];
  const householdNo = (subject: Subject) => `${subject.regionCode.slice(0, 9)}${String(random.integerBetween(1, 9_999_999)).padStart(7, '0')}`;
  const addHousehold = (members: Subject[], type: TableCell, eliminated: boolean, identified: string, eliminatedOn: string | null, risk: string) => {
    const head = members[0] as Subject;
    const number = householdNo(head);
    members.forEach((member, index) => {
      rows.push([rows.length + 1, month.periodEnd, month.countyName, member.townshipName, member.villageName, `${random.integerBetween(1, 8)}组`, textCell(number),
        textCell(`${number}${String(index + 1).padStart(2, '0')}`), member.name, RELATIONS[index] ?? '其他', members.length, textCell(member.idNumber), type,
        eliminated ? '是' : '否', Number(identified.replace('-', '')), eliminatedOn ? dateCell(eliminatedOn) : null, risk]);
    });
  };

  const head = month.resident(random, { min: 35, max: 60 }, '1');
  const spouse = month.resident(random, { min: 33, max: 58 }, '2', month.placeOf(head.regionCode));
  addHousehold([head, spouse], '边缘易致贫户', false, month.period, null, '因病');
  for (const member of [head, spouse]) month.plant('monitored-household-not-in-register', 'antipoverty', member, `${month.period} 识别为边缘易致贫户，风险未消除，不在低收入人口库`);

  for (let n = 0; n < 2; n += 1) {
    const registeredHead = month.registered(random, (m, h) => m === h.members[0] && h.categories.length > 0 && h.members.every((o) => !month.isUsed(o.idNumber)));
    if (!registeredHead?.household) continue;
    const household = registeredHead.household;
    const members = [registeredHead, ...household.members.slice(1).map((m) => month.take(m, household))];
    addHousehold(members, '脱贫不稳定户', false, addMonths(month.period, -random.integerBetween(5, 10)), null, random.pick(['因病', '因残', '因学']));
  }
  for (let n = 0; n < 3; n += 1) {
    const exPoor = month.resident(random, { min: 40, max: 72 });
    month.exPoor.push(exPoor);
    addHousehold([exPoor], random.chance(0.5) ? '脱贫不稳定户' : 0, true, addMonths(month.period, -random.integerBetween(14, 24)),
      `${addMonths(month.period, -random.integerBetween(3, 8))}-15`, random.pick(['因病', '因务工就业不稳']));
  }

  const header = ['序号', '数据日期', '县(市、区、旗)', '乡(镇)', '行政村', '自然村', '户编号', '人编号', '姓名', '与户主关系', '人数', '证件号码', '监测对象类别', '风险是否消除', '识别监测时间', '风险消除时间', '致贫风险1'];
  return {
    source: 'antipoverty',
    fileName: `monitored-households-${month.period}.xlsx`,
    bytes: xlsxBytes([{ name: '监测对象', rows: [header, ...rows], columnWidths: [6, 12, 10, 10, 10, 8, 18, 20, 8, 10, 6, 22, 16, 12, 12, 12, 14] }]),
  };
}

/** 城市特困 for a 城市低保 household, 农村特困 for a 农村低保 one: the other basic-living group, same side of the line. */
const OTHER_GROUP: Record<string, string> = { '110': '131', '120': '132', '130': '120', '131': '110', '132': '120' };

/**
 * The 金民工程 roster of the county's basic-living households (GBK CSV, one row per household named by its head).
 * Planted: a 低保 head the national roster has in 特困 as well, and one it has in another county. The other rows
 * agree with the register and raise nothing; 低保边缘 households are on the roster but no conflict can concern them.
 */
export function jinminRoster(month: DemoMonth): FeedFile {
  const random = month.random('jinmin-roster');
  const rows: (string | number | null)[][] = [];
  const basicOf = (m: RegisterMember) => m.categories.find(isBasicLivingCategory);
  const list = (head: Subject, category: string, regionCode: string, names = true) => {
    const household = head.household as RegisterHousehold;
    const covered = household.members.filter((m) => m.categories.includes(category) || m.categories.includes(basicOf(head.member as RegisterMember) ?? '-'));
    const amountFen = covered.reduce((sum, m) => sum + m.benefitFen, 0);
    const written = random.chance(0.3) ? (codeName('assistance-category', category) ?? category) : category;
    rows.push([0, regionCode, names ? head.townshipName : null, names ? head.villageName : null, head.name, head.idNumber, written, Math.max(covered.length, 1), formatYuan(amountFen), month.period.replace('-', '')]);
  };
    // Whole households untouched by earlier files: the roster's amounts are the register's, and the demo's handling
  // (a benefit halved for gradual exit) must not change a listed household's amount, or a rerun would make another file.
  const basicHead = (m: RegisterMember, h: RegisterHousehold) => m === h.members[0] && basicOf(m) !== undefined && h.members.every((o) => !month.isUsed(o.idNumber));

  const doubled = month.requireRegistered(random, 'basic-living household head', basicHead, demoTownship);
  const ownCategory = basicOf(doubled.member as RegisterMember) as string;
  list(doubled, OTHER_GROUP[ownCategory] ?? '132', doubled.regionCode);
  month.plant('conflicting-enrolment', 'jinmin-roster', doubled, `本县${codeName('assistance-category', ownCategory)}，全国花名册为${codeName('assistance-category', OTHER_GROUP[ownCategory] ?? '132')}`);

  const elsewhere = month.requireRegistered(random, 'basic-living household head', basicHead);
  const elsewhereCategory = basicOf(elsewhere.member as RegisterMember) as string;
  // 贺兰县, the neighbouring county of Yinchuan: the same household paid in two counties.
  const otherCounty = `640122${elsewhere.regionCode.slice(6)}`;
  // The other county's township and village names are that county's; the roster row carries only its code here.
  list(elsewhere, elsewhereCategory, otherCounty, false);
  month.plant('conflicting-enrolment', 'jinmin-roster', elsewhere, `全国花名册显示在贺兰县（${otherCounty}）同时享受${codeName('assistance-category', elsewhereCategory)}`);

  for (let n = 0; n < 12; n += 1) {
    const head = month.registered(random, basicHead);
    if (head) list(head, basicOf(head.member as RegisterMember) as string, head.regionCode);
  }
  for (let n = 0; n < 2; n += 1) {
    const head = month.registered(random, (m, h) => m === h.members[0] && m.categories.includes('600') && h.members.every((o) => !month.isUsed(o.idNumber)));
    if (head) list(head, '600', head.regionCode);
  }
  rows.sort((a, b) => String(a[1]).localeCompare(String(b[1])));
  const total = rows.reduce((sum, row) => ({ persons: sum.persons + Number(row[7]), fen: sum.fen + Math.round(Number(String(row[8]).replaceAll(',', '')) * 100) }), { persons: 0, fen: 0 });
  const table = [
    ['序号', '所属地区区划编码', '乡镇（街道）', '村（社区）', '户主姓名', '户主身份证号码', '救助类型', '保障人口数', '月保障金额', '发放年月'],
    ...rows.map((row, index) => [index + 1, ...row.slice(1)]),
    ['合计', null, null, null, null, null, null, total.persons, formatYuan(total.fen), null],
  ];
  return { source: 'jinmin-roster', fileName: `jinmin-roster-${month.period}.csv`, bytes: csvBytes(table, 'gbk') };
}

/**
 * 近亲属备案: civil-affairs staff, village cadres and their close relatives (UTF-8 CSV). Planted: a member of a
 * recipient household filed as a village cadre's sibling (人情保 check, for the county to verify).
 */
export function staffRoster(month: DemoMonth): FeedFile {
  const random = month.random('staff-roster');
  const rows: (string | null)[][] = [];
  // 村民委员会 in a village, 居民委员会 in a community.
  const committeeOf = (person: Subject) => `${person.townshipName}${person.villageName}${person.villageName.endsWith('社区') ? '居委会' : '村委会'}`;
  const file = (person: Subject, role: string, unit: string | null, related?: Subject, note: string | null = null) =>
    rows.push([person.name, person.gender === '1' ? '男' : '女', person.idNumber, role, unit, related?.name ?? null, related?.idNumber ?? null, related ? relationWord(related, person) : null, note]);

  const relative = month.requireRegistered(random, 'adult member of a recipient household', (m, h) => h.categories.length > 0 && m.age >= 25 && m.age <= 65, demoTownship);
  const cadre = month.resident(random, { min: Math.max(25, relative.age - 8), max: Math.min(65, relative.age + 8) }, undefined, month.placeOf(relative.regionCode));
  file(cadre, '村（社区）干部', committeeOf(cadre), undefined, '委员');
  file(relative, '近亲属', null, cadre);
  month.plant('recipient-related-to-staff', 'staff-roster', relative, `与村干部 ${cadre.name}（${cadre.villageName}）为${relationWord(cadre, relative)}关系`);

  const clerk = month.resident(random, { min: 28, max: 55 });
  file(clerk, '民政工作人员', `${month.countyName}民政局社会救助股`);
  const officer = month.resident(random, { min: 26, max: 50 });
  file(officer, '民政工作人员', `${officer.townshipName}民政办`);
  const chair = month.resident(random, { min: 35, max: 60 });
  file(chair, '村（社区）干部', committeeOf(chair), undefined, '主任');
  file(month.resident(random, { min: 55, max: 80 }, undefined, month.placeOf(clerk.regionCode)), '近亲属', null, clerk);
  file(month.resident(random, { min: 20, max: 45 }, undefined, month.placeOf(chair.regionCode)), '近亲属', null, chair);

  const table = [['序号', '姓名', '性别', '身份证号码', '人员类别', '工作单位', '关联人姓名', '关联人身份证号', '与关联人关系', '备注'], ...rows.map((row, index) => [index + 1, ...row])];
  return { source: 'staff-roster', fileName: `staff-and-relatives-${month.period}.csv`, bytes: csvBytes(table, 'utf8') };
}

/**
 * How the form names the filed person's relation to the worker, older first: siblings (兄弟, 兄妹, 姐弟, 姐妹) within
 * a generation, parent and child (父子, 母女 …) across one.
 */
function relationWord(worker: Subject, relative: Subject): string {
  const [older, younger] = worker.birthDate <= relative.birthDate ? [worker, relative] : [relative, worker];
  const generations = Number(younger.birthDate.slice(0, 4)) - Number(older.birthDate.slice(0, 4)) >= 18;
  return generations
    ? `${older.gender === '1' ? '父' : '母'}${younger.gender === '1' ? '子' : '女'}`
    : `${older.gender === '1' ? '兄' : '姐'}${younger.gender === '1' ? '弟' : '妹'}`;
}

/**
 * The monthly feedback of assistance given (JSON as the departments' exchange platform returns it): education
 * assistance for this year's new students of recipient households, medical assistance settled with their bills,
 * relief for the month's disaster victims, the disability allowances. 团委 is not a department the form knows,
 * so its row is rejected.
 */
export function assistanceFeedback(month: DemoMonth): FeedFile {
  const random = month.random('assistance-given');
  const entries = [...month.assistance];
  for (const victim of month.disasterVictims) {
    entries.push({ subject: victim, department: '应急局', assistanceType: '受灾人员救助', amountFen: random.integerBetween(10, 30) * 10_000, givenOn: month.day(random, 20), note: '过渡期生活救助' });
  }
  for (let n = 0; n < 2; n += 1) {
    const disabled = month.registered(random, (m, h) => h.categories.length > 0 && m.disabilityGrade !== null);
    if (disabled) entries.push({ subject: disabled, department: '县残联', assistanceType: '两项补贴', amountFen: random.pick([8_000, 16_000]), givenOn: month.day(random, 10, 15), note: null });
  }
  const temporary = month.registered(random, (m, h) => m === h.members[0] && h.categories.length > 0);
  if (temporary) entries.push({ subject: temporary, department: '县民政局', assistanceType: '临时救助', amountFen: random.integerBetween(5, 30) * 10_000, givenOn: month.day(random), note: '急难型临时救助' });
  const unknown = month.resident(random, { min: 10, max: 17 });
  entries.push({ subject: unknown, department: '团委', assistanceType: '慈善帮扶', amountFen: 30_000, givenOn: month.day(random), note: '希望工程' });

  entries.sort((a, b) => a.givenOn.localeCompare(b.givenOn));
  const list = entries.map((entry, index) => ({
    序号: index + 1,
    姓名: entry.subject.name,
    身份证号码: entry.subject.idNumber,
    救助部门: entry.department,
    救助类型: entry.assistanceType,
    ...(entry.amountFen === null ? {} : { 救助金额: amountText(random, entry.amountFen) }),
    救助日期: writtenDate(random, entry.givenOn),
    备注: entry.note,
  }));
  const document = { code: 0, msg: '成功', data: { reportMonth: month.period, total: list.length, list } };
  return { source: 'assistance-given', fileName: `assistance-feedback-${month.period}.json`, bytes: Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8') };
}

/** Amounts as the platform passes them on: '2,500.00', sometimes with 元, sometimes a bare number. */
function amountText(random: SeededRandom, fen: number): string | number {
  const roll = random.nextFloat();
  if (roll < 0.15 && fen % 100 === 0) return fen / 100;
  return roll < 0.3 ? `${formatYuan(fen)}元` : formatYuan(fen);
}
