/**
 * The department facts a county of the benchmark's size receives in a year, for the comparison benchmark: the kinds
 * the default rules read (config/rules/default.json), in the mix the feeds send them — medical settlements and
 * social-insurance contributions by the million, deaths and disaster reports by the thousand — about the people of
 * the register and about residents outside it (most of them: the 医保 and 人社 feeds cover everyone).
 *
 * Facts about register people are mostly of the kind that does not match (wages and contribution bases under the
 * income threshold, small homes, disabled persons' vehicles, students who did get education assistance, a national
 * roster that agrees with the local one); each rule gets some hits on purpose, and the medical rules find their
 * leads in the tail of the amounts, as active discovery does. The same seed and register always give the same facts.
 */
import { HAN_SURNAMES, composeGivenName } from '../../gateway/demo/chinese-names.js';
import { dayNumberOf, formatDayNumber } from '../../gateway/demo/calendar-days.js';
import { SeededRandom, defineWeightedTable } from '../../gateway/demo/seeded-random.js';
import { computeCheckCharacter } from '../../gateway/identity/id-number.js';

/** The register as the generator needs it, read back from the store after seeding. Indexes are person positions. */
export interface BenchRegister {
  idNumbers: string[];
  names: string[];
  /** Holds an enrolment active at the period's end (any category): the rules' "recipients". */
  enrolled: Uint8Array;
  /** The basic-living (低保/特困) category held at the period's end, '' when none; with the enrolment's region. */
  basicCategory: string[];
  basicRegion: string[];
  /** Lives in a household one of whose members holds an active enrolment. */
  recipientHousehold: Uint8Array;
}

/** One fact as the import writes it: kind, subject, dates, amount and the attributes as JSON. */
export type BenchFact = [kind: string, idNumber: string, name: string | null, occurredOn: string | null, period: string | null, amountFen: number | null, attributes: string];

/** The facts of one department feed: one batch, as one file would be imported. */
export interface BenchFeed {
  source: string;
  facts: Iterable<BenchFact>;
}

/** Shares of all facts by feed (per cent); medical settlements take what is left. */
const shares = {
  deaths: 0.2, movedOut: 0.4, vehicles: 5, realEstate: 7, businesses: 2, employment: 6, contributions: 24,
  disability: 0.4, disasters: 0.1, antipoverty: 0.6, students: 2, assistance: 3, roster: 12, staff: 0.1,
} as const;

/** Twelve benefit months ending with the compared period: the facts of a year. */
export function windowMonths(period: string): string[] {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, index) => {
    const total = year * 12 + month - 1 - 11 + index;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
  });
}

const ordinaryVehicles = defineWeightedTable([['小型轿车', 60], ['小型普通客车', 20], ['轻型普通货车', 12], ['普通二轮摩托车', 8]] as const);
const disabledVehicles = ['残疾人专用车', '残疾人机动轮椅车', '残疾人专用小型自动挡载客汽车'] as const;
const settlementTypes = defineWeightedTable([['outpatient', 70], ['chronic-outpatient', 15], ['inpatient', 10], ['other', 5]] as const);
const hospitals = ['永宁县人民医院', '永宁县中医医院', '宁夏医科大学总医院', '银川市第一人民医院', '杨和镇卫生院', '望洪镇卫生院'] as const;
const usccCharacters = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Outsiders are mostly residents of our county; the rest hold ID numbers issued elsewhere. */
const outsiderRegions = defineWeightedTable([['640121', 70], ['640122', 10], ['640181', 8], ['640104', 7], ['110105', 5]] as const);

export interface FactPlan {
  /** The compared period, YYYY-MM: facts span the twelve months ending with it. */
  period: string;
  facts: number;
  seed: number;
}

/**
 * The feeds in import order. Subjects outside the register get ID numbers that the register does not hold, drawn
 * once; register people are picked from pools (recipients, recipient households, basic-living, the rest).
 */
