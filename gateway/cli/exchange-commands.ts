import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { fileSource } from '../crypto/byte-source.js';
import { EnvelopeError } from '../crypto/envelope-errors.js';
import { sm3File, sm3Stream } from '../crypto/sm3.js';
import { printJson, printLine } from './output.js';
import { withExchange } from './open-exchange.js';

export function sm3Command(): Command {
  return new Command('sm3')
    .description('print the SM3 digest (GB/T 32905) of files, or of standard input, in hex (as `openssl dgst -sm3`)')
    .argument('<file...>', 'any files, read as streams, so size does not matter; - for standard input')
    .option('--json', 'print {file, sm3} for each file')
    .action(async (files: string[], options: { json?: boolean }) => {
      for (const file of files) {
        const digest = file === '-' ? await sm3Stream(process.stdin) : await sm3File(file);
        if (options.json) printJson({ file, sm3: digest });
        else printLine(`${digest}  ${file}`);
      }
    });
}

/**
 * Writes the output next to its final name and renames it only when everything succeeded, so a failed
 * check never leaves a partial or unverified file behind.
 */
async function writeAtomically(out: string, produce: (write: (chunk: Uint8Array) => Promise<void>) => Promise<void>): Promise<void> {
  const partial = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.partial`);
  const stream = createWriteStream(partial, { mode: 0o600 });
  const write = (chunk: Uint8Array) => new Promise<void>((resolve, reject) => {
    if (stream.write(chunk)) resolve();
    else stream.once('drain', resolve).once('error', reject);
  });
  try {
    await produce(write);
    await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    await rename(partial, out);
  } catch (error) {
    stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

export function envelopeCommand(): Command {
  const envelope = new Command('envelope').description('seal files for partners and open what they send (GM/T 0010 SM2/SM4 envelopes, or OpenPGP for partners set to pgp)');

  envelope.command('seal')
    .description('encrypt FILE to the partner and sign it with our active key, in the partner\'s format')
    .requiredOption('--to <partner>', 'partner id (see `jiuzhu partners list`)')
    .requiredOption('--out <file>', 'where to write the envelope')
    .argument('<file>', 'the file to seal')
    .option('--json', 'print {partner, format, bytes, out}')
    .action(async (file: string, options: { to: string; out: string; json?: boolean }) => {
      await withExchange(async (exchange, _store, audit) => {
        const partner = await exchange.partners.get(options.to);
        let bytes = 0;
        await writeAtomically(options.out, async (write) => {
          if (partner.envelopeFormat === 'pgp') {
            const message = await exchange.sealPgpFor(partner.id, await readFile(file));
            bytes = message.length;
            await write(message);
            return;
          }
          const source = await fileSource(file);
          try {
            bytes = (await exchange.sealFor(partner.id, source, write)).bytes;
          } finally {
            await source.close();
          }
        });
        await audit({ action: 'envelope.seal', outcome: 'ok', resourceType: 'partner', resourceId: partner.id, detail: `${basename(file)} → ${bytes} bytes` });
        if (options.json) printJson({ partner: partner.id, format: partner.envelopeFormat, bytes, out: options.out });
        else printLine(`sealed ${file} for ${partner.id} (${partner.envelopeFormat}): ${options.out}, ${bytes} bytes`);
      });
    });

  envelope.command('open')
    .description('check and decrypt an envelope addressed to us; exits non-zero and writes nothing when any check fails')
    .requiredOption('--out <file>', 'where to write the content')
    .argument('<file>', 'the envelope (GM/T 0010 DER, or an OpenPGP message)')
    .option('--source <feed>', 'also require the sender to be allowed to upload to this feed')
    .option('--json', 'print {sender, format, bytes, signingTime}')
    .action(async (file: string, options: { out: string; source?: string; json?: boolean }) => {
      await withExchange(async (exchange, _store, audit) => {
        const source = await fileSource(file);
        try {
          const format = envelopeFormatOf(await source.read(0, Math.min(source.size, 64)));
          if (format === 'gmt0010') {
            // openToFile writes beside --out and renames into place only when every check passed, as writeAtomically does.
            const header = await exchange.openToFile(source, options.out, { forSource: options.source });
            await audit({ action: 'envelope.open', outcome: 'ok', resourceType: 'partner', resourceId: header.senderId, detail: `${basename(file)}: ${header.contentBytes} bytes` });
            if (options.json) printJson({ sender: header.senderId, format: 'gmt0010', bytes: header.contentBytes, signingTime: header.signingTime.toISOString() });
            else printLine(`opened ${file} from ${header.senderId}, signed ${header.signingTime.toISOString()}: ${options.out}, ${header.contentBytes} bytes`);
          } else {
            const opened = await exchange.openPgp(await readFile(file));
            await writeAtomically(options.out, (write) => write(opened.content));
            await audit({ action: 'envelope.open', outcome: 'ok', resourceType: 'partner', resourceId: opened.senderId, detail: `${basename(file)}: ${opened.content.length} bytes (pgp)` });
            if (options.json) printJson({ sender: opened.senderId, format: 'pgp', bytes: opened.content.length, signingTime: null });
            else printLine(`opened ${file} from ${opened.senderId} (pgp): ${options.out}, ${opened.content.length} bytes`);
          }
        } catch (error) {
          const reason = error instanceof EnvelopeError ? error.refusal : error instanceof Error ? error.message.slice(0, 200) : 'error';
          await audit({ action: 'envelope.open', outcome: 'invalid', detail: `${basename(file)}: refused (${reason})` });
          throw error;
        } finally {
          await source.close();
        }
      });
    });
  return envelope;
}

/**
 * What a file to open is, from its first bytes: a GM/T 0010 envelope is DER and starts with a SEQUENCE (0x30); an
 * OpenPGP message is armored or starts with a public-key-encrypted session key packet (tag 1, in the old or the new
 * packet format). Anything else — an empty file, a CSV sent in clear — is refused as such, not sent to the PGP code
 * to fail there with a message about keys.
 */
function envelopeFormatOf(head: Buffer): 'gmt0010' | 'pgp' {
  if (head.length === 0) throw new EnvelopeError('malformed', 'the file is empty: it is not an envelope');
  if (head[0] === 0x30) return 'gmt0010';
  if (head.toString('latin1').startsWith('-----BEGIN PGP MESSAGE-----') || [0x84, 0x85, 0x86, 0xc1].includes(head[0]!)) return 'pgp';
  throw new EnvelopeError('malformed', 'the file is neither a GM/T 0010 envelope (DER) nor an OpenPGP message: was it sent in clear?');
}

export function partnersCommand(): Command {
  const partners = new Command('partners').description('the partner registry: systems that exchange envelopes with us, their keys and the feeds they may send');

  partners.command('add')
    .description('register a partner, or add a key to one (the previous key of the same kind stays valid for the grace period)')
    .argument('<id>', 'partner id, as it signs its envelopes (e.g. nx-mzt, jinmin, bank-nxrcb)')
    .option('--name <name>', 'a readable name, e.g. 宁夏回族自治区民政厅')
    .option('--public-key <file>', 'an SM2 public key (SPKI PEM, or 04‖X‖Y hex)')
    .option('--cert <file>', 'an SM2 certificate (PEM); its dates and signature are checked')
    .option('--ca <file>', 'the CA certificate that issued --cert, when it is not self-signed')
    .option('--pgp-key <file>', 'an OpenPGP public key (armored)')
    .option('--sources <ids>', 'feeds the partner may upload to, comma-separated, or * for all')
    .option('--endpoint <url>', 'where outgoing deliveries to this partner are sent (https://…)')
    .addOption(new Option('--format <format>', 'what we seal for it').choices(['gmt0010', 'pgp']))
    .option('--json', 'print the partner as JSON')
    .action(async (id: string, options: { name?: string; publicKey?: string; cert?: string; ca?: string; pgpKey?: string; sources?: string; endpoint?: string; format?: 'gmt0010' | 'pgp'; json?: boolean }) => {
      const text = async (path?: string) => (path ? readFile(path, 'utf8') : undefined);
      await withExchange(async (exchange, _store, audit) => {
        const partner = await exchange.partners.add(
          { id, name: options.name, envelopeFormat: options.format, allowedSources: options.sources?.split(',').map((s) => s.trim()).filter(Boolean), endpointUrl: options.endpoint },
          { sm2PublicKey: await text(options.publicKey), certificate: await text(options.cert), issuerCertificate: await text(options.ca), pgpPublicKey: await text(options.pgpKey) },
        );
        await audit({ action: 'partner.add', outcome: 'ok', resourceType: 'partner', resourceId: id, detail: `keys: ${partner.keys.map((k) => `${k.algorithm}:${k.fingerprint}:${k.status}`).join(', ')}` });
        if (options.json) printJson(partner);
        else printLine(`partner ${partner.id} (${partner.name}): ${partner.keys.filter((k) => k.status === 'active').length} active key(s), sources ${partner.allowedSources.join(',') || '(none)'}`);
      });
    });

  partners.command('list')
    .description('list partners and their keys')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withExchange(async (exchange) => {
        const all = await exchange.partners.list();
        if (options.json) return printJson(all);
        for (const p of all) {
          printLine(`${p.id}\t${p.name}\t${p.envelopeFormat}\tsources: ${p.allowedSources.join(',') || '-'}`);
          for (const k of p.keys) printLine(`  ${k.algorithm}\t${k.fingerprint}\t${k.status}${k.retireAfter ? ` until ${k.retireAfter}` : ''}${k.subject ? `\t${k.subject}` : ''}${k.notAfter ? `\texpires ${k.notAfter}` : ''}`);
        }
      });
    });
  return partners;
}
