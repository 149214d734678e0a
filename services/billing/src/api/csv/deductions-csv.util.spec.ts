import { Ms932Codec } from '@renkei/careplan';
import * as iconv from 'iconv-lite';
import { deductionFixture } from '../fixtures/billing-views.fixture';
import {
  DEDUCTIONS_CSV_HEADER,
  deductionsCsvFileName,
  deductionsCsvHeader,
  deductionsCsvRows,
  jstDate,
  ms932Printable,
} from './deductions-csv.util';

const codec = new Ms932Codec();

describe('deductions CSV', () => {
  it('writes the header and one MS932 row per deduction, CRLF, dates in JST', () => {
    const bytes = Buffer.concat([
      deductionsCsvHeader(),
      deductionsCsvRows([
        deductionFixture(),
        deductionFixture({
          deductionId: '1c8f5a7b-2d3e-4f4a-9bac-1d2e3f4a5b6c',
          officeNumber: '1310000002',
          officeName: '訪問介護 "あおば", 本店',
          attempt: 2,
          result: 'not_deductible',
          reasonCode: 'OTHER',
          reason: '口座−解約',
        }),
      ]),
    ]);

    const text = iconv.decode(bytes, 'cp932');
    expect(text.split('\r\n')).toHaveLength(4);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    const records = codec.decode(bytes).map((record) => record.fields);
    expect(records).toEqual([
      [...DEDUCTIONS_CSV_HEADER],
      [
        '0b7e4f6a-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
        '1310000001',
        'ケアプランセンター～みなと',
        '13',
        '202705',
        '1',
        '21000',
        '2027-04-15',
        '2028-04-15',
        '',
        '',
        '',
      ],
      [
        '1c8f5a7b-2d3e-4f4a-9bac-1d2e3f4a5b6c',
        '1310000002',
        '訪問介護 "あおば", 本店',
        '13',
        '202705',
        '2',
        '21000',
        '2027-04-15',
        '2028-04-15',
        '控除不能',
        'OTHER',
        '口座－解約',
      ],
    ]);
  });

  it('marks a name character MS932 lacks with 〓 instead of failing the export', () => {
    expect(ms932Printable('𠮷野家〜')).toBe('〓野家～');
    expect(() => deductionsCsvRows([deductionFixture({ officeName: '𠮷野ケア' })])).not.toThrow();
  });

  it('names the file after the prefecture and month', () => {
    expect(deductionsCsvFileName('13', '202705')).toBe('deductions-13-202705.csv');
  });

  it('takes the JST calendar date of an instant', () => {
    expect(jstDate('2027-04-14T15:00:00.000Z')).toBe('2027-04-15');
    expect(jstDate('2027-04-14T14:59:59.999Z')).toBe('2027-04-14');
  });
});
