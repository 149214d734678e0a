import * as iconv from 'iconv-lite';
import { charProblem, MS932 } from './ms932-charset.util';

// a fast path in front of iconv-lite, which allocates a decoder and buffers per call: ASCII and half-width kana
// are mapped directly, double-byte pairs through a table filled from iconv-lite itself. Anything the table does not
// cover (unassigned pairs, a cut-off lead byte, 0x80/0xA0/0xFD–0xFF) falls back to iconv-lite for the whole
// field, so the result is always exactly what iconv-lite would return.

const isLead = (b: number): boolean => (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc);
const HALF_WIDTH_KANA_FIRST = 0xa1;
const HALF_WIDTH_KANA_LAST = 0xdf;

interface PairTables {
  /**
   * UTF-16 unit of each assigned pair (lead << 8 | trail); 0 = not assigned (U+0000 is never a pair's value), which
   * includes every index whose first byte is not a lead byte
   */
  readonly units: Uint16Array;
  /** the same for pairs whose character needs no further check (not 外字, round-trips through MS932), else 0 */
  readonly cleanUnits: Uint16Array;
}

let tables: PairTables | null = null;

const buildTables = (): PairTables => {
  const units = new Uint16Array(0x10000);
  const cleanUnits = new Uint16Array(0x10000);
  for (let lead = 0x81; lead <= 0xfc; lead++) {
    if (!isLead(lead)) continue;
    for (let trail = 0x40; trail <= 0xfc; trail++) {
      if (trail === 0x7f) continue;
      const text = iconv.decode(Buffer.from([lead, trail]), MS932);
      if (text.length !== 1 || text === '\uFFFD') continue;
      units[(lead << 8) | trail] = text.charCodeAt(0);
      if (charProblem(text) === null) cleanUnits[(lead << 8) | trail] = text.charCodeAt(0);
    }
  }
  return { units, cleanUnits };
};

/** bytes 0x20–0x7E only: the field reads the same in MS932, ASCII and Latin-1 and holds no control character */
export const isPrintableAscii = (buf: Buffer, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
};

// UTF-16LE scratch: the string is made natively in one call instead of from a JS array
let scratch = Buffer.allocUnsafe(512);

const isCleanAscii = (b: number): boolean =>
  (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * Decodes buf[start, end) through the tables as UTF-16LE into target from byte `at`; target must have room for
 * (end - start) * 2 more bytes. Returns the offset after the last unit, or -1 when the table cannot decode the
 * bytes or (with `cleanOnly`) when a character would need a check (control, 外字, not round-tripping).
 */
const decodeFastInto = (
  buf: Buffer,
  start: number,
  end: number,
  cleanOnly: boolean,
  target: Buffer,
  at: number,
): number => {
  const { units, cleanUnits } = (tables ??= buildTables());
  const pairs = cleanOnly ? cleanUnits : units;
  let n = at;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    let unit: number;
    if (b < 0x80) {
      if (cleanOnly && !isCleanAscii(b)) return -1;
      unit = b;
    } else if (b >= HALF_WIDTH_KANA_FIRST && b <= HALF_WIDTH_KANA_LAST) {
      unit = 0xff61 + (b - HALF_WIDTH_KANA_FIRST);
    } else {
      // a byte that is no lead byte finds 0 in the table too
      unit = i + 1 < end ? pairs[(b << 8) | buf[i + 1]] : 0;
      if (unit === 0) return -1;
      i++;
    }
    target[n++] = unit & 0xff;
    target[n++] = unit >>> 8;
  }
  return n;
};

/** decodeFastInto as a string, or null */
const decodeFast = (buf: Buffer, start: number, end: number, cleanOnly: boolean): string | null => {
  if (scratch.length < (end - start) * 2) scratch = Buffer.allocUnsafe((end - start) * 2);
  const n = decodeFastInto(buf, start, end, cleanOnly, scratch, 0);
  return n < 0 ? null : scratch.toString('utf16le', 0, n);
};

/**
 * Like decodeCleanMs932, but writes the text as UTF-16LE into target from byte `at` (room for (end - start) * 2
 * bytes needed) and returns the offset after it, or -1 where decodeCleanMs932 returns null. Lets a caller make one
 * string of many fields.
 */
export const decodeCleanMs932Into = (
  buf: Buffer,
  start: number,
  end: number,
  target: Buffer,
  at: number,
): number => decodeFastInto(buf, start, end, true, target, at);

/** the MS932 bytes buf[start, end) as text, identical to iconv-lite's cp932 decoder */
export const decodeMs932 = (buf: Buffer, start: number, end: number): string => {
  if (isPrintableAscii(buf, start, end)) return buf.toString('latin1', start, end);
  return decodeFast(buf, start, end, false) ?? iconv.decode(buf.subarray(start, end), MS932);
};

/**
 * Like decodeMs932, but null unless every character is known to pass the MS932 character checks (printable, TAB,
 * CR, LF, no 外字, round-trips): the caller then decodes and checks the field the slow way.
 */
export const decodeCleanMs932 = (buf: Buffer, start: number, end: number): string | null => {
  if (isPrintableAscii(buf, start, end)) return buf.toString('latin1', start, end);
  return decodeFast(buf, start, end, true);
};
