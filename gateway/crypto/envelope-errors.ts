/**
 * Why an envelope was refused. Each maps to its own problem type at the API, so a partner's IT staff can tell
 * a clock problem (stale) from a key problem (unknown sender, bad signature) from an attack (tampered, replayed).
 */
export type EnvelopeRefusal =
  | 'malformed'
  | 'unknown-sender'
  | 'tampered'
  | 'bad-signature'
  | 'wrong-recipient'
  | 'stale'
  | 'replayed'
  | 'forbidden-source';

export class EnvelopeError extends Error {
  readonly refusal: EnvelopeRefusal;

  constructor(refusal: EnvelopeRefusal, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnvelopeError';
    this.refusal = refusal;
  }
}
