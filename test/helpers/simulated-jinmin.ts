import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import type { Knex } from 'knex';
import { defaultFieldMapping, type ElementName, type JinminFieldMapping } from '../../adapters/jinmin/field-mapping.js';
import { exchangeConfigFrom } from '../../gateway/config.js';
import { bufferSource } from '../../gateway/crypto/byte-source.js';
import { EnvelopeError, type EnvelopeRefusal } from '../../gateway/crypto/envelope-errors.js';
import { createExchange, type Exchange } from '../../gateway/keystore/exchange.js';
import { openTestStore, type TestStore } from './dialects.js';

/**
 * A stand-in for the national 金民 system's receiving end, faithful where jiuzhu can be wrong: it is a second party
 * with its own keystore, SM2 key and self-signed certificate, and it opens each delivery with its own exchange — so
 * an envelope that is not for it, not signed by a registered county key, stale, replayed or tampered is refused
 * with a 4xx and the reason, exactly as the real one would have to. Then it unpacks the archive with its own
 * reader (not jiuzhu's writer run backwards), checks every SM3 and byte length the manifest lists and every count,
 * and keeps what it received. The real interface is not public; this endpoint speaks jiuzhu's documented format.
 *
 * POST <url> with an application/pkcs7-mime body → 200 {receiptId, packageId, received: {new, changed, stopped}}.
 * A package it already holds (same packageId and content) is acknowledged again with its first receipt.
 */
export interface SimulatedJinmin {
  /** The endpoint to register as the county's partners.endpoint_url. */
  url: string;
  partyId: string;
  exchange: Exchange;
  certificatePem: string;
  /** Every package accepted, first to last. */
  received: ReceivedPackage[];
  /** Every answer given, first to last. */
  answers: { status: number; body: Record<string, unknown> }[];
  /** The next `count` requests are answered `status` (503 by default) before anything is read. */
  failNext(count: number, status?: number): void;
  /** Registers the county at 金民 and 金民 at the county (partner "jinmin" with its certificate and this endpoint). */
  connect(county: { exchange: Exchange; knex: Knex }): Promise<void>;
  close(): Promise<void>;
}

export interface ReceivedPackage {
  receiptId: string;
  senderId: string;
  signingTime: string;
  packageId: string;
  manifest: { countyCode: string; period: string; generatedAt: string; counts: Record<string, number> };
  /** Each change with canonical names (field-mapping.json's keys), values as written. */
  changes: Record<string, string>[];
}

export interface SimulatedJinminOptions {
  partyId?: string;
  /** Its clock, for freshness; defaults to the real one. */
  now?: () => Date;
  maxClockSkewSeconds?: number;
  /** The mapping the county was told to use; jiuzhu's default unless a province changed it. */
  mapping?: JinminFieldMapping;
  maxBodyBytes?: number;
}

const refusalStatus: Record<EnvelopeRefusal, number> = {
  malformed: 400,
  tampered: 400,
  'wrong-recipient': 400,
  stale: 400,
  'unknown-sender': 403,
  'bad-signature': 403,
  'forbidden-source': 403,
  replayed: 409,
};

class Refusal extends Error {
  constructor(readonly status: number, readonly code: string, reason: string) {
    super(reason);
  }
}

