import { XMLBuilder } from 'fast-xml-parser';
import { bufferSource } from '../../gateway/crypto/byte-source.js';
import { sm3Hex } from '../../gateway/crypto/sm3.js';
import type { Exchange } from '../../gateway/keystore/exchange.js';
import type { ChangeRecord, ChangeType, MonthlyChangeSet } from './change-set.js';
import { defaultFieldMapping, type JinminFieldMapping } from './field-mapping.js';
import { writeUstar } from './ustar.js';

/** The format names and versions written into every package, so a receiver knows what it holds before reading on. */
export const packageFormat = { name: 'jiuzhu-jinmin-change-set', version: '1' } as const;
export const changesFileName = 'changes.xml';
export const manifestFileName = 'manifest.xml';
/** The partner id the package is sealed for, unless told otherwise. */
export const jinminPartnerId = 'jinmin';
/** The delivery kind, which the receiver's partner registry also uses as the feed it allows us to send to. */
export const changeSetDeliveryKind = 'jinmin-change-set';

export interface PackageManifest {
  format: string;
  version: string;
  /** `<county>-<yyyymm>-<first 16 hex of the SM3 of changes.xml>`: the same content gives the same id, so a receiver recognises a resend. */
  packageId: string;
  countyCode: string;
  period: string;
  generatedAt: string;
  counts: Record<ChangeType, number> & { total: number };
  files: { name: string; bytes: number; sm3: string }[];
}

export interface ChangeSetPackage {
  manifest: PackageManifest;
  /** The files in archive order: manifest.xml, then changes.xml. */
  files: { name: string; content: Buffer }[];
  /** The ustar archive of the files: what gets sealed. */
  bytes: Buffer;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, indentBy: '  ', suppressEmptyNode: false, processEntities: true });

/**
 * The package: a POSIX ustar archive holding manifest.xml (package id, county, period, generation time, the count of
 * each change type, and every other file's byte length and SM3) and changes.xml (the change set, named as the field
 * mapping says). jiuzhu's own format — the 金民 interface is not public; see README.md.
 */
export function buildChangeSetPackage(changeSet: MonthlyChangeSet, options: { mapping?: JinminFieldMapping; generatedAt?: Date } = {}): ChangeSetPackage {
  const mapping = options.mapping ?? defaultFieldMapping();
  const generatedAt = options.generatedAt ?? new Date();
  const changes = renderChangesXml(changeSet, mapping);
  const digest = sm3Hex(changes);
  const counts = { ...changeSet.counts, total: changeSet.changes.length };
  const manifest: PackageManifest = {
    format: packageFormat.name,
    version: packageFormat.version,
    packageId: `${changeSet.countyCode}-${changeSet.period.replace('-', '')}-${digest.slice(0, 16)}`,
    countyCode: changeSet.countyCode,
    period: changeSet.period,
    generatedAt: generatedAt.toISOString(),
    counts,
    files: [{ name: changesFileName, bytes: changes.length, sm3: digest }],
  };
  const files = [{ name: manifestFileName, content: renderManifestXml(manifest) }, { name: changesFileName, content: changes }];
  return { manifest, files, bytes: writeUstar(files, generatedAt) };
}

/** Seals the package for 金民 (or `partnerId`) with the exchange's GM/T 0010 envelope: SM4 for 金民's SM2 key, signed with ours. */
export async function sealChangeSetPackage(exchange: Exchange, changePackage: ChangeSetPackage, partnerId: string = jinminPartnerId): Promise<Buffer> {
  const parts: Buffer[] = [];
  await exchange.sealFor(partnerId, bufferSource(changePackage.bytes), (chunk) => void parts.push(Buffer.from(chunk)));
  return Buffer.concat(parts);
}

export function renderChangesXml(changeSet: MonthlyChangeSet, mapping: JinminFieldMapping): Buffer {
  const e = mapping.elements;
  const families = new Map<string, ChangeRecord[]>();
  for (const change of changeSet.changes) families.set(change.household.householdNo, [...(families.get(change.household.householdNo) ?? []), change]);
  const month = (value: string | null) => (value === null ? undefined : mapping.monthFormat === 'yyyymm' ? value.replace('-', '') : value);
  const document = {
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    [e.changeSet]: {
      '@format': packageFormat.name,
      '@version': packageFormat.version,
      '@countyCode': changeSet.countyCode,
      '@period': changeSet.period,
      [e.family]: [...families.values()].map((changes) => ({
        [e.householdNo]: text(changes[0]!.household.householdNo, changes[0]!, 'householdNo'),
        [e.regionCode]: text(changes[0]!.household.regionCode, changes[0]!, 'regionCode'),
        [e.change]: changes.map((change) =>
          withoutAbsent({
            [e.changeId]: change.changeId,
            [e.changeType]: mapping.changeTypeCodes[change.changeType],
            [e.enrolmentId]: String(change.enrolmentId),
            [e.businessCode]: text(change.category, change, 'category'),
            [e.monthlyAmount]: yuan(change.monthlyAmountFen),
            [e.previousMonthlyAmount]: yuan(change.previousMonthlyAmountFen),
            [e.effectiveMonth]: month(change.effectiveMonth),
            [e.startMonth]: month(change.startMonth),
            [e.endMonth]: month(change.endMonth),
            [e.endReason]: change.endReason === null ? undefined : text(change.endReason, change, 'endReason'),
            [e.person]: {
              [e.idNumber]: text(change.person.idNumber, change, 'idNumber'),
              [e.name]: text(change.person.name, change, 'name'),
              [e.relation]: text(change.person.relation, change, 'relation'),
            },
          }),
        ),
      })),
    },
  };
  return Buffer.from(builder.build(document) as string, 'utf8');
}

export function renderManifestXml(manifest: PackageManifest): Buffer {
  const document = {
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    manifest: {
      '@format': manifest.format,
      '@version': manifest.version,
      packageId: manifest.packageId,
      countyCode: manifest.countyCode,
      period: manifest.period,
      generatedAt: manifest.generatedAt,
      digestAlgorithm: 'SM3',
      counts: { '@new': String(manifest.counts.new), '@changed': String(manifest.counts.changed), '@stopped': String(manifest.counts.stopped), '@total': String(manifest.counts.total) },
      files: { file: manifest.files.map((file) => ({ '@name': file.name, '@bytes': String(file.bytes), '@sm3': file.sm3 })) },
    },
  };
  return Buffer.from(builder.build(document) as string, 'utf8');
}

/** Fen to yuan with exactly two decimals, in integer arithmetic: 64000 → "640.00". */
export function yuan(fen: number | null): string | undefined {
  if (fen === null) return undefined;
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`[jinmin] an amount must be a non-negative whole number of fen, got ${fen}`);
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/**
 * The builder escapes &, <, >, quotes; what XML 1.0 cannot carry at all (control characters, lone surrogates,
 * U+FFFE/U+FFFF) is refused with the record named and the value left out of the message.
 */
function text(value: string, change: ChangeRecord, field: string): string {
  // eslint-disable-next-line no-control-regex -- the point is to find them
  const invalid = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(value);
  if (invalid) {
    const code = invalid[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new Error(`[jinmin] enrolment ${change.enrolmentId}: ${field} holds U+${code}, which XML cannot carry; correct it in the register`);
  }
  return value;
}

function withoutAbsent<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
