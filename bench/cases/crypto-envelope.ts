/**
 * Seals DIR/plain.bin into a GM/T 0010 envelope (DIR/plain.env), or opens that envelope into DIR/opened.bin,
 * file to file through `fileSource` and a write stream that is waited on when it asks (backpressure), as the
 * exchange commands do; `open` through openEnvelopeToFile, which renames its temp file into place. Each runs in
 * its own process so its peak RSS is its own: both must stay in constant memory whatever the file size. `seal` also makes the two parties (SM2 key pairs, self-signed certificates) and
 * leaves them in DIR/parties.json for `open`; that set-up is not timed.
 * Reports MB of plaintext per second, the peak RSS when the operation ends (before `open`'s untimed check), and in
 * the detail the RSS before it starts, which is most of it: Node with tsx alone is ~77 MB here, keys and modules add more.
 * Usage: crypto-envelope.ts seal|open DIR
 */
import { once } from 'node:events';
import { createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';
import { fileSource } from '../../gateway/crypto/byte-source.js';
import { openEnvelopeToFile, sealEnvelope, type ChunkSink } from '../../gateway/crypto/envelope.js';
import { createSm2Signer, prepareSm2PublicKey } from '../../gateway/crypto/sm2.js';
import { issueSm2Certificate, parseSm2Certificate, type Sm2Certificate } from '../../gateway/crypto/sm2-certificate.js';
import { generateSm2KeyPair, type Sm2KeyPair } from '../../gateway/crypto/sm2-keys.js';
import { sm3File } from '../../gateway/crypto/sm3.js';
import { reportCase, secondsSince } from '../case-result.js';

const [operation = 'seal', dir = '.'] = process.argv.slice(2);
const paths = { plain: join(dir, 'plain.bin'), envelope: join(dir, 'plain.env'), opened: join(dir, 'opened.bin'), parties: join(dir, 'parties.json') };
const ids = { sender: 'bench-county-office', recipient: 'bench-city-bureau' };

interface Party {
  keyPair: Sm2KeyPair;
  certificate: Sm2Certificate;
}

function createParty(commonName: string): Party {
  const keyPair = generateSm2KeyPair();
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 365 * 86_400_000);
  const certificate = issueSm2Certificate({ subject: { commonName, country: 'CN' }, publicKeyHex: keyPair.publicKeyHex, notBefore, notAfter }, { signer: createSm2Signer(keyPair) });
  return { keyPair, certificate };
}

function saveParties(parties: Record<'sender' | 'recipient', Party>): void {
  const saved = Object.fromEntries(Object.entries(parties).map(([role, { keyPair, certificate }]) => [role, { keyPair, certificatePem: certificate.pem }]));
  writeFileSync(paths.parties, JSON.stringify(saved), { mode: 0o600 });
}

function loadParties(): Record<'sender' | 'recipient', Party> {
  const saved = JSON.parse(readFileSync(paths.parties, 'utf8')) as Record<'sender' | 'recipient', { keyPair: Sm2KeyPair; certificatePem: string }>;
  const load = ({ keyPair, certificatePem }: { keyPair: Sm2KeyPair; certificatePem: string }): Party => ({ keyPair, certificate: parseSm2Certificate(certificatePem) });
  return { sender: load(saved.sender), recipient: load(saved.recipient) };
}

/** A sink into a file that waits for 'drain' whenever the stream's buffer is full, so memory stays flat. */
const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

function fileSink(path: string): { sink: ChunkSink; close(): Promise<void> } {
  const stream = createWriteStream(path);
  return {
    async sink(chunk) {
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    async close() {
      stream.end();
      await finished(stream);
    },
  };
}

const plaintextBytes = statSync(paths.plain).size;
if (operation === 'seal') {
  const parties = { sender: createParty('Bench county civil-affairs office'), recipient: createParty('Bench city civil-affairs bureau') };
  saveParties(parties);
  const options = {
    sender: { id: ids.sender, signer: createSm2Signer(parties.sender.keyPair), certificate: parties.sender.certificate },
    recipient: { id: ids.recipient, publicKey: prepareSm2PublicKey(parties.recipient.keyPair.publicKeyHex), certificate: parties.recipient.certificate },
  };
  const rssBefore = megabytes(process.memoryUsage.rss());
  const start = process.hrtime.bigint();
  const source = await fileSource(paths.plain);
  const out = fileSink(paths.envelope);
  const { bytes } = await sealEnvelope(source, out.sink, options);
  await out.close();
  await source.close();
  const seconds = secondsSince(start);
  const peak = peakRssMb();
  reportCase({
    name: 'seal · jiuzhu sealEnvelope, file to file',
    rows: plaintextBytes / 1e6,
    unit: 'MB',
    seconds,
    peakRssMb: peak,
    detail: `RSS ${rssBefore} MB before sealing began; envelope ${bytes.toLocaleString('en')} bytes; reads the file once (SM4-CBC, SM3 of the ciphertext written), SM2-encrypts the key, SM2-signs`,
  });
} else if (operation === 'open') {
  const { sender, recipient } = loadParties();
  const senderKey = prepareSm2PublicKey(sender.keyPair.publicKeyHex);
  const options = {
    ourId: ids.recipient,
    recipientKeys: [{ keyPair: recipient.keyPair, publicKey: prepareSm2PublicKey(recipient.keyPair.publicKeyHex), certificate: recipient.certificate }],
    senderKeys: async () => [senderKey],
    accept: async () => {},
  };
  const rssBefore = megabytes(process.memoryUsage.rss());
  const start = process.hrtime.bigint();
  const source = await fileSource(paths.envelope);
  const { contentBytes } = await openEnvelopeToFile(source, paths.opened, options);
  await source.close();
  const seconds = secondsSince(start);
  const peak = peakRssMb();
  // Untimed: a bench of a path that returns the wrong bytes would be worthless.
  if (contentBytes !== plaintextBytes || (await sm3File(paths.opened)) !== (await sm3File(paths.plain))) {
    throw new Error('the opened envelope does not equal the sealed file');
  }
  reportCase({
    name: 'open · jiuzhu openEnvelopeToFile, file to file',
    rows: plaintextBytes / 1e6,
    unit: 'MB',
    seconds,
    peakRssMb: peak,
    detail: `RSS ${rssBefore} MB before opening began; reads the envelope once (SM2-verify, then SM3 and SM4-CBC decrypt together into a temp file renamed when the digest matched); output checked equal by SM3, untimed`,
  });
} else {
  throw new Error(`usage: crypto-envelope.ts seal|open DIR (got ${operation})`);
}
