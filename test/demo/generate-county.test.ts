import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeLuhnCheckDigit, isLuhnValid } from '../../gateway/demo/bank-account-numbers.js';
import { dayNumberOf, formatDayNumber, parseCalendarDate } from '../../gateway/demo/calendar-days.js';
import { demoStandardsForCounty } from '../../gateway/demo/demo-standards.js';
import {
  generateCountyHouseholds,
  type CountyRegions,
  type DemoHousehold,
  type DemoMember,
  type DemoOptions,
} from '../../gateway/demo/generate-county.js';
import { checkIdNumber } from '../../gateway/identity/id-number.js';

const AS_OF = '2025-06-30';

/**
 * A small county in the shape of gateway/store/reference-data/regions/<code>.json: Yongning's real township names,
 * codes in the statistical-code layout (not checked against the official list), three urban communities, and one
 * unit listed without villages.
 */
const YONGNING: CountyRegions = {
  code: '640121',
  name: '永宁县',
  province: { code: '640000', name: '宁夏回族自治区' },
  prefecture: { code: '640100', name: '银川市' },
  townships: [
    {
      code: '640121100',
      name: '杨和镇',
      kind: 'town',
      villages: [
        { code: '640121100001', name: '纳家户社区', urbanRural: '121' },
        { code: '640121100002', name: '宁和社区', urbanRural: '111' },
        { code: '640121100003', name: '永盛社区', urbanRural: '121' },
        { code: '640121100201', name: '王太村', urbanRural: '220' },
        { code: '640121100202', name: '红星村', urbanRural: '220' },
        { code: '640121100203', name: '东全村', urbanRural: '220' },
      ],
    },
    {
      code: '640121101',
      name: '李俊镇',
      kind: 'town',
      villages: [
        { code: '640121101201', name: '李俊村', urbanRural: '220' },
        { code: '640121101202', name: '宁化村', urbanRural: '220' },
        { code: '640121101203', name: '金塔村', urbanRural: '220' },
      ],
    },
    {
      code: '640121102',
      name: '望远镇',
      kind: 'town',
      villages: [
        { code: '640121102201', name: '望远村', urbanRural: '220' },
        { code: '640121102202', name: '板桥村', urbanRural: '220' },
      ],
    },
    {
      code: '640121105',
      name: '胜利乡',
      kind: 'township',
      villages: [
        { code: '640121105201', name: '胜利村', urbanRural: '220' },
        { code: '640121105202', name: '烽火村', urbanRural: '220' },
      ],
    },
    { code: '640121400', name: '黄羊滩农场', kind: 'other' },
  ],
};

const QIANJIANG: CountyRegions = {
  code: '500114',
  name: '黔江区',
  province: { code: '500000', name: '重庆市' },
  prefecture: { code: '500100', name: '市辖区' },
  townships: [
    {
      code: '500114001',
      name: '城东街道',
      kind: 'street',
      villages: [{ code: '500114001001', name: '三台社区' }],
    },
    {
      code: '500114100',
      name: '正阳镇',
      kind: 'town',
      villages: [
        { code: '500114100201', name: '群力村' },
        { code: '500114100202', name: '桥梁村' },
      ],
    },
    { code: '500114200', name: '石会镇', kind: 'town', villages: [{ code: '500114200201', name: '中元村' }] },
  ],
};

const URBAN_CODES = new Set(['640121100001', '640121100002', '640121100003']);
const BASIC_LIVING = new Set(['110', '120', '130', '131', '132']);

function generate(overrides: Partial<DemoOptions> = {}): DemoHousehold[] {
  return [...generateCountyHouseholds({ county: YONGNING, households: 2_000, seed: 20250630, asOf: AS_OF, ...overrides })];
}

function hashOf(households: readonly DemoHousehold[]): string {
  return createHash('sha256').update(JSON.stringify(households)).digest('hex');
}

