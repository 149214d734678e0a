import { readCsvRows } from './csv';

describe(readCsvRows.name, () => {
  it('reads quoted cells with "" escapes and commas, bare numbers and empty cells, CRLF rows', () => {
    expect(readCsvRows('"a","b, ""c""",12,\r\n"",3,"x"\r\n')).toEqual([
      ['a', 'b, "c"', '12', ''],
      ['', '3', 'x'],
    ]);
  });

  it('refuses text that does not end with CRLF', () => {
    expect(() => readCsvRows('"a"\n')).toThrow('CRLF');
  });
});
