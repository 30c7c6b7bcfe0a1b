import type { CountyRegions as CountyRegionsFile } from '../../schemas/types/index.js';
import { defineWeightedTable, type SeededRandom, type WeightedTable } from './seeded-random.js';

/** A county's division list as regions/<code>.json holds it; the generator needs everything but the source note. */
export type CountyRegions = Omit<CountyRegionsFile, 'source'>;

/** A village or community (or a township listed without any) where households are registered. */
export interface CountyPlace {
  /** 12-digit village/community code, or the township's 9 digits when the list names no villages. */
  code: string;
  townshipIndex: number;
  townshipName: string;
  /** As an address writes it (王太村, 建设社区); empty when the place is a whole township. */
  villageName: string;
  /** Urban places pay 城市低保 (110) and 城市特困 (131), rural ones 120 and 132. */
  urban: boolean;
}

/**
 * 城乡分类代码 1xx is urban (111 主城区, 112 城乡结合区, 121 镇中心区, 122 镇乡结合区, 123 特殊区域), 2xx rural (210 乡中心区,
 * 220 村庄). Without the code the committee's name decides (a 村委会 is rural even under a street, a 居委会 or 社区
 * urban even in a township), and failing that the township's kind.
 */
function isUrbanPlace(townshipKind: string, committeeName: string, urbanRural: string | undefined): boolean {
  if (urbanRural) return urbanRural.startsWith('1');
  if (/村(民委员会|委会)?$/.test(committeeName)) return false;
  if (/(社区|居委会|居民委员会)$/.test(committeeName)) return true;
  return townshipKind === 'street';
}

/**
 * The statistical list names the committee (王太村委会, 梅子村村民委员会, 福宁社区居委会); an address names the place
 * (王太村, 梅子村, 福宁社区).
 */
function addressNameOf(committeeName: string): string {
  return committeeName
    .replace(/(社区)?(居民委员会|居委会)$/, '社区')
    .replace(/村(民委员会|委会)$/, '村')
    .replace(/村村$/, '村');
}

export interface CountyPlaces {
  places: readonly CountyPlace[];
  weights: WeightedTable<CountyPlace>;
  townshipCount: number;
}

/**
 * Every village and community gets about the same share of households, jittered ±50 % so that some villages
 * carry more of the register than others, as real ones do.
 */
export function listCountyPlaces(county: CountyRegions, random: SeededRandom): CountyPlaces {
  const places: CountyPlace[] = [];
  county.townships.forEach((township, townshipIndex) => {
    if (!/^\d{9}$/.test(township.code) || !township.code.startsWith(county.code)) {
      throw new RangeError(`[demo] Township "${township.name}" has code "${township.code}", not 9 digits under ${county.code}.`);
    }
    const villages = township.villages ?? [];
    if (villages.length === 0) {
      places.push({
        code: township.code,
        townshipIndex,
        townshipName: township.name,
        villageName: '',
        urban: township.kind === 'street',
      });
      return;
    }
    for (const village of villages) {
      if (!/^\d{12}$/.test(village.code) || !village.code.startsWith(township.code)) {
        throw new RangeError(`[demo] Village "${village.name}" has code "${village.code}", not 12 digits under ${township.code}.`);
      }
      places.push({
        code: village.code,
        townshipIndex,
        townshipName: township.name,
        villageName: addressNameOf(village.name),
        urban: isUrbanPlace(township.kind, village.name, village.urbanRural),
      });
    }
  });
  if (places.length === 0) throw new RangeError(`[demo] County ${county.code} lists no townships.`);
  const weights = defineWeightedTable(places.map((place) => [place, 0.5 + random.nextFloat()] as const));
  return { places, weights, townshipCount: county.townships.length };
}

/** A place in another township of the county, for households living away from their registration (一城通办). */
export function pickPlaceInAnotherTownship(
  county: CountyPlaces,
  home: CountyPlace,
  random: SeededRandom,
): CountyPlace {
  if (county.townshipCount < 2) return home;
  for (;;) {
    const place = random.pickWeighted(county.weights);
    if (place.townshipIndex !== home.townshipIndex) return place;
  }
}

const CHINESE_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五'];

const ROAD_NAMES = [
  '建设路', '人民路', '解放路', '团结路', '文化路', '新华路', '光明路', '胜利路', '和平路', '友谊路', '民族路',
  '育才路', '振兴路', '富民路', '迎宾路', '滨河路', '北环路', '南环路', '公园路', '健康路',
];

/**
 * 住址 as household registers write it: rural `杨和镇王太村三组12号` (村民小组 and house number), urban
 * `杨和镇纳家户社区建设路18号3栋2单元502室`.
 */
export function composeAddress(place: CountyPlace, random: SeededRandom): string {
  if (place.urban) {
    const floor = random.integerBetween(1, 7);
    const room = random.integerBetween(1, 4);
    return (
      `${place.townshipName}${place.villageName}${random.pick(ROAD_NAMES)}${random.integerBetween(1, 220)}号` +
      `${random.integerBetween(1, 24)}栋${random.integerBetween(1, 4)}单元${floor}0${room}室`
    );
  }
  const group = random.pick(CHINESE_NUMERALS);
  return `${place.townshipName}${place.villageName}${group}组${random.integerBetween(1, 120)}号`;
}
