/**
 * Writes the benchmark's department files: a 医保 settlement CSV in GBK (as bureaus send it) and the same rows as
 * an XLSX workbook. Every row is a distinct person with a valid ID number.
 * Usage: feed-files.ts DIR CSV_ROWS XLSX_ROWS
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { computeCheckCharacter } from '../../gateway/identity/id-number.js';

const [dir = '.', csvRowsArg = '1000000', xlsxRowsArg = '200000'] = process.argv.slice(2);
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
process.stdout.write('{}\n');
