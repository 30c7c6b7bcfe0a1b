import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildMonthlyChangeSet, type ChangeRecord, type MonthlyChangeSet } from '../../../adapters/jinmin/change-set.js';
import { queueMonthlyChangeSet } from '../../../adapters/jinmin/export-change-set.js';
import { resolveFieldMapping } from '../../../adapters/jinmin/field-mapping.js';
import { buildChangeSetPackage, renderChangesXml, sealChangeSetPackage, yuan } from '../../../adapters/jinmin/package.js';
import { commandLineActor } from '../../../gateway/access/actor.js';
import { exchangeConfigFrom } from '../../../gateway/config.js';
import { bufferSource } from '../../../gateway/crypto/byte-source.js';
import { sm3Hex } from '../../../gateway/crypto/sm3.js';
import { createDeliveryQueue, type DeliveryQueueOptions } from '../../../gateway/deliveries/delivery-queue.js';
import { createHttpTransport } from '../../../gateway/deliveries/http-transport.js';
import { createResealer } from '../../../gateway/deliveries/reseal.js';
import { seedDemoCounty } from '../../../gateway/demo/seed-county.js';
import { computeCheckCharacter } from '../../../gateway/identity/id-number.js';
import { createExchange, type Exchange } from '../../../gateway/keystore/exchange.js';
import { keyringOf } from '../../../gateway/store/personal-data.js';
import { dialects, openTestStore, type TestStore } from '../../helpers/dialects.js';
import { keyOf } from '../../helpers/monitoring.js';
import { startSimulatedJinmin, type SimulatedJinmin } from '../../helpers/simulated-jinmin.js';

const run = promisify(execFile);
const county = '640121';
const village = '640121001001';
const otherCountyVillage = '500114001001';
const iso = (instant: string) => new Date(instant).toISOString();

interface EnrolmentSpec {
  household: string;
  person: string;
  category: string;
  start: string;
  end?: string;
  endReason?: string;
  amountFen: number | null;
  events?: { kind: string; at: string; detail?: Record<string, unknown> }[];
}

/**
 * A small register written row by row, with every event's time chosen, so each enrolment tests one rule. Household
 * numbers sort A, B, C, D; E lies in another county.
 */
async function insertRegister(knex: Knex, specs: Record<string, EnrolmentSpec>) {
  const now = new Date().toISOString();
  const households = new Map<string, number>();
  const persons = new Map<string, { id: number; idNumber: string; name: string; relation: string }>();
  const enrolments: Record<string, number> = {};
  let serial = 0;
  for (const [key, spec] of Object.entries(specs)) {
    let householdId = households.get(spec.household);
    const region = spec.household === 'E' ? otherCountyVillage : village;
    if (householdId === undefined) {
      const [row] = await knex('households').insert({
        household_no: `${region.slice(0, 6)}00000${'ABCDE'.indexOf(spec.household) + 1}`, registered_region: region, residence_region: region,
        address: `${spec.household}组1号`, created_at: now, updated_at: now,
      }).returning('id');
      householdId = (row as { id: number }).id;
      households.set(spec.household, householdId);
    }
    serial += 1;
    const first17 = `${region.slice(0, 6)}19700101${String(serial).padStart(3, '0')}`;
    const person = { idNumber: first17 + computeCheckCharacter(first17), name: `测试${spec.person}`, relation: persons.size === 0 ? '02' : '10' };
    const [personRow] = await knex('persons').insert({
      household_id: householdId, id_key: keyOf(knex, person.idNumber), id_cipher: keyringOf(knex).encrypt(person.idNumber), name: person.name, gender: '1',
      birth_date: '1970-01-01', relation: person.relation, created_at: now, updated_at: now,
    }).returning('id');
    persons.set(spec.person, { id: (personRow as { id: number }).id, ...person });
    const [enrolmentRow] = await knex('enrolments').insert({
      person_id: (personRow as { id: number }).id, household_id: householdId, category: spec.category, region_code: region, start_date: spec.start,
      end_date: spec.end ?? null, end_reason: spec.endReason ?? null, monthly_amount_fen: spec.amountFen, created_at: now, updated_at: now,
    }).returning('id');
    const enrolmentId = (enrolmentRow as { id: number }).id;
    enrolments[key] = enrolmentId;
    for (const event of spec.events ?? []) {
      await knex('enrolment_events').insert({ enrolment_id: enrolmentId, kind: event.kind, at: iso(event.at), actor: 'test', detail: JSON.stringify(event.detail ?? {}) });
    }
  }
  return { persons, enrolments };
}

