import { readFile } from 'node:fs/promises';
import { pemEncode } from '../crypto/der.js';
import { decryptPrivateKeyPem, isEncryptedPrivateKeyPem } from '../crypto/encrypted-private-key.js';
import { note } from './output.js';
import { readPassphrase } from './passphrase.js';

/** A private key file, decrypted with its passphrase when it is encrypted. */
export async function readPrivateKeyFile(file: string, passphraseFile: string | undefined): Promise<string> {
  const pem = await readFile(file, 'utf8');
  if (!isEncryptedPrivateKeyPem(pem)) {
    if (passphraseFile) note(`jiuzhu: ${file} is not encrypted; --passphrase-file is not used`);
    return pem;
  }
  return pemEncode('PRIVATE KEY', decryptPrivateKeyPem(pem, await readPassphrase(passphraseFile, file)));
}
