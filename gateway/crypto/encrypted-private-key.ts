import { createPrivateKey } from 'node:crypto';
import { CryptoError } from './crypto-error.js';

/**
 * A private key PEM under a passphrase: PKCS#8 `ENCRYPTED PRIVATE KEY` (PBES2, as `openssl pkey -aes256` or
 * `openssl pkcs8 -topk8 -v2 sm4-cbc` write it) or OpenSSL's older SEC1 form with a `Proc-Type: 4,ENCRYPTED` header.
 */
export function isEncryptedPrivateKeyPem(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /^Proc-Type:\s*4,\s*ENCRYPTED/m.test(pem);
}

/**
 * The key decrypted, as unencrypted PKCS#8 DER. Node's OpenSSL does the PBES2/PBKDF2 work: measured on an SM2 key,
 * it opens AES-256-CBC and SM4-CBC alike, where node-forge's `decryptPrivateKeyInfo` knows no SM4 and answers a wrong
 * passphrase with null. The key never exists unencrypted on disk.
 */
export function decryptPrivateKeyPem(pem: string, passphrase: string): Buffer {
  try {
    return createPrivateKey({ key: pem, format: 'pem', passphrase }).export({ type: 'pkcs8', format: 'der' });
  } catch (error) {
    // A wrong passphrase mostly fails the CBC padding ("bad decrypt"); about one time in 256 the padding passes and the
    // garbage fails to parse instead. Either way the passphrase, or the file, is wrong.
    throw new CryptoError('decrypt-failed', 'the passphrase does not open the private key (or the key file is damaged)', { cause: error });
  }
}
