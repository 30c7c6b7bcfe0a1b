import { readFileSync } from 'node:fs';
import { sm3Hex } from '../crypto/sm3.js';
import { projectPath } from '../project-files.js';
import { describeSchemaError, loadedSchema, schemaErrorPointer, schemaValidator } from '../schema-validator.js';
import { loadCodeTables } from '../store/reference-data/code-tables.js';
import type { IndexComponent, IndexDefinition, IndexFormula, IndexStandardVersion } from '../../schemas/types/index.js';

export const defaultIndexFormulaPath = projectPath('config/indices/default.json');

export interface LoadedIndexFormula {
  formula: IndexFormula;
  /** SM3 of the file as read: every answer names the formula that produced it. */
  sm3: string;
  path: string;
}

export class IndexFormulaError extends Error {
  readonly problems: string[];

  constructor(path: string, problems: string[]) {
    super(`[indices] index formula ${path} is not usable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'IndexFormulaError';
    this.problems = problems;
  }
}

/**
 * Reads and checks an index formula: the schema first, then what a schema cannot say (indexFormulaProblems). A
 * formula that fails is refused whole, naming each problem, so no score is ever computed from half a formula.
 */
export function loadIndexFormula(path: string = defaultIndexFormulaPath): LoadedIndexFormula {
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new IndexFormulaError(path, [`not JSON: ${(error as Error).message}`]);
  }
  const validate = schemaValidator<IndexFormula>('index-formula');
  if (!validate(parsed)) {
    throw new IndexFormulaError(path, (validate.errors ?? []).slice(0, 10).map((e) => `${schemaErrorPointer(e)} ${describeSchemaError(e)}`));
  }
  const problems = indexFormulaProblems(parsed);
  if (problems.length > 0) throw new IndexFormulaError(path, problems);
  return { formula: parsed, sm3: sm3Hex(Buffer.from(text, 'utf8')), path };
}

/**
 * The semantic checks: weights of each index add up to 100 (so the index runs 0–100), component ids are unique,
 * every fact kind and code exists, each normalisation can be applied to its source's unit, bands rise, and each
 * county's standard versions are in month order.
 */
export function indexFormulaProblems(formula: IndexFormula): string[] {
  const problems: string[] = [];
  for (const name of ['poverty', 'need'] as const) problems.push(...indexProblems(name, formula[name]));
  const versionLists: [string, IndexStandardVersion[]][] = [
    ['default', formula.standards.default],
    ...Object.entries(formula.standards.counties ?? {}).map(([county, versions]): [string, IndexStandardVersion[]] => [county, versions ?? []]),
  ];
  for (const [owner, versions] of versionLists) {
    for (let i = 1; i < versions.length; i += 1) {
      if (versions[i]!.from <= versions[i - 1]!.from) problems.push(`standards ${owner}: version ${i} (from ${versions[i]!.from}) does not come after version ${i - 1} (from ${versions[i - 1]!.from})`);
    }
  }
  return problems;
}

function indexProblems(name: string, index: IndexDefinition): string[] {
  const problems: string[] = [];
  const total = index.components.reduce((sum, component) => sum + component.weight, 0);
  if (total !== 100) problems.push(`${name}: the weights add up to ${total}, not 100`);
  const seen = new Set<string>();
  for (const component of index.components) {
    const where = `${name}.${component.id}`;
    if (seen.has(component.id)) problems.push(`${where}: the component id appears twice`);
    seen.add(component.id);
    problems.push(...sourceProblems(where, component), ...normalisationProblems(where, component));
  }
  return problems;
}

function factKinds(): Set<string> {
  return new Set((loadedSchema('fact').oneOf as { properties: { kind: { const: string } } }[]).map((v) => v.properties.kind.const));
}

function unknownCodes(table: string, codes: readonly string[] | undefined): string[] {
  const known = new Set((loadCodeTables().get(table)?.codes ?? []).map((c) => c.code));
  return (codes ?? []).filter((code) => !known.has(code));
}

function sourceProblems(where: string, component: IndexComponent): string[] {
  const problems: string[] = [];
  const source = component.source;
  const codeCheck = (table: string, codes: readonly string[] | undefined) => {
    for (const code of unknownCodes(table, codes)) problems.push(`${where}: ${code} is not in code table ${table}`);
  };
  switch (source.type) {
    case 'facts': {
      const kinds = factKinds();
      for (const kind of source.kinds) if (!kinds.has(kind)) problems.push(`${where}: ${kind} is not a kind of fact`);
      if (source.measure === 'areaSquareMetres' && source.kinds.some((kind) => kind !== 'real-estate')) {
        problems.push(`${where}: areaSquareMetres is measured on real-estate facts only`);
      }
      break;
    }
    case 'members':
      for (const condition of source.anyOf ?? []) {
        codeCheck('health', condition.health);
        codeCheck('disability-grade', condition.disabilityGrade);
        codeCheck('labour-ability', condition.labourAbility);
        if (condition.ageBelow !== undefined && condition.ageAtLeast !== undefined && condition.ageBelow <= condition.ageAtLeast) {
          problems.push(`${where}: no one is at least ${condition.ageAtLeast} and below ${condition.ageBelow}`);
        }
      }
      break;
    case 'assistance':
      codeCheck('department', source.departments);
      codeCheck('assistance-type', source.assistanceTypes);
      break;
    case 'enrolments':
      codeCheck('assistance-category', source.categories);
      if (source.measure === 'months' && source.lookbackMonths === undefined) problems.push(`${where}: counting months enrolled needs lookbackMonths`);
      break;
    case 'household-income':
      break;
  }
  return problems;
}

/** The unit a source's raw value comes in; ratios to the 低保 standard only make sense for money. */
export function sourceUnit(component: IndexComponent): 'fen' | 'square-metres' | 'count' | 'months' {
  const source = component.source;
  switch (source.type) {
    case 'household-income':
      return 'fen';
    case 'members':
      return 'count';
    case 'facts':
      return source.measure === 'count' ? 'count' : source.measure === 'amountFen' ? 'fen' : 'square-metres';
    case 'assistance':
      return source.measure === 'amountFen' ? 'fen' : source.measure === 'count' ? 'count' : 'months';
    case 'enrolments':
      return source.measure === 'months' ? 'months' : 'fen';
  }
}

function normalisationProblems(where: string, component: IndexComponent): string[] {
  const normalisation = component.normalisation;
  switch (normalisation.type) {
    case 'ratio':
      return sourceUnit(component) === 'fen' ? [] : [`${where}: a ratio to the ${normalisation.standard} standard needs a money source, not ${sourceUnit(component)}`];
    case 'linear':
      return normalisation.zeroAt === normalisation.fullAt ? [`${where}: zeroAt and fullAt are both ${normalisation.zeroAt}`] : [];
    case 'bands': {
      const problems: string[] = [];
      if (normalisation.bands[0]!.from !== 0) problems.push(`${where}: the first band must start from 0`);
      for (let i = 1; i < normalisation.bands.length; i += 1) {
        if (normalisation.bands[i]!.from <= normalisation.bands[i - 1]!.from) problems.push(`${where}: band ${i} does not start above band ${i - 1}`);
      }
      return problems;
    }
  }
}
