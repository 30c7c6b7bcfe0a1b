import { previousPeriod } from '../../../calendar/periods.js';
import { addDays, demoTownship, shortTownshipName, writtenDate, type DemoMonth, type Subject } from '../demo-month-context.js';
import { csvBytes, escapeXml, type FeedFile } from '../file-formats.js';
import { holdsBasicLiving, isRecipient } from '../register-snapshot.js';

const DESTINATIONS = [
  '宁夏回族自治区银川市金凤区满城北街街道',
  '宁夏回族自治区银川市兴庆区胜利街街道',
  '陕西省西安市雁塔区电子城街道',
  '内蒙古自治区阿拉善盟阿拉善左旗巴彦浩特镇',
  '甘肃省兰州市城关区张掖路街道',
  '新疆维吾尔自治区乌鲁木齐市天山区胜利路街道',
];

const DEATH_PLACES = ['家中', '家中', '家中', '永宁县人民医院', '宁夏医科大学总医院'];

type ChangeType = '死亡' | '迁出' | '出生' | '迁入';

interface HukouRow {
  subject: Subject;
  change: ChangeType;
  on: string;
  place?: string;
  cause?: string;
  destination?: string;
  head: { name: string; idNumber: string };
}

/**
 * 公安户政's monthly 户籍变动 file (GBK CSV with a title row, as the 户政 system exports it): deaths, moves out and
 * births. Planted: a recipient's death (cremated too: see the 殡葬 file), a recipient's move out of the county, a
 * birth in a recipient household and the death of an earner (employed: see the 人社 file).
 * A 迁入 row has no fact kind and is rejected, as a real file's would be.
 */
export function hukouChanges(month: DemoMonth): FeedFile {
  const random = month.random('gongan-hukou');
  const rows: HukouRow[] = [];

  // 低保 or 特困, so that the township can stop the benefit when it has verified the death.
  const died = month.requireRegistered(random, 'basic-living recipient aged 65 or more', (m) => holdsBasicLiving(m) && m.age >= 65, demoTownship);
  const diedOn = month.day(random, 1, 24);
  rows.push({ subject: died, change: '死亡', on: diedOn, place: random.pick(DEATH_PLACES), cause: '病故', head: headOf(died) });
  month.deaths.push({ subject: died, diedOn });
  month.plant('recipient-died', 'gongan-hukou', died, `死亡 ${diedOn}，火化信息见殡葬数据`);

  const movedOut = month.requireRegistered(random, 'working-age recipient', (m) => isRecipient(m) && m.age >= 18 && m.age <= 55);
  const movedOn = month.day(random);
  const destination = random.pick(DESTINATIONS);
  rows.push({ subject: movedOut, change: '迁出', on: movedOn, destination, head: headOf(movedOut) });
  month.plant('recipient-moved-out', 'gongan-hukou', movedOut, `户口迁出 ${movedOn}，迁往${destination}`);

  for (let n = 0; n < 4; n += 1) {
    const resident = month.resident(random, { min: 68, max: 96 });
    const on = month.day(random, 1, 25);
    rows.push({ subject: resident, change: '死亡', on, place: random.pick(DEATH_PLACES), cause: '病故', head: resident });
    month.deaths.push({ subject: resident, diedOn: on });
  }
  // A registered member without an enrolment of their own: a household change to note, not a benefit to stop.
  const member = month.registered(random, (m, h) => !isRecipient(m) && h.categories.length === 0 && m.age >= 60);
  if (member) {
    const on = month.day(random, 1, 25);
    rows.push({ subject: member, change: '死亡', on, place: '家中', cause: '病故', head: headOf(member) });
    month.deaths.push({ subject: member, diedOn: on });
  }
  for (let n = 0; n < 3; n += 1) {
    const resident = month.resident(random, { min: 19, max: 45 });
    rows.push({ subject: resident, change: '迁出', on: month.day(random), destination: random.pick(DESTINATIONS), head: resident });
  }
  // A child of a recipient household born this spring, whom the township has already added to the household: the
  // birth asks for a review of the household's members and benefit (增员).
  const since = `${previousPeriod(previousPeriod(month.period))}-01`;
  const baby = month.requireRegistered(random, 'recipient household member born in the last three months', (m, h) => h.categories.length > 0 && m.birthDate >= since);
  rows.push({ subject: baby, change: '出生', on: baby.birthDate, head: headOf(baby) });
  month.plant('recipient-household-birth', 'gongan-hukou', baby, `出生 ${baby.birthDate}，已登记为救助家庭成员`);

  // An earner's death: a working-age resident without an enrolment, whose employment the 人社 file registers too.
  const earner = month.resident(random, { min: 30, max: 55 });
  const earnerDiedOn = month.day(random, 10, 25);
  rows.push({ subject: earner, change: '死亡', on: earnerDiedOn, place: '永宁县人民医院', cause: '意外', head: earner });
  month.deaths.push({ subject: earner, diedOn: earnerDiedOn });
  month.earnerDeaths.push({ subject: earner, diedOn: earnerDiedOn });
  month.plant('earner-died', 'gongan-hukou', earner, `死亡 ${earnerDiedOn}（意外），生前有就业登记`);

  for (let n = 0; n < 3; n += 1) {
    const parent = month.resident(random, { min: 22, max: 38 });
    const on = month.day(random);
    rows.push({ subject: month.newborn(random, on, parent), change: '出生', on, head: parent });
  }
  const arrived = month.resident(random, { min: 25, max: 50 });
  rows.push({ subject: arrived, change: '迁入', on: month.day(random), head: arrived });

  rows.sort((a, b) => a.on.localeCompare(b.on));
  const [year, monthNumber] = [month.period.slice(0, 4), Number(month.period.slice(5))];
  const table: (string | number | null)[][] = [
    [`${month.countyName}公安局户籍变动人员信息（${year}年${monthNumber}月）`, ...Array<null>(11).fill(null)],
    Array<null>(12).fill(null),
    ['序号', '姓名', '性别', '公民身份号码', '变动类型', '变动日期', '死亡地点', '死亡原因', '迁往地址', '户主姓名', '户主公民身份号码', '所属派出所'],
    ...rows.map((row, index) => [
      index + 1, row.subject.name, row.subject.gender === '1' ? '男' : '女', row.subject.idNumber, row.change, writtenDate(random, row.on),
      row.place ?? null, row.cause ?? null, row.destination ?? null, row.head.name, row.head.idNumber, `${shortTownshipName(row.subject.townshipName)}派出所`,
    ]),
  ];
  return { source: 'gongan-hukou', fileName: `hukou-changes-${month.period}.csv`, bytes: csvBytes(table, 'gbk') };
}

