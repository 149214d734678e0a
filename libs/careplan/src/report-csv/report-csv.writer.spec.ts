import * as iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { CareplanErrorCode } from '../careplan.errors';
import { neutraliseFormula, ReportCsvEncoding, writeReportCsv } from './report-csv.writer';

const utf8 = (rows: Parameters<typeof writeReportCsv>[0], header?: string[]): string =>
  writeReportCsv(rows, { encoding: ReportCsvEncoding.Utf8Bom, header }).subarray(3).toString('utf8');

describe(writeReportCsv.name, () => {
  it.each(['=1+1', '+81', '-2+3', '@SUM(A1)', '\tx', '\rx', '＝A1', '=HYPERLINK("http://x")'])(
    'prefixes a quote to %j so it cannot start a formula',
    (value) => {
      const [[cell]] = parse(utf8([[value]])) as string[][];
      expect(cell).toBe(`'${value}`);
    },
  );

  it('leaves ordinary text and numbers alone, and a formula character later in the text', () => {
    expect(utf8([['髙﨑 ①㈱', 'a=b', 12, -3.5, null, undefined]])).toBe('"髙﨑 ①㈱","a=b",12,-3.5,,\r\n');
  });

  it('quotes every text cell and escapes quotes, commas and line breaks', () => {
    const rows = [['a "b"', 'c,d', 'e\r\nf']];
    expect(parse(utf8(rows))).toEqual(rows);
  });

  it('writes the header first and guards it too', () => {
    expect(utf8([['x']], ['名前', '=危険'])).toBe(`"名前","'=危険"\r\n"x"\r\n`);
  });

  it('starts UTF-8 output with a BOM', () => {
    const bytes = writeReportCsv([['a']], { encoding: ReportCsvEncoding.Utf8Bom });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('writes MS932, normalising the wave dash', () => {
    const bytes = writeReportCsv([['髙﨑〜①', '-1']], { encoding: ReportCsvEncoding.Ms932 });
    expect(iconv.decode(bytes, 'cp932')).toBe(`"髙﨑～①","'-1"\r\n`);
  });

  it('refuses characters MS932 lacks instead of writing "?"', () => {
    expect(() => writeReportCsv([['𠮷野😀']], { encoding: ReportCsvEncoding.Ms932 })).toThrow(
      expect.objectContaining({
        code: CareplanErrorCode.Ms932UnmappableCharacter,
        problems: expect.any(Array),
      }),
    );
  });

  it('refuses a number that is not finite', () => {
    expect(() => utf8([[Number.NaN]])).toThrow(
      expect.objectContaining({ code: CareplanErrorCode.BadFormat }),
    );
  });
});

describe(neutraliseFormula.name, () => {
  it('returns safe text unchanged', () => {
    expect(neutraliseFormula('山田')).toBe('山田');
  });
});