export function benchFeeds(register: BenchRegister, plan: FactPlan): BenchFeed[] {
  const random = new SeededRandom(plan.seed);
  const months = windowMonths(plan.period);
  const firstDay = dayNumberOf(Number(months[0]!.slice(0, 4)), Number(months[0]!.slice(5)), 1);
  const lastDay = dayNumberOf(Number(plan.period.slice(0, 4)), Number(plan.period.slice(5)), 28);
  const inWindow = () => formatDayNumber(random.integerBetween(firstDay, lastDay));
  const inMonth = (month: string) => `${month}-${String(random.integerBetween(1, 28)).padStart(2, '0')}`;
  const yearsBack = (years: number) => formatDayNumber(random.integerBetween(lastDay - years * 365, lastDay));
  const count = (share: number) => Math.round((plan.facts * share) / 100);

  const pools = registerPools(register);
  const outsiders = drawOutsiders(register, Math.max(1, Math.round(plan.facts * 0.12)), random);
  type Subject = [idNumber: string, name: string];
  const person = (index: number): Subject => [register.idNumbers[index]!, register.names[index]!];
  const from = (pool: Int32Array): Subject => (pool.length === 0 ? outsider() : person(pool[random.integerBelow(pool.length)]!));
  const outsider = (): Subject => {
    const index = random.integerBelow(outsiders.idNumbers.length);
    return [outsiders.idNumbers[index]!, outsiders.names[index]!];
  };
  /** Someone in the register with probability `share`, else a resident outside it. */
  const subject = (pool: Int32Array, share: number): Subject => (random.chance(share) ? from(pool) : outsider());
  const json = (attributes: object) => JSON.stringify(attributes);

  const cremations: BenchFact[] = [];
  const studentsInRegister: Subject[] = [];

  function* hukou(): Iterable<BenchFact> {
    for (let i = 0; i < count(shares.deaths); i++) {
      const [idNumber, name] = subject(pools.recipients, 0.12);
      const day = inWindow();
      yield ['person-death', idNumber, name, day, null, null, json({ place: random.chance(0.6) ? '家中' : '医院' })];
      // Three deaths in four are followed by a cremation report from the funeral home (殡葬): a second fact for one warning.
      if (random.chance(0.75)) cremations.push(['person-cremation', idNumber, name, day, null, null, json({ funeralHome: '永宁县殡仪馆' })]);
    }
    for (let i = 0; i < count(shares.movedOut); i++) {
      const [idNumber, name] = subject(pools.recipients, 0.05);
      yield ['person-moved-out', idNumber, name, inWindow(), null, null, json({ destination: random.chance(0.5) ? '银川市兴庆区' : '西安市雁塔区' })];
    }
  }

  function* vehicles(): Iterable<BenchFact> {
    for (let i = 0; i < count(shares.vehicles); i++) {
      const registered = random.chance(0.007);
      const [idNumber, name] = registered ? from(pools.recipientHouseholds) : subject(pools.others, 0.03);
      // A third of the vehicles in recipient households are disabled persons' vehicles, which the rule exempts.
      const vehicleType = registered && random.chance(1 / 3) ? random.pick(disabledVehicles) : random.pickWeighted(ordinaryVehicles);
      const plate = `宁A${random.pick(['D', 'F', 'K', 'Q'])}${String(random.integerBelow(10_000)).padStart(4, '0')}`;
      yield ['vehicle-registered', idNumber, name, yearsBack(10), null, random.integerBetween(30_000, 250_000) * 100, json({ plate, vehicleType, useNature: '非营运' })];
    }
  }

  function* realEstate(): Iterable<BenchFact> {
    for (let i = 0; i < count(shares.realEstate); i++) {
      const inRegister = random.chance(0.12);
      const [idNumber, name] = inRegister ? from(pools.recipientHouseholds) : outsider();
      const residential = inRegister ? !random.chance(0.03) : random.chance(0.85);
      const area = inRegister ? random.integerBetween(3_000, 9_500) : random.integerBetween(5_000, 20_000);
      const areaSquareMetres = area % 100 === 0 ? String(area / 100) : (area / 100).toFixed(2);
      const certificateNo = `宁(${2005 + random.integerBelow(20)})永宁县不动产权第${String(random.integerBelow(10_000_000)).padStart(7, '0')}号`;
      yield ['real-estate', idNumber, name, yearsBack(20), null, null, json({ certificateNo, location: '永宁县杨和镇', areaSquareMetres, residential })];
    }
  }

  function* businesses(): Iterable<BenchFact> {
    for (let i = 0; i < count(shares.businesses); i++) {
      const [idNumber, name] = subject(pools.recipientHouseholds, 0.01);
      let uscc = '92640121';
      while (uscc.length < 18) uscc += usccCharacters[random.integerBelow(usccCharacters.length)];
      yield ['business-registration', idNumber, name, yearsBack(15), null, null, json({ uscc, enterpriseName: `永宁县${name}便民超市`, role: random.pick(['法定代表人', '投资人', '经营者']) })];
    }
  }

  function* employment(): Iterable<BenchFact> {
    for (let i = 0; i < count(shares.employment); i++) {
      const recipient = random.chance(0.05);
      const [idNumber, name] = recipient ? from(pools.recipients) : outsider();
      // Recipients mostly hold public-welfare jobs (公益性岗位) under the income threshold of 1,850 yuan.
      const wage = recipient ? random.integerBetween(1_200, 1_950) * 100 : random.integerBetween(3_000, 12_000) * 100;
      yield ['employment', idNumber, name, yearsBack(3), null, wage, json({ employer: '永宁县公益性岗位服务中心' })];
    }
  }

  function* contributions(): Iterable<BenchFact> {
    for (let i = 0; i < count(shares.contributions); i++) {
      const recipient = random.chance(0.03);
      const [idNumber, name] = recipient ? from(pools.recipients) : outsider();
      const base = recipient ? random.integerBetween(1_000, 1_900) * 100 : random.integerBetween(4_000, 15_000) * 100;
      yield ['social-insurance-contribution', idNumber, name, null, random.pick(months), base, json({ insuranceType: '城镇职工基本养老保险' })];
    }
  }

  function* medical(): Iterable<BenchFact> {
    for (let i = produced; i < plan.facts; i++) {
      const [idNumber, name] = subject(pools.all, 0.2);
      const settlementType = random.pickWeighted(settlementTypes);
      // Self-paid fen: mostly small, with the long tail that the active-discovery rules look for.
      const selfPaid = settlementType === 'inpatient'
        ? random.integerBetween(500, random.chance(0.05) ? 25_000 : 8_000) * 100
        : settlementType === 'chronic-outpatient'
          ? random.integerBetween(50, random.chance(0.05) ? 1_500 : 300) * 100
          : random.integerBetween(5, random.chance(0.03) ? 2_000 : 80) * 100;
      const day = inMonth(random.pick(months));
      yield ['medical-settlement', idNumber, name, day, day.slice(0, 7), selfPaid, json({ settlementType, totalFen: selfPaid * random.integerBetween(2, 5), hospital: random.pick(hospitals) })];
    }
  }

  function* disability(): Iterable<BenchFact> {
    for (let i = 0; i < count(shares.disability); i++) {
      const [idNumber, name] = subject(pools.all, 0.4);
      const grade = String(random.integerBetween(1, 4));
      yield ['disability-certificate', idNumber, name, inWindow(), null, null,
        json({ certificateNo: `${idNumber}${random.integerBetween(1, 7)}${grade}`, category: String(random.integerBetween(1, 7)), grade })];
    }
  }

  function* disasters(): Iterable<BenchFact> {
    for (let i = 0; i < count(shares.disasters); i++) {
      const [idNumber, name] = subject(pools.all, 0.3);
      yield ['disaster-victim', idNumber, name, inWindow(), null, random.integerBetween(1_000, 50_000) * 100, json({ disasterType: random.pick(['洪涝', '干旱', '冰雹', '风雹']) })];
    }
  }

  function* antipoverty(): Iterable<BenchFact> {
    for (let i = 0; i < count(shares.antipoverty); i++) {
      const [idNumber, name] = subject(pools.all, 0.4);
      yield ['antipoverty-monitored', idNumber, name, null, random.pick(months), null, json({
        householdNo: `6401211${String(random.integerBelow(100_000_000)).padStart(8, '0')}`,
        monitoringType: random.pick(['unstable-ex-poor', 'marginal-at-risk', 'sudden-hardship']), riskEliminated: random.chance(0.7),
      })];
    }
  }

  function* students(): Iterable<BenchFact> {
    const term = [`${months[2]!.slice(0, 4)}-09-01`, `${plan.period.slice(0, 4)}-03-01`];
    for (let i = 0; i < count(shares.students); i++) {
      const inRegister = random.chance(0.3) && pools.students.length > 0;
      const student = inRegister ? person(pools.students[random.integerBelow(pools.students.length)]!) : outsider();
      if (inRegister) studentsInRegister.push(student);
      yield ['student-enrolled', student[0], student[1], random.pick(term), null, null, json({ school: '永宁县第一中学', stage: random.pick(['primary', 'junior-secondary', 'senior-secondary', 'vocational']) })];
    }
  }

  function* assistance(): Iterable<BenchFact> {
    let written = 0;
    // Most students of recipient households did get education assistance (教育救助) in the year: the rule's near misses.
    for (const [idNumber, name] of studentsInRegister) {
      if (!random.chance(0.85)) continue;
      const day = inWindow();
      yield ['assistance-given', idNumber, name, day, day.slice(0, 7), random.integerBetween(5, 30) * 10_000, json({ department: 'jy', assistanceType: '0601' })];
      written += 1;
    }
    for (; written < count(shares.assistance); written++) {
      const [idNumber, name] = from(pools.recipients);
      const day = inWindow();
      const [department, assistanceType] = random.pick([['mz', '0501'], ['yb', '0401'], ['zj', '0701']] as const);
      yield ['assistance-given', idNumber, name, day, day.slice(0, 7), random.integerBetween(2, 50) * 10_000, json({ department, assistanceType })];
    }
  }

  function* roster(): Iterable<BenchFact> {
    // The national roster's monthly snapshot of our basic-living recipients: the compared month, then the one before.
    const wanted = count(shares.roster);
    const conflictingGroup: Record<string, string> = { '110': '131', '120': '132', '131': '110', '132': '120' };
    let written = 0;
    for (const month of [plan.period, months[10]!]) {
      for (let i = 0; i < pools.basicLiving.length && written < wanted; i++, written++) {
        const index = pools.basicLiving[i]!;
        const category = register.basicCategory[index]!;
        let regionCode = register.basicRegion[index]!;
        let rostered = category;
        // One in two thousand is enrolled in the other basic-living group, one in two thousand in another county.
        const draw = random.nextFloat();
        if (draw < 0.0005) rostered = conflictingGroup[category] ?? category;
        else if (draw < 0.001) regionCode = `640122${regionCode.slice(6)}`;
        yield ['jinmin-enrolment', register.idNumbers[index]!, register.names[index]!, null, month, random.integerBetween(400, 900) * 100, json({ category: rostered, regionCode })];
      }
    }
  }

  function* staff(): Iterable<BenchFact> {
    for (let i = 0; i < count(shares.staff); i++) {
      const [idNumber, name] = subject(pools.recipientHouseholds, 0.06);
      yield ['staff-relation', idNumber, name, null, null, null, json({ unit: '永宁县杨和镇人民政府', role: random.pick(['civil-affairs-staff', 'village-cadre', 'relative']) })];
    }
  }

  let produced = 0;
  function* counted(facts: Iterable<BenchFact>): Iterable<BenchFact> {
    for (const fact of facts) {
      produced += 1;
      yield fact;
    }
  }
  // Generators run lazily, in this order: cremations and register students are collected by the feeds before
  // theirs, and the medical settlements, last, make up the total.
  const feeds: BenchFeed[] = [
    { source: 'gongan-hukou', facts: hukou() },
    { source: 'binzang', facts: { [Symbol.iterator]: () => cremations[Symbol.iterator]() } },
    { source: 'gongan-vehicles', facts: vehicles() },
    { source: 'budongchan', facts: realEstate() },
    { source: 'shichang', facts: businesses() },
    { source: 'renshe', facts: employment() },
    { source: 'renshe-contributions', facts: contributions() },
    { source: 'canlian', facts: disability() },
    { source: 'yingji', facts: disasters() },
    { source: 'antipoverty', facts: antipoverty() },
    { source: 'jiaoyu', facts: students() },
    { source: 'assistance-given', facts: assistance() },
    { source: 'jinmin-roster', facts: roster() },
    { source: 'staff-roster', facts: staff() },
  ];
  return [...feeds.map((feed) => ({ source: feed.source, facts: counted(feed.facts) })), { source: 'yibao', facts: medical() }];
}

