import type { AttributeCondition } from '../../schemas/types/index.js';
import { factAttributeKinds, isProtectedAttribute } from './fact-attributes.js';

/**
 * Typed copies of the fact attributes the default rules filter on (issue 15, migration 026): one categorical code
 * and one flag per kind, beside facts.attributes. A comparison run tested each condition with json_extract (SQLite)
 * or -> (PostgreSQL jsonb) on every row of the kinds a rule reads; a plain column costs no parse.
 *
 * This table is the one place that says which attribute of which kind has a copy, and in which column: the import
 * and the bench loader fill the columns from it (typedAttributeColumns), migration 026 backfills them from it, and
 * rule-sql.ts reads a column only for a condition whose every kind maps the attribute to it (typedColumnFor).
 * Chosen from config/rules/default.json: settlementType, grade, department, vehicleType and the roster's category are
 * compared as strings; residential and riskEliminated as booleans. No ID-number attribute may appear here (checked
 * below), and a value that is encrypted at rest (it holds an ID number) is never copied: its column stays NULL.
 */
export const typedAttributes = {
  attr_code: {
    type: 'string',
    attributes: {
      'medical-settlement': 'settlementType',
      'disability-certificate': 'grade',
      'assistance-given': 'department',
      'vehicle-registered': 'vehicleType',
      'jinmin-enrolment': 'category',
    },
  },
  attr_flag: {
    type: 'boolean',
    attributes: {
      'real-estate': 'residential',
      'antipoverty-monitored': 'riskEliminated',
    },
  },
} as const satisfies Record<string, { type: 'string' | 'boolean'; attributes: Record<string, string> }>;

export type TypedAttributeColumn = keyof typeof typedAttributes;

/** The typed columns, in the order typedAttributeColumns gives their values: append them to a facts writer's columns. */
export const typedAttributeColumnNames = Object.keys(typedAttributes) as TypedAttributeColumn[];

type TypedValue = string | number | null;

/** The (kind, attribute) pairs of one column. */
function entriesOf(column: TypedAttributeColumn): [kind: string, attribute: string][] {
  return Object.entries(typedAttributes[column].attributes);
}

for (const column of typedAttributeColumnNames) {
  for (const [kind, attribute] of entriesOf(column)) {
    const defined = factAttributeKinds().get(kind)?.get(attribute);
    if (defined === undefined) throw new Error(`typed attribute ${kind}.${attribute} is not in fact.schema.json`);
    if (defined === 'id-number') throw new Error(`typed attribute ${kind}.${attribute} is an ID number, encrypted at rest: it cannot have a typed copy`);
  }
}

/**
 * The stored value of one typed column: strings as they are, booleans as 1/0 (what SQLite's json_extract gives for
 * true/false, and one column type on both databases); NULL for an absent attribute, a value of another JSON type, or
 * one encrypted at rest. A NULL answers every condition as the JSON path does: it equals no rule value, and passes
 * "notIn" as an absent attribute does (the JSON path compares a ciphertext, which equals no rule value either).
 */
function typedValue(kind: string, column: TypedAttributeColumn, attributes: Record<string, unknown>): TypedValue {
  const attribute = (typedAttributes[column].attributes as Record<string, string>)[kind];
  if (attribute === undefined) return null;
  const value = attributes[attribute];
  if (typedAttributes[column].type === 'boolean') return typeof value === 'boolean' ? (value ? 1 : 0) : null;
  return typeof value === 'string' && !isProtectedAttribute(kind, attribute, value) ? value : null;
}

/** A fact's typed column values, in typedAttributeColumnNames' order, from its attributes in clear (as attributesAtRest takes them). */
export function typedAttributeColumns(kind: string, attributes: Record<string, unknown>): TypedValue[] {
  return typedAttributeColumnNames.map((column) => typedValue(kind, column, attributes));
}

/** As typedAttributeColumns, by column name: for a writer that inserts objects. */
export function typedAttributeRecord(kind: string, attributes: Record<string, unknown>): Record<TypedAttributeColumn, TypedValue> {
  return Object.fromEntries(typedAttributeColumnNames.map((column) => [column, typedValue(kind, column, attributes)])) as Record<TypedAttributeColumn, TypedValue>;
}

/** The column holding a kind's attribute as a string, if one does: for SQL that reads the value itself (the roster's category). */
export function typedStringColumnOf(kind: string, attribute: string): TypedAttributeColumn | undefined {
  return typedAttributeColumnNames.find((column) => typedAttributes[column].type === 'string' && (typedAttributes[column].attributes as Record<string, string>)[kind] === attribute);
}

/**
 * The typed column that answers `condition` on facts of `kinds`, with the rule's values as they compare there, or
 * undefined when the JSON path must: some kind keeps the attribute in no column or in another, or a rule value is not
 * of the column's type (a string "true" must not meet a stored flag). A kind whose schema does not define the
 * attribute at all counts as mapped: fact.schema.json closes every kind's attributes (additionalProperties: false,
 * checked by a test), so such a fact never holds it, and the column's NULL is what the JSON path reads.
 */
export function typedColumnFor(kinds: readonly string[], condition: AttributeCondition): { column: TypedAttributeColumn; values: (string | number)[] } | undefined {
  const values = condition.in ?? condition.notIn ?? [];
  for (const column of typedAttributeColumnNames) {
    const { type, attributes } = typedAttributes[column];
    const mapped = kinds.filter((kind) => (attributes as Record<string, string>)[kind] === condition.attribute);
    if (mapped.length === 0) continue;
    const undefinedElsewhere = kinds.every((kind) => mapped.includes(kind) || factAttributeKinds().get(kind)?.has(condition.attribute) === false);
    if (!undefinedElsewhere || !values.every((value) => typeof value === type)) return undefined;
    return { column, values: values.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value as string)) };
  }
  return undefined;
}
