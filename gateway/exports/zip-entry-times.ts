/**
 * Sets every entry's modification time in a finished zip (an XLSX is one) to midnight of one calendar day, in the
 * local file headers and the central directory alike, so the same workbook written twice is the same bytes. The
 * writer exceljs uses (archiver) stamps each entry with the moment it was added, some of them while exceljs's
 * WorkbookWriter is still being constructed, before any option could reach them.
 *
 * MS-DOS date and time (APPNOTE.TXT 4.4.6): date = (year − 1980) << 9 | month << 5 | day, time 0 for midnight. The
 * zip must carry no extra fields holding other times (archiver writes none) and be no Zip64 file (no report is).
 */
const endOfCentralDirectory = 0x06054b50;
const centralHeader = 0x02014b50;
const localHeader = 0x04034b50;

export function setZipEntryTimes(zip: Buffer, day: string): void {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  if (!(year >= 1980 && year <= 2107)) throw new RangeError(`[reports] a zip entry date must fall in 1980–2107, got ${day}`);
  const dosDate = ((year - 1980) << 9) | (month << 5) | date;
  const end = findEndOfCentralDirectory(zip);
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  if (at === 0xffffffff) throw new RangeError('[reports] Zip64 archives are not handled');
  for (let index = 0; index < entries; index++) {
    if (zip.readUInt32LE(at) !== centralHeader) throw new Error(`[reports] zip central directory entry ${index} is not where its predecessor says`);
    zip.writeUInt16LE(0, at + 12);
    zip.writeUInt16LE(dosDate, at + 14);
    const local = zip.readUInt32LE(at + 42);
    if (zip.readUInt32LE(local) !== localHeader) throw new Error(`[reports] zip local header of entry ${index} is not where the central directory says`);
    zip.writeUInt16LE(0, local + 10);
    zip.writeUInt16LE(dosDate, local + 12);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535.
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === endOfCentralDirectory) return at;
  }
  throw new Error('[reports] not a zip file: no end of central directory record');
}