/**
 * 公安户政's 死亡注销 list (GBK CSV, no change column: every row is a death) of the deaths its change file reported,
 * each cancelled a few days after the death: the same deaths from a second export, so they add evidence to the
 * warnings the change file raises, never a warning of their own.
 */
export function deathCancellations(month: DemoMonth): FeedFile {
  const random = month.random('gongan-deaths');
  const [year, monthNumber] = [month.period.slice(0, 4), Number(month.period.slice(5))];
  const table: (string | number | null)[][] = [
    [`${month.countyName}公安局死亡注销人员名单（${year}年${monthNumber}月）`, ...Array<null>(6).fill(null)],
    ['序号', '姓名', '性别', '公民身份号码', '死亡日期', '注销日期', '所属派出所'],
    ...month.deaths.map(({ subject, diedOn }, index) => {
      const cancelledOn = addDays(diedOn, random.integerBetween(1, 4));
      return [index + 1, subject.name, subject.gender === '1' ? '男' : '女', subject.idNumber, diedOn,
        cancelledOn > month.periodEnd ? month.periodEnd : cancelledOn, `${shortTownshipName(subject.townshipName)}派出所`];
    }),
  ];
  return { source: 'gongan-deaths', fileName: `death-cancellations-${month.period}.csv`, bytes: csvBytes(table, 'gbk') };
}

/**
 * The crematorium's 逝者信息 (MZ/T 141 DeadInformation, XML) for every death of the month that 公安 reported: a
 * recipient's cremation is the second piece of evidence of the same warning, not a second warning.
 */
export function deadInformation(month: DemoMonth): FeedFile {
  const random = month.random('binzang');
  const records = month.deaths.map(({ subject, diedOn }, index) => {
    // The planted recipient (the month's first death) died away from home two months before 公安 registered it: the
    // crematorium's record is dated then, so last month's closed roll paid them after their death (the demo's case
    // for compliance-paid-after-death), and this month's roll recovers it (追回).
    if (index === 0) diedOn = lateDeathDay(month);
    const crematedOn = addDays(diedOn, random.integerBetween(1, 3));
    return [
      '    <DeadInformation>',
      `      <DeadName>${escapeXml(subject.name)}</DeadName>`,
      `      <Sex>${subject.gender}</Sex>`,
      '      <CertificateType>01</CertificateType>',
      `      <CertificateNo>${subject.idNumber}</CertificateNo>`,
      `      <DeathDate>${diedOn}</DeathDate>`,
      `      <CremationDate>${crematedOn > month.periodEnd ? month.periodEnd : crematedOn}</CremationDate>`,
      `      <FuneralHomeName>${escapeXml(month.countyName)}殡仪馆</FuneralHomeName>`,
      '    </DeadInformation>',
    ].join('\n');
  });
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<DataExchange>',
    '  <Head>',
    `    <SenderCode>${month.snapshot.countyCode}BZ01</SenderCode>`,
    `    <SenderName>${escapeXml(month.countyName)}殡仪馆</SenderName>`,
    `    <ReceiverCode>${month.snapshot.countyCode}MZ</ReceiverCode>`,
    `    <SendTime>${addDays(month.periodEnd, 3)}T09:00:00</SendTime>`,
    '    <DataType>DeadInformation</DataType>',
    `    <RecordCount>${records.length}</RecordCount>`,
    '  </Head>',
    '  <Body>',
    ...records,
    '  </Body>',
    '</DataExchange>',
    '',
  ].join('\n');
  return { source: 'binzang', fileName: `dead-information-${month.period}.xml`, bytes: Buffer.from(xml, 'utf8') };
}

/** The 10th of the month two before the demo month: a death 公安 registers late. */
function lateDeathDay(month: DemoMonth): string {
  return `${previousPeriod(previousPeriod(month.period))}-10`;
}

/** The household head as 户政 names it: the register household's first member (the seed writes the head first). */
function headOf(subject: Subject): { name: string; idNumber: string } {
  return subject.household?.members[0] ?? subject;
}
