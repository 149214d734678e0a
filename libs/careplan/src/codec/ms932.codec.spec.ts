import * as iconv from 'iconv-lite';
import { CareplanError, CareplanErrorCode } from '../careplan.errors';
import { MS932_NORMALISATION } from './ms932-charset.util';
import { Ms932Codec } from './ms932.codec';

const sjis = (text: string): Buffer => iconv.encode(text, 'cp932');

// a synthetic 第6表-like row; the quoted column is the free-text name
const rowFactory = (name = '山田 太郎'): string[] => ['202407', '131011', '0000012345', name, '', '9999'];
const quoteName = (column: number): boolean => column === 3;

const problemsOf = (fn: () => unknown): CareplanError['problems'] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof CareplanError) return error.problems;
    throw error;
  }
  throw new Error('expected a CareplanError');
};

describe(Ms932Codec.name, () => {
  const sut = new Ms932Codec();

  it('writes CRLF rows, quotes free text and leaves Null unquoted', () => {
    const bytes = sut.encode([rowFactory(), rowFactory('髙﨑 ①㈱')], { quoteColumn: quoteName });
    expect(
      bytes.equals(
        sjis('202407,131011,0000012345,"山田 太郎",,9999\r\n202407,131011,0000012345,"髙﨑 ①㈱",,9999\r\n'),
      ),
    ).toBe(true);
  });

  it('escapes quotes and keeps commas and line breaks inside quoted fields', () => {
    const rows = [['a "b"', 'c,d', 'e\r\nf', 'g\nh']];
    const bytes = sut.encode(rows);
    expect(iconv.decode(bytes, 'cp932')).toBe('"a ""b""","c,d","e\r\nf","g\nh"\r\n');
    expect(sut.decode(bytes).map((r) => r.fields)).toEqual(rows);
  });

  it.each([
    ['free text with symbols', [rowFactory('～－∥￢―￠￡￥'), rowFactory('ｱｲｳ ﾃｽﾄ')]],
    ['embedded breaks', [rowFactory('一行目\r\n二行目, "引用"')]],
    [
      'empty fields',
      [
        ['', '', ''],
        ['x', '', ''],
      ],
    ],
  ])('round-trips canonical rows both ways (%s)', (_label, rows) => {
    const bytes = sut.encode(rows, { quoteColumn: quoteName });
    expect(sut.decode(bytes).map((r) => r.fields)).toEqual(rows);
    expect(
      sut
        .encode(
          sut.decode(bytes).map((r) => r.fields),
          { quoteColumn: quoteName },
        )
        .equals(bytes),
    ).toBe(true);
  });

  it.each([
    ['〜', '～'],
    ['−', '－'],
    ['‖', '∥'],
    ['¬', '￢'],
    ['—', '―'],
    ['¢£', '￠￡'],
    ['¥', '￥'],
    ['‾', '￣'],
  ])('normalises the trap %s to %s instead of writing "?"', (input, expected) => {
    const [record] = sut.decode(sut.encode([[input]]));
    expect(record.fields).toEqual([expected]);
  });

  it('normalises only to characters MS932 really has', () => {
    const targets = Object.values(MS932_NORMALISATION);
    expect(sut.decode(sut.encode([targets]))[0].fields).toEqual(targets);
  });

  it.each([
    ['an emoji', 'ab😀', 3, CareplanErrorCode.Ms932UnmappableCharacter],
    ['a non-MS932 kanji', '𠮷野', 1, CareplanErrorCode.Ms932UnmappableCharacter],
    ['a replacement character', 'x\uFFFD', 2, CareplanErrorCode.Ms932UnmappableCharacter],
    ['a user-defined character', '\uE000', 1, CareplanErrorCode.Ms932Gaiji],
    ['a control character', 'a\u0007', 2, CareplanErrorCode.Ms932ControlCharacter],
  ])('refuses %s on output with its position', (_label, text, char, code) => {
    expect(problemsOf(() => sut.encode([['ok'], ['ok', text]]))).toEqual([
      expect.objectContaining({ code, row: 2, column: 2, char }),
    ]);
  });

  it('names the first position in the error message', () => {
    expect(() => sut.encode([['ok', 'x😀']])).toThrow('first at row 1 column 2 char 2');
    expect(() => sut.decode(sjis('a,"b'))).toThrow('first at row 1 column 2');
  });

  it('reports every bad character, not only the first', () => {
    expect(problemsOf(() => sut.encode([['😀', '\uE000']]))).toHaveLength(2);
  });

  it('tolerates a UTF-8 BOM, blank lines, LF line ends and a missing final newline', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), sjis('a,b\r\n\r\nc,"d\r\ne"\n\nf,')]);
    expect(sut.decode(bytes)).toEqual([
      { row: 1, line: 1, fields: ['a', 'b'] },
      { row: 2, line: 3, fields: ['c', 'd\r\ne'] },
      { row: 3, line: 6, fields: ['f', ''] },
    ]);
  });

  it('counts line breaks on both sides of a "" pair inside a quoted field', () => {
    const bytes = sjis('"髙\r\n""﨑""\n①",x\r\nnext\r\n');
    expect(sut.decode(bytes).map((r) => [r.line, r.fields])).toEqual([
      [1, ['髙\r\n"﨑"\n①', 'x']],
      [4, ['next']],
    ]);
  });

  it('keeps a quoted empty field as a record and reads lone CR line ends', () => {
    expect(sut.decode(sjis('""\ra,"x\ry"\rb')).map((r) => [r.line, r.fields])).toEqual([
      [1, ['']],
      [2, ['a', 'x\ry']],
      [4, ['b']],
    ]);
  });

  it('decodes an empty file to no records', () => {
    expect(sut.decode(Buffer.alloc(0))).toEqual([]);
  });

  it.each([
    [
      '外字 bytes',
      Buffer.concat([sjis('a,b\r\nc,x'), Buffer.from([0xf0, 0x40])]),
      CareplanErrorCode.Ms932Gaiji,
    ],
    [
      'a lone lead byte',
      Buffer.concat([sjis('a,b\r\nc,x'), Buffer.from([0x82])]),
      CareplanErrorCode.Ms932InvalidBytes,
    ],
    [
      'an undefined byte',
      Buffer.concat([sjis('a,b\r\nc,x'), Buffer.from([0xa0])]),
      CareplanErrorCode.Ms932InvalidBytes,
    ],
  ])('refuses %s on input with row, column and char', (_label, bytes, code) => {
    expect(problemsOf(() => sut.decode(bytes))).toEqual([
      expect.objectContaining({ code, row: 2, line: 2, column: 2, char: 2 }),
    ]);
  });

  it.each([
    ['an unterminated quote', 'a,"b\r\n', CareplanErrorCode.CsvUnterminatedQuote],
    ['text after a closing quote', 'a,"b"c\r\n', CareplanErrorCode.CsvTextAfterQuote],
  ])('refuses %s', (_label, text, code) => {
    expect(problemsOf(() => sut.decode(sjis(text)))).toEqual([expect.objectContaining({ code, column: 2 })]);
  });
});
