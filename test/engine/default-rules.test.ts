import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import { addWorkingDays } from '../../gateway/calendar/working-days.js';
import { runComparison, type ComparisonReport } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, clearMonitoringData, idNumber, withSubjects } from '../helpers/monitoring.js';

/** 杨和镇 of 永宁县: households live in one of its villages, so their warnings go to the township. */
const village = '640121100200';
const township = '640121100';
const county = '640121';
const rules = loadRuleSet();
const calendar = loadWorkingCalendar();

/** Recipients and non-recipients, adults born 1970 and a child born 2012, all issued in 永宁县. */
const people = {
  recipient: idNumber(county, '1970-03-05', 11),
  spouse: idNumber(county, '1972-08-09', 22),
  child: idNumber(county, '2012-09-01', 31),
  outsider: idNumber(county, '1965-01-20', 41),
  exPoor: idNumber(county, '1968-06-30', 51),
  otherCountyOutsider: idNumber('110105', '1980-02-02', 61),
} as const;

interface WarningLine {
  rule: string;
  subject: string;
  region: string | null;
  measured: number | null;
  threshold: number | null;
}

describe.each(dialects)('the default rules on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());
  beforeEach(async () => clearMonitoringData(store.knex));

  /** A 低保 household: the recipient and spouse enrolled, their child a member. */
  const addRecipientHousehold = (extra: { disabledSpouse?: boolean } = {}) =>
    addHousehold(store.knex, village, [
      { idNumber: people.recipient, name: '马建国', enrolment: { category: '120', startDate: '2023-01-01' } },
      { idNumber: people.spouse, name: '丁秀兰', enrolment: { category: '120', startDate: '2023-01-01' }, ...(extra.disabledSpouse ? { disabilityGrade: '1' } : {}) },
      { idNumber: people.child, name: '马小军' },
    ]);

  const compare = (period = '2024-05', mode: 'full' | 'incremental' = 'full'): Promise<ComparisonReport> =>
    runComparison(store, { period, mode, rules, actor: commandLineActor('test'), today: '2024-06-05', dueDate: (day, n) => addWorkingDays(calendar, day, n) });

  const warnings = async (): Promise<WarningLine[]> => {
    const rows = await withSubjects(store.knex, await store.knex('warnings').select('rule_id', 'subject_cipher', 'region_code', 'measured', 'threshold'));
    return rows.map((row) => ({
      rule: row.rule_id, subject: row.subject!, region: row.region_code,
      measured: row.measured === null ? null : Number(row.measured), threshold: row.threshold === null ? null : Number(row.threshold),
    })).sort((a, b) => a.rule.localeCompare(b.rule) || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  };
  const line = (rule: string, subject: string, region: string | null = township, measured: number | null = null, threshold: number | null = null): WarningLine =>
    ({ rule, subject, region, measured, threshold });

  it('recipient-died: a death or a cremation of a recipient with an active enrolment, and nobody else', async () => {
    await addRecipientHousehold();
    await addHousehold(store.knex, village, [{ idNumber: people.exPoor, name: '已停保', enrolment: { category: '120', startDate: '2020-01-01', endDate: '2024-04-30' } }]);
    await addFacts(store.knex, 'gongan-hukou', [
      { kind: 'person-death', idNumber: people.recipient, occurredOn: '2024-04-28', attributes: { place: '家中' } },
      { kind: 'person-death', idNumber: people.exPoor, occurredOn: '2024-04-20', attributes: {} },
      { kind: 'person-death', idNumber: people.outsider, occurredOn: '2024-05-02', attributes: {} },
    ]);
    await addFacts(store.knex, 'binzang', [{ kind: 'person-cremation', idNumber: people.recipient, occurredOn: '2024-04-30', attributes: { funeralHome: '永宁县殡仪馆' } }]);
    const report = await compare();
    expect(await warnings()).toEqual([line('recipient-died', people.recipient)]);
    expect(report.byRule['recipient-died']).toBe(1);
    // Both facts are its evidence; the deadline is 5 working days from Wednesday 5 June, across the 端午 holiday of Monday 10 June.
    const warning = await store.knex('warnings').first('id', 'due_on', 'status', 'severity', 'suggested_action');
    // 6, 7 June (Thu, Fri), the weekend, 10 June 端午, then 11, 12, 13 June.
    expect(warning).toMatchObject({ status: 'pending', severity: 'high', suggested_action: 'stop-benefit', due_on: '2024-06-13' });
    expect(Number((await store.knex('warning_evidence').where('warning_id', warning.id).count({ n: '*' }).first())?.n)).toBe(2);
  });

  it('recipient-moved-out: within three months, recipients only', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'gongan-hukou', [
      { kind: 'person-moved-out', idNumber: people.spouse, occurredOn: '2024-03-15', attributes: { destination: '银川市兴庆区' } },
      { kind: 'person-moved-out', idNumber: people.child, occurredOn: '2024-05-15', attributes: {} },
      { kind: 'person-moved-out', idNumber: people.recipient, occurredOn: '2023-12-31', attributes: {} },
    ]);
    await compare();
    expect(await warnings()).toEqual([line('recipient-moved-out', people.spouse)]);
  });

  it('recipient-household-vehicle: any member’s vehicle, unless a disabled person’s vehicle', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'gongan-vehicles', [
      { kind: 'vehicle-registered', idNumber: people.child, occurredOn: '2019-03-02', attributes: { plate: '宁A12345', vehicleType: '小型普通客车' } },
      { kind: 'vehicle-registered', idNumber: people.recipient, occurredOn: '2021-06-01', attributes: { plate: '宁A54321', vehicleType: '残疾人专用车' } },
      { kind: 'vehicle-registered', idNumber: people.outsider, occurredOn: '2020-01-01', attributes: { plate: '宁A00001', vehicleType: '小型普通客车' } },
    ]);
    const report = await compare();
    expect(await warnings()).toEqual([line('recipient-household-vehicle', people.child)]);
    expect(report.details['recipient-household-vehicle']).toEqual({ raised: 1, exempted: 1, suppressed: 0 });
  });

  it('recipient-household-vehicle: exempt when a member has a grade 1–2 disability (seed 001)', async () => {
    await addRecipientHousehold({ disabledSpouse: true });
    await addFacts(store.knex, 'gongan-vehicles', [{ kind: 'vehicle-registered', idNumber: people.recipient, occurredOn: '2019-03-02', attributes: { vehicleType: '小型普通客车' } }]);
    const report = await compare();
    expect(await warnings()).toEqual([]);
    expect(report.details['recipient-household-vehicle']).toEqual({ raised: 0, exempted: 1, suppressed: 0 });
  });

  it('reports a standing fact once: the same vehicle raises nothing in the next month’s run', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'gongan-vehicles', [{ kind: 'vehicle-registered', idNumber: people.child, occurredOn: '2019-03-02', attributes: {} }]);
    expect((await compare('2024-05')).warnings).toBe(1);
    await store.knex('warnings').update({ status: 'resolved', outcome: 'no-change', resolved_on: '2024-06-06' });
    expect((await compare('2024-06')).warnings).toBe(0);
    expect((await compare('2024-05')).warnings).toBe(0);
  });

  it('recipient-household-non-residential-property: shops and offices, not homes', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'budongchan', [
      { kind: 'real-estate', idNumber: people.recipient, occurredOn: '2015-01-01', attributes: { residential: true, areaSquareMetres: 80 } },
      { kind: 'real-estate', idNumber: people.spouse, occurredOn: '2018-01-01', attributes: { residential: false, areaSquareMetres: 40 } },
    ]);
    await compare();
    expect(await warnings()).toEqual([line('recipient-household-non-residential-property', people.spouse)]);
  });

  it('recipient-household-housing-above-threshold: residential area per member above 60 m²', async () => {
    await addRecipientHousehold();
    // 3 members: 150.5 + 40 = 190.5 m², 63.5 per member > 60.
    await addFacts(store.knex, 'budongchan', [
      { kind: 'real-estate', idNumber: people.recipient, occurredOn: '2015-01-01', attributes: { residential: true, areaSquareMetres: 150.5 } },
      { kind: 'real-estate', idNumber: people.spouse, occurredOn: '2016-01-01', attributes: { residential: true, areaSquareMetres: 40 } },
    ]);
    await compare();
    expect(await warnings()).toEqual([
      line('recipient-household-housing-above-threshold', people.recipient, township, 6350, 6000),
      line('recipient-household-housing-above-threshold', people.spouse, township, 6350, 6000),
    ]);
  });

  it('recipient-household-housing-above-threshold: 180 m² for 3 members is exactly 60 each, which is not above', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'budongchan', [{ kind: 'real-estate', idNumber: people.recipient, occurredOn: '2015-01-01', attributes: { residential: true, areaSquareMetres: 179.99 } }]);
    await compare();
    expect(await warnings()).toEqual([]);
  });

  it('recipient-household-business: any member registered as an investor or operator', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'shichang', [{ kind: 'business-registration', idNumber: people.spouse, occurredOn: '2024-02-01', attributes: { uscc: '91640121MA76XYZ12X', enterpriseName: '永宁县秀兰小吃店', role: 'operator' } }]);
    await compare();
    expect(await warnings()).toEqual([line('recipient-household-business', people.spouse)]);
  });

  it('recipient-income-above-threshold: the larger of wage and contribution base in the period, at or above 1,850 yuan', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'renshe', [
      { kind: 'employment', idNumber: people.recipient, period: '2024-05', amountFen: 200_000, attributes: { employer: '永宁县某建筑公司' } },
      { kind: 'social-insurance-contribution', idNumber: people.recipient, period: '2024-05', amountFen: 185_000, attributes: {} },
      { kind: 'employment', idNumber: people.spouse, period: '2024-05', amountFen: 184_999, attributes: {} },
      { kind: 'employment', idNumber: people.spouse, period: '2024-04', amountFen: 300_000, attributes: {} },
      { kind: 'employment', idNumber: people.outsider, period: '2024-05', amountFen: 900_000, attributes: {} },
    ]);
    await compare();
    expect(await warnings()).toEqual([line('recipient-income-above-threshold', people.recipient, township, 200_000, 185_000)]);
  });

  it('recipient-income-above-threshold: a pension and an unemployment benefit add to the wage, each month on its own', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'renshe', [
      // 1,200 yuan wage restated by a 1,300 yuan contribution base, plus a 600 yuan pension: 1,900 yuan.
      { kind: 'employment', idNumber: people.recipient, period: '2024-05', amountFen: 120_000, attributes: {} },
      { kind: 'social-insurance-contribution', idNumber: people.recipient, period: '2024-05', amountFen: 130_000, attributes: {} },
      { kind: 'pension', idNumber: people.recipient, period: '2024-05', amountFen: 60_000, attributes: { pensionType: '城乡居民基本养老保险' } },
      // 1,000 yuan unemployment benefit and a 900 yuan pension, both for May: 1,900 yuan without any wage.
      { kind: 'unemployment-benefit', idNumber: people.spouse, period: '2024-05', amountFen: 100_000, attributes: {} },
      { kind: 'pension', idNumber: people.spouse, period: '2024-05', amountFen: 90_000, attributes: {} },
      // A child's months never mix: 1,000 in April and 1,000 in May are 1,000 a month.
      { kind: 'unemployment-benefit', idNumber: people.child, period: '2024-04', amountFen: 100_000, attributes: {} },
      { kind: 'unemployment-benefit', idNumber: people.child, period: '2024-05', amountFen: 100_000, attributes: {} },
    ]);
    await compare();
    expect(await warnings()).toEqual([
      line('recipient-income-above-threshold', people.recipient, township, 190_000, 185_000),
      line('recipient-income-above-threshold', people.spouse, township, 190_000, 185_000),
    ].sort((a, b) => (a.subject < b.subject ? -1 : 1)));
  });

  it('major-illness-without-assistance: a 卫健 major illness of someone without an enrolment, in the last three months', async () => {
    await addRecipientHousehold();
    await addHousehold(store.knex, village, [{ idNumber: people.outsider, name: '王大病' }]);
    await addFacts(store.knex, 'weijian', [
      { kind: 'major-illness', idNumber: people.outsider, occurredOn: '2024-04-10', attributes: { disease: '终末期肾病' } },
      { kind: 'major-illness', idNumber: people.recipient, occurredOn: '2024-05-02', attributes: { disease: '白血病' } },
      { kind: 'major-illness', idNumber: people.exPoor, occurredOn: '2024-01-31', attributes: { disease: '肺癌' } },
    ]);
    const report = await compare();
    expect((await warnings()).filter((w) => w.rule === 'major-illness-without-assistance')).toEqual([line('major-illness-without-assistance', people.outsider)]);
    expect(report.byRule['major-illness-without-assistance']).toBe(1);
  });

  it('recipient-household-vehicle: exempt when a member is seriously ill (a major-illness fact) or disabled at grade 3 (seed 001)', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'gongan-vehicles', [{ kind: 'vehicle-registered', idNumber: people.recipient, occurredOn: '2019-03-02', attributes: { vehicleType: '小型普通客车' } }]);
    await addFacts(store.knex, 'weijian', [{ kind: 'major-illness', idNumber: people.child, occurredOn: '2023-11-02', attributes: { disease: '白血病' } }]);
    expect((await compare()).details['recipient-household-vehicle']).toEqual({ raised: 0, exempted: 1, suppressed: 0 });

    await clearMonitoringData(store.knex);
    await addHousehold(store.knex, village, [
      { idNumber: people.recipient, name: '马建国', enrolment: { category: '120', startDate: '2023-01-01' } },
      { idNumber: people.spouse, name: '丁秀兰', disabilityGrade: '3' },
    ]);
    await addFacts(store.knex, 'gongan-vehicles', [{ kind: 'vehicle-registered', idNumber: people.recipient, occurredOn: '2019-03-02', attributes: { vehicleType: '小型普通客车' } }]);
    expect((await compare()).details['recipient-household-vehicle']).toEqual({ raised: 0, exempted: 1, suppressed: 0 });

    // A county that limits the exemption to grades 1–2 (local practice) raises the warning for grade 3.
    const limited = structuredClone(rules);
    const vehicle = limited.ruleSet.rules.find((r) => r.id === 'recipient-household-vehicle')!;
    vehicle.exemptions = vehicle.exemptions!.map((e) => (e.id === 'disabled-member-treatment' ? { ...e, householdMember: { disabilityGrades: ['1', '2'] } } : e));
    const report = await runComparison(store, { period: '2024-06', mode: 'full', rules: limited, actor: commandLineActor('test'), today: '2024-07-05' });
    expect(report.details['recipient-household-vehicle']).toEqual({ raised: 1, exempted: 0, suppressed: 0 });
  });

  it('recipient-household-vehicle: a current 刚性支出困难家庭 enrolment (650) counts as a seriously ill member', async () => {
    await addHousehold(store.knex, village, [
      { idNumber: people.recipient, name: '马建国', enrolment: { category: '650', startDate: '2023-01-01' } },
      { idNumber: people.spouse, name: '丁秀兰' },
    ]);
    await addFacts(store.knex, 'gongan-vehicles', [{ kind: 'vehicle-registered', idNumber: people.spouse, occurredOn: '2019-03-02', attributes: { vehicleType: '小型普通客车' } }]);
    expect((await compare()).details['recipient-household-vehicle']).toEqual({ raised: 0, exempted: 1, suppressed: 0 });
  });

  it('recipient-household-birth: a newborn member of a recipient household, within three months; not a birth outside one', async () => {
    await addRecipientHousehold();
    await addHousehold(store.knex, village, [{ idNumber: people.outsider, name: '王某' }]);
    await addFacts(store.knex, 'gongan-hukou', [
      { kind: 'person-birth', idNumber: people.child, occurredOn: '2024-04-20', attributes: {} },
      { kind: 'person-birth', idNumber: people.outsider, occurredOn: '2024-04-20', attributes: {} },
      { kind: 'person-birth', idNumber: people.otherCountyOutsider, occurredOn: '2024-05-02', attributes: {} },
    ]);
    await compare();
    expect((await warnings()).filter((w) => w.rule === 'recipient-household-birth')).toEqual([line('recipient-household-birth', people.child)]);
  });

  it('earner-died: the death of someone without an enrolment who had a wage in the year before; not a recipient’s, not a non-earner’s', async () => {
    await addRecipientHousehold();
    await addHousehold(store.knex, village, [{ idNumber: people.outsider, name: '王劳力' }]);
    await addFacts(store.knex, 'renshe', [
      { kind: 'employment', idNumber: people.outsider, period: '2023-08', amountFen: 350_000, attributes: {} },
      { kind: 'employment', idNumber: people.recipient, period: '2024-03', amountFen: 100_000, attributes: {} },
      { kind: 'social-insurance-contribution', idNumber: people.otherCountyOutsider, period: '2023-01', amountFen: 400_000, attributes: {} },
    ]);
    await addFacts(store.knex, 'gongan-hukou', [
      { kind: 'person-death', idNumber: people.outsider, occurredOn: '2024-05-03', attributes: {} },
      { kind: 'person-death', idNumber: people.recipient, occurredOn: '2024-05-04', attributes: {} },
      // Contributions stopped 16 months before the death: no longer an earner.
      { kind: 'person-death', idNumber: people.otherCountyOutsider, occurredOn: '2024-05-05', attributes: {} },
      { kind: 'person-death', idNumber: people.exPoor, occurredOn: '2024-05-06', attributes: {} },
    ]);
    await compare();
    expect((await warnings()).filter((w) => w.rule === 'earner-died')).toEqual([line('earner-died', people.outsider)]);
  });

  it('partly-enrolled-household-in-hardship: an unenrolled member of a partly 低保 household reported in hardship (seed 004 整户纳入)', async () => {
    // The recipient and spouse hold 低保; their child does not.
    await addRecipientHousehold();
    // A whole household without any enrolment: its hardship is active discovery's, not this rule's.
    await addHousehold(store.knex, village, [{ idNumber: people.outsider, name: '王某' }]);
    await addFacts(store.knex, 'gonghui', [
      { kind: 'worker-in-hardship', idNumber: people.child, occurredOn: '2024-05-08', attributes: { hardshipType: '因病' } },
      { kind: 'worker-in-hardship', idNumber: people.spouse, occurredOn: '2024-05-08', attributes: {} },
      { kind: 'worker-in-hardship', idNumber: people.outsider, occurredOn: '2024-05-08', attributes: {} },
    ]);
    await compare();
    expect((await warnings()).filter((w) => w.rule === 'partly-enrolled-household-in-hardship')).toEqual([line('partly-enrolled-household-in-hardship', people.child)]);
  });

  it('partly-enrolled-household-in-hardship: not for an anti-poverty risk already eliminated', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'antipoverty', [{ kind: 'antipoverty-monitored', idNumber: people.child, period: '2024-05', attributes: { monitoringType: 'unstable-ex-poor', riskEliminated: true } }]);
    await compare();
    expect((await warnings()).filter((w) => w.rule === 'partly-enrolled-household-in-hardship')).toEqual([]);
  });

  it('runs in late December, its deadlines in the next year provisional, rather than failing for want of that year’s notice', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'gongan-hukou', [{ kind: 'person-death', idNumber: people.recipient, occurredOn: '2026-11-20', attributes: {} }]);
    const report = await runComparison(store, { period: '2026-11', mode: 'full', rules, actor: commandLineActor('test'), today: '2026-12-28' });
    expect(report.byRule['recipient-died']).toBe(1);
    // 29, 30, 31 December, then 2027 counted Monday to Friday: Fri 1 and Mon 4 January.
    expect(await store.knex('warnings').pluck('due_on')).toEqual(['2027-01-04']);
  });

  it('applies a county’s own threshold to the people living there', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'renshe', [{ kind: 'employment', idNumber: people.recipient, period: '2024-05', amountFen: 200_000, attributes: {} }]);
    const local = structuredClone(rules);
    local.ruleSet.regions = { [county]: { thresholds: { 'recipient-income-above-threshold': { monthlyIncome: 250_000 } } } };
    const report = await runComparison(store, { period: '2024-05', mode: 'full', rules: local, actor: commandLineActor('test'), today: '2024-06-05' });
    expect(report.byRule['recipient-income-above-threshold']).toBe(0);
    local.ruleSet.regions = { '500114': { thresholds: { 'recipient-income-above-threshold': { monthlyIncome: 250_000 } } } };
    const elsewhere = await runComparison(store, { period: '2024-05', mode: 'full', rules: local, actor: commandLineActor('test'), today: '2024-06-05' });
    expect(elsewhere.byRule['recipient-income-above-threshold']).toBe(1);
  });

  it('non-recipient-inpatient-self-pay: 12 months’ hospital self-pay ≥ 20,000 yuan, or ≥ 5,000 for the ex-poor', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'antipoverty', [{ kind: 'antipoverty-monitored', idNumber: people.exPoor, period: '2024-01', attributes: { monitoringType: 'unstable-ex-poor', riskEliminated: true } }]);
    await addFacts(store.knex, 'yibao', [
      { kind: 'medical-settlement', idNumber: people.outsider, occurredOn: '2023-05-31', amountFen: 1_500_000, attributes: { settlementType: 'inpatient' } },
      { kind: 'medical-settlement', idNumber: people.outsider, occurredOn: '2024-05-03', amountFen: 500_000, attributes: { settlementType: 'inpatient' } },
      { kind: 'medical-settlement', idNumber: people.outsider, occurredOn: '2024-05-20', amountFen: 900_000, attributes: { settlementType: 'outpatient' } },
      { kind: 'medical-settlement', idNumber: people.exPoor, occurredOn: '2024-05-03', amountFen: 500_000, attributes: { settlementType: 'inpatient' } },
      { kind: 'medical-settlement', idNumber: people.otherCountyOutsider, occurredOn: '2024-05-03', amountFen: 2_100_000, attributes: { settlementType: 'inpatient' } },
      { kind: 'medical-settlement', idNumber: people.recipient, occurredOn: '2024-05-03', amountFen: 9_000_000, attributes: { settlementType: 'inpatient' } },
    ]);
    await compare();
    // The outsider's stay of May 2023 is outside the 12 months (June 2023 – May 2024); the May outpatient bill raises
    // the outpatient rule. People outside the register go to the county that issued their ID number; one issued
    // elsewhere waits unassigned, since this store holds two counties (黔江 and 永宁).
    expect(await warnings()).toEqual([
      line('non-recipient-inpatient-self-pay', people.otherCountyOutsider, null, 2_100_000, 2_000_000),
      line('non-recipient-inpatient-self-pay', people.exPoor, county, 500_000, 500_000),
      line('non-recipient-outpatient-self-pay', people.outsider, county, 900_000, 50_000),
    ].sort((a, b) => a.rule.localeCompare(b.rule) || a.subject.localeCompare(b.subject)));
  });

  it('severe-disability-without-work: a new grade 1–2 certificate of an adult without employment or basic living', async () => {
    await addRecipientHousehold();
    const worker = idNumber(county, '1975-05-05', 71);
    await addFacts(store.knex, 'canlian', [
      { kind: 'disability-certificate', idNumber: people.outsider, occurredOn: '2024-05-10', attributes: { category: '4', grade: '2' } },
      { kind: 'disability-certificate', idNumber: worker, occurredOn: '2024-05-10', attributes: { category: '4', grade: '1' } },
      { kind: 'disability-certificate', idNumber: people.child, occurredOn: '2024-05-10', attributes: { category: '5', grade: '1' } },
      { kind: 'disability-certificate', idNumber: people.recipient, occurredOn: '2024-05-10', attributes: { category: '4', grade: '1' } },
      { kind: 'disability-certificate', idNumber: people.exPoor, occurredOn: '2024-05-10', attributes: { category: '4', grade: '3' } },
      { kind: 'disability-certificate', idNumber: people.otherCountyOutsider, occurredOn: '2023-12-10', attributes: { category: '4', grade: '1' } },
    ]);
    await addFacts(store.knex, 'renshe', [{ kind: 'employment', idNumber: worker, period: '2023-09', amountFen: 300_000, attributes: {} }]);
    await compare();
    expect(await warnings()).toEqual([line('severe-disability-without-work', people.outsider, county)]);
  });

  it('disaster-victim: anyone, within a month, due the next working day', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'yingji', [
      { kind: 'disaster-victim', idNumber: people.child, occurredOn: '2024-05-28', attributes: { disasterType: '洪涝' } },
      { kind: 'disaster-victim', idNumber: people.outsider, occurredOn: '2024-04-02', attributes: { disasterType: '冰雹' } },
      { kind: 'disaster-victim', idNumber: people.exPoor, occurredOn: '2024-03-31', attributes: { disasterType: '冰雹' } },
    ]);
    await compare();
    expect((await warnings()).filter((w) => w.rule === 'disaster-victim'))
      .toEqual([line('disaster-victim', people.outsider, county), line('disaster-victim', people.child)].sort((a, b) => a.subject.localeCompare(b.subject)));
    expect(await store.knex('warnings').where('rule_id', 'disaster-victim').pluck('due_on')).toEqual(['2024-06-06', '2024-06-06']);
    // The child is the one member of a 低保 household without 低保: the disaster also asks whether to enrol the whole household.
    expect((await warnings()).filter((w) => w.rule !== 'disaster-victim')).toEqual([line('partly-enrolled-household-in-hardship', people.child)]);
  });

  it('monitored-household-not-in-register: a monitored member whose risk is not eliminated and who holds no enrolment', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'antipoverty', [
      { kind: 'antipoverty-monitored', idNumber: people.outsider, period: '2024-05', attributes: { householdNo: '6401211001', monitoringType: 'marginal-at-risk', riskEliminated: false } },
      { kind: 'antipoverty-monitored', idNumber: people.exPoor, period: '2024-05', attributes: { householdNo: '6401211002', monitoringType: 'unstable-ex-poor', riskEliminated: true } },
      { kind: 'antipoverty-monitored', idNumber: people.recipient, period: '2024-05', attributes: { householdNo: '6401211003', monitoringType: 'sudden-hardship' } },
    ]);
    await compare();
    expect(await warnings()).toEqual([line('monitored-household-not-in-register', people.outsider, county)]);
  });

  it('student-without-education-assistance: a student of a recipient household with no education assistance in a year', async () => {
    await addRecipientHousehold();
    const otherChild = idNumber(county, '2010-01-01', 81);
    await addHousehold(store.knex, village, [
      { idNumber: idNumber(county, '1980-01-01', 82), name: '王父', enrolment: { category: '120', startDate: '2022-01-01' } },
      { idNumber: otherChild, name: '王小丽' },
    ]);
    await addFacts(store.knex, 'jiaoyu', [
      { kind: 'student-enrolled', idNumber: people.child, occurredOn: '2023-09-01', attributes: { school: '杨和镇中心小学', stage: 'primary' } },
      { kind: 'student-enrolled', idNumber: otherChild, occurredOn: '2023-09-01', attributes: { school: '永宁县第二中学', stage: 'junior-secondary' } },
      { kind: 'student-enrolled', idNumber: people.outsider, occurredOn: '2023-09-01', attributes: { stage: 'higher' } },
    ]);
    await addFacts(store.knex, 'assistance-given', [
      { kind: 'assistance-given', idNumber: otherChild, occurredOn: '2024-03-01', period: '2024-03', amountFen: 62_500, attributes: { department: 'jy', assistanceType: 'jiaoyu' } },
      { kind: 'assistance-given', idNumber: people.child, occurredOn: '2024-03-01', period: '2024-03', amountFen: 30_000, attributes: { department: 'mz', assistanceType: 'linshi' } },
    ]);
    await compare();
    expect(await warnings()).toEqual([line('student-without-education-assistance', people.child)]);
    expect(await store.knex('warnings').first('refer_to', 'suggested_action')).toEqual({ refer_to: 'jy', suggested_action: 'refer' });
  });

  it('conflicting-enrolment: the national roster has our 低保 recipient in 特困, or in another county', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'jinmin-roster', [
      { kind: 'jinmin-enrolment', idNumber: people.recipient, period: '2024-05', amountFen: 60_000, attributes: { category: '132', regionCode: '640121100' } },
      { kind: 'jinmin-enrolment', idNumber: people.spouse, period: '2024-05', amountFen: 60_000, attributes: { category: '120', regionCode: '640121100' } },
      { kind: 'jinmin-enrolment', idNumber: people.child, period: '2024-05', amountFen: 60_000, attributes: { category: '120', regionCode: '640105001' } },
    ]);
    await compare();
    // The child holds no local enrolment, so the roster's other county is no conflict of ours; the spouse matches.
    expect(await warnings()).toEqual([line('conflicting-enrolment', people.recipient, county)]);
  });

  it('recipient-related-to-staff: a member of a recipient household on the staff roster, for the county to verify', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'staff-roster', [
      { kind: 'staff-relation', idNumber: people.spouse, attributes: { unit: '杨和镇', role: 'relative', relatedIdNumber: people.outsider, relation: '姐妹' } },
      { kind: 'staff-relation', idNumber: people.outsider, attributes: { unit: '杨和镇', role: 'village-cadre' } },
    ]);
    await compare();
    expect(await warnings()).toEqual([line('recipient-related-to-staff', people.spouse, county)]);
  });

  it('deduplicates: a second run of the same period raises nothing; an incremental run looks only at new batches', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'gongan-hukou', [{ kind: 'person-death', idNumber: people.recipient, occurredOn: '2024-05-02', attributes: {} }]);
    expect(await compare()).toMatchObject({ warnings: 1, byRule: { 'recipient-died': 1 } });
    expect(await compare()).toMatchObject({ warnings: 0 });
    await addFacts(store.knex, 'binzang', [{ kind: 'person-cremation', idNumber: people.spouse, occurredOn: '2024-05-04', attributes: {} }]);
    const incremental = await compare('2024-05', 'incremental');
    expect(incremental).toMatchObject({ warnings: 1, byRule: { 'recipient-died': 1 } });
    expect(incremental.afterBatchId).not.toBeNull();
    expect((await warnings()).map((w) => w.subject)).toEqual([people.recipient, people.spouse].sort());
  });

  it('holds a new warning back while an earlier one of the same rule for the person is open', async () => {
    await addRecipientHousehold();
    await addFacts(store.knex, 'renshe', [{ kind: 'employment', idNumber: people.recipient, period: '2024-05', amountFen: 250_000, attributes: {} }]);
    expect((await compare('2024-05')).warnings).toBe(1);
    await addFacts(store.knex, 'renshe', [{ kind: 'employment', idNumber: people.recipient, period: '2024-06', amountFen: 250_000, attributes: {} }]);
    expect((await compare('2024-06')).details['recipient-income-above-threshold']).toEqual({ raised: 0, exempted: 0, suppressed: 1 });
    await store.knex('warnings').update({ status: 'resolved', outcome: 'no-change', resolved_on: '2024-06-20' });
    expect((await compare('2024-06')).details['recipient-income-above-threshold']).toEqual({ raised: 1, exempted: 0, suppressed: 0 });
  });
});
