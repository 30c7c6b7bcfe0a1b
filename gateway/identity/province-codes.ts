/**
 * GB/T 2260 province-level codes: the first two digits of every division code, and so of ID numbers and
 * unified social credit codes. 71 is 台湾; 81 and 82 are 香港 and 澳门.
 */
export const provinceCodes: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82',
]);
