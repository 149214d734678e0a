import * as iconv from 'iconv-lite';
import { CareplanError, CareplanErrorCode, CareplanProblem } from '../careplan.errors';
import { charProblem, CharProblem, MS932, normaliseForMs932 } from '../codec/ms932-charset.util';

/** how a CSV for people is stored: MS932 for Excel on Japanese Windows, or UTF-8 with a BOM so Excel detects it */
export enum ReportCsvEncoding {
  Ms932 = 'MS932',
  Utf8Bom = 'UTF8_BOM',
}

/** a number is written as a plain numeric literal; text is always guarded and quoted; null/undefined are empty */
export type ReportCell = string | number | null | undefined;

export interface ReportCsvOptions {
  readonly encoding: ReportCsvEncoding;
  /** column titles written as the first row (guarded like any other text) */
  readonly header?: readonly string[];
}

// OWASP CSV injection: a cell starting with = + - @ TAB or CR may be run as a formula by a spreadsheet. The
// full-width forms are guarded too, defensively, since Japanese input methods produce them.
const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** prefixes `'` to text a spreadsheet could read as a formula; other text is returned unchanged */
export const neutraliseFormula = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

const cellText = (cell: ReportCell): string => {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) {
      throw new CareplanError(CareplanErrorCode.BadFormat, `report cell ${cell} is not a finite number`);
    }
    return String(cell);
  }
  return `"${neutraliseFormula(cell).replace(/"/g, '""')}"`;
};

const checkMs932 = (text: string): string => {
  const value = normaliseForMs932(text);
  const problems: CareplanProblem[] = [];
  let char = 0;
  for (const c of value) {
    char++;
    const problem = charProblem(c);
    if (problem === null || problem === CharProblem.Control) continue;
    const code =
      problem === CharProblem.Gaiji
        ? CareplanErrorCode.Ms932Gaiji
        : CareplanErrorCode.Ms932UnmappableCharacter;
    problems.push({ code, message: `${problem} character at ${char}`, char });
  }
  if (problems.length > 0) {
    throw new CareplanError(
      problems[0].code,
      `report cannot be written as MS932: ${problems.length} problem(s)`,
      problems,
    );
  }
  return value;
};

/**
 * Writes a CSV meant to be opened by people (evidence reports, billing exports): every text cell quoted with `""`
 * escapes and guarded against formula injection, CRLF line ends. MS932 output refuses characters it cannot hold
 * (MS932_* codes) instead of writing `?`. Not for standard-spec files: those go through CareplanCsvCodec.
 */
export const writeReportCsv = (
  rows: readonly (readonly ReportCell[])[],
  options: ReportCsvOptions,
): Buffer => {
  const all = options.header === undefined ? rows : [options.header, ...rows];
  const text = all.map((row) => `${row.map(cellText).join(',')}\r\n`).join('');
  if (options.encoding === ReportCsvEncoding.Utf8Bom)
    return Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')]);
  return iconv.encode(checkMs932(text), MS932);
};
