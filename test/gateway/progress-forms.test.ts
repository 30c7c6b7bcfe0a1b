import ExcelJS from 'exceljs';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnOf, progressFormLayout } from '../../gateway/filing/progress-form.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const { firstTaskRow, headerRow, sheetName } = progressFormLayout;
const progressColumn = columnOf('progress');
const noteColumn = columnOf('note');

/** A workbook as a clerk would edit it: opened in a spreadsheet program, changed, saved. */
async function edited(bytes: Buffer, edit: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  edit(workbook.getWorksheet(sheetName)!);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The task row of a number in the form as handed out (rows are in task order). */
function rowOfTask(sheet: ExcelJS.Worksheet, number: number): ExcelJS.Row {
  for (let row = firstTaskRow; row <= sheet.rowCount; row += 1) if (sheet.getRow(row).getCell(1).value === number) return sheet.getRow(row);
  throw new Error(`no row for task ${number}`);
}

describe.each(dialects)('the progress form’s round trip through Excel on %s', (dialect) => {
  let t: TestApp;
  let clock = new Date('2024-10-02T10:00:00+08:00');
  let ga: { authorization: string };
  let mz: { authorization: string };

  const download = async (period: string, unit: string, headers = mz): Promise<Buffer> => {
    const response = await t.app.inject({ method: 'GET', url: `/v1/progress/${period}/${unit}/form.xlsx`, headers });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe(xlsxType);
    return response.rawPayload;
  };
  const upload = (period: string, unit: string, bytes: Buffer, headers = mz): Promise<ReturnType<TestApp['app']['inject']> extends Promise<infer R> ? R : never> =>
    t.app.inject({ method: 'POST', url: `/v1/progress/${period}/${unit}/form.xlsx`, headers: { ...headers, 'content-type': xlsxType }, payload: bytes } as InjectOptions);
  const entryCount = async () => Number((await t.store.knex('progress_entries').count({ n: '*' }).first())?.n);

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => clock });
    ga = await t.authAs('liaison', '640121', 'ga');
    mz = await t.authAs('liaison', '640121', 'mz');
    for (const task of [1, 2, 3]) {
      await t.app.inject({ method: 'PUT', url: `/v1/progress/2024-09/mz/${task}`, headers: mz, payload: { progress: `九月第${task}项进度` } });
    }
    await t.app.inject({ method: 'PUT', url: '/v1/progress/2024-09/mz/4', headers: mz, payload: { progress: '-12户已核查', note: '=SUM(A1)' } });
  });
  afterAll(async () => t.close());

  it('hands a unit its form: its tasks, last month’s text, A4 landscape with the header repeated on every page', async () => {
    clock = new Date('2024-11-02T10:00:00+08:00');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download('2024-10', 'mz')) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet(sheetName)!;
    expect(sheet.getCell('A1').value).toBe('永宁县加强低收入人口动态监测做好分层分类社会救助工作的实施方案任务落实清单（落实进度表）');
    expect(sheet.getCell('A2').value).toBe('填报单位：民政局（mz）\u3000所属月份：2024-10\u3000报送期限：2024-11-05前报送民政局');
    expect(sheet.getRow(headerRow).values).toEqual([undefined, '序号', '重点任务', '落实措施', '牵头单位', '责任单位', '上月落实进度', '本月落实进度', '备注']);
    expect(sheet.rowCount).toBe(firstTaskRow + 14);
    const first = sheet.getRow(firstTaskRow);
    expect(first.getCell(1).value).toBe(1);
    expect(first.getCell(2).value).toBe('做好低收入人口认定工作');
    expect(String(first.getCell(3).value)).toMatch(/^一是做好低保对象、特困人员/);
    expect(first.getCell(5).value).toBe('民政局、农业农村局、医保局、杨和镇、李俊镇、望远镇、望洪镇、闽宁镇、胜利乡、团结西路街道办事处');
    expect(first.getCell(6).value).toBe('九月第1项进度');
    expect(first.getCell(progressColumn).value).toBeNull();
    expect(first.getCell(progressColumn).protection).toMatchObject({ locked: false });
    expect(first.getCell(3).alignment).toMatchObject({ wrapText: true });
    expect(rowOfTask(sheet, 4).getCell(6).value).toBe('\'-12户已核查');
    expect(sheet.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:3' });
    expect(sheet.columns.map((c) => c.width)).toEqual(progressFormLayout.columns.map((c) => c.width));
    expect(sheet.getCell('A1').isMerged && sheet.getCell('H1').isMerged).toBe(true);
    // Taken again later the same day: the same bytes (document dates and zip entry times are the day's).
    clock = new Date('2024-11-02T17:30:00+08:00');
    const again = await download('2024-10', 'mz');
    clock = new Date('2024-11-02T10:00:00+08:00');
    expect(again.equals(await download('2024-10', 'mz'))).toBe(true);
  });

  it('files the filled-in texts, matched by task number even when rows are moved, and leaves blank rows unfiled', async () => {
    clock = new Date('2024-10-03T10:00:00+08:00');
    const filled = await edited(await download('2024-09', 'mz'), (sheet) => {
      rowOfTask(sheet, 5).getCell(progressColumn).value = '低保提标已落实';
      rowOfTask(sheet, 5).getCell(noteColumn).value = '10月起执行';
      // Task 6's row moved below the table's end, as a clerk sorting the sheet would.
      const six = rowOfTask(sheet, 6);
      const moved = sheet.getRow(firstTaskRow + 20);
      moved.getCell(1).value = 6;
      moved.getCell(progressColumn).value = '医疗救助资助参保';
      six.values = [];
      rowOfTask(sheet, 1).getCell(progressColumn).value = '九月第1项进度';
    });
    const response = await upload('2024-09', 'mz', filled);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ period: '2024-09', unit: { code: 'mz' }, filed: [5, 6], unchanged: [1, 2, 3, 4] });
    expect(body.blank).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(body.status).toMatchObject({ filing: 'incomplete', tasksFiled: 6 });
    const sheet = (await t.app.inject({ method: 'GET', url: '/v1/progress/2024-09/mz', headers: mz })).json();
    expect(sheet.tasks.find((task: { number: number }) => task.number === 5)).toMatchObject({ progress: '低保提标已落实', note: '10月起执行' });
    // The texts beginning = or - went out neutralised ('-12户已核查) and came back as filed.
    expect(sheet.tasks.find((task: { number: number }) => task.number === 4)).toMatchObject({ progress: '-12户已核查', note: '=SUM(A1)' });
    const audit = await t.store.knex('audit_log').where({ action: 'progress.file', resource_id: 'yongning/2024-09/mz' }).orderBy('id', 'desc').first('detail');
    expect(audit.detail).toBe('form form.xlsx uploaded: task 5, 6 (first filed: 5, 6)');
  });

  it('changes nothing when the same workbook is posted again', async () => {
    const bytes = await edited(await download('2024-09', 'mz'), (sheet) => {
      rowOfTask(sheet, 7).getCell(progressColumn).value = '教育救助已落实';
    });
    expect((await upload('2024-09', 'mz', bytes)).json().filed).toEqual([7]);
    const entries = await t.store.knex('progress_entries').orderBy('id').select();
    const auditLines = Number((await t.store.knex('audit_log').count({ n: '*' }).first())?.n);
    const filings = Number((await t.store.knex('audit_log').where({ action: 'progress.file' }).count({ n: '*' }).first())?.n);
    const again = await upload('2024-09', 'mz', bytes);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ filed: [], unchanged: [1, 2, 3, 4, 5, 6, 7] });
    expect(await t.store.knex('progress_entries').orderBy('id').select()).toEqual(entries);
    // The request itself is logged (an upload that changed nothing); no filing is.
    expect(Number((await t.store.knex('audit_log').count({ n: '*' }).first())?.n)).toBe(auditLines + 1);
    expect(Number((await t.store.knex('audit_log').where({ action: 'progress.file' }).count({ n: '*' }).first())?.n)).toBe(filings);
  });

  it('refuses a changed header, naming the cell, and files nothing else of the workbook', async () => {
    const before = await entryCount();
    const bytes = await edited(await download('2024-09', 'mz'), (sheet) => {
      sheet.getCell(headerRow, progressColumn).value = '本月进度';
      rowOfTask(sheet, 8).getCell(progressColumn).value = '住房救助';
    });
    const response = await upload('2024-09', 'mz', bytes);
    expect(response.statusCode).toBe(422);
    const problem = response.json();
    expect(problem.code).toBe('file-refused');
    expect(problem.errors).toEqual([{ in: 'body', cell: '落实进度!G3', detail: 'G3: expected the column "本月落实进度", found "本月进度"' }]);
    expect(problem.detail).toContain('nothing was filed: G3: expected the column "本月落实进度"');
    expect(await entryCount()).toBe(before);
    const audit = await t.store.knex('audit_log').where({ action: 'progress.upload' }).orderBy('id', 'desc').first('outcome', 'detail');
    expect(audit).toMatchObject({ outcome: 'invalid', detail: expect.stringContaining('workbook form.xlsx refused') });
  });

  it('refuses a task number the unit does not report on, a task given twice and a cell outside the form, each by its cell', async () => {
    const before = await entryCount();
    const bytes = await edited(await download('2024-09', 'ga', ga), (sheet) => {
      const row = sheet.getRow(firstTaskRow);
      row.getCell(progressColumn).value = '流浪乞讨救助';
      const extra = sheet.getRow(firstTaskRow + 1);
      extra.getCell(1).value = 16;
      extra.getCell(progressColumn).value = '多出一项';
      const twice = sheet.getRow(firstTaskRow + 2);
      twice.getCell(1).value = 11;
      twice.getCell(progressColumn).value = '又一次';
      sheet.getCell(firstTaskRow, 9).value = '补充说明';
    });
    const response = await upload('2024-09', 'ga', bytes, ga);
    expect(response.statusCode).toBe(422);
    expect(response.json().errors.map((e: { detail: string }) => e.detail)).toEqual([
      'I4: "补充说明" is outside the form\'s columns (A–H)',
      'A5: "16" is not one of 公安局\'s tasks (11)',
      'A6: task 11 appears again (first in row 4)',
    ]);
    expect(await entryCount()).toBe(before);
  });

  it('refuses another unit’s or month’s form, and a file that is no form', async () => {
    const mzForm = await download('2024-09', 'mz');
    const wrongUnit = await upload('2024-09', 'ga', mzForm, ga);
    expect(wrongUnit.statusCode).toBe(422);
    expect(wrongUnit.json().errors[0].detail).toMatch(/^A2: expected "填报单位：公安局（ga）/);
    const wrongMonth = await upload('2024-10', 'mz', mzForm);
    expect(wrongMonth.json().errors.map((e: { cell: string }) => e.cell)).toEqual(['落实进度!A2']);
    const notAWorkbook = await upload('2024-09', 'mz', Buffer.from('序号,本月落实进度\n1,x\n'));
    expect(notAWorkbook.json()).toMatchObject({ code: 'file-refused', detail: expect.stringContaining('not an Excel workbook') });
    const otherSheet = new ExcelJS.Workbook();
    otherSheet.addWorksheet('Sheet1').getCell('A1').value = '序号';
    const noFormSheet = await upload('2024-09', 'mz', Buffer.from(await otherSheet.xlsx.writeBuffer()));
    expect(noFormSheet.json().detail).toContain('no sheet named "落实进度"');
  });

  it('takes the workbook as the one file of a multipart form too, and refuses another unit’s key', async () => {
    const bytes = await edited(await download('2024-09', 'ga', ga), (sheet) => {
      sheet.getRow(firstTaskRow).getCell(progressColumn).value = '流浪乞讨救助';
    });
    const boundary = 'jiuzhu-form-boundary';
    const multipart = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="公安局9月.xlsx"\r\nContent-Type: ${xlsxType}\r\n\r\n`),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const request = (headers: { authorization: string }) =>
      t.app.inject({ method: 'POST', url: '/v1/progress/2024-09/ga/form.xlsx', headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: multipart });
    expect((await request(mz)).statusCode).toBe(403);
    const response = await request(ga);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ filed: [11], status: { filing: 'on-time' } });
  });
});
