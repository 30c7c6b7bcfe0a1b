import { defineWeightedTable, type SeededRandom, type WeightedTable } from './seeded-random.js';

export type SurnameTable = WeightedTable<string>;

/**
 * Han surnames with weights in per-mille of the population, after the Ministry of Public Security's 2020 surname
 * ranking as commonly reported (王 李 张 刘 陈 hold about 30 %; weights from memory, not the published table
 * [verify]); the long tail is cut at about 0.2 %, enough for a county of tens of thousands.
 */
export const HAN_SURNAMES = defineWeightedTable<string>([
  ['王', 71], ['李', 70], ['张', 67], ['刘', 54], ['陈', 45], ['杨', 31], ['黄', 21], ['赵', 20], ['吴', 18],
  ['周', 17], ['徐', 13], ['孙', 12], ['马', 12], ['朱', 11], ['胡', 10], ['郭', 10], ['何', 9], ['林', 9],
  ['高', 9], ['罗', 8], ['郑', 8], ['梁', 7], ['谢', 6], ['宋', 6], ['唐', 6], ['许', 5], ['韩', 5], ['邓', 5],
  ['冯', 5], ['曹', 5], ['彭', 5], ['曾', 5], ['肖', 5], ['田', 5], ['董', 5], ['潘', 4], ['袁', 4], ['蔡', 4],
  ['蒋', 4], ['余', 4], ['于', 4], ['杜', 4], ['叶', 4], ['程', 4], ['魏', 4], ['苏', 4], ['吕', 4], ['丁', 4],
  ['任', 3], ['卢', 3], ['姚', 3], ['沈', 3], ['钟', 3], ['姜', 3], ['崔', 3], ['谭', 3], ['陆', 3], ['范', 3],
  ['汪', 3], ['廖', 3], ['石', 3], ['金', 3], ['韦', 3], ['贾', 3], ['夏', 3], ['付', 3], ['方', 3], ['邹', 2],
  ['熊', 2], ['白', 2], ['孟', 2], ['秦', 2], ['邱', 2], ['侯', 2], ['江', 2], ['尹', 2], ['薛', 2], ['闫', 2],
  ['段', 2], ['雷', 2], ['龙', 2], ['黎', 2], ['史', 2], ['陶', 2], ['贺', 2], ['毛', 2], ['郝', 2], ['顾', 2],
  ['龚', 2], ['邵', 2], ['万', 2], ['覃', 2], ['武', 2], ['钱', 2], ['戴', 2], ['严', 2], ['莫', 2], ['孔', 2],
  ['向', 2], ['常', 2], ['汤', 2], ['康', 2], ['易', 2], ['乔', 2], ['赖', 2], ['文', 2],
]);

/**
 * Hui (回族) surnames of Ningxia, demo weights: 马 is by far the commonest (a third here), followed by the
 * characteristic Hui surnames 丁 海 纳 虎 哈 穆 拜 沙 and the common Han ones 杨 李 王 张.
 */
export const HUI_SURNAMES = defineWeightedTable<string>([
  ['马', 300], ['杨', 60], ['李', 50], ['丁', 45], ['海', 35], ['王', 35], ['张', 30], ['纳', 30], ['金', 25],
  ['白', 20], ['田', 18], ['苏', 18], ['刘', 15], ['冯', 15], ['虎', 12], ['哈', 10], ['穆', 10], ['周', 10],
  ['何', 10], ['韩', 10], ['拜', 8], ['沙', 8], ['洪', 8], ['罗', 8], ['锁', 6], ['黑', 6], ['撒', 5], ['妥', 5],
]);

/** Tujia (土家族) surnames of the Wuling mountains (黔江, 酉阳, 石柱), demo weights: 向 田 彭 冉 覃 are the old Tujia clans. */
export const TUJIA_SURNAMES = defineWeightedTable<string>([
  ['向', 60], ['田', 55], ['彭', 45], ['冉', 45], ['李', 45], ['张', 40], ['杨', 40], ['王', 35], ['陈', 30],
  ['刘', 25], ['罗', 25], ['何', 25], ['覃', 20], ['谢', 18], ['黄', 18], ['周', 15], ['吴', 15], ['邓', 15],
  ['龚', 12], ['郑', 12], ['程', 12], ['庞', 10], ['舒', 10], ['简', 8], ['秦', 8], ['孙', 8], ['侯', 8],
  ['万', 8], ['蒲', 8], ['余', 8], ['朱', 8], ['文', 8], ['付', 6], ['石', 6], ['钟', 6],
]);

/** Miao (苗族) surnames of south-east Chongqing and west Hunan, demo weights: 龙 吴 石 杨 麻 滕 are the characteristic ones. */
export const MIAO_SURNAMES = defineWeightedTable<string>([
  ['龙', 40], ['吴', 40], ['石', 35], ['杨', 35], ['麻', 20], ['张', 15], ['滕', 15], ['罗', 15], ['田', 15],
  ['王', 12], ['李', 12], ['陈', 10], ['黄', 10], ['侯', 8], ['施', 8], ['梁', 6], ['欧', 6], ['隆', 5], ['廖', 5],
]);

/**
 * Given-name characters by gender and generation: people born before 1980 carry the characters of their era
 * (建国, 秀英, 桂兰), younger people the later fashion (浩宇, 欣怡). The split year is approximate.
 */
const OLDER_MALE = [...'国华建明文平德志金永福荣海忠富军春贵林东生山成清学兴祥发宝财顺玉长仁义民新和庆红伟强勇刚斌兵良有才双喜全安光江正怀万元俊彪云'];
const YOUNGER_MALE = [...'浩宇杰涛鹏磊超俊凯博文轩子豪睿泽晨翔鑫阳宏飞辉亮斌旭帅智伟强龙哲铭恒志嘉航昊然一梓天佳瑞奕思诚锐明康'];
const OLDER_FEMALE = [...'秀英兰桂凤玉珍芳花梅琴云霞莲菊香淑华红荣翠美金银娥素春丽芬爱萍敏慧艳平燕月玲'];
const YOUNGER_FEMALE = [...'婷雪静丽娜敏燕丹琳洁颖倩璐欣怡梦佳雨涵萱子思悦晨可嘉诗语琪雅蕊瑶晶慧楠妍心文月若'];

const GENERATION_SPLIT_YEAR = 1980;

/**
 * Single-character given names peaked for people born 1960–1999 (about a quarter of them) and are rare before and
 * after; reduplicated names (婷婷, 欣欣) are a small fashion among younger women.
 */
function singleCharacterShare(birthYear: number): number {
  if (birthYear < 1960) return 0.1;
  if (birthYear < 2000) return 0.25;
  return 0.08;
}

export function composeGivenName(random: SeededRandom, gender: '1' | '2', birthYear: number): string {
  const younger = birthYear >= GENERATION_SPLIT_YEAR;
  const characters =
    gender === '1' ? (younger ? YOUNGER_MALE : OLDER_MALE) : younger ? YOUNGER_FEMALE : OLDER_FEMALE;
  const first = random.pick(characters);
  if (random.chance(singleCharacterShare(birthYear))) return first;
  if (gender === '2' && younger && random.chance(0.04)) return first + first;
  let second = random.pick(characters);
  if (second === first) second = random.pick(characters);
  return first + second;
}