export async function startSimulatedJinmin(options: SimulatedJinminOptions = {}): Promise<SimulatedJinmin> {
  const partyId = options.partyId ?? 'jinmin';
  const mapping = options.mapping ?? defaultFieldMapping();
  const maxBodyBytes = options.maxBodyBytes ?? 16 << 20;
  const store: TestStore = await openTestStore('sqlite', { referenceData: false });
  const exchange = createExchange({
    knex: store.knex,
    config: { ...exchangeConfigFrom({ JIUZHU_PARTY_ID: partyId }), maxClockSkewSeconds: options.maxClockSkewSeconds ?? 300 },
    masterKey: randomBytes(32),
    now: options.now,
  });
  const ownKey = await exchange.ownKeys.generate('sm2');
  const received: ReceivedPackage[] = [];
  const answers: SimulatedJinmin['answers'] = [];
  let failures: { count: number; status: number } = { count: 0, status: 503 };

  async function handle(request: IncomingMessage): Promise<{ status: number; body: Record<string, unknown> }> {
    const body = await readBody(request, maxBodyBytes);
    if (request.method !== 'POST') throw new Refusal(405, 'method', 'only POST is accepted');
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      return { status: failures.status, body: { error: 'unavailable', reason: 'simulated outage' } };
    }
    if ((request.headers['content-type'] ?? '').split(';')[0]!.trim() !== 'application/pkcs7-mime') throw new Refusal(415, 'content-type', 'send the envelope as application/pkcs7-mime');

    const parts: Buffer[] = [];
    let header;
    try {
      header = await exchange.open(bufferSource(body), (chunk) => void parts.push(Buffer.from(chunk)), { forSource: 'jinmin-change-set' });
    } catch (error) {
      if (error instanceof EnvelopeError) throw new Refusal(refusalStatus[error.refusal], error.refusal, error.message);
      throw error;
    }
    const files = readUstar(Buffer.concat(parts));
    const manifest = checkManifest(files);
    const changes = checkChanges(files.get('changes.xml')!, manifest, mapping);

    const previous = received.find((p) => p.packageId === manifest.packageId);
    if (previous) return { status: 200, body: { ...receiptOf(previous), duplicate: true } };
    const pkg: ReceivedPackage = {
      receiptId: `JM${manifest.countyCode}${manifest.period.replace('-', '')}${String(received.length + 1).padStart(4, '0')}`,
      senderId: header.senderId,
      signingTime: header.signingTime.toISOString(),
      packageId: manifest.packageId,
      manifest: { countyCode: manifest.countyCode, period: manifest.period, generatedAt: manifest.generatedAt, counts: manifest.counts },
      changes,
    };
    received.push(pkg);
    return { status: 200, body: receiptOf(pkg) };
  }

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    handle(request)
      .catch((error: unknown) =>
        error instanceof Refusal
          ? { status: error.status, body: { error: error.code, reason: error.message } }
          : { status: 500, body: { error: 'internal', reason: (error as Error).message } },
      )
      .then((answer) => {
        answers.push(answer);
        response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer.body));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jinmin/v1/change-sets`;

  return {
    url,
    partyId,
    exchange,
    certificatePem: ownKey.certificate!,
    received,
    answers,
    failNext(count, status = 503) {
      failures = { count, status };
    },
    async connect(county) {
      const countyId = (await county.exchange.ownKeys.sender()).id;
      const countyKey = (await county.exchange.ownKeys.list()).find((k) => k.algorithm === 'sm2' && k.status === 'active');
      if (!countyKey?.certificate) throw new Error('the county has no active SM2 key: generate one first');
      await exchange.partners.add({ id: countyId, name: countyId, allowedSources: ['jinmin-change-set'] }, { certificate: countyKey.certificate });
      await county.exchange.partners.add({ id: partyId, name: '金民工程 (simulated)' }, { certificate: ownKey.certificate! });
      await county.knex('partners').where({ id: partyId }).update({ endpoint_url: url });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.dispose();
    },
  };
}

function receiptOf(pkg: ReceivedPackage): Record<string, unknown> {
  const { new: added = 0, changed = 0, stopped = 0 } = pkg.manifest.counts;
  return { receiptId: pkg.receiptId, packageId: pkg.packageId, received: { new: added, changed, stopped } };
}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    length += (chunk as Buffer).length;
    if (length > maxBytes) throw new Refusal(413, 'too-large', `the body is over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** An independent ustar reader: checks each header's checksum and magic, and the end-of-archive blocks. */