interface RegisterPools {
  all: Int32Array;
  recipients: Int32Array;
  recipientHouseholds: Int32Array;
  basicLiving: Int32Array;
  /** Register people without an active enrolment. */
  others: Int32Array;
  /** Members of recipient households of school age (6–22 at the period's end, from the birth date in the ID number). */
  students: Int32Array;
}

function registerPools(register: BenchRegister): RegisterPools {
  const lists = { all: [] as number[], recipients: [] as number[], recipientHouseholds: [] as number[], basicLiving: [] as number[], others: [] as number[], students: [] as number[] };
  for (let i = 0; i < register.idNumbers.length; i++) {
    lists.all.push(i);
    if (register.enrolled[i]) lists.recipients.push(i);
    else lists.others.push(i);
    if (register.basicCategory[i]) lists.basicLiving.push(i);
    if (register.recipientHousehold[i]) {
      lists.recipientHouseholds.push(i);
      const birthYear = Number(register.idNumbers[i]!.slice(6, 10));
      if (birthYear >= 2002 && birthYear <= 2018) lists.students.push(i);
    }
  }
  return Object.fromEntries(Object.entries(lists).map(([name, list]) => [name, Int32Array.from(list)])) as unknown as RegisterPools;
}

/** Residents outside the register: valid ID numbers that no register person holds, each with a name. */
function drawOutsiders(register: BenchRegister, wanted: number, random: SeededRandom): { idNumbers: string[]; names: string[] } {
  const taken = new Set(register.idNumbers);
  const idNumbers: string[] = [];
  const names: string[] = [];
  const earliest = dayNumberOf(1940, 1, 1);
  const latest = dayNumberOf(2018, 12, 31);
  while (idNumbers.length < wanted) {
    const birthDate = formatDayNumber(random.integerBetween(earliest, latest));
    const sequence = random.integerBetween(1, 999);
    const first17 = `${random.pickWeighted(outsiderRegions)}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
    const idNumber = first17 + computeCheckCharacter(first17);
    if (taken.has(idNumber)) continue;
    taken.add(idNumber);
    idNumbers.push(idNumber);
    names.push(random.pickWeighted(HAN_SURNAMES) + composeGivenName(random, sequence % 2 === 1 ? '1' : '2', Number(birthDate.slice(0, 4))));
  }
  return { idNumbers, names };
}
