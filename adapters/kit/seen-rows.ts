import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Finds rows repeated within one file, with the location of the first. Each row is kept as a 64-bit key (two
 * independent 32-bit FNV-1a hashes) and its location, never its text. Two different facts share a key with odds of
 * about 1 in 36 million in a million-row file; the reject names the earlier line, so a clerk can check.
 *
 * Memory stays bounded whatever the file's size (issue 15: an import under 500 MB at any size). Keys live in an
 * open-addressing table in one Int32Array (16 bytes a slot, at most half the slots taken; a Map with a location string
 * per row took ~160 MB of heap for two million rows). When the table holds `inMemoryRows` keys its slots are written as
 * they are to a temporary file, one run, and only a 16-bit fingerprint per slot stays in memory (4 bytes a row, 80 MB
 * at the readers' 20-million-row limit). A key is looked up in the table, then in each run by the same probe over the
 * fingerprints; the disk is read only when a fingerprint matches: for a new row, by the odds (~1.5 taken slots
 * probed, each matching 1 in 65,535), about once in 40,000 rows per run; not measured.
 * Files under `inMemoryRows` rows never touch the disk. The spill file is unlinked as soon as it is open, so nothing
 * outlives the process; `close()` releases it early.
 *
 * Locations are kept as a prefix and a number ("line " and 1234, "Sheet1!A" and 57): every reader writes them so.
 */
export class SeenRows {
  private readonly inMemoryRows: number;
  private table: KeyTable;
  private readonly prefixes: string[] = [];
  private readonly prefixIds = new Map<string, number>();
  private lastPrefix = '';
  private lastPrefixId = -1;
  private readonly runs: SpilledRun[] = [];
  private spill: SpillFile | undefined;

  constructor(options: { inMemoryRows?: number } = {}) {
    this.inMemoryRows = Math.max(1, options.inMemoryRows ?? 1 << 20);
    // Small to start: a JSON file gets one of these per set of field names its records use.
    this.table = new KeyTable(Math.min(1 << 6, tableSlotsFor(this.inMemoryRows)));
  }

  /** The location of an earlier row with the same key, or undefined after remembering this one. */
  earlierLocation(cells: readonly string[], columns: readonly number[], location: string): string | undefined {
    const [a, b] = rowKeyHalves(cells, columns);
    const slot = this.table.find(a, b);
    if (this.table.isTaken(slot)) return this.locationText(this.table.prefixOf(slot), this.table.numberOf(slot));
    for (const run of this.runs) {
      const earlier = this.findInRun(run, a, b);
      if (earlier !== undefined) return earlier;
    }
    const [prefix, number] = this.splitLocation(location);
    let free = slot;
    if (this.table.size >= this.inMemoryRows) {
      this.spillTable();
      free = this.table.find(a, b);
    } else if (this.table.size + 1 > this.table.slots / 2) {
      this.table = this.table.grown();
      free = this.table.find(a, b);
    }
    this.table.put(free, a, b, prefix, number);
    return undefined;
  }

  /** Releases the spill file, if the file was large enough to need one. */
  close(): void {
    this.spill?.close();
    this.spill = undefined;
  }

  private locationText(prefix: number, number: number): string {
    const text = this.prefixes[prefix]!;
    return number < 0 ? text : `${text}${number}`;
  }

  /** "line 1234" → the id of "line " and 1234; a location without a trailing number is all prefix (number -1). */
  private splitLocation(location: string): [prefix: number, number: number] {
    // The digits read from the end, as a number, with no substring made: this runs for every row.
    let start = location.length;
    let number = 0;
    for (let scale = 1; start > 0 && start > location.length - 9; scale *= 10) {
      const code = location.charCodeAt(start - 1);
      if (!isDigit(code)) break;
      number += (code - 48) * scale;
      start -= 1;
    }
    // A leading zero would not survive the round trip through a number, nor would more than nine digits.
    const numbered = start < location.length && (location.charCodeAt(start) !== 48 || start === location.length - 1)
      && !(start > 0 && isDigit(location.charCodeAt(start - 1)));
    const prefixEnd = numbered ? start : location.length;
    if (!numbered) number = -1;
    if (this.lastPrefixId >= 0 && prefixEnd === this.lastPrefix.length && location.startsWith(this.lastPrefix)) return [this.lastPrefixId, number];
    const prefix = location.slice(0, prefixEnd);
    let id = this.prefixIds.get(prefix);
    if (id === undefined) {
      id = this.prefixes.length;
      this.prefixes.push(prefix);
      this.prefixIds.set(prefix, id);
    }
    this.lastPrefix = prefix;
    this.lastPrefixId = id;
    return [id, number];
  }

  /** Writes the table out as a run, and starts an empty one of the same size. */
  private spillTable(): void {
    this.spill ??= new SpillFile();
    this.runs.push({ fingerprints: this.table.fingerprints(), offset: this.spill.append(this.table.bytes()), shift: this.table.shift });
    this.table = new KeyTable(this.table.slots);
  }

  private findInRun(run: SpilledRun, a: number, b: number): string | undefined {
    const fingerprints = run.fingerprints;
    const mask = fingerprints.length - 1;
    const fingerprint = fingerprintOf(b);
    // The same probe sequence the table used, over the fingerprints; a matching one is checked on disk.
    for (let slot = slotOf(a, b, run.shift); fingerprints[slot] !== 0; slot = (slot + 1) & mask) {
      if (fingerprints[slot] !== fingerprint) continue;
      const [first, second, number, prefix] = this.spill!.readSlot(run.offset + slot * slotBytes);
      if (first === a && second === b) return this.locationText(prefix! - 1, number!);
    }
    return undefined;
  }
}

/**
 * A table written to disk: its slots as they were (16 bytes each) in the file, and in memory a 16-bit fingerprint per
 * slot (0 for an empty one), 4 bytes a row at the table's load of at most a half.
 */
interface SpilledRun {
  fingerprints: Uint16Array;
  offset: number;
  shift: number;
}

/** First half, second half, location number, location prefix id + 1 (0: empty): one cache line holds a slot. */
const slotInts = 4;
const slotBytes = slotInts * 4;

/** A power of two with room for `rows` keys at half load. */
function tableSlotsFor(rows: number): number {
  return 2 ** Math.ceil(Math.log2(rows * 2));
}

/** Fibonacci hashing: the top bits of the product, which every bit of the key reaches. Exported for the collision test. */
export function slotOf(a: number, b: number, shift: number): number {
  return Math.imul(a ^ b, 0x9e3779b1) >>> shift;
}

/** 16 bits of the key, never 0, which marks an empty slot. Exported for the collision test. */
export function fingerprintOf(b: number): number {
  return (b & 0xffff) || 1;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Open addressing with linear probing over one Int32Array, a slot's four values side by side. */
class KeyTable {
  size = 0;
  readonly shift: number;
  private readonly mask: number;
  private readonly cells: Int32Array;

  constructor(readonly slots: number) {
    this.mask = slots - 1;
    this.shift = 32 - Math.log2(slots);
    this.cells = new Int32Array(slots * slotInts);
  }

  /** The slot holding this key, or the empty slot where it would go. */
  find(a: number, b: number): number {
    const cells = this.cells;
    let slot = slotOf(a, b, this.shift);
    for (let at = slot * slotInts; cells[at + 3] !== 0 && (cells[at] !== a || cells[at + 1] !== b); at = slot * slotInts) slot = (slot + 1) & this.mask;
    return slot;
  }

  isTaken(slot: number): boolean {
    return this.cells[slot * slotInts + 3] !== 0;
  }

  put(slot: number, a: number, b: number, prefix: number, number: number): void {
    const at = slot * slotInts;
    this.cells[at] = a;
    this.cells[at + 1] = b;
    this.cells[at + 2] = number;
    this.cells[at + 3] = prefix + 1;
    this.size += 1;
  }

  numberOf(slot: number): number {
    return this.cells[slot * slotInts + 2]!;
  }

  prefixOf(slot: number): number {
    return this.cells[slot * slotInts + 3]! - 1;
  }

  /** The same keys in a table twice the size. */
  grown(): KeyTable {
    const next = new KeyTable(this.slots * 2);
    const cells = this.cells;
    for (let at = 0; at < cells.length; at += slotInts) {
      if (cells[at + 3] !== 0) next.put(next.find(cells[at]!, cells[at + 1]!), cells[at]!, cells[at + 1]!, cells[at + 3]! - 1, cells[at + 2]!);
    }
    return next;
  }

  /** Each slot's fingerprint, 0 where empty. */
  fingerprints(): Uint16Array {
    const fingerprints = new Uint16Array(this.slots);
    for (let slot = 0, at = 0; slot < this.slots; slot++, at += slotInts) {
      if (this.cells[at + 3] !== 0) fingerprints[slot] = fingerprintOf(this.cells[at + 1]!);
    }
    return fingerprints;
  }

  /** The slots as bytes, in the platform's order: read back into an Int32Array by the same process. */
  bytes(): Uint8Array {
    return new Uint8Array(this.cells.buffer, this.cells.byteOffset, this.cells.byteLength);
  }
}

/**
 * The runs' slots, in one temporary file readable only by this user. It is unlinked once open: the keys (hashes
 * of rows of personal data) leave no file behind, even if the process is killed.
 */
class SpillFile {
  private readonly fd: number;
  private length = 0;
  private readonly slot = new Int32Array(slotInts);

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-seen-rows-'));
    try {
      this.fd = openSync(join(dir, 'runs'), 'w+', 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  append(bytes: Uint8Array): number {
    const offset = this.length;
    for (let written = 0; written < bytes.length;) written += writeSync(this.fd, bytes, written, bytes.length - written, offset + written);
    this.length += bytes.length;
    return offset;
  }

  /** One slot's four values; the array is reused by the next read. */
  readSlot(offset: number): Int32Array {
    readSync(this.fd, this.slot, 0, slotBytes, offset);
    return this.slot;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The two 32-bit halves of a row's key over the given columns. Exported for the collision test. */
export function rowKeyHalves(cells: readonly string[], columns: readonly number[]): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const column of columns) {
    const text = cells[column] ?? '';
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    // A separator between cells, so that ("ab", "c") and ("a", "bc") differ.
    a = Math.imul(a ^ 0x1f, 0x01000193);
    b = Math.imul(b ^ 0x1f, 0x5bd1e995) ^ (b >>> 15);
  }
  return [a, b];
}
