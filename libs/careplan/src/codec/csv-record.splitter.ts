import { CareplanErrorCode, CareplanProblem } from '../careplan.errors';

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

export interface RawField {
  /** unescaped field bytes, still MS932 */
  readonly bytes: Buffer;
  /** offset of the field's first byte in the file */
  readonly byteOffset: number;
}

export interface RawRecord {
  readonly line: number;
  readonly fields: readonly RawField[];
}

/**
 * Splits MS932 CSV bytes into records of raw fields before decoding. This is safe at the byte level because the
 * second byte of an MS932 pair is always ≥ 0x40, so `"`, `,`, CR and LF never occur inside a character.
 * Tolerant on input: CRLF, LF or a lone CR ends a record; empty lines are skipped.
 */
export class CsvRecordSplitter {
  private i = 0;
  private line = 1;
  private readonly records: RawRecord[] = [];

  constructor(
    private readonly buf: Buffer,
    /** added to byte offsets (a stripped BOM) */
    private readonly base: number,
    private readonly problems: CareplanProblem[],
  ) {}

  split(): RawRecord[] {
    while (this.i < this.buf.length) {
      if (!this.readRecord()) break;
    }
    return this.records;
  }

  /** false when the rest of the file cannot be read */
  private readRecord(): boolean {
    const line = this.line;
    const fields: RawField[] = [];
    for (;;) {
      const field = this.buf[this.i] === QUOTE ? this.readQuoted(line, fields.length + 1) : this.readPlain();
      if (field === null) return false;
      fields.push(field);
      if (this.buf[this.i] !== COMMA) break;
      this.i++;
    }
    this.skipLineEnd();
    const blank =
      fields.length === 1 &&
      fields[0].bytes.length === 0 &&
      this.buf[fields[0].byteOffset - this.base] !== QUOTE;
    if (!blank) this.records.push({ line, fields });
    return true;
  }

  private atFieldEnd(): boolean {
    const b = this.buf[this.i];
    return this.i >= this.buf.length || b === COMMA || b === CR || b === LF;
  }

  private readPlain(): RawField {
    const start = this.i;
    while (!this.atFieldEnd()) this.i++;
    return { bytes: this.buf.subarray(start, this.i), byteOffset: this.base + start };
  }

  private readQuoted(line: number, column: number): RawField | null {
    const start = this.i;
    const parts: Buffer[] = [];
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
        return null;
      }
      const b = this.buf[this.i];
      if (b === QUOTE) {
        parts.push(this.buf.subarray(segment, this.i));
        if (this.buf[this.i + 1] !== QUOTE) break;
        segment = this.i + 1; // keep one quote of the pair
        this.i += 2;
        continue;
      }
      if (b === LF || (b === CR && this.buf[this.i + 1] !== LF)) this.line++;
      this.i++;
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
    return { bytes: Buffer.concat(parts), byteOffset: this.base + start };
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
