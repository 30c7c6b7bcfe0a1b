/**
 * A minimal POSIX ustar writer (POSIX.1-1988 / IEEE 1003.1 "ustar" interchange format): regular files only, names
 * up to 100 ASCII bytes. Enough to bundle a package's few files into one payload that any `tar` opens, with no
 * archive dependency; zip would need one (deflate, central directory) for no gain on a sealed payload.
 */
export interface TarEntry {
  name: string;
  content: Buffer;
}

const block = 512;

export function writeUstar(entries: readonly TarEntry[], modified: Date): Buffer {
  const mtime = Math.floor(modified.getTime() / 1000);
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry.name, entry.content.length, mtime), entry.content);
    const padding = (block - (entry.content.length % block)) % block;
    if (padding > 0) parts.push(Buffer.alloc(padding));
  }
  // The end of the archive: two zero blocks.
  parts.push(Buffer.alloc(2 * block));
  return Buffer.concat(parts);
}

function header(name: string, size: number, mtime: number): Buffer {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new RangeError(`[jinmin] tar entry name "${name}" must be 1–100 characters of A–Z, a–z, 0–9, '.', '_', '-'`);
  const bytes = Buffer.alloc(block);
  const field = (offset: number, length: number, value: string) => bytes.write(value, offset, length, 'ascii');
  const octal = (offset: number, length: number, value: number) => field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, mtime);
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  field(265, 32, 'jiuzhu');
  field(297, 32, 'jiuzhu');
  octal(329, 8, 0);
  octal(337, 8, 0);
  let checksum = 0;
  for (const byte of bytes) checksum += byte;
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return bytes;
}
