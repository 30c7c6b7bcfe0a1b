import { displayIdNumber, maskIdNumbersWithin } from '../access/masking.js';
import type { RolePolicy } from '../access/role-policy.js';
import { loadedSchema } from '../schema-validator.js';
import type { WarningEvidenceRow } from '../store/repositories/warnings.js';
import type { WarningEvidence } from '../../schemas/types/index.js';

/** How an attribute is shown: an ID number masked by the role's policy, or any other value (still searched for ID numbers). */
type AttributeKind = 'id-number' | 'value';

let allowList: ReadonlyMap<string, ReadonlyMap<string, AttributeKind>> | undefined;

/**
 * The attributes each fact kind may show, read from schemas/fact.schema.json (one branch of its oneOf per kind), so a
 * feed that stores more than its kind defines — a free-text remark, a phone number — shows nothing of it, and a kind
 * added to the schema is shown without a change here. Attributes typed as canonical ID numbers are marked as such.
 */
function attributeAllowList(): ReadonlyMap<string, ReadonlyMap<string, AttributeKind>> {
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

function presentValue(value: string, kind: AttributeKind, policy: RolePolicy): string {
  if (policy.fullIdNumber) return value;
  return kind === 'id-number' ? displayIdNumber(policy, value) : maskIdNumbersWithin(value);
}

/**
 * The fact as the feed gave it, flattened for reading: only the attributes its kind defines, lists joined, nested
 * objects left out. ID numbers — an attribute that is one (the household head's, a related staff member's), or one
 * inside another value (a certificate number) — are masked by the same policy as the subject's.
 */
export function presentEvidence(fact: WarningEvidenceRow, policy: RolePolicy): WarningEvidence {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fact.attributes);
  } catch {
    parsed = {};
  }
  const allowed = attributeAllowList().get(fact.kind) ?? new Map<string, AttributeKind>();
  const attributes: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(parsed !== null && typeof parsed === 'object' ? parsed : {})) {
    const kind = allowed.get(name);
    if (kind === undefined) continue;
    const flat = Array.isArray(value) ? value.filter((v) => ['string', 'number', 'boolean'].includes(typeof v)).join('、') : value;
    if (typeof flat === 'string') attributes[name] = presentValue(flat, kind, policy);
    else if (typeof flat === 'number' || typeof flat === 'boolean') attributes[name] = flat;
  }
  return { factId: fact.factId, kind: fact.kind, source: fact.source, occurredOn: fact.occurredOn, period: fact.period, amountFen: fact.amountFen, attributes };
}
