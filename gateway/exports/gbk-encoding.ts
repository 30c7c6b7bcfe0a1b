let gbkTable: Map<string, Buffer> | undefined;

/**
 * Text as GBK bytes, for files read by systems that expect it (department exports, banks' batch files). Node can
 * decode GBK (ICU) but not encode it, so the reverse table is built once from the decoder: every two-byte GBK code,
 * decoded, gives the character it stands for. A character outside GBK is refused rather than written as '?', which
 * would make the file say something else.
 */
export function encodeGbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gbk', { fatal: true });
    for (let lead = 0x81; lead <= 0xfe; lead += 1) {
      for (let trail = 0x40; trail <= 0xfe; trail += 1) {
        if (trail === 0x7f) continue;
        const bytes = Buffer.from([lead, trail]);
        let character: string;
        try {
          character = decoder.decode(bytes);
        } catch {
          continue;
        }
        if (character.length === 1 && !gbkTable.has(character)) gbkTable.set(character, bytes);
      }
    }
  }
  const parts: Buffer[] = [];
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (code < 0x80) {
      parts.push(Buffer.from([code]));
      continue;
    }
    const bytes = gbkTable.get(character);
    if (!bytes) throw new RangeError(`"${character}" (U+${code.toString(16).toUpperCase()}) has no GBK code`);
    parts.push(bytes);
  }
  return Buffer.concat(parts);
}
