import { computeOrganisationCheckCharacter, computeUsccCheckCharacter } from '../../../identity/uscc.js';
import type { SeededRandom } from '../../seeded-random.js';
import { demoTownship, shortTownshipName, writtenDate, type DemoMonth, type Subject } from '../demo-month-context.js';
import { csvBytes, dateCell, textCell, xlsxBytes, type FeedFile, type TableCell } from '../file-formats.js';
import type { RegisterHousehold } from '../register-snapshot.js';

const BRANDS = ['长安牌', '五菱牌', '比亚迪牌', '吉利牌', '哈弗牌', '大众牌', '江淮牌', '五征牌'];
/** Plate letters: digits and capitals without I and O, which plates never use. */
const PLATE_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

interface VehicleRow {
  owner: Subject;
  type: string;
  use: string;
  registeredOn: string;
  valueYuan: number;
}

/**
 * 公安交管's vehicles registered this month (XLSX, a title and a two-row merged header, as the fixture's export).
 * Planted: a recipient household's car, in a household with no disabled or seriously ill member. Exempt, so raising
 * nothing: a car of a household with a severely disabled member (seed 001's treatment exemption) and a vehicle
 * registered as a disabled person's vehicle.
 */
export function vehicleRegistrations(month: DemoMonth): FeedFile {
  const random = month.random('gongan-vehicles');
  const rows: VehicleRow[] = [];
  const car = (owner: Subject, type = '小型普通客车'): VehicleRow =>
    ({ owner, type, use: '非营运', registeredOn: month.day(random), valueYuan: random.integerBetween(45, 130) * 1000 + random.integerBetween(0, 9) * 100 });

  const planted = month.requireRegistered(random, 'adult member of a recipient household without a disabled or seriously ill member',
    (m, h) => h.categories.length > 0 && !h.vehicleExempt && m.age >= 22 && m.age <= 60, demoTownship);
  const plantedCar = car(planted);
  rows.push(plantedCar);
  month.plant('recipient-household-vehicle', 'gongan-vehicles', planted, `${plantedCar.type} 初次登记 ${plantedCar.registeredOn}`);

  const carer = month.requireRegistered(random, 'adult member of a recipient household with a grade 1–2 disabled member',
    (m, h) => h.categories.length > 0 && h.severeDisability && m.age >= 25 && m.age <= 65);
  const carerCar = car(carer);
  rows.push(carerCar);
  month.exempt('recipient-household-vehicle', 'disabled-member-treatment', 'gongan-vehicles', carer, `${carerCar.type}：家中有一至二级残疾成员，治疗康复用车`);

  const disabledDriver =
    month.registered(random, (m, h) => h.categories.length > 0 && !h.severeDisability && (m.disabilityGrade === '3' || m.disabilityGrade === '4') && m.age >= 22 && m.age <= 65) ??
    month.requireRegistered(random, 'adult member of a recipient household', (m, h) => h.categories.length > 0 && !h.severeDisability && m.age >= 22 && m.age <= 65);
  const adapted = { ...car(disabledDriver, '残疾人专用小型自动挡载客汽车'), valueYuan: random.integerBetween(40, 70) * 1000 };
  rows.push(adapted);
  month.exempt('recipient-household-vehicle', 'disabled-persons-vehicle', 'gongan-vehicles', disabledDriver, adapted.type);

  for (let n = 0; n < 8; n += 1) {
    const owner = month.resident(random, { min: 22, max: 62 });
    rows.push(random.chance(0.2) ? { ...car(owner, random.pick(['轻型普通货车', '三轮汽车'])), use: '货运' } : car(owner));
  }
  const unenrolled = month.registered(random, (m, h) => h.categories.length === 0 && m.age >= 22 && m.age <= 60);
  if (unenrolled) rows.push(car(unenrolled));

  rows.sort((a, b) => a.registeredOn.localeCompare(b.registeredOn));
  const [year, monthNumber] = [month.period.slice(0, 4), Number(month.period.slice(5))];
  const table: TableCell[][] = [
    [`${month.countyName}公安局交通警察大队 辖区居民名下机动车登记信息（${year}年${monthNumber}月）`],
    ['序号', '机动车所有人', null, '车辆信息', null, null, null, '登记信息', null, '机动车状态'],
    [null, '姓名', '身份证明号码', '号牌号码', '车辆类型', '使用性质', '中文品牌', '初次登记日期', '车辆原值（元）', null],
    ...rows.map((row, index) => [
      index + 1, row.owner.name, textCell(row.owner.idNumber), plate(random), row.type, row.use, random.pick(BRANDS),
      dateCell(row.registeredOn), row.valueYuan, '正常',
    ]),
  ];
  const merges = ['A1:J1', 'A2:A3', 'B2:C2', 'D2:G2', 'H2:I2', 'J2:J3'];
  return {
    source: 'gongan-vehicles',
    fileName: `vehicles-${month.period}.xlsx`,
    bytes: xlsxBytes([{ name: '机动车登记信息', rows: table, merges, columnWidths: [6, 10, 22, 12, 26, 10, 10, 14, 14, 10] }]),
  };
}

