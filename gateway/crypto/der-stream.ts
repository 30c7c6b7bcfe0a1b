import type { ByteSource } from './byte-source.js';
import { CryptoError } from './crypto-error.js';

/**
 * Just enough DER to write and read envelopes whose content is too large to hold: TLV headers are
 * encoded from known lengths, and parsed one at a time from a ByteSource without reading the value.
 */
export function derHeader(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
}

export interface Tlv {
  tag: number;
  start: number;
  valueStart: number;
  end: number;
}

/** Reads the TLV header at `position`; refuses indefinite lengths (BER), non-minimal lengths and overruns. */
export async function readTlv(source: ByteSource, position: number, limit: number, what: string): Promise<Tlv> {
  const head = await source.read(position, 6);
  return parseTlvHeader(head, position, limit, what);
}

export function tlvAt(buffer: Buffer, position: number, what: string): Tlv {
  return parseTlvHeader(buffer.subarray(position, position + 6), position, buffer.length, what);
}

function parseTlvHeader(head: Buffer, position: number, limit: number, what: string): Tlv {
  const malformed = (reason: string) => new CryptoError('bad-input', `${what}: ${reason}`);
  if (head.length < 2) throw malformed('truncated');
  const tag = head[0]!;
  if ((tag & 0x1f) === 0x1f) throw malformed('multi-byte tags are not used in envelopes');
  const first = head[1]!;
  let length: number;
  let headerLength: number;
  if (first < 0x80) {
    length = first;
    headerLength = 2;
  } else {
    const count = first & 0x7f;
    if (count === 0) throw malformed('indefinite length (BER) is not DER');
    if (count > 4) throw malformed('length too large');
    if (head.length < 2 + count) throw malformed('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + head[2 + i]!;
    if (head[2] === 0 || length < 0x80) throw malformed('non-minimal length');
    headerLength = 2 + count;
  }
  const end = position + headerLength + length;
  if (end > limit) throw malformed('value runs past its container');
  return { tag, start: position, valueStart: position + headerLength, end };
}

export function expectTag(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) throw new CryptoError('bad-input', `${what}: expected tag 0x${tag.toString(16)}, found 0x${tlv.tag.toString(16)}`);
  return tlv;
}
