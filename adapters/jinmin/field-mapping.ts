import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { projectPath } from '../../gateway/project-files.js';

export type ChangeType = 'new' | 'changed' | 'stopped';

/** The element names and value formats of changes.xml (adapters/jinmin/field-mapping.schema.json). */
export interface JinminFieldMapping {
  monthFormat: 'yyyymm' | 'yyyy-mm';
  elements: Record<ElementName, string>;
  changeTypeCodes: Record<ChangeType, string>;
}

export type ElementName =
  | 'changeSet' | 'family' | 'change' | 'person'
  | 'householdNo' | 'regionCode'
  | 'changeId' | 'changeType' | 'enrolmentId' | 'businessCode' | 'monthlyAmount' | 'previousMonthlyAmount' | 'effectiveMonth' | 'startMonth' | 'endMonth' | 'endReason'
  | 'idNumber' | 'name' | 'relation';

/** The overrides a province may give: any element names, the month format, the change-type codes. */
export interface JinminFieldMappingOverrides {
  monthFormat?: JinminFieldMapping['monthFormat'];
  elements?: Partial<Record<ElementName, string>>;
  changeTypeCodes?: Partial<Record<ChangeType, string>>;
}

/** Elements that share a parent must differ, or a reader could not tell them apart. */
const siblings: Record<string, ElementName[]> = {
  family: ['householdNo', 'regionCode', 'change'],
  change: ['changeId', 'changeType', 'enrolmentId', 'businessCode', 'monthlyAmount', 'previousMonthlyAmount', 'effectiveMonth', 'startMonth', 'endMonth', 'endReason', 'person'],
  person: ['idNumber', 'name', 'relation'],
};

const defaultFile = projectPath('adapters/jinmin/field-mapping.json');
let validate: ReturnType<Ajv['compile']> | undefined;
let defaults: JinminFieldMapping | undefined;

/** jiuzhu's default mapping (adapters/jinmin/field-mapping.json), checked once. */
export function defaultFieldMapping(): JinminFieldMapping {
  defaults ??= checkFieldMapping(JSON.parse(readFileSync(defaultFile, 'utf8')), 'adapters/jinmin/field-mapping.json');
  return defaults;
}

/**
 * A province's mapping: a whole mapping file (its path), or only the entries it changes laid over the default.
 * Checked against the schema and for what the schema cannot say (siblings and change-type codes distinct), so a
 * bad mapping stops at start-up with the file and the entry named, not at the first monthly export.
 */
export function resolveFieldMapping(source?: string | JinminFieldMappingOverrides): JinminFieldMapping {
  if (source === undefined) return defaultFieldMapping();
  if (typeof source === 'string') return checkFieldMapping(JSON.parse(readFileSync(source, 'utf8')), source);
  const base = defaultFieldMapping();
  return checkFieldMapping(
    {
      monthFormat: source.monthFormat ?? base.monthFormat,
      elements: { ...base.elements, ...source.elements },
      changeTypeCodes: { ...base.changeTypeCodes, ...source.changeTypeCodes },
    },
    'the given field mapping',
  );
}

function checkFieldMapping(mapping: unknown, where: string): JinminFieldMapping {
  validate ??= new Ajv({ allErrors: false, strict: true }).compile(JSON.parse(readFileSync(projectPath('adapters/jinmin/field-mapping.schema.json'), 'utf8')));
  if (!validate(mapping)) {
    const error = validate.errors?.[0];
    throw new Error(`[jinmin] ${where} ${error?.instancePath || '/'}: ${error?.message ?? 'invalid'}`);
  }
  const checked = mapping as JinminFieldMapping;
  for (const [parent, names] of Object.entries(siblings)) {
    const seen = new Map<string, ElementName>();
    for (const name of names) {
      const element = checked.elements[name];
      const clash = seen.get(element);
      if (clash) throw new Error(`[jinmin] ${where} /elements: ${clash} and ${name} are both <${element}> inside <${checked.elements[parent as ElementName]}>`);
      seen.set(element, name);
    }
  }
  const codes = Object.values(checked.changeTypeCodes);
  if (new Set(codes).size !== codes.length) throw new Error(`[jinmin] ${where} /changeTypeCodes: new, changed and stopped need three different codes`);
  return checked;
}