function plate(random: SeededRandom): string {
  let text = '宁A';
  for (let n = 0; n < 5; n += 1) text += PLATE_CHARACTERS.charAt(random.integerBelow(PLATE_CHARACTERS.length));
  return text;
}

interface PropertyRow {
  owner: Subject;
  use: string;
  areaSquareMetres: number;
  registeredOn: string;
  location: string;
}

/**
 * 不动产登记中心's houses registered to people this month (XLSX: a 说明 sheet first, a merged title, a 合计 row).
 * Planted: a recipient household's shop (non-residential) and a recipient household whose homes come to more than
 * 60 m² a member. Small homes of other recipient households raise nothing.
 */
export function realEstateRegistrations(month: DemoMonth): FeedFile {
  const random = month.random('budongchan');
  const rows: PropertyRow[] = [];
  const property = (owner: Subject, use: string, areaSquareMetres: number): PropertyRow => ({
    owner, use, areaSquareMetres, registeredOn: month.day(random),
    location: `${month.countyName}${owner.townshipName}${owner.villageName}${use === '商业' ? `商铺${random.integerBetween(1, 40)}号` : `${random.integerBetween(1, 12)}组${random.integerBetween(1, 99)}号`}`,
  });

  const shopOwner = reserveHousehold(month, random, 'recipient household', (h) => h.categories.length > 0, demoTownship);
  const shop = property(shopOwner, '商业', hundredths(random, 20, 80));
  rows.push(shop);
  month.plant('recipient-household-non-residential-property', 'budongchan', shopOwner, `商业用房 ${shop.areaSquareMetres.toFixed(2)} m²`);

  const homeOwner = reserveHousehold(month, random, 'recipient household of at most three members', (h) => h.categories.length > 0 && h.size <= 3);
  const members = homeOwner.household?.size ?? 1;
  const home = property(homeOwner, '住宅', Math.round((60 * members + hundredths(random, 12, 45)) * 100) / 100);
  rows.push(home);
  month.plant('recipient-household-housing-above-threshold', 'budongchan', homeOwner,
    `住宅 ${home.areaSquareMetres.toFixed(2)} m²，家庭 ${members} 人，人均 ${(home.areaSquareMetres / members).toFixed(2)} m²`);

  for (let n = 0; n < 2; n += 1) {
    const owner = reserveHousehold(month, random, 'recipient household', (h) => h.categories.length > 0);
    const size = owner.household?.size ?? 1;
    rows.push(property(owner, random.pick(['住宅', '宅基地']), hundredths(random, 25, Math.min(45 * size, 110))));
  }
  for (let n = 0; n < 6; n += 1) {
    const owner = month.resident(random, { min: 25, max: 75 });
    rows.push(property(owner, random.pick(['住宅', '成套住宅', '宅基地', '车库']), hundredths(random, 12, 160)));
  }

  rows.sort((a, b) => a.registeredOn.localeCompare(b.registeredOn));
  const year = month.period.slice(0, 4);
  const total = rows.reduce((sum, row) => sum + Math.round(row.areaSquareMetres * 100), 0) / 100;
  const table: TableCell[][] = [
    [`${month.countyName}不动产登记中心 权利人房屋登记信息（${year}年${Number(month.period.slice(5))}月）`],
    ['序号', '权利人', '权利人证件号码', '不动产权证号', '坐落', '规划用途', '建筑面积（㎡）', '登记日期', '共有情况'],
    ...rows.map((row, index) => [
      index + 1, row.owner.name, textCell(row.owner.idNumber), `宁（${year}）${month.countyName}不动产权第${String(random.integerBetween(1, 9_999_999)).padStart(7, '0')}号`,
      row.location, row.use, row.areaSquareMetres, dateCell(row.registeredOn), random.chance(0.7) ? '单独所有' : '共同共有',
    ]),
    [],
    ['合计', null, null, null, null, null, total, null, null],
  ];
  const lastRow = table.length;
  return {
    source: 'budongchan',
    fileName: `real-estate-${month.period}.xlsx`,
    bytes: xlsxBytes([
      { name: '说明', rows: [['说明'], [`1. 本表数据来源于${month.countyName}不动产登记信息管理平台。`], ['2. 仅含住宅、商业、车库等房屋类不动产，不含土地承包经营权。']] },
      { name: '不动产登记', rows: table, merges: ['A1:I1', `A${lastRow}:F${lastRow}`], columnWidths: [6, 10, 22, 34, 44, 10, 14, 12, 10] },
    ]),
  };
}

