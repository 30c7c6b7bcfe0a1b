import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeedMappings } from '../../adapters/kit/feed-mappings.js';
import { commandLineActor } from '../../gateway/access/actor.js';
import { runDemoMonth, type DemoMonthResult } from '../../gateway/demo/month/run-demo-month.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addHousehold, idNumber, keyOf, personIdOf, withSubjects } from '../helpers/monitoring.js';
import { dumpSheet } from '../helpers/sheet-dump.js';

const rules = loadRuleSet();
const period = '2024-05';
/** A Wednesday in June: the May feeds are in and May is compared. */
const today = '2024-06-12';

/** Every table the month writes to: a second run of the same month must leave each exactly as it was. */
const tables = [
  'households', 'persons', 'enrolments', 'enrolment_events', 'assistance_records', 'batches', 'facts', 'batch_rejects', 'comparison_runs',
  'warnings', 'warning_evidence', 'warning_transitions', 'home_visits', 'discovery_cases', 'referral_cases', 'referrals', 'audit_log',
  'progress_entries', 'progress_sheets', 'liaison_contacts', 'quarterly_summaries', 'spot_check_draws', 'spot_check_items', 'spot_check_results',
];

describe.each(dialects)('the demo month on %s', (dialect) => {
  let store: TestStore;
  let outDir: string;
  let first: DemoMonthResult;

  const run = (dir: string) => runDemoMonth(store, { period, outDir: dir, rules, actor: commandLineActor('demo'), today });
  const warnings = async () =>
    (await withSubjects(store.knex, await store.knex('warnings').select('rule_id', 'subject_cipher', 'status', 'outcome')))
      .map((w) => ({ rule: String(w.rule_id), subject: w.subject!, status: String(w.status), outcome: w.outcome ?? null }))
      .sort((a, b) => a.rule.localeCompare(b.rule) || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  // Taking the reports again is a read, and is logged again: the count leaves those lines out.
  const tableCounts = async () => {
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const query = store.knex(table).count({ n: '*' });
      if (table === 'audit_log') query.whereNot('action', 'report.export');
      counts[table] = Number((await query.first())?.n ?? 0);
    }
    return counts;
  };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    outDir = mkdtempSync(join(tmpdir(), 'jiuzhu-demo-month-'));
    first = await run(outDir);
  }, 120_000);
  afterAll(async () => {
    await store.dispose();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('seeds both demo counties into the empty store, as of the month’s last day', () => {
    expect(first.seeded.map((s) => ({ county: s.countyCode, households: s.households, duplicate: s.duplicate }))).toEqual([
      { county: '640121', households: 2000, duplicate: false },
      { county: '500114', households: 2000, duplicate: false },
    ]);
  });

  it('writes one file per department feed and imports each as a batch, the bad rows as rejects', async () => {
    expect(first.feeds.map((f) => f.source).sort()).toEqual([...loadFeedMappings().keys()].sort());
    expect(readdirSync(join(outDir, 'feeds')).sort()).toEqual(first.feeds.map((f) => f.fileName).sort());
    expect(first.feeds.every((f) => !f.duplicate && f.accepted > 0)).toBe(true);
    const rejected = Object.fromEntries(first.feeds.filter((f) => f.rejected > 0).map((f) => [f.source, f.rejected]));
    expect(rejected).toEqual({ 'gongan-hukou': 1, renshe: 1, yibao: 1, weijian: 1, 'assistance-given': 1 });
    const reasons = await store.keyring.decryptMany(await store.knex('batch_rejects').orderBy('id').pluck('reason_cipher'));
    expect(reasons).toHaveLength(5);
    expect(reasons.join('\n')).toMatch(/"迁入": not one of/);
    expect(reasons.join('\n')).toMatch(/scientific notation/);
    expect(reasons.join('\n')).toMatch(/"药店购药": not one of/);
    expect(reasons.join('\n')).toMatch(/病种名称 is empty/);
    expect(reasons.join('\n')).toMatch(/"团委": not one of/);
    // Department files the way departments send them: GBK where 公安, 医保, 应急 and 金民 export GBK.
    expect(readFileSync(join(outDir, 'feeds', 'hukou-changes-2024-05.csv')).includes(Buffer.from('户籍', 'utf8'))).toBe(false);
    expect(new TextDecoder('gbk').decode(readFileSync(join(outDir, 'feeds', 'hukou-changes-2024-05.csv')))).toContain('永宁县公安局户籍变动人员信息（2024年5月）');
    expect(readFileSync(join(outDir, 'feeds', 'employment-registrations-2024-05.csv')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  /**
   * The demo register enrols whole households (gateway/demo/benefit-enrolments.ts), so it holds no household only
   * partly on 低保 for partly-enrolled-household-in-hardship to find; test/engine/default-rules.test.ts covers that rule.
   */
  const notInDemo = ['partly-enrolled-household-in-hardship'];

  it('makes every default rule fire at least once, but the one the demo register has no case for', async () => {
    const fired = [...new Set((await warnings()).map((w) => w.rule))].sort();
    expect(fired).toEqual(rules.ruleSet.rules.map((r) => r.id).filter((id) => !notInDemo.includes(id)).sort());
    expect(fired).toHaveLength(18);
  });

  it('raises exactly the planted warnings: routine rows raise nothing', async () => {
    const raised = (await warnings()).map((w) => `${w.rule} ${w.subject}`);
    expect(raised).toEqual(first.planted.map((c) => `${c.ruleId} ${c.idNumber}`).sort());
    expect(first.comparison?.warnings).toBe(24);
  });

  it('raises nothing for the exempt vehicles: a severely disabled member’s household and a disabled person’s vehicle', async () => {
    expect(first.exempted.map((c) => c.exemptionId)).toEqual(['disabled-member-treatment', 'disabled-persons-vehicle']);
    const subjects = new Set((await warnings()).map((w) => w.subject));
    for (const exempt of first.exempted) expect(subjects.has(exempt.idNumber)).toBe(false);
    expect(first.comparison?.details['recipient-household-vehicle']).toEqual({ raised: 1, exempted: 2, suppressed: 0 });
  });

  it('handles a share of the warnings through the workflow: stopped, halved, included, referred, kept, under verification', async () => {
    const handled = (await warnings()).filter((w) => w.status !== 'pending').map(({ rule, status, outcome }) => ({ rule, status, outcome }));
    expect(handled).toEqual([
      { rule: 'disaster-victim', status: 'resolved', outcome: 'included' },
      { rule: 'non-recipient-inpatient-self-pay', status: 'verifying', outcome: null },
      { rule: 'recipient-died', status: 'resolved', outcome: 'stopped' },
      { rule: 'recipient-household-business', status: 'resolved', outcome: 'no-change' },
      { rule: 'recipient-household-vehicle', status: 'verifying', outcome: null },
      { rule: 'recipient-income-above-threshold', status: 'resolved', outcome: 'benefit-adjusted' },
      { rule: 'student-without-education-assistance', status: 'resolved', outcome: 'referred' },
    ]);
    expect(first.handling.notDone).toEqual([]);
    expect(first.handling.transitions).toHaveLength(12);

    const died = first.planted.find((c) => c.ruleId === 'recipient-died')!;
    const stopped = await store.knex('enrolments').where('person_id', await personIdOf(store.knex, died.idNumber)).whereNotNull('end_reason').pluck('end_reason');
    expect(stopped.some((reason: string) => reason.includes('核查停保'))).toBe(true);
    const changes = (await store.knex('enrolment_events').where('kind', 'amount-changed').pluck('detail')).map((d: string) => JSON.parse(d) as { fromFen: number; toFen: number });
    expect(changes).toHaveLength(1);
    expect(changes[0]!.toFen).toBe(Math.round(changes[0]!.fromFen / 200) * 100);

    expect(first.handling.visits).toHaveLength(1);
    expect(first.handling.visits[0]?.visitedOn).toBe(today);
    expect(first.handling.referrals.map((r) => ({ department: r.department, rule: r.ruleId }))).toEqual([{ department: 'jy', rule: 'student-without-education-assistance' }]);
    expect(first.handling.discoveryCases.map((d) => d.ruleId)).toEqual(['non-recipient-inpatient-self-pay']);
  });

  it('pushes the registered disaster victim’s warning to the demo township (杨和镇), whose demo key then sees it', async () => {
    const victim = first.planted.find((c) => c.ruleId === 'disaster-victim')!;
    expect(victim.regionCode.startsWith('640121100')).toBe(true);
    const warning = await store.knex('warnings').where({ rule_id: 'disaster-victim', subject_key: keyOf(store.knex, victim.idNumber) }).first('region_code', 'severity');
    expect(warning).toEqual({ region_code: '640121100', severity: 'high' });
  });

  it('files the county’s progress sheets of the month, due 5 June: some on time, some late, one missing', () => {
    const filing = first.summary.filing!;
    expect(filing).toMatchObject({ period, dueOn: '2024-06-05', sheetsDue: true, roster: { dueOn: '2024-06-05', onTime: 20, late: 1, missing: 2 } });
    const count = (state: string) => filing.sheets.filter((s) => s.filing === state).length;
    expect([count('on-time'), count('late'), count('missing')]).toEqual([20, 2, 1]);
    // The quarter's summaries fall on 29 and 30 June and 3 July, after the demo's today.
    expect(filing.summaries).toMatchObject({ quarter: '2024-Q2', onTime: 0, missing: 23 });
    expect(filing.notYet).toBe(3);
  });

  it('writes summary.md and summary.json, ID numbers masked', () => {
    const json = readFileSync(join(outDir, 'summary.json'), 'utf8');
    const markdown = readFileSync(join(outDir, 'summary.md'), 'utf8');
    expect(JSON.parse(json)).toEqual(first.summary);
    expect(first.summary.imported).toEqual({ files: 20, accepted: expect.any(Number), rejected: 5, skipped: expect.any(Number), newBatches: 20 });
    expect(first.summary.warnings.total).toBe(24);
    const shown = first.summary.warnings.byRule.filter((r) => !notInDemo.includes(r.ruleId));
    expect(shown.every((r) => r.count > 0 && r.example !== null && /^\d{6}\*{8}\d{3}[\dX]$/.test(r.example.idNumber))).toBe(true);
    expect(first.summary.planted.every((c) => c.raised)).toBe(true);
    expect(first.summary.exempted.every((c) => !c.raised)).toBe(true);
    for (const rule of rules.ruleSet.rules) expect(markdown).toContain(`| ${rule.id} | ${rule.title} |`);
    expect(markdown).toContain('### Rejected rows');
    // No full ID number anywhere: the summary is for passing around, the files in feeds/ are the departments'.
    expect(json).not.toMatch(/\d{17}[\dX]/);
    expect(markdown).not.toMatch(/\d{17}[\dX]/);
  });

  it('writes every report into reports/: 黔江区\'s 明细表 with its month of cases, the others for 永宁县', async () => {
    expect(first.qianjiangDiscoveries).toBe(6);
    expect(readdirSync(join(outDir, 'reports')).sort()).toEqual(first.reports.map((r) => `${r.template}.xlsx`).sort());
    expect(first.reports.map((r) => r.template)).toEqual(expect.arrayContaining(['qianjiang-discovery-detail', 'monitoring-statistics', 'urgent-hardship-weekly']));
    const qianjiang = await dumpSheet(readFileSync(join(outDir, 'reports', 'qianjiang-discovery-detail.xlsx')));
    expect(qianjiang.cells.A2).toBe('区域：重庆市黔江区　　发现时间：2024年5月');
    expect(first.reports.find((r) => r.template === 'qianjiang-discovery-detail')!.rows).toBe(6);
    expect(qianjiang.cells.I4).toBe('纳入救助范畴：城乡低保、临时救助，纳入时间：2024年5月20日');
    expect(Object.values(qianjiang.cells)).toContain('不符合救助条件');
    const cases = await store.knex('discovery_cases').where('township_code', 'like', '500114%').pluck('status');
    expect(cases.sort()).toEqual(['concluded', 'concluded', 'concluded', 'investigating', 'open', 'open']);
  });

  it('changes nothing when run again for the same month: the same files, no new batch, run, warning or step', async () => {
    const before = await tableCounts();
    const warningsBefore = await warnings();
    const againDir = mkdtempSync(join(tmpdir(), 'jiuzhu-demo-month-again-'));
    try {
      const again = await run(againDir);
      expect(await tableCounts()).toEqual(before);
      expect(await warnings()).toEqual(warningsBefore);
      expect(again.seeded).toEqual([]);
      expect(again.feeds.every((f) => f.duplicate)).toBe(true);
      expect(again.comparison).toBeNull();
      for (const file of first.feeds) {
        expect(readFileSync(join(againDir, 'feeds', file.fileName)).equals(readFileSync(join(outDir, 'feeds', file.fileName)))).toBe(true);
      }
      // The same reports, to the byte, each export logged once more with its digest.
      expect(again.reports.map((r) => [r.template, r.sm3])).toEqual(first.reports.map((r) => [r.template, r.sm3]));
      // The written reminder is the document as issued (its SM3 recorded when it was); every other report is exported again.
      const exported = again.reports.filter((r) => r.template !== 'supervision-reminder');
      expect(exported.length).toBe(again.reports.length - 1);
      const exports = await store.knex('audit_log').where('action', 'report.export').orderBy('seq', 'desc').limit(exported.length).pluck('detail');
      for (const report of exported) expect(exports.some((detail: string) => detail.includes(report.sm3))).toBe(true);
      const { feeds: _feeds, imported: _imported, comparison: _comparison, ...rest } = again.summary;
      const { feeds: _f, imported: _i, comparison: _c, ...firstRest } = first.summary;
      expect(rest).toEqual(firstRest);
    } finally {
      rmSync(againDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.each(dialects)('the demo month’s refusals on %s', (dialect) => {
  let store: TestStore;
  const outDir = join(tmpdir(), 'jiuzhu-demo-month-refused');

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());

  it('refuses a month that has not ended', async () => {
    await expect(runDemoMonth(store, { period: '2024-06', outDir, rules, actor: commandLineActor('demo'), today })).rejects.toThrow('2024-06 has not ended yet (today is 2024-06-12)');
    await expect(runDemoMonth(store, { period: '2024-5', outDir, rules, actor: commandLineActor('demo'), today })).rejects.toThrow('YYYY-MM');
  });

  it('refuses a register holding households the demo did not seed, and writes nothing', async () => {
    await addHousehold(store.knex, '640121100200', [{ idNumber: idNumber('640121', '1970-03-05', 11), name: '马建国', enrolment: { category: '120', startDate: '2023-01-01' } }]);
    await expect(runDemoMonth(store, { period, outDir, rules, actor: commandLineActor('demo'), today })).rejects.toThrow('the register holds 1 households that the demo did not seed');
    expect(Number((await store.knex('batches').count({ n: '*' }).first())?.n)).toBe(0);
  });
});
