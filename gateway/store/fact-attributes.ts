import { fieldKeyIdOf } from '../crypto/field-cipher.js';
import { isValidIdNumber } from '../identity/id-number.js';
import type { DataKeyring, WritingKeyring } from '../keystore/data-keys.js';
import { loadedSchema } from '../schema-validator.js';

/** What a fact attribute is: a citizen ID number (encrypted at rest, masked by role), or any other value. */
export type AttributeKind = 'id-number' | 'value';

let allowList: ReadonlyMap<string, ReadonlyMap<string, AttributeKind>> | undefined;

/**
 * The attributes each fact kind defines, read from schemas/fact.schema.json (one branch of its oneOf per kind): a kind
 * added to the schema is known without a change here. Attributes typed as canonical ID numbers (a household head's, a
 * related staff member's) are marked: they are stored as field ciphertexts, like the subject's own number.
 */
export function factAttributeKinds(): ReadonlyMap<string, ReadonlyMap<string, AttributeKind>> {
  if (allowList) return allowList;
  const kinds = new Map<string, Map<string, AttributeKind>>();
  for (const branch of (loadedSchema('fact').oneOf ?? []) as { properties?: Record<string, { const?: string; properties?: Record<string, { $ref?: string }> }> }[]) {
    const kind = branch.properties?.kind?.const;
    if (kind === undefined) continue;
    const attributes = new Map<string, AttributeKind>();
    for (const [name, definition] of Object.entries(branch.properties?.attributes?.properties ?? {})) {
      attributes.set(name, definition.$ref?.endsWith('#/definitions/canonicalIdNumber') ? 'id-number' : 'value');
    }
    kinds.set(kind, attributes);
  }
  allowList = kinds;
  return kinds;
}

/** The names of a kind's ID-number attributes. */
export function idNumberAttributesOf(kind: string): string[] {
  return [...idNumberAttributeSet(kind)];
}

const idNumberAttributeSets = new Map<string, ReadonlySet<string>>();

/** As idNumberAttributesOf, worked out once per kind: an import asks for every row. */
function idNumberAttributeSet(kind: string): ReadonlySet<string> {
  let names = idNumberAttributeSets.get(kind);
  if (!names) {
    names = new Set([...(factAttributeKinds().get(kind) ?? [])].flatMap(([name, attributeKind]) => (attributeKind === 'id-number' ? [name] : [])));
    idNumberAttributeSets.set(kind, names);
  }
  return names;
}

/** 18 characters shaped like an ID number; whether one really is, isValidIdNumber decides. */
const ID_NUMBER_RUN = /[0-9]{17}[0-9X]/g;

function holdsIdNumber(value: string): boolean {
  // Most attribute values (settlement types, flags, short codes) are too short to hold one: no regex for them.
  if (value.length < 18) return false;
  return (value.toUpperCase().match(ID_NUMBER_RUN) ?? []).some((run) => isValidIdNumber(run));
}

/** Whether attributesAtRest stores this value as a field ciphertext: an ID-number attribute, or text holding an ID number. */
export function isProtectedAttribute(kind: string, name: string, value: unknown): value is string {
  return isProtectedIn(idNumberAttributeSet(kind), name, value);
}

function isProtectedIn(idNumberAttributes: ReadonlySet<string>, name: string, value: unknown): value is string {
  return typeof value === 'string' && value !== '' && (idNumberAttributes.has(name) || holdsIdNumber(value));
}

/**
 * A fact's attributes as stored: its ID-number attributes as field ciphertexts, and any other text that holds an ID
 * number too — the 残联 certificate number is the holder's ID number and two digits — everything else as given (the
 * rules filter on settlement types, categories and flags, never on such numbers).
 */
export function attributesAtRest(kind: string, attributes: Record<string, unknown>, keyring: WritingKeyring): string {
  const idNumberAttributes = idNumberAttributeSet(kind);
  const protect = (name: string, value: unknown): value is string => isProtectedIn(idNumberAttributes, name, value);
  let any = false;
  for (const name in attributes) {
    if (protect(name, attributes[name])) {
      any = true;
      break;
    }
  }
  if (!any) return JSON.stringify(attributes);
  const stored = { ...attributes };
  for (const [name, value] of Object.entries(stored)) {
    if (protect(name, value)) stored[name] = keyring.encrypt(value);
  }
  return JSON.stringify(stored);
}

/** facts.attributes as read: JSON text on SQLite, already parsed on PostgreSQL, where the column is jsonb (migration 025). */
export type StoredAttributes = string | Record<string, unknown>;

/** The stored attributes as an object, whichever database they were read from (a fresh object each call). */
export function storedAttributes(stored: StoredAttributes): Record<string, unknown> {
  return (typeof stored === 'string' ? JSON.parse(stored) : { ...stored }) as Record<string, unknown>;
}

/** The stored attributes back in clear, for a reader allowed to see them (still masked by role on display). */
export async function attributesInClear(stored: StoredAttributes, keyring: DataKeyring): Promise<Record<string, unknown>> {
  const attributes = storedAttributes(stored);
  for (const [name, value] of Object.entries(attributes)) {
    if (fieldKeyIdOf(value) !== undefined) attributes[name] = await keyring.decrypt(value as string);
  }
  return attributes;
}
