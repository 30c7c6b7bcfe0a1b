import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isWithinScope } from '../../gateway/access/region-scope.js';
import { rolePolicies, roles, type Capability } from '../../gateway/access/role-policy.js';
import { sm3Hex } from '../../gateway/crypto/sm3.js';
import { columnOf, progressFormLayout } from '../../gateway/filing/progress-form.js';
import { maskIdNumber } from '../../gateway/identity/id-number.js';
import type { Role } from '../../schemas/types/index.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addFacts, idNumber, keyOf } from '../helpers/monitoring.js';

/**
 * The authorization matrix (issue 10): every route × every role × a key of the county and a key of one township ×
 * targets in the key's own township, another township of its county, and another county — plus no key, malformed
 * keys and a revoked key. What each cell must answer comes from the role policy (rolePolicies) and where the target
 * lies, not from the route: this file says which capability each route needs (`probes`), and a route of the app or of
 * openapi.yaml without a probe fails the test, so no route can be added without its cells.
 *
 * The filing round (issue 11) adds two liaison keys bound to filing units — the lead unit 民政局 (mz) at the county, and
 * 杨和镇's own unit at the township — and, for its routes that file or approve, the reach the role policy gives
 * (fileReturns, approveReturns): a target's unit is the township unit of its place.
 *
 * Invariants checked on every answer, whatever the route: nothing of a household outside the key's region (its
 * members' names) appears, and a full ID number or account number appears only to roles whose policy shows it.
 */

/** 9 October 2024, 10:00 in Shanghai: the casework dates below lie before it. */
const now = () => new Date('2024-10-09T02:00:00Z');

const places = {
  A1: { county: '640121', township: '640121100', village: '640121100200', marker: '甲一' },
  A2: { county: '640121', township: '640121101', village: '640121101200', marker: '甲二' },
  B1: { county: '500114', township: '500114001', village: '500114001001', marker: '乙一' },
} as const;
type Place = keyof typeof places;
const placeNames = Object.keys(places) as Place[];

interface Member {
  idNumber: string;
  name: string;
  account: string | null;
  phone: string | null;
}

/** What the matrix addresses in each place: one of everything a route can name. */
interface Target {
  place: Place;
  householdId: number;
  head: Member;
  spouse: Member;
  child: Member;
  warningId: number;
  discoveryId: number;
  visitId: number;
  assistantId: number;
  caseId: number;
  referralId: number;
  escalationId: number;
  applicationId: number;
  batchId: number;
  /** The place's filing unit (its township: 640121100 杨和镇 …; none exists in the other county), and its progress form filled in. */
  unit: string;
  progressForm: Buffer;
  /** A 督办 on the place's warning, addressed to its township, and a written reminder issued to it. */
  orderId: number;
  reminderId: number;
  /** A spot-check draw of the place's township (its one enrolled household) and the draw's item. */
  spotCheckId: number;
  spotCheckItemId: number;
}

interface Context {
  targets: Record<Place, Target>;
  /** A fresh number per request, for ids and amounts that must not repeat. */
  next(): number;
}

type Build = (target: Target, context: Context) => InjectOptions;
type Probe =
  /**
   * Addresses one object or region: out of the key's region it must look like nothing there — or, for an upload
   * (`rowsOutside`), take the file but reject the row about someone outside.
   */
  | { needs: Capability; target: Build; rowsOutside?: true }
  /** A list: always answered within the key's region, filtered. */
  | { needs: Capability; list: (context: Context) => InjectOptions }
  /** A run over the key's region: what it raises must lie within that region. */
  | { needs: Capability; run: (context: Context, app: TestApp) => Promise<InjectOptions>; check: (response: LightMyRequestResponse, key: Key, app: TestApp) => Promise<void> }
  | { public: true; request: () => InjectOptions };

const json = (method: 'POST' | 'PUT', url: string, payload: Record<string, unknown>): InjectOptions => ({ method, url, payload });
const get = (url: string): InjectOptions => ({ method: 'GET', url });
const csv = (rows: string[]) => `序号,姓名,公民身份号码,就诊类型,结算日期,医疗总费用,个人自付\n${rows.join('\n')}\n`;

