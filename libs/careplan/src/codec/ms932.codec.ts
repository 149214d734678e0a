import * as iconv from 'iconv-lite';
import { CareplanError, CareplanErrorCode, CareplanProblem } from '../careplan.errors';
import { CsvRecordSplitter, FieldLocation, RecordBuilder } from './csv-record.splitter';
import { decodeCleanMs932Into, decodeMs932 } from './ms932-decoder.util';
import { CharProblem, charProblem, isKnownGoodUnit, MS932, normaliseForMs932 } from './ms932-charset.util';

/** one data row of a decoded file */
export interface CsvRecord {
  /** 1-based, blank lines not counted */
  readonly row: number;
  /** 1-based physical line the record starts on */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface EncodeOptions {
  /**
   * free-text columns (0-based index) are wrapped in double quotes as the spec asks; an empty value is Null and
   * stays unquoted. Any field holding `"`, `,`, CR or LF is quoted regardless.
   */
  readonly quoteColumn?: (columnIndex: number) => boolean;
}

const MAX_PROBLEMS = 100;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const NEEDS_QUOTES = /[",\r\n]/;

const CODE_BY_PROBLEM: Record<CharProblem, CareplanErrorCode> = {
  [CharProblem.Gaiji]: CareplanErrorCode.Ms932Gaiji,
  [CharProblem.Control]: CareplanErrorCode.Ms932ControlCharacter,
  [CharProblem.Unmappable]: CareplanErrorCode.Ms932UnmappableCharacter,
  [CharProblem.InvalidBytes]: CareplanErrorCode.Ms932InvalidBytes,
};

const codePointLabel = (char: string): string =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

const SURROGATE = /[\uD800-\uDFFF]/;

const report = (
  c: string,
  char: number,
  at: { row: number; line?: number; column: number; byteOffset?: number },
  encoding: boolean,
  problems: CareplanProblem[],
): void => {
  let problem = charProblem(c);
  if (problem === null) return;
  // U+FFFD in text to encode is simply a character MS932 lacks
  if (encoding && problem === CharProblem.InvalidBytes) problem = CharProblem.Unmappable;
  if (problems.length < MAX_PROBLEMS) {
    problems.push({
      code: CODE_BY_PROBLEM[problem],
      message: `${problem} character ${codePointLabel(c)}`,
      ...at,
      char,
    });
  }
};

const scanText = (
  text: string,
  at: { row: number; line?: number; column: number; byteOffset?: number },
  encoding: boolean,
  problems: CareplanProblem[],
): void => {
  if (SURROGATE.test(text)) {
    let char = 0;
    for (const c of text) report(c, ++char, at, encoding, problems);
    return;
  }
  // without surrogates one UTF-16 unit is one character; printable ASCII is the bulk and never a problem
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if ((unit >= 0x20 && unit < 0x7f) || isKnownGoodUnit(unit)) continue;
    report(text[i], i + 1, at, encoding, problems);
  }
};

const refuse = (action: string, problems: readonly CareplanProblem[]): never => {
  const first = problems[0];
  const where = (['row', 'column', 'char'] as const)
    .filter((key) => first[key] !== undefined)
    .map((key) => `${key} ${first[key]}`)
    .join(' ');
  throw new CareplanError(
    first.code,
    `cannot ${action}: ${problems.length} problem(s), first at ${where}`,
    problems,
  );
};

/**
 * Decodes the fields of a record into one UTF-16 scratch and makes one string per record, which the fields are
 * sliced from: a native Buffer-to-string call per field was the largest single cost of reading a file. A field the
 * tables cannot vouch for is decoded and checked on its own when it is found, so problems keep their file order.
 */
class Ms932RecordBuilder implements RecordBuilder {
  private scratch = Buffer.allocUnsafe(2048);
  /** bytes of scratch in use */
  private used = 0;
  /** per field: its [from, to) in the record's text, or -1 and its index in `checked`; reused for every record */
  private bounds = new Int32Array(256);
  private boundsUsed = 0;
  private readonly checked: string[] = [];

