import { expect } from 'vitest';
import { CryptoError } from '../../gateway/crypto/crypto-error.js';

/** The action throws a CryptoError with this code: never an empty result, never another kind of error. */
export function expectCryptoError(action: () => unknown, code: CryptoError['code']): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a CryptoError').toBeInstanceOf(CryptoError);
  expect((thrown as CryptoError).code).toBe(code);
}
