/**
 * Every cryptographic failure is one of these, never an empty string or `false` passed on silently: the
 * JS SM2 libraries return '' for a failed decryption and fall back to ECB for an unknown SM4 mode, and a
 * caller that forgets to check would carry on with garbage (research/crypto-facts.md §2.3).
 */
export type CryptoErrorCode =
  | 'bad-key'
  | 'bad-input'
  | 'decrypt-failed'
  | 'bad-signature'
  | 'bad-certificate'
  | 'unknown-key';

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[crypto] ${message}`, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}
