import type { Role } from '../../schemas/types/index.js';

/** Whoever is acting: an API key's holder, or the operator at the command line. Every change and every read of personal data is logged under it. */
export interface Actor {
  keyId: number | null;
  role: Role;
  /** The division the actor is bound to; see region-scope.ts. */
  regionCode: string;
  /** The filing unit a liaison officer's key is bound to (config/filing/); absent for everyone else. */
  unitCode?: string | null;
  label: string;
  requestId?: string;
}

/** The operator running `jiuzhu` on the server itself: already trusted with the database file or URL. */
export function commandLineActor(label = 'cli'): Actor {
  return { keyId: null, role: 'admin', regionCode: '000000', label };
}
