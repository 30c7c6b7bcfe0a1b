/**
 * Filing programmes (填报) as schema-checked data, config/filing/<id>.json: the units that report, the tasks each
 * reports on, the returns and their due dates. Read and checked once, then shared and never mutated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isWithinScope } from '../access/region-scope.js';
import { projectPath } from '../project-files.js';
import { describeSchemaError, schemaErrorPointer, schemaValidator } from '../schema-validator.js';
import { loadCountyRegions } from '../store/reference-data/sync.js';
import type { FilingProgramme, FilingTask, FilingUnit } from '../../schemas/types/index.js';

export type { FilingProgramme, FilingTask, FilingUnit };

export const defaultFilingDirectory = projectPath('config/filing');

/** Path segments beside `{unit}` under /v1/progress/{period}/: no unit may be called that. */
const reservedUnitCodes = new Set(['missing', 'completeness']);

/** Names the file and every problem found, so a bad edit is refused whole and found at once. */
export class FilingProgrammeError extends Error {
  constructor(file: string, problems: string[]) {
    super(`[filing] ${file} is not usable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'FilingProgrammeError';
  }
}

/** One unit of one programme, as a request names it. */
export interface ProgrammeUnit {
  programme: FilingProgramme;
  unit: FilingUnit;
}

/** Every programme of a deployment, with the look-ups the services need. */
export interface FilingProgrammes {
  readonly all: readonly FilingProgramme[];
  /** The unit with this code, in whichever programme it is (codes are unique across programmes). */
  unit(code: string): ProgrammeUnit | undefined;
}

let cached: FilingProgrammes | undefined;

/** The bundled programmes (config/filing/*.json), read and checked on first use. */
export function loadFilingProgrammes(): FilingProgrammes {
  cached ??= readFilingProgrammes(defaultFilingDirectory);
  return cached;
}

export function readFilingProgrammes(directory: string): FilingProgrammes {
  const files = readdirSync(directory).filter((f) => f.endsWith('.json')).sort();
  return indexProgrammes(files.map((file) => readFilingProgramme(join(directory, file))));
}

export function readFilingProgramme(file: string): FilingProgramme {
  const name = basename(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FilingProgrammeError(name, [`not JSON: ${(error as Error).message}`]);
  }
  const programme = checkFilingProgramme(parsed, name);
  if (programme.id !== name.replace(/\.json$/, '')) throw new FilingProgrammeError(name, [`/id is "${programme.id}" but must equal the file name`]);
  return programme;
}

/** Programmes side by side: a unit code names one unit of one programme, or API keys bound to it would be ambiguous. */
export function indexProgrammes(programmes: readonly FilingProgramme[]): FilingProgrammes {
  const units = new Map<string, ProgrammeUnit>();
  for (const programme of programmes) {
    for (const unit of programme.units) {
      const other = units.get(unit.code);
      if (other) throw new FilingProgrammeError(`${programme.id}.json`, [`unit ${unit.code} is also a unit of programme ${other.programme.id}`]);
      units.set(unit.code, { programme, unit });
    }
  }
  return { all: programmes, unit: (code) => units.get(code) };
}

/** The schema first, then what it cannot say. `file` only names the source in errors. */
export function checkFilingProgramme(data: unknown, file: string): FilingProgramme {
  const validate = schemaValidator<FilingProgramme>('filing-programme');
  if (!validate(data)) {
    throw new FilingProgrammeError(file, (validate.errors ?? []).slice(0, 10).map((e) => `${schemaErrorPointer(e)} ${describeSchemaError(e)}`));
  }
  const problems = [...unitProblems(data), ...taskProblems(data)];
  if (problems.length > 0) throw new FilingProgrammeError(file, problems);
  return data;
}

function unitProblems(programme: FilingProgramme): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const knownTownships = townshipCodesOf(programme.region.code);
  programme.units.forEach((unit, index) => {
    const at = `/units/${index}`;
    if (seen.has(unit.code)) problems.push(`${at}/code ${unit.code} appears twice`);
    seen.add(unit.code);
    if (reservedUnitCodes.has(unit.code)) problems.push(`${at}/code ${unit.code} is a word of the API's paths`);
    if (unit.kind === 'township') {
      if (unit.regionCode === undefined) problems.push(`${at}/regionCode is required for a township`);
      else if (unit.regionCode.length !== 9 || !isWithinScope(programme.region.code, unit.regionCode)) {
        problems.push(`${at}/regionCode ${unit.regionCode} is not a township of ${programme.region.code}`);
      } else if (knownTownships && !knownTownships.has(unit.regionCode)) {
        problems.push(`${at}/regionCode ${unit.regionCode} is not in the division list of ${programme.region.code}`);
      }
    } else if (unit.regionCode !== undefined) {
      problems.push(`${at}/regionCode belongs to townships only: a ${unit.kind} reports for the whole county`);
    }
  });
  if (!seen.has(programme.leadUnit)) problems.push(`/leadUnit ${programme.leadUnit} is not one of the units`);
  return problems;
}

function taskProblems(programme: FilingProgramme): string[] {
  const problems: string[] = [];
  const units = new Set(programme.units.map((u) => u.code));
  const groups = new Set(programme.groups.map((g) => g.number));
  const numbers = new Set<number>();
  programme.tasks.forEach((task, index) => {
    const at = `/tasks/${index}`;
    if (numbers.has(task.number)) problems.push(`${at}/number ${task.number} appears twice`);
    numbers.add(task.number);
    if (!groups.has(task.group)) problems.push(`${at}/group ${task.group} is not one of the groups`);
    for (const [field, codes] of [['leadUnits', task.leadUnits], ['responsibleUnits', task.responsibleUnits]] as const) {
      codes.forEach((code, i) => {
        if (!units.has(code)) problems.push(`${at}/${field}/${i} ${code} is not one of the units`);
      });
    }
  });
  for (const unit of programme.units) {
    if (tasksFiledBy(programme, unit.code).length === 0) problems.push(`unit ${unit.code} (${unit.name}) reports on no task`);
  }
  return problems;
}

/** The townships of a county whose division list jiuzhu carries; undefined for any other county. */
function townshipCodesOf(countyCode: string): Set<string> | undefined {
  try {
    return new Set(loadCountyRegions(countyCode).townships.map((t) => t.code));
  } catch {
    return undefined;
  }
}

/**
 * The tasks a unit reports on, in the document's order: those it is responsible for (责任单位), and — when the
 * programme says so — those it leads (牵头单位).
 */
export function tasksFiledBy(programme: FilingProgramme, unitCode: string): FilingTask[] {
  const leadsFile = programme.returns.monthlyProgress.leadUnitsFile.value;
  return programme.tasks.filter((task) => task.responsibleUnits.includes(unitCode) || (leadsFile && task.leadUnits.includes(unitCode)));
}

/** Where a unit lies for region scope: a township's own division, every other unit the programme's county. */
export function unitRegion(programme: FilingProgramme, unit: FilingUnit): string {
  return unit.regionCode ?? programme.region.code;
}

/** The programme's units in its order, or those of them in `unitCodes`. */
export function unitsOf(programme: FilingProgramme, unitCodes?: readonly string[]): FilingUnit[] {
  return programme.units.filter((u) => !unitCodes || unitCodes.includes(u.code));
}

export function unitName(programme: FilingProgramme, code: string): string {
  return programme.units.find((u) => u.code === code)?.name ?? code;
}
