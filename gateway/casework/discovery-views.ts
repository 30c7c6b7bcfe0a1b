import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { displayIdNumber } from '../access/masking.js';
import { requireCapability, type RolePolicy } from '../access/role-policy.js';
import { lastDayOfPeriod } from '../calendar/periods.js';
import type { Viewed } from '../register/register-views.js';
import { codeName } from '../store/reference-data/code-tables.js';
import { eventsOfDiscoveryCases, listDiscoveryCases, type DiscoveryCaseRow, type DiscoveryEventRow } from '../store/repositories/discovery-cases.js';
import { findRegions, type RegionRow } from '../store/repositories/regions.js';
import type { DiscoveryCase, DiscoveryStatus } from '../../schemas/types/index.js';
import { caseInScope } from './discovery-cases.js';
import { readTogether } from '../store/reads-together.js';

export async function viewDiscoveryCase(knex: Knex, actor: Actor, id: number): Promise<Viewed<DiscoveryCase>> {
  const policy = requireCapability(actor, 'readPersonalData', 'see casework');
  const found = await caseInScope(knex, actor, id);
  const [events, regions] = await readTogether(knex, () => eventsOfDiscoveryCases(knex, [id]), () => findRegions(knex, [found.townshipCode]));
  return { view: presentCase(found, policy, regions, events), subjectPersonIds: found.personId !== null ? [found.personId] : [], regionCode: found.townshipCode };
}

export interface DiscoveryListQuery {
  townshipCode?: string;
  status?: DiscoveryStatus;
  /** Cases discovered in this month (YYYY-MM): the month of the Qianjiang detail table they belong to. */
  period?: string;
  afterId?: number;
  limit: number;
}

export async function viewDiscoveryCases(knex: Knex, actor: Actor, query: DiscoveryListQuery): Promise<Viewed<DiscoveryCase[]>> {
  const policy = requireCapability(actor, 'readPersonalData', 'see casework');
  const rows = await listDiscoveryCases(knex, {
    scopeRegionCode: actor.regionCode,
    townshipCode: query.townshipCode,
    status: query.status,
    discoveredFrom: query.period ? `${query.period}-01` : undefined,
    discoveredTo: query.period ? lastDayOfPeriod(query.period) : undefined,
    afterId: query.afterId,
    limit: query.limit,
  });
  const [events, regions] = await readTogether(
    knex,
    () => eventsOfDiscoveryCases(knex, rows.map((r) => r.id)),
    () => findRegions(knex, rows.map((r) => r.townshipCode)),
  );
  return {
    view: rows.map((row) => presentCase(row, policy, regions, events.filter((e) => e.caseId === row.id))),
    subjectPersonIds: rows.flatMap((r) => (r.personId !== null ? [r.personId] : [])),
  };
}

function coded(codes: readonly string[]): { code: string; name: string }[] {
  return codes.map((code) => ({ code, name: codeName('assistance-type', code) ?? '' }));
}

export function presentCase(row: DiscoveryCaseRow, policy: RolePolicy, regions: ReadonlyMap<string, RegionRow>, events: readonly DiscoveryEventRow[]): DiscoveryCase {
  return {
    id: row.id,
    status: row.status,
    method: row.method,
    discoverer: { name: row.discovererName, unit: row.discovererUnit },
    township: { code: row.townshipCode, name: regions.get(row.townshipCode)?.name ?? '' },
    subject: {
      idNumber: row.subjectIdNumber === null ? null : displayIdNumber(policy, row.subjectIdNumber),
      idNumberMasked: row.subjectIdNumber !== null && !policy.fullIdNumber,
      name: row.subjectName,
      inRegister: row.personId !== null,
    },
    family: { householdId: row.householdId, memberCount: row.familyMemberCount },
    familySituation: row.familySituation,
    suspectedAssistance: coded(row.suspectedAssistance),
    discoveredOn: row.discoveredOn,
    warningId: row.warningId,
    visitId: row.visitId,
    investigation: row.investigatedOn === null ? null : {
      investigator: { name: row.investigatorName ?? '', unit: row.investigatorUnit },
      investigatedOn: row.investigatedOn,
      findings: row.investigationFindings ?? '',
    },
    conclusion: row.result === null || row.filing === null || row.concludedOn === null ? null : {
      result: row.result,
      includedOn: row.includedOn,
      includedAssistance: coded(row.includedAssistance ?? []),
      filing: row.filing,
      reason: row.filingReason ?? '',
      concludedOn: row.concludedOn,
    },
    notes: row.notes,
    events: events.map((e) => ({ from: e.from, to: e.to, by: e.by, at: e.at })),
  };
}