/**
 * The head of a household none of whose members has appeared yet, with the whole household set aside: the housing
 * rule totals a household's homes, so no other row of the file may land in it.
 */
function reserveHousehold(month: DemoMonth, random: SeededRandom, what: string, accept: (household: RegisterHousehold) => boolean, preferTownship?: string): Subject {
  const head = month.requireRegistered(random, what,
    (m, h) => m === h.members[0] && m.age >= 18 && accept(h) && h.members.every((other) => !month.isUsed(other.idNumber)), preferTownship);
  for (const other of head.household?.members.slice(1) ?? []) month.take(other, head.household as RegisterHousehold);
  return head;
}

/** A number between `min` and `max` with two decimals, as floor areas are registered. */
function hundredths(random: SeededRandom, min: number, max: number): number {
  return random.integerBetween(min * 100, max * 100) / 100;
}

const BUSINESS_KINDS = [
  { type: '个体工商户', code: '2', names: ['五金店', '小吃店', '便民超市', '牛肉面馆', '理发店', '农资店'] },
  { type: '有限责任公司(自然人独资)', code: '1', names: ['商贸有限公司', '建材有限公司', '农业科技有限公司'] },
  { type: '农民专业合作社', code: '3', names: ['枸杞种植专业合作社', '肉牛养殖专业合作社'] },
] as const;

/**
 * 市场监管's market entities registered this month with their legal representative or operator (UTF-8 CSV).
 * Planted: a recipient household member who opened a 个体工商户.
 */
export function businessRegistrations(month: DemoMonth): FeedFile {
  const random = month.random('shichang');
  const rows: (string | number | null)[][] = [];
  const business = (person: Subject, kind: (typeof BUSINESS_KINDS)[number]) => {
    const establishedOn = month.day(random);
    const name = `${month.countyName}${shortTownshipName(person.townshipName)}${kind.code === '2' ? `${[...person.name][0]}记` : ''}${random.pick(kind.names)}`;
    rows.push([0, uscc(random, kind.code, month.snapshot.countyCode), name, kind.type, person.name, person.idNumber,
      kind.code === '2' ? null : random.integerBetween(1, 50) * 10, writtenDate(random, establishedOn), '存续（在营、开业、在册）',
      `宁夏银川市${month.countyName}${person.townshipName}${person.villageName}`]);
    return { establishedOn, name };
  };

  const operator = month.requireRegistered(random, 'adult member of a recipient household', (m, h) => h.categories.length > 0 && m.age >= 25 && m.age <= 60);
  const opened = business(operator, BUSINESS_KINDS[0]);
  month.plant('recipient-household-business', 'shichang', operator, `个体工商户经营者：${opened.name}，成立 ${opened.establishedOn}`);
  for (let n = 0; n < 7; n += 1) business(month.resident(random, { min: 24, max: 60 }), random.pick(BUSINESS_KINDS));

  const table = [
    ['序号', '统一社会信用代码', '企业名称', '主体类型', '法定代表人（负责人、经营者）', '证件号码', '注册资本（万元）', '成立日期', '登记状态', '住所'],
    ...rows.map((row, index) => [index + 1, ...row.slice(1)]),
  ];
  return { source: 'shichang', fileName: `legal-representatives-${month.period}.csv`, bytes: csvBytes(table, 'utf8') };
}

/** GB 32100 alphabet, whose organisation codes begin MA for entities registered since 2015. */
const USCC_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A well-formed USCC issued by the county's 市场监管 office (authority 9): both check characters computed. */
function uscc(random: SeededRandom, entityType: string, countyCode: string): string {
  let body = 'MA';
  for (let n = 0; n < 6; n += 1) body += USCC_CHARACTERS.charAt(random.integerBelow(USCC_CHARACTERS.length));
  const first17 = `9${entityType}${countyCode}${body}${computeOrganisationCheckCharacter(body)}`;
  return first17 + computeUsccCheckCharacter(first17);
}
