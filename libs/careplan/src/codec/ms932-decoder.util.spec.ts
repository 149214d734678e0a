import * as iconv from 'iconv-lite';
import { decodeCleanMs932, decodeMs932 } from './ms932-decoder.util';

/** the byte sequences (hex) whose decoding differs from iconv-lite's */
const mismatches = (sequences: number[][]): string[] =>
  sequences
    .map((bytes) => Buffer.from(bytes))
    .filter((buf) => decodeMs932(buf, 0, buf.length) !== iconv.decode(buf, 'cp932'))
    .map((buf) => buf.toString('hex'));

describe(decodeMs932.name, () => {
  it('matches iconv-lite on every single byte', () => {
    const sequences = Array.from({ length: 0x100 }, (_, b) => [0x41, b, 0x42]);
    expect(mismatches(sequences)).toEqual([]);
  });

  it('matches iconv-lite on every two-byte sequence, assigned or not', () => {
    const sequences: number[][] = [];
    for (let lead = 0x80; lead < 0x100; lead++) {
      for (let trail = 0; trail < 0x100; trail++) sequences.push([lead, trail]);
    }
    expect(mismatches(sequences)).toEqual([]);
  });

  it('matches iconv-lite on a cut-off lead byte and on mixed text', () => {
    expect(mismatches([[0x81], [...iconv.encode('髙﨑 ①㈱ ｱｲｳ abc ～', 'cp932'), 0x88]])).toEqual([]);
  });

  it('decodes only the asked range', () => {
    const buf = iconv.encode('ab髙c', 'cp932');
    expect(decodeMs932(buf, 1, 4)).toBe('b髙');
  });
});

describe(decodeCleanMs932.name, () => {
  it.each([
    ['a control character', [0x41, 0x07]],
    ['a 外字', [0xf0, 0x40]],
    ['an unassigned pair', [0x85, 0x40]],
    ['a cut-off lead byte', [0x41, 0x81]],
  ])('leaves %s to the checked path', (_label, bytes) => {
    const buf = Buffer.from(bytes);
    expect(decodeCleanMs932(buf, 0, buf.length)).toBeNull();
  });

  it('decodes clean text with TAB and line breaks', () => {
    const buf = iconv.encode('髙﨑\t①\r\n㈱ ｱ', 'cp932');
    expect(decodeCleanMs932(buf, 0, buf.length)).toBe('髙﨑\t①\r\n㈱ ｱ');
  });
});
