import type { Knex } from 'knex';
import { coveredVillagesOn, villagesUnder } from '../store/repositories/oversight-rosters.js';
import { readTogether } from '../store/reads-together.js';

/**
 * Seed 004 §一(二): "确保每个村(社区)至少有一名社会救助协理员". A village is covered on a day when an assistant not
 * retired by then is assigned to it that day (casework/village-assistants.ts keeps the dated assignments).
 */
export interface VillageCoverage {
  townshipCode: string;
  villages: number;
  uncovered: { code: string; name: string }[];
}

/** Each township under `regionCode` with its villages and those without an assistant on `on`, townships by code. */
export async function villagesWithoutAssistant(knex: Knex, regionCode: string, on: string): Promise<VillageCoverage[]> {
  const [villages, covered] = await readTogether(knex, () => villagesUnder(knex, regionCode), () => coveredVillagesOn(knex, regionCode, on));
  const byTownship = new Map<string, VillageCoverage>();
  for (const village of villages) {
    const townshipCode = village.code.slice(0, 9);
    const entry = byTownship.get(townshipCode) ?? { townshipCode, villages: 0, uncovered: [] };
    entry.villages += 1;
    if (!covered.has(village.code)) entry.uncovered.push(village);
    byTownship.set(townshipCode, entry);
  }
  return [...byTownship.values()];
}
