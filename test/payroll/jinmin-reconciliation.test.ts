import { describe, expect, it } from 'vitest';
import { reconcileRollWithRoster, type RollSide, type RosterSide } from '../../gateway/payroll/jinmin-reconciliation.js';

const line = (subjectKey: string, totalFen: number, category = '120', payeePersonId = 1): RollSide => ({
  subjectKey, payeePersonId, payeeName: `户主${subjectKey}`, townshipCode: '640121100', villageCode: '640121100200', category, totalFen,
});
const entry = (subjectKey: string, amountFen: number, category = '120', batchId = 1, regionCode = '640121100200'): RosterSide => ({
  subjectKey, name: `金民${subjectKey}`, regionCode, category, amountFen, batchId,
});

describe('reconcileRollWithRoster', () => {
  it('leaves out households paid the same amount in the same category on both sides', () => {
    expect(reconcileRollWithRoster([line('a', 70_000)], [entry('a', 70_000)])).toEqual([]);
  });

  it('names a household paid on the roll and missing from the roster, and one only in the roster', () => {
    const differences = reconcileRollWithRoster([line('a', 70_000)], [entry('b', 30_000)]);
    expect(differences.map((d) => [d.kind, d.subjectKey, d.differenceFen])).toEqual([['roll-only', 'a', 70_000], ['roster-only', 'b', -30_000]]);
  });

  it('tells an amount difference from a category difference and from both', () => {
    const differences = reconcileRollWithRoster(
      [line('a', 70_000), line('b', 50_000), line('c', 40_000)],
      [entry('a', 60_000), entry('b', 50_000, '110'), entry('c', 10_000, '110')],
    );
    expect(differences.map((d) => [d.kind, d.differenceFen])).toEqual([['amount', 10_000], ['category', 0], ['amount-and-category', 30_000]]);
  });

  it('sums a payee\'s 低保 and 特困 lines into one household and compares the categories together', () => {
    const differences = reconcileRollWithRoster([line('a', 70_000, '120'), line('a', 90_000, '132')], [entry('a', 70_000, '120'), entry('a', 90_000, '132')]);
    expect(differences).toEqual([]);
  });

  it('counts a roster row imported twice once, from the later batch', () => {
    const differences = reconcileRollWithRoster([line('a', 70_000)], [entry('a', 65_000, '120', 1), entry('a', 70_000, '120', 2)]);
    expect(differences).toEqual([]);
  });

  it('orders roster-only households by their region', () => {
    const differences = reconcileRollWithRoster([], [entry('x', 1, '120', 1, '640121101200'), entry('y', 1, '120', 1, '640121100200')]);
    expect(differences.map((d) => d.subjectKey)).toEqual(['y', 'x']);
  });
});
