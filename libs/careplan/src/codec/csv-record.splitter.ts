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

/** turns the fields of each record into values */
export interface RecordBuilder {
  /** called for each field as soon as it is found, in file order (the location is reused: copy what you keep) */
  addField(field: FieldLocation): void;
  /** the values of the fields added since the previous call, which starts the next record */
  takeFields(): string[];
}

export interface SplitRecord {
  /** 1-based, blank lines not counted */
  readonly row: number;
  readonly line: number;
  readonly fields: readonly string[];
}

type MutableLocation = { -readonly [K in keyof FieldLocation]: FieldLocation[K] };

/**
 * Splits MS932 CSV bytes into records, handing each field to a RecordBuilder as it is found. This is safe at the
 * byte level because the second byte of an MS932 pair is always ≥ 0x40, so `"`, `,`, CR and LF never occur inside a
 * character.
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
    private readonly builder: RecordBuilder,
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
    const row = this.records.length + 1;
    let count = 0;
    let blank = false;
    for (;;) {
      const quoted = this.buf[this.i] === QUOTE;
      const ok = quoted ? this.readQuoted(line, count + 1) : this.readPlain();
      if (!ok) return false;
      const { field } = this;
      blank = count === 0 && !quoted && field.end === field.start;
      field.row = row;
      field.line = line;
      field.column = ++count;
      this.builder.addField(field);
      if (this.buf[this.i] !== COMMA) break;
      blank = false;
      this.i++;
    }
    this.skipLineEnd();
    const fields = this.builder.takeFields();
    if (!blank) this.records.push({ row, line, fields });
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
      // one comparison for nearly every byte: all three delimiters are below 0x2D, digits and letters above
      if (b <= COMMA && (b === COMMA || b === CR || b === LF)) break;
    }
    this.i = i;
    return this.locate(this.buf, start, i, this.base + start);
  }

  private readQuoted(line: number, column: number): boolean {
    const { buf } = this;
    const start = this.i;
    // [from, to) ranges between the quotes of `""` pairs, made only when there is a pair
    let parts: number[] | null = null;
    let segment = start + 1;
    this.i = segment;
    for (;;) {
      this.i = this.skipToQuote(this.i);
      if (this.i >= buf.length) {
        this.problem(
          CareplanErrorCode.CsvUnterminatedQuote,
          'quoted field never closes',
          line,
          column,
          start,
        );
        return false;
      }
      if (buf[this.i + 1] !== QUOTE) break;
      (parts ??= []).push(segment, this.i);
      segment = this.i + 1; // keep one quote of the pair
      this.i += 2;
    }
    const end = this.i;
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
    if (parts === null) return this.locate(buf, segment, end, this.base + start);
    parts.push(segment, end);
    const pieces: Buffer[] = [];
    for (let p = 0; p < parts.length; p += 2) pieces.push(buf.subarray(parts[p], parts[p + 1]));
    const source = Buffer.concat(pieces);
    return this.locate(source, 0, source.length, this.base + start);
  }

  /**
   * The index of the next quote from `from` (buf.length if none), counting the line breaks passed for the line
   * numbers of later records: CRLF, LF or a lone CR each count once. A JS loop, not Buffer#indexOf: text fields
   * are short, and the native calls (one for the quote, two to look for line breaks) cost more than the scan.
   */
  private skipToQuote(from: number): number {
    const { buf } = this;
    let i = from;
    for (const n = buf.length; i < n; i++) {
      const b = buf[i];
      // one comparison for nearly every byte: the quote, CR and LF are all below 0x23
      if (b > QUOTE) continue;
      if (b === QUOTE) break;
      if (b === LF || (b === CR && buf[i + 1] !== LF)) this.line++;
    }
    return i;
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
