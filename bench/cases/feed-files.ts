/**
 * Writes the benchmark's department files: a 医保 settlement CSV in GBK (as bureaus send it), the same rows as
 * an XLSX workbook and, when XML_ROWS is given, a 殡葬 cremation export in XML (one `<DeadInformation>` a person,
 * the `binzang` feed). Every row is a distinct person with a valid ID number.
 * Usage: feed-files.ts DIR CSV_ROWS XLSX_ROWS [XML_ROWS]
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { computeCheckCharacter } from '../../gateway/identity/id-number.js';

const [dir = '.', csvRowsArg = '1000000', xlsxRowsArg = '200000', xmlRowsArg = '0'] = process.argv.slice(2);
const header = ['序号', '姓名', '公民身份号码', '就诊类型', '结算日期', '医疗总费用', '个人自付'];
const names = ['马秀兰', '王建国', '李淑珍', '张伟', '刘芳', '杨志强', '丁海燕', '纳文清'];

function row(i: number): string[] {
  // Distinct people: 50 years × 12 months × 28 days of birth dates, then the sequence number.
  const date = `${1950 + (i % 50)}${String(1 + (Math.floor(i / 50) % 12)).padStart(2, '0')}${String(1 + (Math.floor(i / 600) % 28)).padStart(2, '0')}`;
  const first17 = `640121${date}${String(Math.floor(i / 16_800) % 1000).padStart(3, '0')}`;
  const selfPaid = 500 + ((i * 7919) % 40_000);
  return [String(i + 1), names[i % names.length]!, first17 + computeCheckCharacter(first17), i % 3 === 0 ? '门诊' : '住院', `2024-05-${String(1 + (i % 28)).padStart(2, '0')}`,
    `${(selfPaid * 3).toLocaleString('en')}.00`, `${selfPaid.toLocaleString('en')}.50`];
}

const csvRows = Number(csvRowsArg);
const utf8Path = join(dir, 'yibao-utf8.csv');
const out = createWriteStream(utf8Path);
out.write(`${header.join(',')}\n`);
for (let i = 0; i < csvRows; i++) {
  if (!out.write(`${row(i).map((cell) => (cell.includes(',') ? `"${cell}"` : cell)).join(',')}\n`)) await once(out, 'drain');
}
out.end();
await finished(out);
execFileSync('sh', ['-c', `iconv -f UTF-8 -t GBK ${JSON.stringify(utf8Path)} > ${JSON.stringify(join(dir, 'yibao-gbk.csv'))}`]);

const xlsxRows = Number(xlsxRowsArg);
const aoa: string[][] = [header];
for (let i = 0; i < xlsxRows; i++) aoa.push(row(csvRows + i));
const sheet = XLSX.utils.aoa_to_sheet(aoa, { dense: true });
const book = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(book, sheet, '结算明细');
writeFileSync(join(dir, 'yibao.xlsx'), XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer);
const xmlRows = Number(xmlRowsArg);
if (xmlRows > 0) {
  const xml = createWriteStream(join(dir, 'binzang.xml'));
  xml.write('<?xml version="1.0" encoding="UTF-8"?>\n<DeadInformations>\n');
  for (let i = 0; i < xmlRows; i++) {
    const [, name, idNumber, , date] = row(i);
    const record = `  <DeadInformation>\n    <DeadName>${name}</DeadName>\n    <CertificateNo>${idNumber}</CertificateNo>\n    <DeathDate>${date}</DeathDate>\n`
      + `    <CremationDate>${date}</CremationDate>\n    <FuneralHomeName>永宁县殡仪馆 &amp; 公墓</FuneralHomeName>\n  </DeadInformation>\n`;
    if (!xml.write(record)) await once(xml, 'drain');
  }
  xml.end('</DeadInformations>\n');
  await finished(xml);
}
process.stdout.write('{}\n');
