/**
 * A month's roll against the 金民 national roster (金民工程在保对象花名册, adapters/departments/jinmin-roster.mapping.json):
 * who is paid here and not enrolled there, who is enrolled there and not paid here, and who is on both with another
 * amount or category. Pure: the caller reads both sides; households meet on the payee's blind index (persons.id_key =
 * facts.subject_key), never on a clear ID number.
 */

/** One regular line of the roll (forMonth = the month): 补发 / 追回 for earlier months are not in 金民's monthly figure. */
export interface RollSide {
  subjectKey: string;
  payeePersonId: number;
  payeeName: string;
  townshipCode: string;
  villageCode: string;
  category: string;
  totalFen: number;
}

/** One roster row (fact of kind jinmin-enrolment) for the month. */
export interface RosterSide {
  subjectKey: string;
  name: string | null;
  /** attributes.regionCode, else the ID number's region: 6, 9 or 12 digits. */
  regionCode: string;
  category: string;
  amountFen: number;
  /** The import batch: a roster imported twice counts once, from the later batch. */
  batchId: number;
}

/** 差异类型: paid here only, enrolled there only, or on both with another amount, category, or both. */
export type DifferenceKind = 'roll-only' | 'roster-only' | 'amount' | 'category' | 'amount-and-category';

export interface RollRosterDifference {
  kind: DifferenceKind;
  subjectKey: string;
  /** The household on the roll: its payee, village and categories (sorted codes), and the month's regular total. */
  roll: { payeePersonId: number; payeeName: string; townshipCode: string; villageCode: string; categories: string[]; totalFen: number } | null;
  roster: { name: string | null; regionCode: string; categories: string[]; amountFen: number } | null;
  /** Roll minus roster, in fen (a missing side counts as 0). */
  differenceFen: number;
}

/**
 * Compares the two sides per household payee. A household paid on two lines (低保 and 特困 to the same payee) is summed,
 * its categories kept together; so is a 户主 the roster lists under two categories. Differences come in the roll's
 * order of villages, the roster-only ones by their region; equal households are left out.
 */
export function reconcileRollWithRoster(roll: readonly RollSide[], roster: readonly RosterSide[]): RollRosterDifference[] {
  const paid = new Map<string, NonNullable<RollRosterDifference['roll']>>();
  for (const line of roll) {
    const held = paid.get(line.subjectKey);
    if (held) {
      held.totalFen += line.totalFen;
      if (!held.categories.includes(line.category)) held.categories = [...held.categories, line.category].sort();
      continue;
    }
    paid.set(line.subjectKey, {
      payeePersonId: line.payeePersonId, payeeName: line.payeeName, townshipCode: line.townshipCode, villageCode: line.villageCode,
      categories: [line.category], totalFen: line.totalFen,
    });
  }

  const latest = new Map<string, RosterSide>();
  for (const row of roster) {
    const key = `${row.subjectKey}|${row.category}`;
    const held = latest.get(key);
    if (!held || row.batchId > held.batchId) latest.set(key, row);
  }
  const enrolled = new Map<string, NonNullable<RollRosterDifference['roster']>>();
  for (const row of latest.values()) {
    const held = enrolled.get(row.subjectKey);
    if (held) {
      held.amountFen += row.amountFen;
      held.categories = [...held.categories, row.category].sort();
      held.name ??= row.name;
      continue;
    }
    enrolled.set(row.subjectKey, { name: row.name, regionCode: row.regionCode, categories: [row.category], amountFen: row.amountFen });
  }

  const differences: RollRosterDifference[] = [];
  for (const [subjectKey, household] of paid) {
    const there = enrolled.get(subjectKey);
    if (!there) {
      differences.push({ kind: 'roll-only', subjectKey, roll: household, roster: null, differenceFen: household.totalFen });
      continue;
    }
    const amountDiffers = household.totalFen !== there.amountFen;
    const categoryDiffers = household.categories.join(',') !== there.categories.join(',');
    if (!amountDiffers && !categoryDiffers) continue;
    differences.push({
      kind: amountDiffers && categoryDiffers ? 'amount-and-category' : amountDiffers ? 'amount' : 'category',
      subjectKey, roll: household, roster: there, differenceFen: household.totalFen - there.amountFen,
    });
  }
  const rosterOnly = [...enrolled].filter(([subjectKey]) => !paid.has(subjectKey))
    .sort(([a, x], [b, y]) => (x.regionCode < y.regionCode ? -1 : x.regionCode > y.regionCode ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const [subjectKey, there] of rosterOnly) {
    differences.push({ kind: 'roster-only', subjectKey, roll: null, roster: there, differenceFen: -there.amountFen });
  }
  return differences;
}
