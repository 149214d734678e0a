import { CareplanErrorCode, CareplanProblem } from '../careplan.errors';

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/** where one field sits; `source` is the file itself unless `""` pairs had to be collapsed into a copy */
export interface FieldLocation {
  /** the unescaped field is source[start, end), still MS932 */
  readonly source: Buffer;
  readonly start: number;
  readonly end: number;
  /** offset of the field's first byte in the file */
  readonly byteOffset: number;
  /** 1-based record number (blank lines not counted), line the record starts on, column */
  readonly row: number;
  readonly line: number;
  readonly column: number;
}

/** turns a field into its value as soon as it is found (the location object is reused: copy what you keep) */
export type FieldDecoder = (field: FieldLocation) => string;

export interface SplitRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

type MutableLocation = { -readonly [K in keyof FieldLocation]: FieldLocation[K] };

/**
 * Splits MS932 CSV bytes into records, decoding each field in place. This is safe at the byte level because the
 * second byte of an MS932 pair is always ≥ 0x40, so `"`, `,`, CR and LF never occur inside a character.
 * Tolerant on input: CRLF, LF or a lone CR ends a record; empty lines are skipped.
 */
export class CsvRecordSplitter {
  private i = 0;
  private line = 1;
  private readonly records: SplitRecord[] = [];
  // one location reused for every field: allocating one per field was a large share of decode time (GC)
  private readonly field: MutableLocation;

  constructor(
    private readonly buf: Buffer,
    /** added to byte offsets (a stripped BOM) */
    private readonly base: number,
    private readonly problems: CareplanProblem[],
    private readonly decodeField: FieldDecoder,
  ) {
    this.field = { source: buf, start: 0, end: 0, byteOffset: 0, row: 0, line: 0, column: 0 };
  }

  split(): SplitRecord[] {
    while (this.i < this.buf.length) {
      if (!this.readRecord()) break;
    }
    return this.records;
  }

  /** false when the rest of the file cannot be read */
  private readRecord(): boolean {
    const line = this.line;
    const fields: string[] = [];
    let blank = false;
    for (;;) {
      const quoted = this.buf[this.i] === QUOTE;
      const ok = quoted ? this.readQuoted(line, fields.length + 1) : this.readPlain();
      if (!ok) return false;
      const { field } = this;
      blank = fields.length === 0 && !quoted && field.end === field.start;
      field.row = this.records.length + 1;
      field.line = line;
      field.column = fields.length + 1;
      fields.push(this.decodeField(field));
      if (this.buf[this.i] !== COMMA) break;
      blank = false;
      this.i++;
    }
    this.skipLineEnd();
    if (!blank) this.records.push({ line, fields });
    return true;
  }

  private locate(source: Buffer, start: number, end: number, byteOffset: number): true {
    const { field } = this;
    field.source = source;
    field.start = start;
    field.end = end;
    field.byteOffset = byteOffset;
    return true;
  }

  private atFieldEnd(): boolean {
    const b = this.buf[this.i];
    return this.i >= this.buf.length || b === COMMA || b === CR || b === LF;
  }

  private readPlain(): boolean {
    const { buf } = this;
    const start = this.i;
    let i = start;
    for (const n = buf.length; i < n; i++) {
      const b = buf[i];
      if (b === COMMA || b === CR || b === LF) break;
    }
    this.i = i;
    return this.locate(this.buf, start, i, this.base + start);
  }

  private readQuoted(line: number, column: number): boolean {
    const start = this.i;
    // [from, to) ranges between the quotes of `""` pairs
    const parts: number[] = [];
    let segment = ++this.i;
    for (;;) {
      if (this.i >= this.buf.length) {
        this.problem(
          CareplanErrorCode.CsvUnterminatedQuote,
          'quoted field never closes',
          line,
          column,
          start,
        );
        return false;
      }
      // jump to the next quote natively; a text field is long and rarely holds a line break
      const quote = this.buf.indexOf(QUOTE, this.i);
      const stop = quote < 0 ? this.buf.length : quote;
      this.countLineBreaks(this.i, stop);
      this.i = stop;
      if (quote < 0) continue;
      parts.push(segment, this.i);
      if (this.buf[this.i + 1] !== QUOTE) break;
      segment = this.i + 1; // keep one quote of the pair
      this.i += 2;
    }
    this.i++;
    if (!this.atFieldEnd()) {
      this.problem(
        CareplanErrorCode.CsvTextAfterQuote,
        'text follows the closing quote',
        this.line,
        column,
        this.i,
      );
      while (!this.atFieldEnd()) this.i++;
    }
    // most quoted fields hold no "" pair: point into the file instead of copying
    if (parts.length === 2) {
      return this.locate(this.buf, parts[0], parts[1], this.base + start);
    }
    const pieces: Buffer[] = [];
    for (let p = 0; p < parts.length; p += 2) pieces.push(this.buf.subarray(parts[p], parts[p + 1]));
    const source = Buffer.concat(pieces);
    return this.locate(source, 0, source.length, this.base + start);
  }

  /** lines inside buf[from, to) for the line numbers of later records: CRLF, LF or a lone CR each count once */
  private countLineBreaks(from: number, to: number): void {
    const lf = this.buf.indexOf(LF, from);
    const cr = this.buf.indexOf(CR, from);
    if ((lf < 0 || lf >= to) && (cr < 0 || cr >= to)) return;
    for (let i = from; i < to; i++) {
      const b = this.buf[i];
      if (b === LF || (b === CR && this.buf[i + 1] !== LF)) this.line++;
    }
  }

  private skipLineEnd(): void {
    if (this.i >= this.buf.length) return;
    if (this.buf[this.i] === CR && this.buf[this.i + 1] === LF) this.i++;
    this.i++;
    this.line++;
  }

  private problem(code: CareplanErrorCode, message: string, line: number, column: number, at: number): void {
    const row = this.records.length + 1;
    this.problems.push({ code, message, row, line, column, byteOffset: this.base + at });
  }
}
