/**
 * A file refused whole, with the one reason an operator can act on. Row-level problems are not errors:
 * they become rejects with a location, and the good rows go through.
 */
export type AdapterErrorCode =
  | 'unknown-format'
  | 'unreadable'
  | 'encoding'
  | 'too-large'
  | 'zip-bomb'
  | 'xml-entities'
  | 'truncated'
  | 'no-header'
  | 'too-many-rows';

export class AdapterError extends Error {
  readonly code: AdapterErrorCode;
  readonly fileName: string;

  constructor(code: AdapterErrorCode, fileName: string, reason: string, options?: { cause?: unknown }) {
    super(`${fileName}: ${reason}`, options);
    this.name = 'AdapterError';
    this.code = code;
    this.fileName = fileName;
  }
}
