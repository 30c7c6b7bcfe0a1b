import ExcelJS from 'exceljs';
import fc from 'fast-check';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportLowIncomeRegister,
  lowIncomeRegisterColumns,
  yuanFromFen,
  type LowIncomeRegisterExport,
} from '../../../adapters/antipoverty/register-export.js';
import { readSpreadsheetRows } from '../../../adapters/kit/xlsx-reader.js';
import type { RawRow } from '../../../adapters/kit/rows.js';
import { ProblemError } from '../../../gateway/errors.js';
import { checkIdNumber, computeCheckCharacter } from '../../../gateway/identity/id-number.js';
import { dialects, openTestStore, type TestStore } from '../../helpers/dialects.js';
import { keyOf } from '../../helpers/monitoring.js';

const now = '2024-06-03T00:00:00.000Z';
const generatedAt = new Date(now);

function idNumber(first17: string): string {
  return first17 + computeCheckCharacter(first17);
}

const ids = {
  xiulan: idNumber('64012119560312002'),
  xiaoyan: idNumber('64012119850704004'),
  xiaojun: idNumber('64012120100901003'),
  zhangsan: idNumber('64012119400105001'),
  lisi: idNumber('64012119421120002'),
  wanghua: idNumber('50011419780214003'),
  wanglei: idNumber('50011420020318001'),
  outsider: idNumber('50011419600101001'),
};

const headers = [
  '序号', '数据日期', '县(市、区、旗)', '乡(镇)', '行政村', '户编号', '姓名', '证件号码', '与户主关系', '民族', '健康状况',
  '残疾类别/等级', '劳动能力', '救助类别', '救助类别代码', '救助开始时间', '救助结束时间', '月保障金额（元）', '家庭人口数',
  '家庭月收入（元）',
];

/**
 * The expected data rows of 永宁县 for May 2024, as SheetJS reads the cell values back. Sorted by where the household
 * lives in the county, then household number, relation:
 * - household C is registered in 黔江区 but lives in 团结西路街道, so it is on the roll, placed at its residence;
 * - household A: 马秀兰's 低保 spans the month (her 刚性支出 enrolment beside it loses to the basic-living one);
 *   马晓燕's starts on 20 May; 马小军 has only a 临时救助 and an enrolment from June, so he is not a row but counts in
 *   家庭人口数;
 * - household B: 张三's 特困 ends on 10 May; 李四's 低保 ended in April, and her 低保边缘 from 15 May is the row.
 */
const expectedRows = [
  [1, '2024-05-31', '永宁县', '团结西路街道', '建设居委会', '500114001001003', '王华', ids.wanghua, '户主', '汉族', '健康或良好', '', '有劳动能力', '城市最低生活保障', '110', '2024-01-01', '', 780, 2, 2500.05],
  [2, '2024-05-31', '永宁县', '杨和镇', '王太村委会', '640121100200001', '马秀兰', ids.xiulan, '户主', '回族', '有慢性病', '', '完全丧失劳动能力', '农村最低生活保障', '120', '2023-01-01', '', 640, 3, 1200],
  [3, '2024-05-31', '永宁县', '杨和镇', '王太村委会', '640121100200001', '马晓燕', ids.xiaoyan, '女', '回族', '残疾', '肢体残疾/二级（重度）', '部分丧失劳动能力', '农村最低生活保障', '120', '2024-05-20', '', 333.33, 3, 1200],
  [4, '2024-05-31', '永宁县', '闽宁镇', '福宁村委会', '640121104200002', "'=张三", ids.zhangsan, '本人', '汉族', '', '', '', '农村特困人员救助供养', '132', '2022-03-01', '2024-05-10', 1234.56, 2, ''],
  [5, '2024-05-31', '永宁县', '闽宁镇', '福宁村委会', '640121104200002', '李四', ids.lisi, '配偶', '汉族', '', '', '', '最低生活保障边缘家庭', '600', '2024-05-15', '', '', 2, ''],
];

/** The same rows as the project's reader gives them: text cells, numbers in plain decimals, trailing blanks trimmed. */
const expectedTextRows = expectedRows.map((row) => {
  const cells = row.map((value) => String(value));
  while (cells.at(-1) === '') cells.pop();
  return cells;
});

