import { InvalidArgumentError } from 'commander';
import { isRegionCode } from '../access/region-scope.js';

/** `--region CODE`, checked before the command opens the store. */
export function regionCodeOption(value: string): string {
  if (!isRegionCode(value)) throw new InvalidArgumentError('a region is a 6-digit county (or province, city), 9-digit township or 12-digit village code');
  return value;
}
