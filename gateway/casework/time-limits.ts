/**
 * Casework time limits as schema-checked data (config/time-limits/<id>.json): each department's limit for a
 * referral, and each application procedure's steps, their order and limits. A city changes them without code.
 * Both the referral and the application services read them from here, so there is one loader and one check.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { projectPath } from '../project-files.js';
import { describeSchemaError, schemaErrorPointer, schemaValidator } from '../schema-validator.js';
import { codeName } from '../store/reference-data/code-tables.js';
import type { ApplicationProcedure, ReferralDepartment, TimeLimits } from '../../schemas/types/index.js';

export type { ApplicationProcedure, ReferralDepartment, TimeLimits };

export const defaultTimeLimitsPath = projectPath('config/time-limits/default.json');

/** Names the file and every problem found, so a bad edit is refused whole and found at once. */
export class TimeLimitsError extends Error {
  constructor(file: string, problems: string[]) {
    super(`[time-limits] ${file} is not usable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'TimeLimitsError';
  }
}

let cached: TimeLimits | undefined;

/** The bundled defaults, read and checked on first use; shared (never mutated) after that. */
export function loadTimeLimits(): TimeLimits {
  cached ??= readTimeLimits(defaultTimeLimitsPath);
  return cached;
}

export function readTimeLimits(file: string): TimeLimits {
  const name = basename(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TimeLimitsError(name, [`not JSON: ${(error as Error).message}`]);
  }
  const limits = checkTimeLimits(parsed, name);
  if (limits.id !== name.replace(/\.json$/, '')) throw new TimeLimitsError(name, [`/id is "${limits.id}" but must equal the file name`]);
  return limits;
}

/** The schema first, then what it cannot say. `file` only names the source in errors. */
export function checkTimeLimits(data: unknown, file: string): TimeLimits {
  const validate = schemaValidator<TimeLimits>('time-limits');
  if (!validate(data)) {
    throw new TimeLimitsError(file, (validate.errors ?? []).slice(0, 10).map((e) => `${schemaErrorPointer(e)} ${describeSchemaError(e)}`));
  }
  const problems = [...departmentProblems(data.referrals.departments), ...Object.entries(data.applications.procedures).flatMap(([id, p]) => (p ? procedureProblems(id, p) : []))];
  if (problems.length > 0) throw new TimeLimitsError(file, problems);
  return data;
}

function departmentProblems(departments: readonly ReferralDepartment[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  departments.forEach((department, index) => {
    if (seen.has(department.code)) problems.push(`/referrals/departments/${index}/code ${department.code} appears twice`);
    seen.add(department.code);
    // A code means one department everywhere: feeds and the assistance chain use the department code table too.
    const tableName = codeName('department', department.code);
    if (tableName !== undefined && tableName !== department.name) {
      problems.push(`/referrals/departments/${index}/name is "${department.name}" but the department code table names ${department.code} "${tableName}"`);
    }
  });
  return problems;
}

function procedureProblems(id: string, procedure: ApplicationProcedure): string[] {
  const problems: string[] = [];
  const at = `/applications/procedures/${id}/steps`;
  const names = procedure.steps.map((s) => s.step);
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) problems.push(`${at}/${index} repeats the step ${name}`);
  });
  // 档案归档 (seed 001 step 3.2) is the one step after the decision.
  const last = names.at(-1) === 'archived' ? names.at(-2) : names.at(-1);
  if (last !== 'decided') problems.push(`${at} must end with the decision (decided), followed only by its archiving (archived)`);
  const deliberation = names.indexOf('deliberated');
  if (deliberation !== -1 && !(deliberation > names.indexOf('notice') && deliberation < names.indexOf('decided'))) {
    problems.push(`${at}/${deliberation} 民主评议 (deliberated) answers an objection to the notice: it comes after the notice and before the decision`);
  }
  if (!names.includes('investigated')) problems.push(`${at} has no investigation (investigated): every application is investigated at home`);
  if (!names.includes('notice')) problems.push(`${at} has no public notice (notice)`);
  procedure.steps.forEach((step, index) => {
    if (step.step === 'notice' && !step.length) problems.push(`${at}/${index}/length is required for the notice`);
    if (step.step !== 'notice' && step.length) problems.push(`${at}/${index}/length belongs to the notice only`);
  });
  return problems;
}

/** The referral limit of a department, or undefined when the department is not one referrals go to. */
export function referralDepartment(limits: TimeLimits, code: string): ReferralDepartment | undefined {
  return limits.referrals.departments.find((d) => d.code === code);
}