/** Whole years from `birthDate` to `date`, by calendar. */
function ageOn(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/** The register category of a household: what its head currently holds. */
function registerCategoryOf(household: DemoHousehold): string {
  const head = household.members[0];
  const current = (head?.enrolments ?? []).filter((enrolment) => enrolment.endDate === null).map((enrolment) => enrolment.category);
  if (current.some((category) => category === '110' || category === '120')) return 'dibao';
  if (current.some((category) => category === '131' || category === '132')) return 'tekun';
  return current[0] ?? 'temporary-only';
}

function allMembers(households: readonly DemoHousehold[]): DemoMember[] {
  return households.flatMap((household) => household.members);
}

/** The first few items that break a rule, described; an empty list when none does. */
function offenders<T>(items: readonly T[], breaksRule: (item: T) => boolean, describe: (item: T) => string): string[] {
  const found: string[] = [];
  for (const item of items) {
    if (breaksRule(item)) found.push(describe(item));
    if (found.length === 5) break;
  }
  return found;
}

function codesOf(table: string): Set<string> {
  const path = new URL(`../../gateway/store/reference-data/code-tables/${table}.json`, import.meta.url);
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { codes: { code: string }[] };
  return new Set(parsed.codes.map((entry) => entry.code));
}

const large = [...generateCountyHouseholds({ county: YONGNING, households: 20_000, seed: 7, asOf: AS_OF })];
const largeMembers = allMembers(large);

describe('generateCountyHouseholds', () => {
  it('produces byte-identical households for the same options', () => {
    expect(hashOf(generate())).toBe(hashOf(generate()));
  });

  it('produces different households for a different seed', () => {
    expect(hashOf(generate({ seed: 20250631 }))).not.toBe(hashOf(generate()));
  });

  it('numbers households with the county code and an 8-digit running number', () => {
    const numbers = generate().map((household) => household.householdNo);
    expect(numbers[0]).toBe('64012100000001');
    expect(numbers.at(-1)).toBe('64012100002000');
  });

  it('yields nothing for zero households', () => {
    expect(generate({ households: 0 })).toEqual([]);
  });

  it('gives every member a valid ID number of the county that matches gender and birth date', () => {
    const mismatched = offenders(
      largeMembers,
      (member) => {
        const check = checkIdNumber(member.idNumber, { today: AS_OF });
        return (
          !check.ok ||
          check.idNumber !== member.idNumber ||
          check.regionCode !== '640121' ||
          check.birthDate !== member.birthDate ||
          check.gender !== (member.gender === '1' ? 'male' : 'female')
        );
      },
      (member) => `${member.idNumber} ${member.gender} ${member.birthDate}`,
    );
    expect(mismatched).toEqual([]);
  });

  it('never issues the same ID number twice in 20,000 households', () => {
    const idNumbers = new Set(largeMembers.map((member) => member.idNumber));
    expect(largeMembers.length).toBeGreaterThan(40_000);
    expect(idNumbers.size).toBe(largeMembers.length);
  });

  it('registers every household in a village or community of the county, or a unit listed without villages', () => {
    const placeCodes = new Set(
      YONGNING.townships.flatMap((township) =>
        township.villages?.length ? township.villages.map((village) => village.code) : [township.code],
      ),
    );
    for (const household of large) {
      expect(placeCodes.has(household.registeredRegionCode), household.registeredRegionCode).toBe(true);
      expect(placeCodes.has(household.residenceRegionCode), household.residenceRegionCode).toBe(true);
    }
    expect(large.some((household) => household.registeredRegionCode === '640121400')).toBe(true);
  });

  it('houses about 4 % of households in another township of the county', () => {
    const elsewhere = large.filter((household) => household.residenceRegionCode !== household.registeredRegionCode);
    expect(elsewhere.length / large.length).toBeGreaterThan(0.03);
    expect(elsewhere.length / large.length).toBeLessThan(0.05);
    for (const household of elsewhere) {
      expect(household.residenceRegionCode.slice(0, 9)).not.toBe(household.registeredRegionCode.slice(0, 9));
    }
  });

  it('writes rural addresses with a villagers group and urban ones with building, unit and room', () => {
    for (const household of large.slice(0, 2_000)) {
      if (URBAN_CODES.has(household.residenceRegionCode)) {
        expect(household.address).toMatch(/^杨和镇.+社区.+路\d+号\d+栋\d单元\d0\d室$/);
      } else if (household.residenceRegionCode.length === 12) {
        expect(household.address).toMatch(/^.+[镇乡].+村[一二三四五六七八九十]+组\d+号$/);
      }
    }
  });

  it('puts exactly one head first in every household, also when living alone', () => {
    const headless = offenders(
      large,
      (household) =>
        household.members[0]?.relation !== '02' ||
        household.members.filter((member) => member.relation === '02' || member.relation === '01').length !== 1,
      (household) => `${household.householdNo}: ${household.members.map((member) => member.relation).join(' ')}`,
    );
    expect(headless).toEqual([]);
  });

  it('keeps household sizes near the low-income mean of about 2.5 persons', () => {
    const mean = largeMembers.length / large.length;
    expect(mean).toBeGreaterThan(2.3);
    expect(mean).toBeLessThan(2.7);
    expect(large.filter((household) => household.members.length === 1).length / large.length).toBeGreaterThan(0.25);
  });

  it('makes spouses married adults and keeps generations at plausible age gaps', () => {
    const problems: string[] = [];
    for (const household of large) {
      const [head] = household.members;
      if (!head) continue;
      const headAge = ageOn(head.birthDate, AS_OF);
      if (headAge < 18) problems.push(`${household.householdNo} head aged ${headAge}`);
      for (const member of household.members.slice(1)) {
        const age = ageOn(member.birthDate, AS_OF);
        const gap = age - headAge;
        const group = member.relation.charAt(0);
        const spouse = member.relation === '11' || member.relation === '12';
        const child = (group === '2' || group === '3') && member.relation !== '28' && member.relation !== '38';
        const wrong = spouse
          ? age < 20 || member.maritalStatus !== '20' || head.maritalStatus !== '20' || member.gender === head.gender
          : child
            ? gap > -16 || gap < -45
            : group === '4'
              ? gap > -36
              : group === '5' && gap < 16;
        if (wrong) problems.push(`${household.householdNo} ${member.relation} aged ${age}, head ${headAge}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('gives sons male codes and daughters female codes, numbered by birth order', () => {
    for (const household of large) {
      const children = household.members.filter((member) => /^(2[1-6]|3[1-6])$/.test(member.relation));
      for (const child of children) expect(child.gender).toBe(child.relation.startsWith('2') ? '1' : '2');
      for (const prefix of ['2', '3']) {
        const ordered = children.filter((child) => child.relation.startsWith(prefix)).sort((a, b) => a.relation.localeCompare(b.relation));
        for (let index = 1; index < ordered.length; index += 1) {
          expect((ordered[index - 1]?.birthDate ?? '') < (ordered[index]?.birthDate ?? ''), household.householdNo).toBe(true);
        }
      }
    }
  });

  it('never overlaps one person’s basic-living enrolments and keeps every span inside the person’s life', () => {
    const overlapping = offenders(
      largeMembers,
      (member) => {
        const spans = member.enrolments
          .filter((enrolment) => BASIC_LIVING.has(enrolment.category))
          .sort((left, right) => left.startDate.localeCompare(right.startDate));
        for (let index = 1; index < spans.length; index += 1) {
          const previousEnd = spans[index - 1]?.endDate ?? null;
          if (previousEnd === null || previousEnd >= (spans[index]?.startDate ?? '')) return true;
        }
        return member.enrolments.some(
          (enrolment) =>
            enrolment.startDate < member.birthDate ||
            enrolment.startDate > AS_OF ||
            (enrolment.endDate !== null && (enrolment.endDate < enrolment.startDate || enrolment.endReason === null)),
        );
      },
      (member) => `${member.idNumber} ${member.birthDate} ${JSON.stringify(member.enrolments)}`,
    );
    expect(overlapping).toEqual([]);
  });

  it('records some history, with ended enrolments and their reasons', () => {
    const reasons = new Set(largeMembers.flatMap((member) => member.enrolments.flatMap((enrolment) => (enrolment.endReason ? [enrolment.endReason] : []))));
    expect(reasons).toEqual(expect.objectContaining(new Set(['收入超标', '迁出', '转为特困供养'])));
    const withHistory = large.filter((household) => household.members[0]?.enrolments.some((enrolment) => enrolment.endDate !== null && enrolment.category !== '500'));
    expect(withHistory.length / large.length).toBeGreaterThan(0.15);
  });

  it('keeps register categories within 1.5 points of 55 % 低保, 8 % 特困, 20 % 边缘, 7 % 刚性支出, 5 % 其他 and 5 % 临时救助 only', () => {
    const expected: Record<string, number> = { dibao: 0.55, tekun: 0.08, '600': 0.2, '650': 0.07, '660': 0.05, 'temporary-only': 0.05 };
    const counts = new Map<string, number>();
    for (const household of large) {
      const category = registerCategoryOf(household);
      counts.set(category, (counts.get(category) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [category, share] of Object.entries(expected)) {
      expect(Math.abs((counts.get(category) ?? 0) / large.length - share), category).toBeLessThan(0.015);
    }
  });

  it('records 临时救助 as a one-day enrolment of the head with a matching grant in the assistance chain', () => {
    const withTemporary = large.filter((household) => household.members.some((member) => member.enrolments.some((enrolment) => enrolment.category === '500')));
    expect(withTemporary.length / large.length).toBeGreaterThan(0.04);
    expect(withTemporary.length / large.length).toBeLessThan(0.08);
    for (const household of withTemporary) {
      const head = household.members[0];
      for (const enrolment of head?.enrolments.filter((entry) => entry.category === '500') ?? []) {
        expect(enrolment.endDate).toBe(enrolment.startDate);
        expect(enrolment.monthlyAmountFen).toBeNull();
        expect(head?.assistance).toContainEqual(expect.objectContaining({ department: 'mz', assistanceType: 'linshi', assistedOn: enrolment.startDate }));
      }
    }
  });

  it('pays 低保 by the 补差 formula: the standard less income per person, in whole yuan, never below the minimum', () => {
    const standards = demoStandardsForCounty('640121');
    let checked = 0;
    for (const household of large) {
      if (registerCategoryOf(household) !== 'dibao') continue;
      const urban = URBAN_CODES.has(household.registeredRegionCode);
      const standard = urban ? standards.urbanDibaoMonthlyFen : standards.ruralDibaoMonthlyFen;
      const perCapita = Math.floor(household.monthlyIncomeFen / household.members.length);
      expect(perCapita).toBeLessThan(standard);
      const expected = Math.max(standards.minimumDibaoPerPersonMonthlyFen, Math.floor((standard - perCapita) / 100) * 100);
      for (const member of household.members) {
        const current = member.enrolments.filter((enrolment) => enrolment.endDate === null && BASIC_LIVING.has(enrolment.category));
        expect(current).toHaveLength(1);
        expect(current[0]?.category).toBe(urban ? '110' : '120');
        expect(current[0]?.monthlyAmountFen).toBe(expected);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('pays 特困 the basic standard plus care by self-care ability, and sets self-care ability for 特困 persons only', () => {
    const standards = demoStandardsForCounty('640121');
    const care: Record<string, number> = {
      '1': standards.tekunCareMonthlyFen.fullSelfCare,
      '2': standards.tekunCareMonthlyFen.partialSelfCare,
      '3': standards.tekunCareMonthlyFen.noSelfCare,
    };
    for (const household of large) {
      const isTekun = registerCategoryOf(household) === 'tekun';
      for (const member of household.members) {
        expect(member.selfCareAbility !== null).toBe(isTekun);
      }
      if (!isTekun) continue;
      expect(household.members).toHaveLength(1);
      const [person] = household.members;
      const urban = URBAN_CODES.has(household.registeredRegionCode);
      const current = person?.enrolments.find((enrolment) => enrolment.endDate === null);
      expect(current?.category).toBe(urban ? '131' : '132');
      const basic = urban ? standards.urbanTekunBasicMonthlyFen : standards.ruralTekunBasicMonthlyFen;
      expect(current?.monthlyAmountFen).toBe(basic + (care[person?.selfCareAbility ?? ''] ?? Number.NaN));
      expect(['03', '04']).toContain(person?.labourAbility);
      const age = ageOn(person?.birthDate ?? '', AS_OF);
      if (age < 60) expect(['1', '2']).toContain(person?.disabilityGrade);
    }
  });

  it('keeps 低保边缘 households between 1 and 1.5 times the 低保 standard per person', () => {
    const standards = demoStandardsForCounty('640121');
    for (const household of large) {
      if (registerCategoryOf(household) !== '600') continue;
      const standard = URBAN_CODES.has(household.registeredRegionCode) ? standards.urbanDibaoMonthlyFen : standards.ruralDibaoMonthlyFen;
      const perCapita = household.monthlyIncomeFen / household.members.length;
      expect(perCapita).toBeGreaterThanOrEqual(standard - 100);
      expect(perCapita).toBeLessThanOrEqual(standard * 1.5);
    }
  });

  it('keeps money in non-negative integer fen and household income the sum of its members’', () => {
    const isFen = (amount: number | null): boolean => amount === null || (Number.isSafeInteger(amount) && amount >= 0);
    const wrong = offenders(
      large,
      (household) =>
        !isFen(household.monthlyIncomeFen) ||
        household.members.reduce((sum, member) => sum + member.monthlyIncomeFen, 0) !== household.monthlyIncomeFen ||
        household.members.some(
          (member) =>
            !isFen(member.monthlyIncomeFen) ||
            member.enrolments.some((enrolment) => !isFen(enrolment.monthlyAmountFen)) ||
            member.assistance.some((entry) => !isFen(entry.amountFen) || entry.amountFen === 0),
        ),
      (household) => JSON.stringify(household),
    );
    expect(wrong).toEqual([]);
  });

  it('gives no income and no labour ability to children under 16, and codes disability consistently', () => {
    const inconsistent = offenders(
      largeMembers,
      (member) =>
        (ageOn(member.birthDate, AS_OF) < 16 && (member.labourAbility !== '04' || member.monthlyIncomeFen !== 0)) ||
        (member.disabilityGrade === '1' && member.labourAbility !== '03' && member.labourAbility !== '04') ||
        (member.disabilityCategory === null) !== (member.disabilityGrade === null) ||
        (member.health === '6') !== (member.disabilityGrade !== null),
      (member) => JSON.stringify(member),
    );
    expect(inconsistent).toEqual([]);
    const disabledShare = largeMembers.filter((member) => member.disabilityGrade !== null).length / largeMembers.length;
    expect(disabledShare).toBeGreaterThan(0.1);
    expect(disabledShare).toBeLessThan(0.15);
  });

  it('uses only codes from the code tables', () => {
    const tables = {
      relation: codesOf('relation'),
      ethnicity: codesOf('ethnicity'),
      maritalStatus: codesOf('marital-status'),
      health: codesOf('health'),
      disabilityCategory: codesOf('disability-category'),
      disabilityGrade: codesOf('disability-grade'),
      labourAbility: codesOf('labour-ability'),
      selfCareAbility: codesOf('self-care-ability'),
      category: codesOf('assistance-category'),
      department: codesOf('department'),
      assistanceType: codesOf('assistance-type'),
    };
    const unknown = offenders(
      largeMembers,
      (member) =>
        !tables.relation.has(member.relation) ||
        !tables.ethnicity.has(member.ethnicity) ||
        !tables.maritalStatus.has(member.maritalStatus) ||
        !tables.health.has(member.health) ||
        !tables.labourAbility.has(member.labourAbility) ||
        (member.disabilityCategory !== null && !tables.disabilityCategory.has(member.disabilityCategory)) ||
        (member.disabilityGrade !== null && !tables.disabilityGrade.has(member.disabilityGrade)) ||
        (member.selfCareAbility !== null && !tables.selfCareAbility.has(member.selfCareAbility)) ||
        member.enrolments.some((enrolment) => !tables.category.has(enrolment.category)) ||
        member.assistance.some((entry) => !tables.department.has(entry.department) || !tables.assistanceType.has(entry.assistanceType)),
      (member) => JSON.stringify(member),
    );
    expect(unknown).toEqual([]);
  });

  it('dates the assistance chain within the 12 months before asOf, and education grants to school-age members', () => {
    const firstDay = formatDayNumber(parseCalendarDate(AS_OF, 'asOf') - 364);
    const misdated = offenders(
      largeMembers,
      (member) =>
        member.assistance.some((entry) => {
          const age = ageOn(member.birthDate, AS_OF);
          return (
            entry.assistedOn < firstDay ||
            entry.assistedOn > AS_OF ||
            entry.assistedOn < member.birthDate ||
            (entry.assistanceType === 'jiaoyu' && (age < 6 || age > 22))
          );
        }),
      (member) => `${member.birthDate} ${JSON.stringify(member.assistance)}`,
    );
    expect(misdated).toEqual([]);
  });

  it('pays 低保 monthly to the head: the per-person amount times the members covered', () => {
    for (const household of large.slice(0, 5_000)) {
      if (registerCategoryOf(household) !== 'dibao') continue;
      const [head] = household.members;
      const perPerson = head?.enrolments.find((enrolment) => enrolment.endDate === null)?.monthlyAmountFen ?? 0;
      const startDate = head?.enrolments.find((enrolment) => enrolment.endDate === null)?.startDate ?? '';
      for (const payment of head?.assistance.filter((entry) => entry.assistanceType === 'dibao' && entry.assistedOn >= startDate) ?? []) {
        const covered = household.members.filter((member) => member.birthDate <= payment.assistedOn).length;
        expect(payment.amountFen).toBe(perPerson * covered);
      }
      for (const member of household.members.slice(1)) {
        expect(member.assistance.some((entry) => entry.assistanceType === 'dibao')).toBe(false);
      }
    }
  });

  it('opens bank accounts that pass the Luhn check, are unique and are held by the member paid', () => {
    const accountNumbers: string[] = [];
    for (const household of large) {
      const category = registerCategoryOf(household);
      const [head] = household.members;
      if (category === 'dibao' || category === 'tekun') expect(head?.bankAccount).not.toBeNull();
      for (const member of household.members) {
        if (!member.bankAccount) continue;
        accountNumbers.push(member.bankAccount.accountNumber);
        expect(member.bankAccount.accountName).toBe(member.name);
        expect(member.bankAccount.accountNumber).toMatch(/^\d{19}$/);
        expect(isLuhnValid(member.bankAccount.accountNumber), member.bankAccount.accountNumber).toBe(true);
      }
    }
    expect(new Set(accountNumbers).size).toBe(accountNumbers.length);
    expect(accountNumbers.filter((number) => number.startsWith('623095')).length / accountNumbers.length).toBeGreaterThan(0.5);
  });

  it('makes about 30 % of Yongning households Hui, and Hui households mostly Hui', () => {
    const hui = large.filter((household) => household.members[0]?.ethnicity === '03');
    expect(Math.abs(hui.length / large.length - 0.3)).toBeLessThan(0.02);
    const huiMembers = allMembers(hui);
    expect(huiMembers.filter((member) => member.ethnicity === '03').length / huiMembers.length).toBeGreaterThan(0.9);
    const ma = hui.filter((household) => household.members[0]?.name.startsWith('马'));
    expect(ma.length / hui.length).toBeGreaterThan(0.25);
  });

  it('makes Qianjiang mostly Tujia with a Miao minority, paid through 重庆农村商业银行 16-digit cards', () => {
    const households = [...generateCountyHouseholds({ county: QIANJIANG, households: 4_000, seed: 1, asOf: AS_OF })];
    const heads = households.map((household) => household.members[0]);
    const share = (ethnicity: string): number => heads.filter((head) => head?.ethnicity === ethnicity).length / heads.length;
    expect(share('15')).toBeGreaterThan(0.65);
    expect(share('15')).toBeLessThan(0.75);
    expect(share('06')).toBeGreaterThan(0.07);
    expect(share('06')).toBeLessThan(0.13);
    const accounts = allMembers(households).flatMap((member) => (member.bankAccount ? [member.bankAccount] : []));
    const rural = accounts.filter((account) => account.bankName === '重庆农村商业银行');
    expect(rural.length / accounts.length).toBeGreaterThan(0.4);
    for (const account of rural) expect(account.accountNumber).toMatch(/^\d{16}$/);
    for (const account of accounts) expect(isLuhnValid(account.accountNumber)).toBe(true);
    const urbanHousehold = households.find((household) => household.registeredRegionCode === '500114001001' && registerCategoryOf(household) === 'dibao');
    expect(urbanHousehold?.members[0]?.enrolments.find((enrolment) => enrolment.endDate === null)?.category).toBe('110');
  });

  it('refuses options it cannot honour, before the first household is asked for', () => {
    const base: DemoOptions = { county: YONGNING, households: 1, seed: 1, asOf: AS_OF };
    expect(() => generateCountyHouseholds({ ...base, asOf: '2025-02-30' })).toThrow(/asOf/);
    expect(() => generateCountyHouseholds({ ...base, households: -1 })).toThrow(/households/);
    expect(() => generateCountyHouseholds({ ...base, households: 1.5 })).toThrow(/households/);
    expect(() => generateCountyHouseholds({ ...base, seed: 0.5 })).toThrow(/seed/);
    expect(() => generateCountyHouseholds({ ...base, county: { ...YONGNING, code: '6401' } })).toThrow(/county\.code/);
    expect(() => generateCountyHouseholds({ ...base, county: { ...YONGNING, townships: [] as unknown as CountyRegions['townships'] } })).toThrow(/no townships/);
    const standards = demoStandardsForCounty('640121');
    expect(() => generateCountyHouseholds({ ...base, standards: { ...standards, ruralDibaoMonthlyFen: 600.5 } })).toThrow(/ruralDibaoMonthlyFen/);
  });

  it('takes standards from the options when given', () => {
    const standards = { ...demoStandardsForCounty('640121'), ruralDibaoMonthlyFen: 70_000, urbanDibaoMonthlyFen: 90_000 };
    const households = generate({ households: 500, standards });
    const dibao = households.find((household) => registerCategoryOf(household) === 'dibao' && household.monthlyIncomeFen === 0 && !URBAN_CODES.has(household.registeredRegionCode));
    expect(dibao?.members[0]?.enrolments.find((enrolment) => enrolment.endDate === null)?.monthlyAmountFen).toBe(70_000);
  });

  it('keeps its invariants for any seed and as-of date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: dayNumberOf(2015, 1, 1), max: dayNumberOf(2035, 12, 31) }),
        (seed, households, asOfDay) => {
          const asOf = formatDayNumber(asOfDay);
          const generated = [...generateCountyHouseholds({ county: YONGNING, households, seed, asOf })];
          expect(generated).toHaveLength(households);
          const ids = new Set<string>();
          for (const household of generated) {
            expect(household.members[0]?.relation).toBe('02');
            for (const member of household.members) {
              const check = checkIdNumber(member.idNumber, { today: asOf });
              expect(check.ok && check.birthDate === member.birthDate).toBe(true);
              expect(ids.has(member.idNumber)).toBe(false);
              ids.add(member.idNumber);
              const basic = member.enrolments.filter((enrolment) => BASIC_LIVING.has(enrolment.category));
              expect(basic.filter((enrolment) => enrolment.endDate === null).length).toBeLessThanOrEqual(1);
              for (const enrolment of member.enrolments) expect(enrolment.startDate <= asOf).toBe(true);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('computeLuhnCheckDigit', () => {
  it('makes any digit string pass the Luhn check, and any single changed digit fail it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 30 }).map((digits) => digits.join('')),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (body, position, shift) => {
          const number = body + String(computeLuhnCheckDigit(body));
          expect(isLuhnValid(number)).toBe(true);
          const index = position % number.length;
          const changed = number.slice(0, index) + String((Number(number[index]) + shift) % 10) + number.slice(index + 1);
          expect(isLuhnValid(changed)).toBe(false);
        },
      ),
    );
  });

  it('agrees with a known card number', () => {
    expect(isLuhnValid('6228480402564890018')).toBe(true);
    expect(isLuhnValid('6228480402564890017')).toBe(false);
  });
});

describe('calendar days', () => {
  it('round-trips every date and agrees with UTC Date arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayNumberOf(1880, 1, 1), max: dayNumberOf(2100, 12, 31) }), (day) => {
        const date = formatDayNumber(day);
        expect(new Date(day * 86_400_000).toISOString().slice(0, 10)).toBe(date);
        expect(parseCalendarDate(date, 'date')).toBe(day);
      }),
    );
  });

  it('refuses dates that do not exist', () => {
    for (const date of ['2023-02-29', '2024-13-01', '2024-04-31', '20240101', '']) {
      expect(() => parseCalendarDate(date, 'asOf')).toThrow(/asOf/);
    }
  });
});

const REGIONS_FILE = new URL('../../gateway/store/reference-data/regions/640121.json', import.meta.url);

describe.runIf(existsSync(REGIONS_FILE))('generateCountyHouseholds over the real 640121 region list', () => {
  it('spreads households over the listed villages and communities with valid IDs', () => {
    const county = JSON.parse(readFileSync(REGIONS_FILE, 'utf8')) as CountyRegions;
    const listed = new Set(county.townships.flatMap((township) => (township.villages?.length ? township.villages.map((village) => village.code) : [township.code])));
    const households = [...generateCountyHouseholds({ county, households: 3_000, seed: 640121, asOf: AS_OF })];
    const used = new Set(households.map((household) => household.registeredRegionCode));
    for (const code of used) expect(listed.has(code), code).toBe(true);
    expect(used.size).toBeGreaterThan(Math.min(listed.size, 3_000) / 3);
    for (const member of allMembers(households)) expect(checkIdNumber(member.idNumber, { today: AS_OF }).ok).toBe(true);
  });
});