interface SeedHousehold {
  no: string;
  registered: string;
  residence: string;
  incomeFen: number | null;
  members: {
    idNumber: string;
    name: string;
    relation: string;
    gender: string;
    birthDate: string;
    ethnicity?: string;
    health?: string;
    disabilityCategory?: string;
    disabilityGrade?: string;
    labourAbility?: string;
    enrolments: { category: string; start: string; end?: string; amountFen?: number }[];
  }[];
}

const seed: SeedHousehold[] = [
  {
    no: '640121100200001', registered: '640121100200', residence: '640121100200', incomeFen: 120_000,
    members: [
      {
        idNumber: ids.xiulan, name: '马秀兰', relation: '02', gender: '2', birthDate: '1956-03-12', ethnicity: '03', health: '3', labourAbility: '03',
        enrolments: [{ category: '120', start: '2023-01-01', amountFen: 64_000 }, { category: '650', start: '2024-02-01', amountFen: 10_000 }],
      },
      {
        idNumber: ids.xiaoyan, name: '马晓燕', relation: '30', gender: '2', birthDate: '1985-07-04', ethnicity: '03', health: '6',
        disabilityCategory: '4', disabilityGrade: '2', labourAbility: '02',
        enrolments: [{ category: '120', start: '2024-05-20', amountFen: 33_333 }],
      },
      {
        idNumber: ids.xiaojun, name: '马小军', relation: '20', gender: '1', birthDate: '2010-09-01', ethnicity: '03',
        enrolments: [{ category: '500', start: '2024-05-08', end: '2024-05-08', amountFen: 50_000 }, { category: '600', start: '2024-06-01' }],
      },
    ],
  },
  {
    no: '640121104200002', registered: '640121104200', residence: '640121104200', incomeFen: null,
    members: [
      {
        idNumber: ids.zhangsan, name: '=张三', relation: '01', gender: '1', birthDate: '1940-01-05', ethnicity: '01',
        enrolments: [{ category: '132', start: '2022-03-01', end: '2024-05-10', amountFen: 123_456 }],
      },
      {
        idNumber: ids.lisi, name: '李四', relation: '10', gender: '2', birthDate: '1942-11-20', ethnicity: '01',
        enrolments: [{ category: '120', start: '2020-01-01', end: '2024-04-30', amountFen: 50_000 }, { category: '600', start: '2024-05-15' }],
      },
    ],
  },
  {
    no: '500114001001003', registered: '500114001001', residence: '640121001001', incomeFen: 250_005,
    members: [
      {
        idNumber: ids.wanghua, name: '王华', relation: '02', gender: '1', birthDate: '1978-02-14', ethnicity: '01', health: '1', labourAbility: '01',
        enrolments: [{ category: '110', start: '2024-01-01', amountFen: 78_000 }],
      },
      {
        idNumber: ids.wanglei, name: '王磊', relation: '20', gender: '1', birthDate: '2002-03-18', ethnicity: '01',
        enrolments: [{ category: '110', start: '2023-01-01', end: '2024-04-30', amountFen: 40_000 }],
      },
    ],
  },
  {
    no: '500114001002004', registered: '500114001002', residence: '500114001002', incomeFen: 90_000,
    members: [
      {
        idNumber: ids.outsider, name: '赵外', relation: '01', gender: '1', birthDate: '1960-01-01', ethnicity: '01',
        enrolments: [{ category: '110', start: '2023-01-01', amountFen: 70_000 }],
      },
    ],
  },
];

async function seedRegister(store: TestStore): Promise<void> {
  for (const household of seed) {
    const [inserted] = await store.knex('households')
      .insert({
        household_no: household.no, registered_region: household.registered, residence_region: household.residence,
        address: '测试地址', monthly_income_fen: household.incomeFen, created_at: now, updated_at: now,
      })
      .returning('id');
    const householdId = (inserted as { id: number }).id;
    for (const member of household.members) {
      const [person] = await store.knex('persons')
        .insert({
          household_id: householdId, id_key: keyOf(store.knex, member.idNumber), id_cipher: store.keyring.encrypt(member.idNumber), name: member.name,
          gender: member.gender, birth_date: member.birthDate,
          relation: member.relation, ethnicity: member.ethnicity ?? null, health: member.health ?? null,
          disability_category: member.disabilityCategory ?? null, disability_grade: member.disabilityGrade ?? null,
          labour_ability: member.labourAbility ?? null, created_at: now, updated_at: now,
        })
        .returning('id');
      for (const enrolment of member.enrolments) {
        await store.knex('enrolments').insert({
          person_id: (person as { id: number }).id, household_id: householdId, category: enrolment.category, region_code: household.registered,
          start_date: enrolment.start, end_date: enrolment.end ?? null, monthly_amount_fen: enrolment.amountFen ?? null,
          created_at: now, updated_at: now,
        });
      }
    }
  }
}