function readUstar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let at = 0;
  for (;;) {
    if (at + 512 > archive.length) throw new Refusal(422, 'bad-package', 'the archive ends without its two zero blocks');
    const header = archive.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (offset: number, length: number) => header.subarray(offset, offset + length).toString('ascii').replace(/\0.*$/s, '');
    let sum = 0;
    header.forEach((byte, index) => (sum += index >= 148 && index < 156 ? 32 : byte));
    if (Number.parseInt(field(148, 8).trim(), 8) !== sum) throw new Refusal(422, 'bad-package', `tar header at ${at} fails its checksum`);
    if (field(257, 6) !== 'ustar' || !['0', ''].includes(field(156, 1))) throw new Refusal(422, 'bad-package', `tar entry at ${at} is not a ustar regular file`);
    const name = field(0, 100);
    const size = Number.parseInt(field(124, 12).trim(), 8);
    if (files.has(name)) throw new Refusal(422, 'bad-package', `the archive holds ${name} twice`);
    files.set(name, archive.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function parseXml(bytes: Buffer, file: string, arrays: (path: string) => boolean = () => false): Record<string, any> {
  const text = bytes.toString('utf8');
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(text)) throw new Refusal(422, 'bad-package', `${file} has a document type declaration`);
  try {
    return new XMLParser({
      ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false, trimValues: true, processEntities: true,
      isArray: (_name, jpath) => arrays(String(jpath)),
    }).parse(text, true);
  } catch (error) {
    throw new Refusal(422, 'bad-package', `${file} is not well-formed XML: ${(error as Error).message}`);
  }
}

interface Manifest {
  packageId: string;
  countyCode: string;
  period: string;
  generatedAt: string;
  counts: Record<string, number>;
}

function checkManifest(files: Map<string, Buffer>): Manifest {
  const bytes = files.get('manifest.xml');
  if (!bytes) throw new Refusal(422, 'bad-package', 'the archive has no manifest.xml');
  const manifest = parseXml(bytes, 'manifest.xml', (path) => path === 'manifest.files.file').manifest;
  if (manifest?.['@format'] !== 'jiuzhu-jinmin-change-set' || manifest['@version'] !== '1') throw new Refusal(422, 'bad-package', 'manifest.xml is not a jiuzhu-jinmin-change-set version 1 manifest');
  if (manifest.digestAlgorithm !== 'SM3') throw new Refusal(422, 'bad-package', 'the manifest digests are not SM3');
  const listed: { '@name': string; '@bytes': string; '@sm3': string }[] = manifest.files?.file ?? [];
  for (const entry of listed) {
    const content = files.get(entry['@name']);
    if (!content) throw new Refusal(422, 'bad-package', `${entry['@name']} is listed in the manifest but not in the archive`);
    if (String(content.length) !== entry['@bytes']) throw new Refusal(422, 'bad-package', `${entry['@name']} has ${content.length} bytes, the manifest says ${entry['@bytes']}`);
    if (createHash('sm3').update(content).digest('hex') !== entry['@sm3']) throw new Refusal(422, 'bad-package', `${entry['@name']} does not match its SM3 in the manifest`);
  }
  const unlisted = [...files.keys()].filter((name) => name !== 'manifest.xml' && !listed.some((entry) => entry['@name'] === name));
  if (unlisted.length > 0) throw new Refusal(422, 'bad-package', `the archive holds ${unlisted.join(', ')}, which the manifest does not list`);
  if (!listed.some((entry) => entry['@name'] === 'changes.xml')) throw new Refusal(422, 'bad-package', 'the manifest lists no changes.xml');
  const counts = Object.fromEntries(['new', 'changed', 'stopped', 'total'].map((type) => [type, Number(manifest.counts?.[`@${type}`])]));
  return { packageId: manifest.packageId, countyCode: manifest.countyCode, period: manifest.period, generatedAt: manifest.generatedAt, counts };
}

function checkChanges(bytes: Buffer, manifest: Manifest, mapping: JinminFieldMapping): Record<string, string>[] {
  const e = mapping.elements;
  const root = parseXml(bytes, 'changes.xml', (path) => path === `${e.changeSet}.${e.family}` || path === `${e.changeSet}.${e.family}.${e.change}`)[e.changeSet];
  if (!root) throw new Refusal(422, 'bad-package', `changes.xml has no <${e.changeSet}>`);
  if (root['@countyCode'] !== manifest.countyCode || root['@period'] !== manifest.period) throw new Refusal(422, 'bad-package', 'changes.xml is for another county or period than the manifest');
  const typeOf = new Map(Object.entries(mapping.changeTypeCodes).map(([type, code]) => [code, type]));
  const leaves: ElementName[] = ['changeId', 'changeType', 'enrolmentId', 'businessCode', 'monthlyAmount', 'previousMonthlyAmount', 'effectiveMonth', 'startMonth', 'endMonth', 'endReason'];
  const changes: Record<string, string>[] = [];
  for (const family of (root[e.family] ?? []) as Record<string, any>[]) {
    for (const change of (family[e.change] ?? []) as Record<string, any>[]) {
      const type = typeOf.get(change[e.changeType]);
      if (!type) throw new Refusal(422, 'bad-package', `change ${change[e.changeId]} has an unknown change type "${change[e.changeType]}"`);
      const record: Record<string, string> = { householdNo: family[e.householdNo], regionCode: family[e.regionCode] };
      for (const name of leaves) if (change[e[name]] !== undefined) record[name] = String(change[e[name]]);
      record.changeType = type;
      for (const name of ['idNumber', 'name', 'relation'] as const) record[name] = String(change[e.person]?.[e[name]] ?? '');
      if (!/^[0-9]{17}[0-9X]$/.test(record.idNumber!)) throw new Refusal(422, 'bad-package', `change ${record.changeId} has no valid ID number`);
      changes.push(record);
    }
  }
  for (const type of ['new', 'changed', 'stopped']) {
    const found = changes.filter((c) => c.changeType === type).length;
    if (found !== manifest.counts[type]) throw new Refusal(422, 'bad-package', `changes.xml holds ${found} ${type} records, the manifest says ${manifest.counts[type]}`);
  }
  if (changes.length !== manifest.counts.total) throw new Refusal(422, 'bad-package', `changes.xml holds ${changes.length} records, the manifest says ${manifest.counts.total}`);
  return changes;
}