const probes: Record<string, Probe> = {
  'GET /health': { public: true, request: () => get('/health') },
  'GET /ready': { public: true, request: () => get('/ready') },
  // Open without a key to a client on this machine; from another, as here, only an admin key reads it.
  'GET /metrics': { needs: 'readMetrics', list: () => ({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' }) },
  'GET /v1/regions': { needs: 'readFigures', list: () => get('/v1/regions?level=township') },
  'GET /v1/statistics/monitoring': { needs: 'readFigures', target: (t) => get(`/v1/statistics/monitoring?period=2024-09&region=${places[t.place].township}`) },
  'GET /v1/reports': { needs: 'readFigures', list: () => get('/v1/reports') },
  // The month's roll (issue 12). Closing and the signed document are county-wide: a township key of the right role is
  // refused them (actsFor); an open month answers 409 to the signature and the document, which only a closed roll has.
  'GET /v1/payroll/:month': { needs: 'readPersonalData', target: (t) => get(`/v1/payroll/2024-09?township=${places[t.place].township}`) },
  'POST /v1/payroll/:month/townships/:township/submission': { needs: 'submitRoll', target: (t) => ({ method: 'POST', url: `/v1/payroll/2024-09/townships/${places[t.place].township}/submission` }) },
  'POST /v1/payroll/:month/close': { needs: 'closeRoll', target: (t) => ({ method: 'POST', url: `/v1/payroll/2024-09/close?region=${places[t.place].township}` }) },
  'GET /v1/payroll/:month/signature': { needs: 'readFigures', target: (t) => get(`/v1/payroll/2024-09/signature?region=${places[t.place].township}`) },
  'GET /v1/payroll/:month/document': { needs: 'payRoll', target: (t) => get(`/v1/payroll/2024-09/document?region=${places[t.place].township}`) },
  'GET /v1/payroll/:month/bank-file': { needs: 'payRoll', target: (t) => get(`/v1/payroll/2024-09/bank-file?layout=example-delimited&region=${places[t.place].township}`) },
  'POST /v1/payroll/:month/bank-file/delivery': { needs: 'payRoll', target: (t) => json('POST', `/v1/payroll/2024-09/bank-file/delivery?region=${places[t.place].township}`, { layout: 'example-delimited', partner: 'bank' }) },
  'POST /v1/payroll/:month/bank-returns': {
    needs: 'payRoll',
    target: (t) => ({ method: 'POST', url: `/v1/payroll/2024-09/bank-returns?layout=example-delimited&region=${places[t.place].township}`, headers: { 'content-type': 'text/plain' }, payload: 'HEAD|x|0|0\n' }),
  },
  'POST /v1/self-check': { needs: 'readFigures', list: () => json('POST', '/v1/self-check', { regionCode: '640121', urban: true, members: [{ birthDate: '1950-01-01' }] }) },
  // The route lets every role in; the report decides: a table of names needs personal data (CSV, so the invariants
  // below can read what leaks).
  'GET /v1/reports/:template': { needs: 'readPersonalData', target: (t) => get(`/v1/reports/qianjiang-discovery-detail?period=2024&format=csv&region=${places[t.place].township}`) },

  'GET /v1/households': { needs: 'readPersonalData', list: () => get('/v1/households?limit=500') },
  'POST /v1/households': {
    needs: 'writeRegister',
    target: (t, c) => json('POST', '/v1/households', {
      registeredRegionCode: places[t.place].village, residenceRegionCode: places[t.place].village, address: '测试村', monthlyIncomeFen: 1,
      members: [{ idNumber: idNumber(places[t.place].county, '1990-01-01', 500 + c.next()), name: `${places[t.place].marker}新户`, relation: '02' }],
    }),
  },
  'GET /v1/households/:id': { needs: 'readPersonalData', target: (t) => get(`/v1/households/${t.householdId}`) },
  'GET /v1/persons/:idNumber': { needs: 'readPersonalData', target: (t) => get(`/v1/persons/${t.head.idNumber}`) },
  'GET /v1/persons/:idNumber/assistance-chain': { needs: 'readPersonalData', target: (t) => get(`/v1/persons/${t.head.idNumber}/assistance-chain`) },
  'POST /v1/lookups/person': { needs: 'readPersonalData', target: (t) => json('POST', '/v1/lookups/person', { idNumber: t.head.idNumber }) },
  'POST /v1/lookups/assistance-chain': { needs: 'readPersonalData', target: (t) => json('POST', '/v1/lookups/assistance-chain', { idNumber: t.head.idNumber }) },
  'GET /v1/households/:id/indices': { needs: 'readPersonalData', target: (t) => get(`/v1/households/${t.householdId}/indices?period=2024-09`) },
  'GET /v1/indices': { needs: 'readPersonalData', list: () => get('/v1/indices?period=2024-09&limit=500') },

  'POST /v1/feeds/:source/batches': {
    needs: 'importFeeds',
    rowsOutside: true,
    target: (t, c) => ({
      method: 'POST', url: '/v1/feeds/yibao/batches', headers: { 'content-type': 'text/csv' },
      payload: csv([`1,${t.head.name},${t.head.idNumber},门诊,2024-09-06,"100.00","${c.next()}.00"`]),
    }),
  },
  'GET /v1/batches/:id': { needs: 'readFeedBatches', target: (t) => get(`/v1/batches/${t.batchId}`) },
  'GET /v1/batches/:id/rejects': { needs: 'readFeedBatches', target: (t) => get(`/v1/batches/${t.batchId}/rejects`) },
  'POST /v1/comparisons': {
    needs: 'runComparisons',
    // Before each run, a fresh month in which one outsider of each county paid too much for outpatient care: a
    // nationwide run would warn both counties; a county's run only its own.
    run: async (c, app) => {
      const period = `2023-${String(c.next() % 12 + 1).padStart(2, '0')}`;
      const paid = (county: string) => ({
        kind: 'medical-settlement' as const, idNumber: idNumber(county, '1980-01-01', 700 + c.next()), occurredOn: `${period}-15`, amountFen: 90_000,
        attributes: { settlementType: 'outpatient' },
      });
      await addFacts(app.store.knex, 'yibao', [paid('640121'), paid('500114')]);
      return json('POST', '/v1/comparisons', { period });
    },
    check: async (response, key, app) => {
      const regions: string[] = await app.store.knex('warnings').where('run_id', response.json().runId).pluck('region_code');
      expect(regions.every((region) => isWithinScope(key.region, region)), `${key.role}@${key.region} raised in ${regions.join(', ')}`).toBe(true);
      if (key.region.length === 6) expect(regions).toContain(key.region);
    },
  },

  'GET /v1/warnings': { needs: 'readPersonalData', list: () => get('/v1/warnings?limit=500') },
  'GET /v1/warnings/:id': { needs: 'readPersonalData', target: (t) => get(`/v1/warnings/${t.warningId}`) },
  'POST /v1/warnings/:id/transitions': { needs: 'writeRegister', target: (t) => json('POST', `/v1/warnings/${t.warningId}/transitions`, { to: 'verifying', reason: '入户核查' }) },

  'POST /v1/discoveries': {
    needs: 'writeRegister',
    target: (t) => json('POST', '/v1/discoveries', {
      discoverer: { name: '网格员' }, townshipCode: places[t.place].township, subject: { name: `${places[t.place].marker}走访对象` },
      familySituation: '困难', suspectedAssistance: ['linshi'], discoveredOn: '2024-09-26',
    }),
  },
  'GET /v1/discoveries': { needs: 'readPersonalData', list: () => get('/v1/discoveries?limit=500') },
  'GET /v1/discoveries/:id': { needs: 'readPersonalData', target: (t) => get(`/v1/discoveries/${t.discoveryId}`) },
  'POST /v1/discoveries/:id/investigation': {
    needs: 'writeRegister', target: (t) => json('POST', `/v1/discoveries/${t.discoveryId}/investigation`, { investigator: { name: '孙民政' }, investigatedOn: '2024-09-27', findings: '核实' }),
  },
  'POST /v1/discoveries/:id/conclusion': {
    needs: 'writeRegister', target: (t) => json('POST', `/v1/discoveries/${t.discoveryId}/conclusion`, { result: 'ineligible', filing: 'observation', reason: '收入超标' }),
  },

  'POST /v1/visits': {
    needs: 'writeRegister',
    target: (t, c) => json('POST', '/v1/visits', {
      visitId: `matrix-${c.next()}`, householdId: t.householdId, visitor: { kind: 'township-staff', name: '孙民政' }, visitedOn: '2024-09-20',
      kind: 'phone', findings: '电话联系', hardshipFound: false,
    }),
  },
  'GET /v1/visits': { needs: 'readPersonalData', target: (t) => get(`/v1/visits?household=${t.householdId}`) },
  'GET /v1/visits/due': { needs: 'readPersonalData', list: () => get('/v1/visits/due?limit=500') },
  'GET /v1/visits/:id': { needs: 'readPersonalData', target: (t) => get(`/v1/visits/${t.visitId}`) },
  'POST /v1/visit-assistants': {
    needs: 'writeRegister', target: (t) => json('POST', '/v1/visit-assistants', { name: `${places[t.place].marker}协理员`, townshipCode: places[t.place].township, villages: [places[t.place].village] }),
  },
  'GET /v1/visit-assistants': { needs: 'readPersonalData', list: () => get('/v1/visit-assistants') },
  'PUT /v1/visit-assistants/:id/villages': {
    needs: 'writeRegister', target: (t) => json('PUT', `/v1/visit-assistants/${t.assistantId}/villages`, { villages: [places[t.place].village], since: '2024-09-01' }),
  },

  'GET /v1/economic-checks': { needs: 'readPersonalData', list: () => get('/v1/economic-checks?asOf=2024-10-09') },
  'GET /v1/key-group': { needs: 'readPersonalData', list: () => get('/v1/key-group') },
  'POST /v1/key-group': { needs: 'writeRegister', target: (t) => json('POST', '/v1/key-group', { householdId: t.householdId, reason: '独居老人，暂不符合救助条件' }) },
  'POST /v1/key-group/:householdId/removal': {
    // Each allowed call takes A1's household off the roster, so each first puts it back on (today, as a township would).
    needs: 'writeRegister',
    run: async (c, app) => {
      const householdId = c.targets.A1.householdId;
      const open = await app.store.knex('key_group_entries').where('household_id', householdId).whereNull('removed_on').first('id');
      if (!open) {
        await app.store.knex('key_group_entries').insert({
          household_id: householdId, township_code: places.A1.township, added_on: '2024-10-09', reason: '重新列入', added_by: 'matrix', created_at: now().toISOString(),
        });
      }
      return json('POST', `/v1/key-group/${householdId}/removal`, { reason: '已纳入低保' });
    },
    check: async (response) => expect(response.json()).toMatchObject({ removedOn: '2024-10-09', removalReason: '已纳入低保' }),
  },

  'POST /v1/referrals/cases': {
    needs: 'writeRegister',
    target: (t) => json('POST', '/v1/referrals/cases', {
      origin: { type: 'walk-in' }, subjectIdNumber: t.child.idNumber, subjectName: t.child.name, regionCode: places[t.place].township,
      ownerUnit: '社会救助服务站', summary: '来访求助', openedOn: '2024-09-27',
    }),
  },
  'GET /v1/referrals/cases/:id': { needs: 'readPersonalData', target: (t) => get(`/v1/referrals/cases/${t.caseId}`) },
  'POST /v1/referrals/cases/:id/referrals': { needs: 'writeRegister', target: (t) => json('POST', `/v1/referrals/cases/${t.caseId}/referrals`, { department: 'jy', need: '助学金', sentOn: '2024-09-30' }) },
  'POST /v1/referrals/cases/:id/escalations': { needs: 'writeRegister', target: (t) => json('POST', `/v1/referrals/cases/${t.caseId}/escalations`, { on: '2024-09-30', reason: '超出政策' }) },
  'POST /v1/referrals/cases/:id/escalations/:escalationId/decision': {
    needs: 'writeRegister', target: (t) => json('POST', `/v1/referrals/cases/${t.caseId}/escalations/${t.escalationId}/decision`, { on: '2024-10-08', decision: '给予临时救助' }),
  },
  'POST /v1/referrals/cases/:id/close': { needs: 'writeRegister', target: (t) => json('POST', `/v1/referrals/cases/${t.caseId}/close`, { on: '2024-10-08', reason: '已解决' }) },
  'GET /v1/referrals': { needs: 'readPersonalData', list: () => get('/v1/referrals?limit=500') },
  'POST /v1/referrals/:id/transitions': { needs: 'writeRegister', target: (t) => json('POST', `/v1/referrals/${t.referralId}/transitions`, { to: 'accepted', on: '2024-10-08' }) },

  'POST /v1/applications': {
    needs: 'writeRegister',
    target: (t) => json('POST', '/v1/applications', { procedure: 'dibao', category: '120', applicantIdNumber: t.child.idNumber, acceptingRegionCode: places[t.place].township, acceptedOn: '2024-09-27' }),
  },
  'GET /v1/applications': { needs: 'readPersonalData', list: () => get('/v1/applications?limit=500') },
  'GET /v1/applications/:id': { needs: 'readPersonalData', target: (t) => get(`/v1/applications/${t.applicationId}`) },
  'GET /v1/applications/:id/steps': { needs: 'readPersonalData', target: (t) => get(`/v1/applications/${t.applicationId}/steps`) },
  'POST /v1/applications/:id/steps': { needs: 'writeRegister', target: (t) => json('POST', `/v1/applications/${t.applicationId}/steps`, { step: 'check-started', on: '2024-09-30' }) },
  // 定期核查: the matrix households live where they are registered, so an allowed key is answered 422 (not applicable).
  'GET /v1/periodic-checks': { needs: 'readPersonalData', target: (t) => get(`/v1/periodic-checks?township=${places[t.place].township}&asOf=2024-10-09`) },
  'POST /v1/households/:id/periodic-checks': {
    needs: 'writeRegister', target: (t) => json('POST', `/v1/households/${t.householdId}/periodic-checks`, { checkedOn: '2024-10-08', result: 'unchanged', reason: '核查无变化' }),
  },
  'GET /v1/notices': { needs: 'readPersonalData', target: (t) => get(`/v1/notices?township=${places[t.place].township}&period=2024-09`) },

  'PUT /v1/progress/:period/:unit/:task': { needs: 'fileReturns', target: (t, c) => json('PUT', `/v1/progress/2024-09/${t.unit}/1`, { progress: `低保认定 ${c.next()} 户` }) },
  'GET /v1/progress/:period/:unit': { needs: 'readReturns', target: (t) => get(`/v1/progress/2024-09/${t.unit}`) },
  'POST /v1/progress/:period/:unit/approval': { needs: 'approveReturns', target: (t) => ({ method: 'POST', url: `/v1/progress/2024-09/${t.unit}/approval` }) },
  'POST /v1/progress/:period/:unit/reopening': { needs: 'approveReturns', target: (t) => json('POST', `/v1/progress/2024-09/${t.unit}/reopening`, { reason: '请补充' }) },
  'GET /v1/progress/:period/missing': { needs: 'readReturns', list: () => get('/v1/progress/2024-09/missing') },
  'GET /v1/progress/:period/completeness': { needs: 'readReturns', list: () => get('/v1/progress/2024-09/completeness') },
  'GET /v1/progress/:period/:unit/form.xlsx': { needs: 'readReturns', target: (t) => get(`/v1/progress/2024-09/${t.unit}/form.xlsx`) },
  'POST /v1/progress/:period/:unit/form.xlsx': {
    needs: 'fileReturns',
    target: (t) => ({ method: 'POST', url: `/v1/progress/2024-09/${t.unit}/form.xlsx`, headers: { 'content-type': xlsxType }, payload: t.progressForm }),
  },
  'PUT /v1/liaisons/:unit': {
    needs: 'fileReturns',
    target: (t) => json('PUT', `/v1/liaisons/${t.unit}`, { leader: { name: '镇长', post: '副镇长', phone: '13900000001' }, staff: { name: '民政专干', post: '干事', phone: '13900000002' } }),
  },
  'GET /v1/liaisons': { needs: 'readReturns', list: () => get('/v1/liaisons') },
  'PUT /v1/summaries/:quarter/:unit': { needs: 'fileReturns', target: (t, c) => json('PUT', `/v1/summaries/2024-Q3/${t.unit}`, { summary: `三季度小结 ${c.next()}` }) },
  'GET /v1/summaries/:quarter': { needs: 'readReturns', list: () => get('/v1/summaries/2024-Q3') },

  // Supervision (issue 13): a key of the county issues (actsFor); a township's key answers its own 督办; both read.
  'GET /v1/supervision/overdue': { needs: 'readSupervision', list: () => get('/v1/supervision/overdue') },
  'POST /v1/supervision/orders': { needs: 'superviseCasework', target: (t) => json('POST', '/v1/supervision/orders', { itemKind: 'warning', itemRef: String(t.warningId), request: '请限期办结' }) },
  'GET /v1/supervision/orders': { needs: 'readSupervision', list: () => get('/v1/supervision/orders') },
  'POST /v1/supervision/orders/:id/reason': { needs: 'answerSupervision', target: (t, c) => json('POST', `/v1/supervision/orders/${t.orderId}/reason`, { reason: `外出务工 ${c.next()}` }) },
  'POST /v1/supervision/reminders': { needs: 'superviseCasework', target: (t) => json('POST', '/v1/supervision/reminders', { township: places[t.place].township }) },
  'GET /v1/supervision/reminders': { needs: 'readSupervision', list: () => get('/v1/supervision/reminders') },
  'GET /v1/supervision/reminders/:id/document': { needs: 'readSupervision', target: (t) => get(`/v1/supervision/reminders/${t.reminderId}/document`) },
  'GET /v1/supervision/assessment': { needs: 'readSupervision', list: () => get('/v1/supervision/assessment?year=2024') },
  // Spot checks (issue 13): an admin draws and redraws (the first redraw of a target supersedes its draw, the later ones
  // answer 409); the checking office records results (again: 422 without a reason, or 409 once superseded).
  'POST /v1/spot-checks': {
    needs: 'drawSpotChecks',
    target: (t) => json('POST', '/v1/spot-checks', { regionCode: places[t.place].township, population: 'enrolled-households', period: '2024-09', size: { count: 1 } }),
  },
  'GET /v1/spot-checks': { needs: 'readPersonalData', list: () => get('/v1/spot-checks?superseded=true') },
  'GET /v1/spot-checks/:id': { needs: 'readPersonalData', target: (t) => get(`/v1/spot-checks/${t.spotCheckId}`) },
  'POST /v1/spot-checks/:id/redraw': { needs: 'drawSpotChecks', target: (t) => json('POST', `/v1/spot-checks/${t.spotCheckId}/redraw`, { reason: '矩阵测试重抽' }) },
  'POST /v1/spot-checks/:id/items/:itemId/result': {
    needs: 'recordSpotCheckResults',
    target: (t) => json('POST', `/v1/spot-checks/${t.spotCheckId}/items/${t.spotCheckItemId}/result`, { result: 'passed', checker: '核查员', checkedOn: '2024-10-09' }),
  },
};

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Key {
  role: Role;
  region: string;
  /** The filing unit a liaison key is bound to. */
  unit?: string;
  headers: { authorization: string };
}

/** The programme of the matrix's county (永宁县) and its lead unit, which approves. */
const filingCounty = '640121';
const leadUnit = 'mz';

/**
 * Whether the key may act for the target's unit, once within its region, as the role policy's reach says: file for any
 * unit, its own township's, or the one it is bound to; approve as a key over the county or bound to the lead unit.
 */
function actsFor(key: Key, needs: Capability, target: Target): boolean {
  const policy = rolePolicies[key.role];
  if (needs === 'fileReturns') {
    return policy.fileReturns === 'any-unit' || (policy.fileReturns === 'own-township' && key.region === target.unit) || (policy.fileReturns === 'bound-unit' && key.unit === target.unit);
  }
  if (needs === 'approveReturns') {
    return (policy.approveReturns === 'programme-region' && isWithinScope(key.region, filingCounty)) || (policy.approveReturns === 'bound-lead-unit' && key.unit === leadUnit);
  }
  if (needs === 'closeRoll' || needs === 'payRoll' || needs === 'superviseCasework') return key.region.length <= 6;
  return true;
}

type Outcome = 'allowed' | 'forbidden' | 'hidden' | 'unauthenticated';

function outcomeOf(response: LightMyRequestResponse): Outcome | `unexpected ${number}` {
  const status = response.statusCode;
  if (status === 401) return 'unauthenticated';
  if (status === 404 || (status === 403 && response.json().code === 'out-of-scope')) return 'hidden';
  if (status === 403) return 'forbidden';
  if (status === 200 || status === 201 || status === 409 || status === 422) return 'allowed';
  return `unexpected ${status}`;
}

describe.each(dialects)('the authorization matrix on %s', (dialect) => {
  let t: TestApp;
  let counter = 0;
  const context = { next: () => (counter += 1) } as Context;
  const keys: Key[] = [];
  const members: Member[] = [];

  async function call(request: InjectOptions, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return t.app.inject({ ...request, headers: { ...(request.headers as Record<string, string> | undefined), ...headers } });
  }

  async function created(request: InjectOptions, admin: Key): Promise<Record<string, unknown>> {
    const response = await call(request, admin.headers);
    if (response.statusCode !== 201 && response.statusCode !== 200) throw new Error(`${request.method} ${request.url}: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now });
    // /ready answers 200 only once the gateway has its own key pair.
    await t.exchange.ownKeys.generate('sm2');
    const admin: Key = { role: 'admin', region: '000000', headers: await t.authAs('admin', '000000') };
    const targets = {} as Record<Place, Target>;
    for (const [index, place] of placeNames.entries()) {
      const { county, township, village, marker } = places[place];
      const member = (birth: string, sequence: number, role: string, account: string | null, phone: string | null = null): Member =>
        ({ idNumber: idNumber(county, birth, sequence), name: `${marker}${role}`, account, phone });
      const head = member('1960-01-01', 10 + index, '户主', `62319400${String(index).padStart(11, '7')}`, `1389512${String(index).padStart(4, '4')}`);
      const spouse = member('1962-02-02', 20 + index, '配偶', null);
      const child = member('2006-03-03', 30 + index, '子女', null);
      members.push(head, spouse, child);
      const household = await created(json('POST', '/v1/households', {
        registeredRegionCode: village, residenceRegionCode: village, address: `${marker}村一组1号`, monthlyIncomeFen: 30_000,
        members: [
          { idNumber: head.idNumber, name: head.name, relation: '02', phone: head.phone, bankAccount: { bankName: '农商银行', accountNumber: head.account, accountName: head.name },
            enrolments: [{ category: '120', startDate: '2023-01-01', monthlyAmountFen: 60_000 }] },
          { idNumber: spouse.idNumber, name: spouse.name, relation: '10', enrolments: [{ category: '120', startDate: '2023-01-01', monthlyAmountFen: 60_000 }] },
          { idNumber: child.idNumber, name: child.name, relation: '20' },
        ],
      }), admin);
      const householdId = household.id as number;
      await addFacts(t.store.knex, 'gongan-hukou', [{ kind: 'person-death', idNumber: spouse.idNumber, occurredOn: '2024-09-02', attributes: {} }]);
      const discovery = await created(json('POST', '/v1/discoveries', {
        discoverer: { name: '网格员' }, townshipCode: township, subject: { idNumber: child.idNumber, name: child.name }, familySituation: '困难', suspectedAssistance: ['linshi'], discoveredOn: '2024-09-25',
      }), admin);
      const assistant = await created(json('POST', '/v1/visit-assistants', { name: `${marker}协理员`, townshipCode: township, villages: [village], since: '2024-01-01' }), admin);
      const visit = await created(json('POST', '/v1/visits', {
        visitId: `fixture-${place}`, householdId, visitor: { kind: 'village-assistant', assistantId: assistant.id, name: `${marker}协理员` }, visitedOn: '2024-09-20', kind: 'home', findings: '入户', hardshipFound: false,
      }), admin);
      const referralCase = await created(json('POST', '/v1/referrals/cases', {
        origin: { type: 'discovery', id: discovery.id }, subjectIdNumber: child.idNumber, subjectName: child.name, regionCode: township, ownerUnit: '社会救助服务站',
        summary: '高中生未享受教育救助', openedOn: '2024-09-26', referrals: [{ department: 'jy', need: '助学金', sentOn: '2024-09-26' }],
      }), admin);
      const escalated = await created(json('POST', `/v1/referrals/cases/${referralCase.id}/escalations`, { on: '2024-09-27', reason: '超出政策' }), admin);
      const application = await created(json('POST', '/v1/applications', { procedure: 'dibao', category: '120', applicantIdNumber: child.idNumber, acceptingRegionCode: township, acceptedOn: '2024-09-26' }), admin);
      const batchId = await addFacts(t.store.knex, 'yibao', [], township);
      const spotCheck = await created(json('POST', '/v1/spot-checks', { regionCode: township, population: 'enrolled-households', period: '2024-09', size: { count: 1 } }), admin);
      targets[place] = {
        place, householdId, head, spouse, child, warningId: 0, discoveryId: discovery.id as number, visitId: visit.id as number, assistantId: assistant.id as number,
        caseId: referralCase.id as number, referralId: (referralCase.referrals as { id: number }[])[0]!.id,
        escalationId: (escalated.escalations as { id: number }[])[0]!.id, applicationId: application.id as number, batchId,
        unit: township, progressForm: Buffer.alloc(0), orderId: 0, reminderId: 0,
        spotCheckId: spotCheck.id as number, spotCheckItemId: (spotCheck.items as { id: number }[])[0]!.id,
      };
    }
    for (const place of placeNames) {
      // The other county has no filing programme: its target is sent the first township's form, and must not find the unit.
      const form = await call(get(`/v1/progress/2024-09/${targets[place === 'B1' ? 'A1' : place].unit}/form.xlsx`), admin.headers);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(form.rawPayload as unknown as ArrayBuffer);
      workbook.getWorksheet(progressFormLayout.sheetName)!.getRow(progressFormLayout.firstTaskRow + 1).getCell(columnOf('progress')).value = '数据比对每月开展';
      targets[place].progressForm = Buffer.from(await workbook.xlsx.writeBuffer());
    }
    await created(json('POST', '/v1/comparisons', { period: '2024-09' }), admin);
    for (const place of placeNames) {
      const warning = await t.store.knex('warnings').where({ subject_key: keyOf(t.store.knex, targets[place].spouse.idNumber), rule_id: 'recipient-died' }).first('id');
      targets[place].warningId = warning.id;
      const { township } = places[place];
      const [order] = await t.store.knex('supervision_orders').insert({
        item_kind: 'warning', item_ref: String(warning.id), township_code: township, request: '请办结', issued_on: '2024-10-08', due_on: '2024-10-15', issued_by: 'matrix',
      }).returning('id');
      const document = Buffer.from(`书面提醒 ${place}`);
      const [reminder] = await t.store.knex('supervision_reminders').insert({
        number: `${township}督〔2024〕1号`, issued_on: '2024-10-08', township_code: township, document_sm3: sm3Hex(document), document, document_format: 'xlsx', issued_by: 'matrix',
        items: JSON.stringify([{ itemKind: 'warning', itemRef: String(warning.id), subject: targets[place].spouse.name }]),
      }).returning('id');
      targets[place].orderId = Number((order as { id: number }).id ?? order);
      targets[place].reminderId = Number((reminder as { id: number }).id ?? reminder);
    }
    context.targets = targets;
    for (const role of roles) {
      for (const region of [places.A1.county, places.A1.township]) keys.push({ role, region, headers: await t.authAs(role, region) });
    }
    for (const [region, unit] of [[places.A1.county, leadUnit], [places.A1.township, places.A1.township]] as const) {
      keys.push({ role: 'liaison', region, unit, headers: await t.authAs('liaison', region, unit) });
    }
  }, 120_000);
  afterAll(async () => t.close());

  /** Nothing of a household outside the key's region, and no full ID number or account the role may not see. */
  function expectNothingItMayNotSee(response: LightMyRequestResponse, key: Key, cell: string): void {
    const policy = rolePolicies[key.role];
    for (const place of placeNames) {
      if (!isWithinScope(key.region, places[place].township)) expect(response.body, `${cell}: shows ${place}`).not.toContain(places[place].marker);
    }
    for (const member of members) {
      if (!policy.fullIdNumber) expect(response.body, `${cell}: full ID number`).not.toContain(member.idNumber);
      if (member.account && !policy.fullBankAccount) expect(response.body, `${cell}: full account`).not.toContain(member.account);
      if (member.phone && !policy.fullPhone) expect(response.body, `${cell}: full phone`).not.toContain(member.phone);
    }
    if (!policy.readPersonalData) {
      for (const member of members) expect(response.body, `${cell}: personal data to ${key.role}`).not.toContain(member.name);
    }
  }

  it('has a probe for every route the app serves and every operation openapi.yaml documents', () => {
    const served = t.app.routeTable
      .filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS' && !route.url.startsWith('/docs'))
      .map((route) => `${route.method} ${route.url}`);
    const document = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`));
    expect([...new Set([...served, ...documented])].filter((route) => !probes[route]).sort()).toEqual([]);
    expect(Object.keys(probes).filter((route) => !served.includes(route))).toEqual([]);
  });

  it('answers every route to every role and region as the role policy and the target’s place say', async () => {
    const failures: string[] = [];
    let cells = 0;
    for (const [route, probe] of Object.entries(probes)) {
      for (const key of keys) {
        const policy = rolePolicies[key.role];
        const cases: { target: Target | null; request: InjectOptions }[] = 'public' in probe
          ? [{ target: null, request: probe.request() }]
          : 'list' in probe
            ? [{ target: null, request: probe.list(context) }]
            : 'run' in probe
              ? [{ target: null, request: await probe.run(context, t) }]
              : placeNames.map((place) => ({ target: context.targets[place], request: probe.target(context.targets[place], context) }));
        for (const { target, request } of cases) {
          const cell = `${route} as ${key.role}@${key.region}${key.unit ? `#${key.unit}` : ''}${target ? ` on ${target.place}` : ''}`;
          const response = await call(request, key.headers);
          cells += 1;
          const outside = target !== null && !isWithinScope(key.region, places[target.place].township);
          const permitted = 'public' in probe || Boolean(policy[probe.needs]);
          const expected: Outcome = !permitted ? 'forbidden'
            : outside && !('rowsOutside' in probe) ? 'hidden'
              : target !== null && 'needs' in probe && !actsFor(key, probe.needs, target) ? 'forbidden' : 'allowed';
          const actual = outcomeOf(response);
          if (actual !== expected) failures.push(`${cell}: expected ${expected}, got ${actual} ${response.body.slice(0, 160)}`);
          expectNothingItMayNotSee(response, key, cell);
          if (actual !== 'allowed') continue;
          if ('run' in probe) await probe.check(response, key, t);
          if ('rowsOutside' in probe) expect(response.json(), cell).toMatchObject(outside ? { accepted: 0, rejected: 1 } : { accepted: 1, rejected: 0 });
        }
      }
    }
    expect(failures).toEqual([]);
    // (6 roles × 2 keys + 2 unit-bound liaison keys) × (3 targets, or 1 for a list or a run): nothing was skipped.
    const perKey = Object.values(probes).reduce((sum, probe) => sum + ('target' in probe ? placeNames.length : 1), 0);
    expect(cells).toBe(perKey * keys.length);
  }, 300_000);

  it('shows each personal field in full exactly to the roles whose policy says so', async () => {
    const target = context.targets.A1;
    for (const key of keys.filter((k) => rolePolicies[k.role].readPersonalData)) {
      const policy = rolePolicies[key.role];
      const person = (await call(get(`/v1/persons/${target.head.idNumber}`), key.headers)).json();
      expect(person.idNumber).toBe(policy.fullIdNumber ? target.head.idNumber : maskIdNumber(target.head.idNumber));
      expect(person.idNumberMasked).toBe(!policy.fullIdNumber);
      expect(person.bankAccount.accountNumber).toBe(policy.fullBankAccount ? target.head.account : `***************${target.head.account!.slice(-4)}`);
      expect(person.phone).toBe(policy.fullPhone ? target.head.phone : `${target.head.phone!.slice(0, 3)}****${target.head.phone!.slice(-4)}`);
      expect(person.phoneMasked).toBe(!policy.fullPhone);
      const warning = (await call(get(`/v1/warnings/${target.warningId}`), key.headers)).json();
      expect(warning.subject.idNumber).toBe(policy.fullIdNumber ? target.spouse.idNumber : maskIdNumber(target.spouse.idNumber));
    }
  });

  it('answers 401 to every route but the public ones without a key, with a malformed key and with a revoked key', async () => {
    const revoked = await t.authAs('admin', '000000');
    const newest = await t.store.knex('api_keys').max({ id: 'id' }).first();
    await t.store.knex('api_keys').where('id', newest!.id).update({ revoked_at: now().toISOString() });
    const credentials: Record<string, Record<string, string>> = {
      'no key': {},
      'another scheme': { authorization: 'Basic YWRtaW46YWRtaW4=' },
      'a key with a space': { authorization: 'Bearer jz_abc def' },
      'an unknown key': { authorization: 'Bearer jz_0000000000000000000000000000000000000000000' },
      'a revoked key': revoked,
    };
    const failures: string[] = [];
    for (const [route, probe] of Object.entries(probes)) {
      const request = 'public' in probe ? probe.request() : 'list' in probe ? probe.list(context) : 'run' in probe ? await probe.run(context, t) : probe.target(context.targets.A1, context);
      for (const [name, headers] of Object.entries(credentials)) {
        const response = await call(request, headers);
        const expected = 'public' in probe ? 200 : 401;
        if (response.statusCode !== expected) failures.push(`${route} with ${name}: expected ${expected}, got ${response.statusCode}`);
        if (expected === 401) expect(response.json().code).toBe('unauthenticated');
        expectNothingItMayNotSee(response, { role: 'liaison', region: '000000', headers: {} as Key['headers'] }, `${route} with ${name}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
