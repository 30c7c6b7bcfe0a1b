import { HAN_SURNAMES, HUI_SURNAMES, MIAO_SURNAMES, TUJIA_SURNAMES, type SurnameTable } from './chinese-names.js';
import { defineWeightedTable, type WeightedTable } from './seeded-random.js';

/** One ethnic group (GB/T 3304 code) in a county's population. */
export interface EthnicGroup {
  ethnicity: string;
  surnames: SurnameTable;
  /**
   * The share of marriages within the group; the other spouses are drawn from the county's mix at large. Hui
   * families marry mostly within the group; Tujia and Miao families in Qianjiang intermarry widely with each other
   * and with Han neighbours.
   */
  endogamy: number;
}

export interface EthnicMix {
  groups: WeightedTable<EthnicGroup>;
}

const HAN: EthnicGroup = { ethnicity: '01', surnames: HAN_SURNAMES, endogamy: 0.95 };
const HUI: EthnicGroup = { ethnicity: '03', surnames: HUI_SURNAMES, endogamy: 0.95 };
const TUJIA: EthnicGroup = { ethnicity: '15', surnames: TUJIA_SURNAMES, endogamy: 0.7 };
const MIAO: EthnicGroup = { ethnicity: '06', surnames: MIAO_SURNAMES, endogamy: 0.6 };
const HAN_AMONG_TUJIA: EthnicGroup = { ethnicity: '01', surnames: HAN_SURNAMES, endogamy: 0.5 };

/**
 * Household shares by county, rounded: 永宁县 about 30 % Hui; 黔江区 about 70 % Tujia and 10 % Miao (census-level
 * figures as commonly quoted, not checked against the 2020 census tables [verify]). Other counties of Ningxia take
 * the region's Hui share of about a third; every other county is taken as Han.
 */
const MIX_BY_COUNTY: Readonly<Record<string, EthnicMix>> = {
  '640121': { groups: defineWeightedTable([[HAN, 70], [HUI, 30]]) },
  '500114': { groups: defineWeightedTable([[TUJIA, 70], [MIAO, 10], [HAN_AMONG_TUJIA, 20]]) },
};

const MIX_BY_PROVINCE: Readonly<Record<string, EthnicMix>> = {
  '64': { groups: defineWeightedTable([[HAN, 65], [HUI, 35]]) },
};

const HAN_ONLY: EthnicMix = { groups: defineWeightedTable([[HAN, 1]]) };

export function ethnicMixForCounty(countyCode: string): EthnicMix {
  return MIX_BY_COUNTY[countyCode] ?? MIX_BY_PROVINCE[countyCode.slice(0, 2)] ?? HAN_ONLY;
}
