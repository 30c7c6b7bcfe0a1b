/**
 * How wide a text shows in a spreadsheet, in Excel's column-width unit (the width of a digit in the default font). A
 * CJK character is a little over two digits wide: 11 pt 等线 is ~15 px against Calibri's 7 px digit, and LibreOffice's
 * fallback fonts are wider still, so 2.2 keeps 完全丧失劳动能力 off the border.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(char) ? 2.2 : 1;
  return width;
}
