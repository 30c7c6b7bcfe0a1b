/**
 * National code tables (GB/T 2261, 3304, 4761, 26341 and the 金民 business codes) as schema-checked data, so a
 * correction to a name or a newly confirmed code is a data change, not a code change (domain-data.md §1.5).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { describeSchemaError, schemaErrorPointer } from '../../schema-validator.js';
import type { CodeTable, CodeValue } from '../../../schemas/types/index.js';
import { projectPath } from '../../project-files.js';

export type { CodeTable, CodeValue };

/** Names the file and the JSON pointer that failed, so a bad edit to a table is found at once. */
export class CodeTableError extends Error {
  readonly file: string;
  readonly pointer: string;

  constructor(file: string, pointer: string, detail: string, options?: { cause?: unknown }) {
    super(`[code-tables] ${file} ${pointer}: ${detail}`, options);
    this.name = 'CodeTableError';
    this.file = file;
    this.pointer = pointer;
  }
}

export const CODE_TABLES_DIRECTORY = pathToFileURL(`${projectPath('gateway/store/reference-data/code-tables')}/`);
const SCHEMA_FILE = projectPath('schemas/code-table.schema.json');

/**
 * Reads and checks every table in `directory`: each against the schema, then what a schema cannot say — the id
 * matches the file name, codes are unique, every parent exists. Not cached; loadCodeTables is the cached form.
 */
export function readCodeTables(directory: URL = CODE_TABLES_DIRECTORY): ReadonlyMap<string, CodeTable> {
  const validate = compileCodeTableSchema();
  const tables = new Map<string, CodeTable>();
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort();
  for (const file of files) {
    const table = readCodeTable(new URL(file, directory), validate);
    tables.set(table.id, table);
  }
  return tables;
}

let cachedTables: ReadonlyMap<string, CodeTable> | undefined;
let cachedIndexes: ReadonlyMap<string, ReadonlyMap<string, CodeValue>> | undefined;

/** The bundled tables, read and checked on first use; they are frozen, so every caller shares one copy. */
export function loadCodeTables(): ReadonlyMap<string, CodeTable> {
  cachedTables ??= readCodeTables();
  return cachedTables;
}

/** The name of `code` in table `tableId`, or undefined when the code is not in it. Throws on an unknown table. */
export function codeName(tableId: string, code: string): string | undefined {
  return codeIndex(tableId).get(code)?.name;
}

/** Whether `code` is in table `tableId`. Throws on an unknown table, which is a programming error. */
export function isKnownCode(tableId: string, code: string): boolean {
  return codeIndex(tableId).has(code);
}

/** 基本生活 categories (低保, 特困): a person holds at most one at a time (assistance-category, basicLiving). */
export function isBasicLivingCategory(code: string): boolean {
  return codeIndex('assistance-category').get(code)?.basicLiving === true;
}

function codeIndex(tableId: string): ReadonlyMap<string, CodeValue> {
  cachedIndexes ??= new Map(
    [...loadCodeTables()].map(([id, table]) => [id, new Map(table.codes.map((value) => [value.code, value]))]),
  );
  const index = cachedIndexes.get(tableId);
  if (!index) {
    const known = [...cachedIndexes.keys()].join(', ');
    throw new Error(`[code-tables] There is no code table "${tableId}"; the tables are ${known}.`);
  }
  return index;
}

function compileCodeTableSchema(): ValidateFunction<CodeTable> {
  const schema: unknown = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  // strictRequired cannot see that the assistance-category branch requires properties declared in $defs/codeValue.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  return ajv.compile<CodeTable>(schema as object);
}

function readCodeTable(location: URL, validate: ValidateFunction<CodeTable>): CodeTable {
  const file = basename(fileURLToPath(location));
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(location, 'utf8'));
  } catch (error) {
    throw new CodeTableError(file, '/', 'is not valid JSON', { cause: error });
  }
  if (!validate(parsed)) {
    const [first] = validate.errors ?? [];
    throw new CodeTableError(file, first ? schemaErrorPointer(first) : '/', first ? describeSchemaError(first) : 'is invalid');
  }
  const table = parsed;

  const expectedId = file.slice(0, -'.json'.length);
  if (table.id !== expectedId) {
    throw new CodeTableError(file, '/id', `is "${table.id}" but must equal the file name "${expectedId}"`);
  }

  const seen = new Set<string>();
  table.codes.forEach((value, index) => {
    if (seen.has(value.code)) {
      throw new CodeTableError(file, `/codes/${index}/code`, `repeats the code "${value.code}"`);
    }
    seen.add(value.code);
  });
  table.codes.forEach((value, index) => {
    if (value.parent !== undefined && !seen.has(value.parent)) {
      const detail = `names "${value.parent}", which is not a code in the table`;
      throw new CodeTableError(file, `/codes/${index}/parent`, detail);
    }
  });

  table.codes.forEach((value) => Object.freeze(value));
  Object.freeze(table.codes);
  return Object.freeze(table);
}

