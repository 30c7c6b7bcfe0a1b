import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { loadSchemas, schemaBase } from './plugins/app/schemas.js';

/** ajv-formats is CommonJS; under NodeNext its default export arrives as the module object. */
const addFormats = ((ajvFormats as unknown as { default?: unknown }).default ?? ajvFormats) as (ajv: Ajv) => Ajv;

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/**
 * A validator for one of the canonical schemas in schemas/, compiled once with every schema loaded so
 * cross-file $refs resolve — for data that does not arrive through a route (feed facts, mappings).
 */
function sharedAjv(): Ajv {
  if (!ajv) {
    ajv = addFormats(new Ajv({ allErrors: false, strict: false }));
    for (const schema of loadSchemas()) ajv.addSchema(schema);
  }
  return ajv;
}

/** The loaded (refs made absolute) form of one canonical schema, to derive narrower schemas from. */
export function loadedSchema(name: string): Record<string, unknown> {
  const schema = sharedAjv().getSchema(`${schemaBase}${name}.schema.json`)?.schema;
  if (!schema || typeof schema !== 'object') throw new Error(`no schema ${name}`);
  return schema as Record<string, unknown>;
}

/** Compiles a schema derived from the canonical ones (its $refs resolve against them). */
export function compileDerivedSchema<T>(schema: Record<string, unknown>): ValidateFunction<T> {
  return sharedAjv().compile<T>(schema);
}

export function schemaValidator<T>(name: string): ValidateFunction<T> {
  let validate = compiled.get(name);
  if (!validate) {
    validate = sharedAjv().getSchema(`${schemaBase}${name}.schema.json`);
    if (!validate) throw new Error(`no schema ${name}`);
    compiled.set(name, validate);
  }
  return validate as ValidateFunction<T>;
}

/** Where a schema error points, as a JSON pointer naming the offending property itself when there is one. */
export function schemaErrorPointer(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') {
    return `${error.instancePath}/${String(error.params['additionalProperty'])}`;
  }
  if (error.keyword === 'required') return `${error.instancePath}/${String(error.params['missingProperty'])}`;
  return error.instancePath === '' ? '/' : error.instancePath;
}

/** A schema error in words a person editing the file can act on. */
export function describeSchemaError(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not allowed';
  if (error.keyword === 'required') return 'is required';
  return error.message ?? `fails the "${error.keyword}" rule`;
}
