/**
 * Bank file layouts as schema-checked data (config/bank-files/<name>.json): each paying bank's 代发 file and its 回盘,
 * so a county adds its bank's layout without code. Loaded and checked once; a bad file is refused whole with every
 * problem named by its JSON pointer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { projectPath } from '../project-files.js';
import { describeSchemaError, schemaErrorPointer, schemaValidator } from '../schema-validator.js';
import type { BankFileField, BankFileLayout, BankReturnField } from '../../schemas/types/index.js';

export type { BankFileField, BankFileLayout, BankReturnField };

export const defaultBankFilesDir = projectPath('config/bank-files');

export class BankFileLayoutError extends Error {
  constructor(file: string, problems: string[]) {
    super(`[bank-file] ${file} is not usable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'BankFileLayoutError';
  }
}

let cached: ReadonlyMap<string, BankFileLayout> | undefined;

export function loadBankFileLayouts(): ReadonlyMap<string, BankFileLayout> {
  cached ??= readBankFileLayoutsDir(defaultBankFilesDir);
  return cached;
}

export function readBankFileLayoutsDir(dir: string): Map<string, BankFileLayout> {
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const layout = readBankFileLayout(join(dir, f));
    return [layout.name, layout] as const;
  }));
}

export function readBankFileLayout(file: string): BankFileLayout {
  const name = basename(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BankFileLayoutError(name, [`not JSON: ${(error as Error).message}`]);
  }
  const layout = checkBankFileLayout(parsed, name);
  if (`${layout.name}.json` !== name) throw new BankFileLayoutError(name, [`/name is "${layout.name}" but must equal the file name`]);
  return layout;
}

export function findBankFileLayout(name: string): BankFileLayout {
  const layout = loadBankFileLayouts().get(name);
  if (!layout) throw new RangeError(`[bank-file] no layout "${name}" (config/bank-files has ${[...loadBankFileLayouts().keys()].join(', ')})`);
  return layout;
}

/** The schema first, then what it cannot say: widths where the shape needs them, a delimiter, the control totals first. */
export function checkBankFileLayout(data: unknown, file: string): BankFileLayout {
  const validate = schemaValidator<BankFileLayout>('bank-file-layout');
  if (!validate(data)) throw new BankFileLayoutError(file, (validate.errors ?? []).slice(0, 10).map((e) => `${schemaErrorPointer(e)} ${describeSchemaError(e)}`));
  const problems: string[] = [];
  const records: [string, readonly (BankFileField | BankReturnField)[], 'fixed' | 'delimited', string | undefined][] = [
    ['/header', data.header.fields, data.shape, data.delimiter],
    ['/detail', data.detail.fields, data.shape, data.delimiter],
    ...(data.trailer ? [['/trailer', data.trailer.fields, data.shape, data.delimiter] as [string, BankFileField[], 'fixed' | 'delimited', string | undefined]] : []),
    ['/return/header', data.return.header.fields, data.return.shape, data.return.delimiter],
    ['/return/detail', data.return.detail.fields, data.return.shape, data.return.delimiter],
  ];
  for (const [at, fields, shape, delimiter] of records) {
    if (shape === 'delimited' && !delimiter) problems.push(`${at.startsWith('/return') ? '/return' : ''}/delimiter is required for shape delimited`);
    fields.forEach((field, index) => {
      if (shape === 'fixed' && field.width === undefined) problems.push(`${at}/fields/${index}/width is required for shape fixed`);
      if (field.source === 'literal' && field.value === undefined) problems.push(`${at}/fields/${index}/value is required for a literal`);
      if (field.source === 'literal' && field.value !== undefined && field.width !== undefined && Buffer.byteLength(field.value) > field.width) {
        problems.push(`${at}/fields/${index}/value does not fit its width ${field.width}`);
      }
    });
  }
  const has = (fields: readonly { source: string }[], source: string) => fields.some((f) => f.source === source);
  // The control totals come first (a bank checks them before it pays anything): the header must declare them.
  for (const source of ['count', 'total']) if (!has(data.header.fields, source)) problems.push(`/header/fields has no ${source}: the header declares the control totals`);
  for (const source of ['reference', 'accountNumber', 'amount']) if (!has(data.detail.fields, source)) problems.push(`/detail/fields has no ${source}`);
  for (const source of ['reference', 'amount', 'status']) if (!has(data.return.detail.fields, source)) problems.push(`/return/detail/fields has no ${source}`);
  for (const source of ['count', 'total']) if (!has(data.return.header.fields, source)) problems.push(`/return/header/fields has no ${source}`);
  if (problems.length > 0) throw new BankFileLayoutError(file, problems);
  return data;
}