function readBack(bytes: Buffer): { sheet: XLSX.WorkSheet; names: string[] } {
  const book = XLSX.read(bytes, { dense: true, cellNF: true });
  const name = book.SheetNames[0] ?? '';
  return { sheet: book.Sheets[name]!, names: book.SheetNames };
}

function cellAt(sheet: XLSX.WorkSheet, ref: string): XLSX.CellObject | undefined {
  const { r, c } = XLSX.utils.decode_cell(ref);
  return sheet['!data']?.[r]?.[c];
}

describe.each(dialects)('the low-income register export for the anti-poverty system on %s', (dialect) => {
  let store: TestStore;
  let exported: LowIncomeRegisterExport;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    await seedRegister(store);
    exported = await exportLowIncomeRegister(store.knex, { countyCode: '640121', period: '2024-05', generatedAt });
  });
  afterAll(async () => store.dispose());

  it('names the file after the county and month', () => {
    expect(exported.fileName).toBe('低收入人口信息_640121_202405.xlsx');
  });

  it('writes one sheet with the title merged over the table and the headers below it', () => {
    const { sheet, names } = readBack(exported.bytes);
    expect(names).toEqual(['低收入人口']);
    expect(cellAt(sheet, 'A1')?.v).toBe('永宁县 2024年5月 低收入人口信息（民政→防返贫）');
    expect(sheet['!merges']?.map((range) => XLSX.utils.encode_range(range))).toEqual(['A1:T1']);
    const headerRow = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, range: 1, raw: true })[0];
    expect(headerRow).toEqual(headers);
    expect(lowIncomeRegisterColumns.map((column) => column.header)).toEqual(headers);
  });

  it('exports every person enrolled on any day of the month in a household registered or living in the county, and no one else', async () => {
    const { sheet } = readBack(exported.bytes);
    const data = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, range: 2, raw: true, defval: '', blankrows: false });
    expect(data).toEqual(expectedRows);
    expect(exported.rows.map((row) => row.name)).toEqual(['王华', '马秀兰', '马晓燕', '=张三', '李四']);
    const personIds = await store.knex('persons').whereIn('name', ['王华', '马秀兰', '马晓燕', '=张三', '李四']).pluck('id');
    expect(exported.rows.map((row) => row.personId).sort((a, b) => a - b)).toEqual(personIds.sort((a: number, b: number) => a - b));
  });

  it('writes ID and household numbers as text cells formatted as text, so Excel keeps all 18 digits', () => {
    const { sheet } = readBack(exported.bytes);
    for (let row = 3; row <= 7; row++) {
      for (const column of ['F', 'H', 'O', 'P']) {
        const cell = cellAt(sheet, `${column}${row}`);
        expect(cell?.t, `${column}${row}`).toBe('s');
        expect(cell?.z, `${column}${row}`).toBe('@');
      }
    }
  });

  it('writes amounts as exact yuan in number cells formatted 0.00', () => {
    const { sheet } = readBack(exported.bytes);
    const amount = cellAt(sheet, 'R6');
    expect(amount).toMatchObject({ t: 'n', v: 1234.56, z: '0.00', w: '1234.56' });
    expect(cellAt(sheet, 'R5')).toMatchObject({ t: 'n', v: 333.33, z: '0.00' });
    expect(cellAt(sheet, 'T3')).toMatchObject({ t: 'n', v: 2500.05, w: '2500.05' });
    expect(cellAt(sheet, 'R7')?.v).toBeUndefined();
    expect(exported.rows.map((row) => row.monthlyAmountFen)).toEqual([78_000, 64_000, 33_333, 123_456, null]);
  });

  it('neutralises a name that a spreadsheet would run as a formula', () => {
    const { sheet } = readBack(exported.bytes);
    expect(cellAt(sheet, 'G6')).toMatchObject({ t: 's', v: "'=张三" });
    expect(cellAt(sheet, 'G6')?.f).toBeUndefined();
  });

  it('freezes the title and header rows, filters on the header, and sizes the columns to their text', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported.bytes as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('低收入人口')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(sheet.autoFilter).toBe('A2:T2');
    const width = (header: string) => sheet.getColumn(headers.indexOf(header) + 1).width;
    expect(width('证件号码')).toBe(20);
    expect(width('残疾类别/等级')).toBe(25);
    expect(width('序号')).toBe(7);
    // Regression: a width of exactly 9 was dropped by exceljs and fell back to Excel's 8.43.
    expect(width('姓名') ?? sheet.properties.defaultColWidth).toBe(9);
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(workbook.created.toISOString()).toBe(now);
  });

  it('re-reads cleanly with the project’s own spreadsheet reader, every ID number valid', async () => {
    const rows: RawRow[] = [];
    for await (const row of readSpreadsheetRows({ fileName: exported.fileName, bytes: exported.bytes })) rows.push(row);
    expect(rows.map((row) => row.location)).toEqual(['低收入人口!A1', '低收入人口!A2', '低收入人口!A3', '低收入人口!A4', '低收入人口!A5', '低收入人口!A6', '低收入人口!A7']);
    expect(rows[1]?.cells).toEqual(headers);
    expect(rows[0]?.cells[0]).toBe('永宁县 2024年5月 低收入人口信息（民政→防返贫）');
    expect(rows.slice(2).map((row) => row.cells)).toEqual(expectedTextRows);
    const idColumn = headers.indexOf('证件号码');
    for (const row of rows.slice(2)) {
      const checked = checkIdNumber(row.cells[idColumn], { today: '2024-06-03' });
      expect(checked.ok, row.cells[idColumn]).toBe(true);
    }
  });

  it('puts on an earlier month’s roll the enrolments that ended before this one, dated that month’s last day', async () => {
    const february = await exportLowIncomeRegister(store.knex, { countyCode: '640121', period: '2024-02', generatedAt });
    expect(february.fileName).toBe('低收入人口信息_640121_202402.xlsx');
    expect(february.rows.map((row) => [row.name, row.categoryCode, row.endDate, row.dataDate])).toEqual([
      ['王华', '110', '', '2024-02-29'],
      ['王磊', '110', '2024-04-30', '2024-02-29'],
      ['马秀兰', '120', '', '2024-02-29'],
      ['=张三', '132', '2024-05-10', '2024-02-29'],
      ['李四', '120', '2024-04-30', '2024-02-29'],
    ]);
    const { sheet } = readBack(february.bytes);
    expect(cellAt(sheet, 'A1')?.v).toBe('永宁县 2024年2月 低收入人口信息（民政→防返贫）');
  });

  it('writes only the title and header for a month with no one enrolled', async () => {
    const empty = await exportLowIncomeRegister(store.knex, { countyCode: '640121', period: '2019-01', generatedAt });
    expect(empty.rows).toEqual([]);
    const { sheet } = readBack(empty.bytes);
    expect(XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: true, blankrows: false })).toHaveLength(2);
  });

  it('refuses a period that is not a month and a code that is not a county', async () => {
    await expect(exportLowIncomeRegister(store.knex, { countyCode: '640121', period: '2024-13' })).rejects.toMatchObject({
      code: 'validation-failed',
    });
    await expect(exportLowIncomeRegister(store.knex, { countyCode: '640121100', period: '2024-05' })).rejects.toBeInstanceOf(ProblemError);
    await expect(exportLowIncomeRegister(store.knex, { countyCode: '999999', period: '2024-05' })).rejects.toMatchObject({
      code: 'unknown-region',
    });
  });
});

describe('yuan from fen', () => {
  it('is the very double the decimal text parses to, and prints as that decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (fen) => {
        const sign = fen < 0 ? '-' : '';
        const digits = String(Math.abs(fen)).padStart(3, '0');
        const decimal = `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
        expect(yuanFromFen(fen)).toBe(Number(decimal));
        expect(String(yuanFromFen(fen))).toBe(decimal.replace(/\.?0+$/, ''));
        expect(yuanFromFen(fen).toFixed(2)).toBe(decimal);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses fen that are not a safe integer', () => {
    expect(() => yuanFromFen(1.5)).toThrow(RangeError);
    expect(() => yuanFromFen(2 ** 53)).toThrow(RangeError);
  });
});
