import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command } from 'commander';
import { parseSm2Certificate } from '../crypto/sm2-certificate.js';
import { parseSm2PrivateKey, parseSm2PublicKey } from '../crypto/sm2-keys.js';
import { createSm2Signer, defaultSm2UserId, prepareSm2PublicKey, type Sm2PublicKey, type Sm2Signer } from '../crypto/sm2.js';
import { sm2SignStream, sm2VerifyStream } from '../crypto/stream-signature.js';
import { CommandError, exitStatus } from './cli-failure.js';
import { withExchange } from './open-exchange.js';
import { printJson, printLine } from './output.js';
import { readPrivateKeyFile } from './private-key-file.js';

const distidHelp = 'the signer\'s distinguishing ID hashed into Z (GM/T 0009 default 1234567812345678; openssl needs it as -pkeyopt distid:…)';

/** A file as a stream of chunks, or standard input for `-`: never read whole, whatever its size. */
function messageOf(file: string): AsyncIterable<Uint8Array> {
  return file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
}

export function signCommand(): Command {
  return new Command('sign')
    .description('SM2-sign FILE with our active key pair (or --key): SM3 over Z ‖ FILE, DER signature — what `openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt distid:1234567812345678` makes')
    .argument('<file>', 'any file, read as a stream; - for standard input')
    .requiredOption('--out <sig>', 'where to write the signature (DER)')
    .option('--key <file>', 'sign with this SM2 private key (PKCS#8 or SEC1 PEM, encrypted or not) instead of our active key pair; needs no store')
    .option('--passphrase-file <file>', 'the passphrase of an encrypted --key, on the file\'s first line (asked on a terminal otherwise)')
    .option('--distid <id>', distidHelp, defaultSm2UserId)
    .option('--json', 'print {file, out, key}')
    .action(async (file: string, options: { out: string; key?: string; passphraseFile?: string; distid: string; json?: boolean }) => {
      const sign = async (signer: Sm2Signer, keyName: string) => {
        const signature = await sm2SignStream(messageOf(file), signer, options.distid);
        await writeFile(options.out, signature);
        if (options.json) printJson({ file, out: options.out, key: keyName, fingerprint: signer.publicKey.fingerprint });
        else printLine(`signed ${file} with ${keyName} (${signer.publicKey.fingerprint}): ${options.out}`);
      };
      if (options.key) {
        const signer = createSm2Signer(parseSm2PrivateKey(await readPrivateKeyFile(options.key, options.passphraseFile)));
        return sign(signer, options.key);
      }
      if (options.passphraseFile) throw new CommandError('usage', '--passphrase-file goes with --key: our own key pairs are sealed with the master key');
      await withExchange(async (exchange, _store, audit) => {
        const active = (await exchange.ownKeys.list()).find((k) => k.algorithm === 'sm2' && k.status === 'active');
        if (!active) throw new CommandError('key-unavailable', 'no active SM2 key pair to sign with: run `jiuzhu keys gen`, or give one with --key');
        await sign(createSm2Signer(parseSm2PrivateKey(await exchange.ownKeys.privateKey(active.id))), active.id);
        await audit({ action: 'file.sign', outcome: 'ok', resourceType: 'key-pair', resourceId: active.id, detail: `${file === '-' ? 'standard input' : basename(file)} → ${basename(options.out)}` });
      });
    });
}

export function verifyCommand(): Command {
  return new Command('verify')
    .description('check an SM2 signature (DER, SM3 over Z ‖ FILE) made by a registered partner or by the holder of a public key; exit 0 when it verifies, 1 when not')
    .argument('<file>', 'the signed file, read as a stream; - for standard input')
    .argument('<signature>', 'the signature file (DER), as `jiuzhu sign` or `openssl pkeyutl -sign` write it')
    .option('--from <partner>', 'the partner whose registered SM2 keys (active, or in their grace period) to check against')
    .option('--public-key <file>', 'an SM2 public key (SPKI PEM) or certificate (PEM) to check against; needs no store')
    .option('--distid <id>', distidHelp, defaultSm2UserId)
    .option('--json', 'print {file, signature, valid, signer, key}')
    .action(async (file: string, signatureFile: string, options: { from?: string; publicKey?: string; distid: string; json?: boolean }) => {
      if ((options.from === undefined) === (options.publicKey === undefined)) throw new CommandError('usage', 'say whose signature to expect: --from PARTNER or --public-key FILE (one of them)');
      const signature = await readFile(signatureFile);
      const check = async (keys: Sm2PublicKey[], signer: string) => {
        const key = await sm2VerifyStream(messageOf(file), signature, keys, options.distid);
        if (!key) process.exitCode = exitStatus.found;
        if (options.json) return printJson({ file, signature: signatureFile, valid: key !== undefined, signer, key: key?.fingerprint ?? null });
        if (key) printLine(`good signature: ${file} is signed by ${signer} (key ${key.fingerprint})`);
        else printLine(`BAD signature: ${signatureFile} is not ${signer}'s signature of ${file} (key${keys.length === 1 ? '' : 's'} ${keys.map((k) => k.fingerprint).join(', ')}, ID ${options.distid}): the file was changed, or someone else signed it`);
      };
      if (options.publicKey) return check([prepareSm2PublicKey(await readPublicKey(options.publicKey))], options.publicKey);
      await withExchange(async (exchange) => {
        const partner = await exchange.partners.get(options.from!);
        const keys = await exchange.partners.sm2VerificationKeys(partner.id);
        if (keys.length === 0) throw new CommandError('key-unavailable', `partner ${partner.id} has no live SM2 key to check against (see jiuzhu partners list)`);
        await check(keys, `partner ${partner.id}`);
      });
    });
}

async function readPublicKey(file: string): Promise<string> {
  const pem = await readFile(file, 'utf8');
  return pem.includes('-----BEGIN CERTIFICATE-----') ? parseSm2Certificate(pem).publicKeyHex : parseSm2PublicKey(pem);
}