/** Each enrolment is one rule; the comment says what May 2026's change set must do with it. */
const register: Record<string, EnrolmentSpec> = {
  // new: started in May, recorded in May. Its amount changed in June, so May reports the amount before.
  startedInMay: { household: 'A', person: 'A1', category: '120', start: '2026-05-01', amountFen: 66_000, events: [
    { kind: 'started', at: '2026-05-03T02:00:00Z' },
    { kind: 'amount-changed', at: '2026-06-10T02:00:00Z', detail: { fromFen: 64_000, toFen: 66_000 } },
  ] },
  // new: approved in May, backdated to April — April's set had already gone, so May must carry it.
  backdated: { household: 'A', person: 'A2', category: '120', start: '2026-04-15', amountFen: 58_000, events: [{ kind: 'started', at: '2026-05-10T08:00:00Z' }] },
  // new, with its end month: started and stopped within May.
  startedAndStopped: { household: 'A', person: 'A3', category: '650', start: '2026-05-01', end: '2026-05-20', endReason: '转为低保', amountFen: null, events: [
    { kind: 'started', at: '2026-05-05T01:00:00Z' },
    { kind: 'ended', at: '2026-05-21T01:00:00Z' },
  ] },
  // nothing: recorded a millisecond before May began in Shanghai (April's set), though it starts in May.
  recordedInApril: { household: 'A', person: 'A4', category: '120', start: '2026-05-01', amountFen: 60_000, events: [{ kind: 'started', at: '2026-04-30T15:59:59.999Z' }] },
  // changed: the amount went from 700.00 to 720.00 in May.
  amountChanged: { household: 'B', person: 'B1', category: '110', start: '2025-01-01', amountFen: 72_000, events: [
    { kind: 'started', at: '2025-01-02T02:00:00Z' },
    { kind: 'amount-changed', at: '2026-05-20T02:00:00Z', detail: { fromFen: 70_000, toFen: 72_000, effectiveMonth: '2026-05' } },
  ] },
  // nothing in May: it ends 31 May, but the stop was recorded at 00:30 on 1 June Shanghai time (June's set).
  stopRecordedInJune: { household: 'B', person: 'B2', category: '132', start: '2024-03-01', end: '2026-05-31', endReason: '死亡', amountFen: 98_000, events: [
    { kind: 'started', at: '2024-03-02T02:00:00Z' },
    { kind: 'ended', at: '2026-05-31T16:30:00Z' },
  ] },
  // stopped: ended in April, but recorded at 00:30 on 1 May Shanghai time.
  lateStop: { household: 'C', person: 'C1', category: '120', start: '2023-06-01', end: '2026-04-30', endReason: '迁出', amountFen: 50_000, events: [
    { kind: 'started', at: '2023-06-01T02:00:00Z' },
    { kind: 'ended', at: '2026-04-30T16:30:00Z' },
  ] },
  // new by its date: loaded without history (no events at all).
  seededNew: { household: 'C', person: 'C2', category: '600', start: '2026-05-15', amountFen: null },
  // stopped by its date, likewise.
  seededStop: { household: 'D', person: 'D1', category: '120', start: '2022-01-01', end: '2026-05-31', endReason: '收入超标', amountFen: 45_000 },
  // nothing: started in April, no events.
  seededApril: { household: 'D', person: 'D2', category: '120', start: '2026-04-01', amountFen: 52_000 },
  // nothing: another county.
  otherCounty: { household: 'E', person: 'E1', category: '120', start: '2026-05-01', amountFen: 64_000 },
};

