import { displayIdNumber, maskIdNumbersWithin } from '../access/masking.js';
import type { RolePolicy } from '../access/role-policy.js';
import { factAttributeKinds, type AttributeKind } from '../store/fact-attributes.js';
import type { WarningEvidenceRow } from '../store/repositories/warnings.js';
import type { WarningEvidence } from '../../schemas/types/index.js';

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
  // Only the attributes the kind defines in schemas/fact.schema.json: a feed that stored more — a free-text remark, a
  // phone number — shows nothing of it, and a kind added to the schema is shown without a change here.
  const allowed = factAttributeKinds().get(fact.kind) ?? new Map<string, AttributeKind>();
  const attributes: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(fact.attributes)) {
    const kind = allowed.get(name);
    if (kind === undefined) continue;
    const flat = Array.isArray(value) ? value.filter((v) => ['string', 'number', 'boolean'].includes(typeof v)).join('、') : value;
    if (typeof flat === 'string') attributes[name] = presentValue(flat, kind, policy);
    else if (typeof flat === 'number' || typeof flat === 'boolean') attributes[name] = flat;
  }
  return { factId: fact.factId, kind: fact.kind, source: fact.source, occurredOn: fact.occurredOn, period: fact.period, amountFen: fact.amountFen, attributes };
}
