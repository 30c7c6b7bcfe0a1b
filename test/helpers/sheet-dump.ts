import ExcelJS from 'exceljs';
import JSZip from 'jszip';

/**
 * What a person sees of a generated workbook, as plain JSON for golden files: the sheet's name, column widths, every
 * non-empty cell (address → value), merged ranges, row heights, page setup and the print titles. Read back with
 * exceljs (a second reader from the one that wrote it would be better still; LibreOffice is the manual check), plus
 * the defined names straight from workbook.xml, which exceljs reads but does not give back for print titles.
 */
export interface SheetDump {
  sheet: string;
  widths: (number | null)[];
  merges: string[];
  cells: Record<string, string | number>;
  heights: Record<string, number>;
  fonts: Record<string, string>;
  page: Record<string, unknown>;
  footer: string | null;
  frozen: { ySplit: number | null };
  definedNames: string[];
}

export async function dumpSheet(bytes: Buffer): Promise<SheetDump> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0]!;
  const cells: Record<string, string | number> = {};
  const heights: Record<string, number> = {};
  const fonts: Record<string, string> = {};
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    if (row.height) heights[number] = row.height;
    row.eachCell({ includeEmpty: false }, (cell) => {
      if (cell.value === null || cell.value === undefined || cell.isMerged && cell.master !== cell) return;
      cells[cell.address] = cell.value as string | number;
      const font = cell.font;
      if (font) fonts[cell.address] = `${font.name ?? ''} ${font.size ?? ''}${font.bold ? ' bold' : ''}`;
    });
  });
  const { pageSetup } = sheet;
  const zip = await JSZip.loadAsync(bytes);
  const workbookXml = await zip.file('xl/workbook.xml')!.async('string');
  const definedNames = [...workbookXml.matchAll(/<definedName[^>]*name="([^"]+)"[^>]*>([^<]*)<\/definedName>/g)].map((m) => `${m[1]}=${m[2]}`);
  return {
    sheet: sheet.name,
    widths: (sheet.columns ?? []).map((c) => c.width ?? null),
    merges: [...((sheet.model as { merges?: string[] }).merges ?? [])].sort(byTopLeft),
    cells,
    heights,
    fonts: compressFonts(fonts),
    page: {
      paperSize: pageSetup.paperSize, orientation: pageSetup.orientation, fitToPage: pageSetup.fitToPage, fitToWidth: pageSetup.fitToWidth,
      fitToHeight: pageSetup.fitToHeight, margins: pageSetup.margins,
    },
    footer: sheet.headerFooter?.oddFooter ?? null,
    frozen: { ySplit: (sheet.views[0] as { ySplit?: number } | undefined)?.ySplit ?? null },
    definedNames,
  };
}

/** Fonts per distinct value with the cells that have it, so a golden file lists a style once, not once a cell. */
function compressFonts(fonts: Record<string, string>): Record<string, string> {
  const byFont = new Map<string, string[]>();
  for (const [address, font] of Object.entries(fonts)) byFont.set(font, [...(byFont.get(font) ?? []), address]);
  return Object.fromEntries([...byFont].map(([font, addresses]) => [font, addresses.length > 6 ? `${addresses.slice(0, 3).join(' ')} … ${addresses.length} cells` : addresses.join(' ')]));
}

/** "A14:J14" after "B3:B4": by top row, then left column, as a person reads a sheet. */
function byTopLeft(a: string, b: string): number {
  const position = (range: string) => {
    const [, letters = '', digits = '0'] = /^([A-Z]+)(\d+)/.exec(range) ?? [];
    return Number(digits) * 10_000 + [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
  };
  return position(a) - position(b);
}