describe.each(dialects)('the 金民 monthly change set on %s', (dialect) => {
  let store: TestStore;
  let registerIds: Awaited<ReturnType<typeof insertRegister>>;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    registerIds = await insertRegister(store.knex, register);
  });
  afterAll(async () => store.dispose());

  function expected(key: string, change: Partial<ChangeRecord> & Pick<ChangeRecord, 'changeType' | 'startMonth'>): ChangeRecord {
    const spec = register[key]!;
    const id = registerIds.enrolments[key]!;
    const person = registerIds.persons.get(spec.person)!;
    return {
      changeId: `640121-202605-${change.changeType === 'new' ? 'N' : change.changeType === 'changed' ? 'C' : 'S'}${id}`,
      enrolmentId: id,
      category: spec.category,
      monthlyAmountFen: spec.amountFen,
      previousMonthlyAmountFen: null,
      effectiveMonth: null,
      endMonth: null,
      endReason: null,
      person: { idNumber: person.idNumber, name: person.name, relation: person.relation },
      household: { householdNo: `64012100000${'ABCDE'.indexOf(spec.household) + 1}`, regionCode: village },
      ...change,
    };
  }

  it('holds exactly the enrolments started, changed or stopped in the month, each change in the month it was recorded', async () => {
    const changeSet = await buildMonthlyChangeSet(store.knex, { countyCode: county, period: '2026-05' });
    expect(changeSet).toEqual({
      countyCode: county,
      period: '2026-05',
      counts: { new: 4, changed: 1, stopped: 2 },
      changes: [
        expected('startedInMay', { changeType: 'new', startMonth: '2026-05', monthlyAmountFen: 64_000 }),
        expected('backdated', { changeType: 'new', startMonth: '2026-04' }),
        expected('startedAndStopped', { changeType: 'new', startMonth: '2026-05', endMonth: '2026-05', endReason: '转为低保' }),
        expected('amountChanged', { changeType: 'changed', startMonth: '2025-01', monthlyAmountFen: 72_000, previousMonthlyAmountFen: 70_000, effectiveMonth: '2026-05' }),
        expected('lateStop', { changeType: 'stopped', startMonth: '2023-06', endMonth: '2026-04', endReason: '迁出' }),
        expected('seededNew', { changeType: 'new', startMonth: '2026-05' }),
        expected('seededStop', { changeType: 'stopped', startMonth: '2022-01', endMonth: '2026-05', endReason: '收入超标' }),
      ],
    });
  });

  it('puts a change recorded early on the 1st (Shanghai time) into the new month', async () => {
    const june = await buildMonthlyChangeSet(store.knex, { countyCode: county, period: '2026-06' });
    expect(june.changes.map((c) => [c.enrolmentId, c.changeType, c.monthlyAmountFen, c.previousMonthlyAmountFen, c.effectiveMonth, c.endMonth])).toEqual([
      [registerIds.enrolments.startedInMay, 'changed', 66_000, 64_000, '2026-06', null],
      [registerIds.enrolments.stopRecordedInJune, 'stopped', 98_000, null, null, '2026-05'],
    ]);
    const april = await buildMonthlyChangeSet(store.knex, { countyCode: county, period: '2026-04' });
    expect(april.changes.map((c) => c.enrolmentId)).toEqual([registerIds.enrolments.recordedInApril, registerIds.enrolments.seededApril]);
  });

  it('refuses a county code or period it cannot read', async () => {
    await expect(buildMonthlyChangeSet(store.knex, { countyCode: '6401', period: '2026-05' })).rejects.toThrow(/6 digits/);
    await expect(buildMonthlyChangeSet(store.knex, { countyCode: county, period: '2026-5' })).rejects.toThrow(/YYYY-MM/);
  });
});