  constructor(private readonly problems: CareplanProblem[]) {}

  addField(field: FieldLocation): void {
    const room = this.used + (field.end - field.start) * 2;
    if (room > this.scratch.length) {
      const larger = Buffer.allocUnsafe(Math.max(room, this.scratch.length * 2));
      this.scratch.copy(larger, 0, 0, this.used);
      this.scratch = larger;
    }
    if (this.boundsUsed + 2 > this.bounds.length) {
      const larger = new Int32Array(this.bounds.length * 2);
      larger.set(this.bounds);
      this.bounds = larger;
    }
    // nearly every field is clean: decoded through tables, with no per-character check left to do
    const end = decodeCleanMs932Into(field.source, field.start, field.end, this.scratch, this.used);
    if (end >= 0) {
      this.bounds[this.boundsUsed++] = this.used / 2;
      this.bounds[this.boundsUsed++] = end / 2;
      this.used = end;
      return;
    }
    const text = decodeMs932(field.source, field.start, field.end);
    const { row, line, column, byteOffset } = field;
    scanText(text, { row, line, column, byteOffset }, false, this.problems);
    this.bounds[this.boundsUsed++] = -1;
    this.bounds[this.boundsUsed++] = this.checked.length;
    this.checked.push(text);
  }

  takeFields(): string[] {
    const { bounds, checked } = this;
    const text = this.used === 0 ? '' : this.scratch.toString('utf16le', 0, this.used);
    const fields: string[] = [];
    for (let b = 0; b < this.boundsUsed; b += 2) {
      fields.push(bounds[b] < 0 ? checked[bounds[b + 1]] : text.slice(bounds[b], bounds[b + 1]));
    }
    this.used = 0;
    this.boundsUsed = 0;
    // setting an array's length drops its storage: only done in the rare case it holds anything
    if (checked.length > 0) checked.length = 0;
    return fields;
  }
}

/** MS932 (cp932) CSV as the standard wants it: comma, CRLF, no header, free text quoted, `""` escapes. */
export class Ms932Codec {
  /**
   * Rows to file bytes. Known mapping traps are normalised first (see MS932_NORMALISATION); any other character
   * outside MS932, 外字 and control characters (except TAB/CR/LF) are refused with their position, never '?'.
   */
  encode(rows: readonly (readonly string[])[], options: EncodeOptions = {}): Buffer {
    const quoteColumn = options.quoteColumn ?? (() => false);
    const problems: CareplanProblem[] = [];
    const lines = rows.map((fields, r) =>
      fields
        .map((raw, c) => {
          const value = normaliseForMs932(raw);
          scanText(value, { row: r + 1, column: c + 1 }, true, problems);
          const quoted = NEEDS_QUOTES.test(value) || (value !== '' && quoteColumn(c));
          return quoted ? `"${value.replace(/"/g, '""')}"` : value;
        })
        .join(','),
    );
    if (problems.length > 0) refuse('encode as MS932', problems);
    return iconv.encode(lines.map((l) => `${l}\r\n`).join(''), MS932);
  }

  /**
   * File bytes to records. Tolerates a UTF-8 BOM, blank lines and LF/CR line ends; refuses invalid byte
   * sequences, 外字 and control characters with their row, column and character offset.
   */
  decode(bytes: Buffer): CsvRecord[] {
    const hasBom = bytes.subarray(0, 3).equals(UTF8_BOM);
    const body = hasBom ? bytes.subarray(3) : bytes;
    const problems: CareplanProblem[] = [];
    const builder = new Ms932RecordBuilder(problems);
    const records: CsvRecord[] = new CsvRecordSplitter(body, hasBom ? 3 : 0, problems, builder).split();
    if (problems.length > 0) refuse('decode MS932 CSV', problems);
    return records;
  }
}
