import type { FamilyStructure } from './family-structures.js';
import { defineWeightedTable, type WeightedTable } from './seeded-random.js';

/**
 * Why a household is on the low-income register (国办发〔2023〕39号's categories): the current category of its
 * members. `temporary-only` households are there only because they received 临时救助 in the last year.
 */
export type RegisterCategory = 'dibao' | 'tekun' | 'edge' | 'rigid-expenditure' | 'other' | 'temporary-only';

/**
 * Household shares of a county register: 低保 households are the bulk (national 2024: about 3,990 万 低保
 * recipients, research §5, against a few million 特困 persons), 低保边缘 the next group since 2021, then 刚性支出
 * and 其他. The shares are the brief's demo proportions, not statistics of a real county.
 */
export const REGISTER_CATEGORY_SHARES: WeightedTable<RegisterCategory> = defineWeightedTable<RegisterCategory>([
  ['dibao', 55],
  ['tekun', 8],
  ['edge', 20],
  ['rigid-expenditure', 7],
  ['other', 5],
  ['temporary-only', 5],
]);

/**
 * Household shapes by category. 特困 persons are alone by definition (no one obliged to support them): lone
 * elderly or severely disabled adults. 低保 has many lone and elderly households (under two persons a household
 * nationally, from memory of the 民政 statistical bulletins [verify]);
 * the edge and expenditure categories are more often working families with children.
 */
export const STRUCTURES_BY_CATEGORY: Readonly<Record<RegisterCategory, WeightedTable<FamilyStructure>>> = {
  dibao: defineWeightedTable<FamilyStructure>([
    ['single-elderly', 17], ['single-adult', 13], ['elderly-couple', 15], ['couple-with-children', 18],
    ['single-parent', 14], ['three-generations', 13], ['grandparents-raising-grandchildren', 10],
  ]),
  tekun: defineWeightedTable<FamilyStructure>([['single-elderly', 72], ['single-adult', 28]]),
  edge: defineWeightedTable<FamilyStructure>([
    ['single-elderly', 12], ['single-adult', 8], ['elderly-couple', 20], ['couple-with-children', 26],
    ['single-parent', 10], ['three-generations', 16], ['grandparents-raising-grandchildren', 8],
  ]),
  'rigid-expenditure': defineWeightedTable<FamilyStructure>([
    ['single-elderly', 12], ['single-adult', 10], ['elderly-couple', 22], ['couple-with-children', 26],
    ['single-parent', 8], ['three-generations', 16], ['grandparents-raising-grandchildren', 6],
  ]),
  other: defineWeightedTable<FamilyStructure>([
    ['single-elderly', 10], ['single-adult', 14], ['elderly-couple', 16], ['couple-with-children', 28],
    ['single-parent', 12], ['three-generations', 14], ['grandparents-raising-grandchildren', 6],
  ]),
  'temporary-only': defineWeightedTable<FamilyStructure>([
    ['single-elderly', 10], ['single-adult', 22], ['elderly-couple', 10], ['couple-with-children', 28],
    ['single-parent', 16], ['three-generations', 10], ['grandparents-raising-grandchildren', 4],
  ]),
};

/**
 * Household monthly income per person as a share of the local 低保 standard: 低保 below it (补差 pays the gap);
 * 低保边缘 between 1 and 1.5 times it (research §5); 刚性支出 households may earn more but spend it on illness.
 */
export const INCOME_RATIO_BY_CATEGORY: Readonly<Record<RegisterCategory, readonly [number, number]>> = {
  dibao: [0, 0.8],
  tekun: [0, 0],
  edge: [1, 1.5],
  'rigid-expenditure': [0.9, 2.2],
  other: [0.7, 2],
  'temporary-only': [0.5, 2],
};