describe.each(dialects)('the 金民 change set of a seeded demo county on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    await seedDemoCounty(store, commandLineActor('test'), { countyCode: county, households: 80, seed: 11, asOf: '2026-05-20' });
  });
  afterAll(async () => store.dispose());

  it('reports, for enrolments loaded without history, exactly those whose start or end date falls in the month', async () => {
    const rows: { id: number; start_date: string; end_date: string | null }[] = await store.knex('enrolments').select('id', 'start_date', 'end_date');
    const byMonth = new Map<string, number>();
    for (const row of rows) for (const date of [row.start_date, row.end_date]) if (date) byMonth.set(date.slice(0, 7), (byMonth.get(date.slice(0, 7)) ?? 0) + 1);
    // The busiest month, so the check is not vacuous.
    const [period] = [...byMonth.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    const changeSet = await buildMonthlyChangeSet(store.knex, { countyCode: county, period });
    const expectedTypes = rows
      .flatMap((row) => (row.start_date.startsWith(period) ? [[row.id, 'new']] : row.end_date?.startsWith(period) ? [[row.id, 'stopped']] : []))
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(changeSet.changes.length).toBeGreaterThan(3);
    expect(changeSet.changes.map((c) => [c.enrolmentId, c.changeType]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(expectedTypes);
    expect(changeSet.changes.every((c) => /^[0-9]{17}[0-9X]$/.test(c.person.idNumber) && c.household.regionCode.startsWith(county))).toBe(true);
  });
});

describe('the 金民 package', () => {
  const changeSet: MonthlyChangeSet = {
    countyCode: county,
    period: '2026-05',
    counts: { new: 1, changed: 1, stopped: 1 },
    changes: [
      { changeId: '640121-202605-N1', changeType: 'new', enrolmentId: 1, category: '120', monthlyAmountFen: 64_005, previousMonthlyAmountFen: null, effectiveMonth: null,
        startMonth: '2026-05', endMonth: null, endReason: null, person: { idNumber: '11010519491231002X', name: '马秀兰', relation: '02' }, household: { householdNo: 'H1', regionCode: village } },
      { changeId: '640121-202605-C2', changeType: 'changed', enrolmentId: 2, category: '110', monthlyAmountFen: 72_000, previousMonthlyAmountFen: 70_000, effectiveMonth: '2026-05',
        startMonth: '2025-01', endMonth: null, endReason: null, person: { idNumber: '44030420000229009X', name: '马晓燕', relation: '30' }, household: { householdNo: 'H1', regionCode: village } },
      { changeId: '640121-202605-S3', changeType: 'stopped', enrolmentId: 3, category: '600', monthlyAmountFen: null, previousMonthlyAmountFen: null, effectiveMonth: null,
        startMonth: '2022-01', endMonth: '2026-04', endReason: '收入<超标> & "迁出"', person: { idNumber: '640121201505060015', name: '李<四>', relation: '02' }, household: { householdNo: 'H2', regionCode: village } },
    ],
  };
  const generatedAt = new Date('2026-06-01T01:00:00.000Z');

  it('writes the change set as XML grouped by household, amounts in yuan, months as the mapping says, text escaped', () => {
    expect(renderChangesXml(changeSet, resolveFieldMapping()).toString('utf8')).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<changeSet format="jiuzhu-jinmin-change-set" version="1" countyCode="640121" period="2026-05">
  <family>
    <householdNo>H1</householdNo>
    <abax9999>640121001001</abax9999>
    <change>
      <changeId>640121-202605-N1</changeId>
      <changeType>new</changeType>
      <enrolmentId>1</enrolmentId>
      <abax6002>120</abax6002>
      <monthlyAmount>640.05</monthlyAmount>
      <abaf0028>202605</abaf0028>
      <person>
        <idNumber>11010519491231002X</idNumber>
        <name>马秀兰</name>
        <relation>02</relation>
      </person>
    </change>
    <change>
      <changeId>640121-202605-C2</changeId>
      <changeType>changed</changeType>
      <enrolmentId>2</enrolmentId>
      <abax6002>110</abax6002>
      <monthlyAmount>720.00</monthlyAmount>
      <previousMonthlyAmount>700.00</previousMonthlyAmount>
      <effectiveMonth>202605</effectiveMonth>
      <abaf0028>202501</abaf0028>
      <person>
        <idNumber>44030420000229009X</idNumber>
        <name>马晓燕</name>
        <relation>30</relation>
      </person>
    </change>
  </family>
  <family>
    <householdNo>H2</householdNo>
    <abax9999>640121001001</abax9999>
    <change>
      <changeId>640121-202605-S3</changeId>
      <changeType>stopped</changeType>
      <enrolmentId>3</enrolmentId>
      <abax6002>600</abax6002>
      <abaf0028>202201</abaf0028>
      <abaf0029>202604</abaf0029>
      <endReason>收入&lt;超标&gt; &amp; &quot;迁出&quot;</endReason>
      <person>
        <idNumber>640121201505060015</idNumber>
        <name>李&lt;四&gt;</name>
        <relation>02</relation>
      </person>
    </change>
  </family>
</changeSet>
`);
  });

  it('renames elements, month format and change-type codes from a mapping, without code', () => {
    const mapping = resolveFieldMapping({ monthFormat: 'yyyy-mm', elements: { businessCode: 'ASSISTANCE_TYPE', person: 'SAM_PEOPLE', idNumber: 'ID_CARD', name: '姓名' }, changeTypeCodes: { new: '1', changed: '2', stopped: '3' } });
    const xml = renderChangesXml(changeSet, mapping).toString('utf8');
    expect(xml).toContain('<ASSISTANCE_TYPE>120</ASSISTANCE_TYPE>');
    expect(xml).toContain('<SAM_PEOPLE>\n        <ID_CARD>11010519491231002X</ID_CARD>\n        <姓名>马秀兰</姓名>');
    expect(xml).toContain('<changeType>3</changeType>');
    expect(xml).toContain('<abaf0029>2026-04</abaf0029>');
    expect(xml).not.toContain('abax6002');
  });

  it('refuses a mapping that names two siblings alike, an element XML cannot have, or one change code twice', () => {
    expect(() => resolveFieldMapping({ elements: { name: 'idNumber' } })).toThrow(/idNumber and name are both <idNumber> inside <person>/);
    expect(() => resolveFieldMapping({ elements: { name: '1name' } })).toThrow(/\/elements\/name: must match pattern/);
    expect(() => resolveFieldMapping({ elements: { name: 'xmlName' } })).toThrow(/\/elements\/name/);
    expect(() => resolveFieldMapping({ changeTypeCodes: { new: 'N', changed: 'N' } })).toThrow(/three different codes/);
  });

  it('refuses a value XML cannot carry, naming the enrolment and not the value', () => {
    const bad = { ...changeSet, changes: [{ ...changeSet.changes[0]!, person: { ...changeSet.changes[0]!.person, name: '马\u0007秀兰' } }] };
    expect(() => renderChangesXml(bad, resolveFieldMapping())).toThrow(/^\[jinmin\] enrolment 1: name holds U\+0007, which XML cannot carry/);
  });

  it('converts fen to yuan exactly', () => {
    expect([0, 1, 99, 100, 64_005, 123_456_789].map((fen) => yuan(fen))).toEqual(['0.00', '0.01', '0.99', '1.00', '640.05', '1234567.89']);
    expect(yuan(null)).toBeUndefined();
    expect(() => yuan(-1)).toThrow(RangeError);
    expect(() => yuan(1.5)).toThrow(RangeError);
  });

  it('is a tar archive any tar opens, whose manifest lists each file’s length and SM3 and the counts', async () => {
    const changePackage = buildChangeSetPackage(changeSet, { generatedAt });
    const changes = changePackage.files[1]!.content;
    expect(changePackage.manifest).toEqual({
      format: 'jiuzhu-jinmin-change-set', version: '1', packageId: `640121-202605-${sm3Hex(changes).slice(0, 16)}`, countyCode: county, period: '2026-05',
      generatedAt: '2026-06-01T01:00:00.000Z', counts: { new: 1, changed: 1, stopped: 1, total: 3 }, files: [{ name: 'changes.xml', bytes: changes.length, sm3: sm3Hex(changes) }],
    });
    expect(changePackage.files[0]!.content.toString('utf8')).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<manifest format="jiuzhu-jinmin-change-set" version="1">
  <packageId>${changePackage.manifest.packageId}</packageId>
  <countyCode>640121</countyCode>
  <period>2026-05</period>
  <generatedAt>2026-06-01T01:00:00.000Z</generatedAt>
  <digestAlgorithm>SM3</digestAlgorithm>
  <counts new="1" changed="1" stopped="1" total="3"></counts>
  <files>
    <file name="changes.xml" bytes="${changes.length}" sm3="${sm3Hex(changes)}"></file>
  </files>
</manifest>
`);

    const dir = await mkdtemp(join(tmpdir(), 'jiuzhu-jinmin-'));
    try {
      await writeFile(join(dir, 'package.tar'), changePackage.bytes);
      const { stdout: listing } = await run('tar', ['-tvf', 'package.tar'], { cwd: dir });
      expect(listing.trim().split('\n').map((line) => line.split(/\s+/).filter((_, i) => i === 2 || i === 5).join(' '))).toEqual([
        `${changePackage.files[0]!.content.length} manifest.xml`, `${changes.length} changes.xml`,
      ]);
      const { stdout: extracted } = await run('tar', ['-xOf', 'package.tar', 'changes.xml'], { cwd: dir, encoding: 'buffer' });
      expect(sm3Hex(extracted)).toBe(changePackage.manifest.files[0]!.sm3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.each(dialects)('delivering the 金民 change set to a simulated national endpoint on %s', (dialect) => {
  let store: TestStore;
  let exchange: Exchange;
  let jinmin: SimulatedJinmin;
  let clock: Date;
  const transport = createHttpTransport({ timeoutMs: 10_000 });
  const queueWith = (options: Partial<DeliveryQueueOptions> = {}) => createDeliveryQueue({ knex: store.knex, dialect, transport, now: () => clock, ...options });

  beforeAll(async () => {
    clock = new Date();
    store = await openTestStore(dialect);
    await insertRegister(store.knex, register);
    exchange = createExchange({ knex: store.knex, config: exchangeConfigFrom({ JIUZHU_PARTY_ID: 'county-640121' }), masterKey: randomBytes(32), now: () => clock });
    await exchange.ownKeys.generate('sm2');
    jinmin = await startSimulatedJinmin({ now: () => clock });
    await jinmin.connect({ exchange, knex: store.knex });
  });
  afterAll(async () => {
    await jinmin.close();
    await store.dispose();
  });
  beforeEach(async () => {
    await store.knex('delivery_attempts').delete();
    await store.knex('deliveries').delete();
    jinmin.received.length = 0;
    jinmin.failNext(0);
  });

  it('seals a package that only the national side opens, from the county it names', async () => {
    const changePackage = buildChangeSetPackage(await buildMonthlyChangeSet(store.knex, { countyCode: county, period: '2026-05' }), { generatedAt: clock });
    const sealed = await sealChangeSetPackage(exchange, changePackage);
    expect(sealed.includes(changePackage.files[1]!.content.subarray(0, 64))).toBe(false);
    const parts: Buffer[] = [];
    const header = await jinmin.exchange.open(bufferSource(sealed), (chunk) => void parts.push(Buffer.from(chunk)), { forSource: 'jinmin-change-set' });
    expect(header).toMatchObject({ senderId: 'county-640121', recipientId: 'jinmin' });
    expect(Buffer.concat(parts).equals(changePackage.bytes)).toBe(true);
  });

  it('delivers the month’s sealed package and records the national receipt', async () => {
    const queue = queueWith();
    const { deliveryId, manifest } = await queueMonthlyChangeSet({ knex: store.knex, exchange, queue }, { countyCode: county, period: '2026-05', generatedAt: clock });
    expect(manifest.counts).toEqual({ new: 4, changed: 1, stopped: 2, total: 7 });

    expect(await queue.runDue()).toEqual({ delivered: [deliveryId], retrying: [], dead: [] });
    const delivery = (await queue.get(deliveryId))!;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, target: 'jinmin', kind: 'jinmin-change-set', period: '2026-05' });
    expect(JSON.parse(delivery.receipt!)).toEqual({ receiptId: 'JM6401212026050001', packageId: manifest.packageId, received: { new: 4, changed: 1, stopped: 2 } });

    const [received] = jinmin.received;
    expect(received).toMatchObject({ senderId: 'county-640121', packageId: manifest.packageId, manifest: { countyCode: county, period: '2026-05' } });
    const sent = await buildMonthlyChangeSet(store.knex, { countyCode: county, period: '2026-05' });
    expect(received!.changes.map((c) => [c.changeId, c.changeType, c.enrolmentId, c.idNumber, c.name])).toEqual(
      sent.changes.map((c) => [c.changeId, c.changeType, String(c.enrolmentId), c.person.idNumber, c.person.name]),
    );
    const lateStop = received!.changes.find((c) => c.changeType === 'stopped' && c.endMonth === '202604');
    expect(lateStop).toMatchObject({ businessCode: '120', monthlyAmount: '500.00', startMonth: '202306', endReason: '迁出', householdNo: '640121000003', regionCode: village });
    expect(lateStop!.idNumber).toMatch(/^64012119700101\d{3}[0-9X]$/);
  });

  it('retries while the endpoint is down and delivers on the third attempt', async () => {
    const queue = queueWith();
    jinmin.failNext(2);
    const { deliveryId } = await queueMonthlyChangeSet({ knex: store.knex, exchange, queue }, { countyCode: county, period: '2026-05', generatedAt: clock });
    expect((await queue.runDue()).retrying).toEqual([deliveryId]);
    expect((await queue.get(deliveryId))!.lastError).toMatch(/jinmin \(http:\/\/127\.0\.0\.1:\d+\/jinmin\/v1\/change-sets\) answered 503 Service Unavailable: \{"error":"unavailable","reason":"simulated outage"\}$/);
    clock = new Date(clock.getTime() + 60_000);
    expect((await queue.runDue()).retrying).toEqual([deliveryId]);
    clock = new Date(clock.getTime() + 120_000);
    expect((await queue.runDue()).delivered).toEqual([deliveryId]);
    expect(await queue.get(deliveryId)).toMatchObject({ status: 'delivered', attempts: 3, lastError: null });
    expect((await queue.attempts(deliveryId)).map((a) => a.outcome)).toEqual(['failed', 'failed', 'delivered']);
    expect(jinmin.received).toHaveLength(1);
  });

  it('has a tampered payload refused by the endpoint, dead-lettered at once (resending cannot mend it), and records why', async () => {
    const queue = queueWith({ maxAttempts: 5 });
    const changePackage = buildChangeSetPackage(await buildMonthlyChangeSet(store.knex, { countyCode: county, period: '2026-05' }), { generatedAt: clock });
    const sealed = await sealChangeSetPackage(exchange, changePackage);
    const middle = Math.floor(sealed.length / 2);
    sealed[middle] = sealed[middle]! ^ 0x01;
    const id = await queue.enqueue({ target: 'jinmin', kind: 'jinmin-change-set', period: '2026-05', payload: sealed });

    expect(await queue.runDue()).toEqual({ delivered: [], retrying: [], dead: [id] });
    const delivery = (await queue.get(id))!;
    expect(delivery).toMatchObject({ status: 'dead', attempts: 1 });
    expect(delivery.lastError).toMatch(/answered 400 Bad Request: \{"error":"tampered","reason":"the content does not match its signed digest"\}$/);
    expect(jinmin.answers.at(-1)).toEqual({ status: 400, body: { error: 'tampered', reason: 'the content does not match its signed digest' } });
    expect(jinmin.received).toEqual([]);
    expect((await queue.deadLetters()).map((d) => d.id)).toEqual([id]);
  });

  it('has the same envelope refused as a replay the second time', async () => {
    const queue = queueWith({ maxAttempts: 1 });
    const changePackage = buildChangeSetPackage(await buildMonthlyChangeSet(store.knex, { countyCode: county, period: '2026-06' }), { generatedAt: clock });
    const sealed = await sealChangeSetPackage(exchange, changePackage);
    const first = await queue.enqueue({ target: 'jinmin', kind: 'jinmin-change-set', period: '2026-06', payload: sealed });
    const again = await queue.enqueue({ target: 'jinmin', kind: 'jinmin-change-set', period: '2026-06', payload: sealed });
    expect(await queue.runDue()).toEqual({ delivered: [first], retrying: [], dead: [again] });
    expect((await queue.get(again))!.lastError).toMatch(/answered 409 Conflict: \{"error":"replayed"/);
  });

  it('cannot retry a pre-sealed package past the endpoint’s clock window, and can when it reseals on each attempt', async () => {
    const plain = queueWith();
    jinmin.failNext(1);
    const { deliveryId: stale } = await queueMonthlyChangeSet({ knex: store.knex, exchange, queue: plain }, { countyCode: county, period: '2026-05', generatedAt: clock });
    await plain.runDue();
    clock = new Date(clock.getTime() + 10 * 60_000);
    await plain.runDue();
    expect((await plain.get(stale))!.lastError).toMatch(/answered 400 Bad Request: \{"error":"stale","reason":"signed at .*, 60[01] s from our clock \(at most 300 s\)"\}$/);
    await store.knex('delivery_attempts').where({ delivery_id: stale }).delete();
    await store.knex('deliveries').where({ id: stale }).delete();

    const resealing = queueWith({ preparePayload: createResealer(exchange) });
    jinmin.failNext(1);
    const { deliveryId, manifest } = await queueMonthlyChangeSet({ knex: store.knex, exchange, queue: resealing }, { countyCode: county, period: '2026-05', generatedAt: clock, resealOnSend: true });
    const stored = await store.knex('deliveries').where({ id: deliveryId }).first('payload');
    // Stored sealed to ourselves: the national side cannot open it, and nothing sits in clear.
    await expect(jinmin.exchange.open(bufferSource(Buffer.from(stored.payload)), () => undefined)).rejects.toMatchObject({ refusal: 'wrong-recipient' });
    await resealing.runDue();
    clock = new Date(clock.getTime() + 10 * 60_000);
    expect((await resealing.runDue()).delivered).toEqual([deliveryId]);
    expect(JSON.parse((await resealing.get(deliveryId))!.receipt!)).toMatchObject({ packageId: manifest.packageId, received: { new: 4, changed: 1, stopped: 2 } });
    // Signed on the attempt that got through (signing times are whole seconds).
    expect(Date.parse(jinmin.received[0]!.signingTime)).toBe(Math.floor(clock.getTime() / 1000) * 1000);
  });

  it('acknowledges a resealed resend of a package it already has with its first receipt', async () => {
    const queue = queueWith({ preparePayload: createResealer(exchange) });
    const first = await queueMonthlyChangeSet({ knex: store.knex, exchange, queue }, { countyCode: county, period: '2026-05', generatedAt: clock, resealOnSend: true });
    const again = await queueMonthlyChangeSet({ knex: store.knex, exchange, queue }, { countyCode: county, period: '2026-05', generatedAt: clock, resealOnSend: true });
    expect((await queue.runDue()).delivered).toEqual([first.deliveryId, again.deliveryId]);
    const receipts = await Promise.all([first.deliveryId, again.deliveryId].map(async (id) => JSON.parse((await queue.get(id))!.receipt!)));
    expect(receipts[1]).toEqual({ ...receipts[0], duplicate: true });
    expect(jinmin.received).toHaveLength(1);
  });

  it('sends a province’s field names to an endpoint that expects them', async () => {
    const mapping = { elements: { businessCode: 'ASSISTANCE_TYPE', idNumber: 'ID_CARD' }, changeTypeCodes: { new: '1', changed: '2', stopped: '3' } };
    const province = await startSimulatedJinmin({ partyId: 'jinmin-ningxia', mapping: resolveFieldMapping(mapping), now: () => clock });
    try {
      await province.connect({ exchange, knex: store.knex });
      const queue = queueWith();
      const { deliveryId } = await queueMonthlyChangeSet({ knex: store.knex, exchange, queue }, { countyCode: county, period: '2026-05', mapping, partnerId: 'jinmin-ningxia', generatedAt: clock });
      expect((await queue.runDue()).delivered).toEqual([deliveryId]);
      expect(province.received[0]!.changes.filter((c) => c.changeType === 'changed')).toEqual([
        expect.objectContaining({ businessCode: '110', monthlyAmount: '720.00', previousMonthlyAmount: '700.00', effectiveMonth: '202605' }),
      ]);
    } finally {
      await province.close();
    }
  });
});
