import { Ms932Codec } from '@renkei/careplan';
import * as iconv from 'iconv-lite';
import { BillingApiErrorCode } from '../billing-api.errors';
import { ResultProblemCode as P } from '../dto/deduction-results.dto';
import { deductionFixture } from '../fixtures/billing-views.fixture';
import { deductionsCsvHeader, deductionsCsvRows, RESULTS_CSV_SHORT_HEADER } from './deductions-csv.util';
import { parseCsvResults } from './results-csv.util';

const codec = new Ms932Codec();
const D1 = '0b7e4f6a-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
const D2 = '1c8f5a7b-2d3e-4f4a-9bac-1d2e3f4a5b6c';
const D3 = '2d9a6b8c-3e4f-4a5b-8cbd-2e3f4a5b6c7d';

const shortCsv = (...rows: string[][]): Buffer => codec.encode([[...RESULTS_CSV_SHORT_HEADER], ...rows]);

const invalidWith = (...problems: object[]) =>
  expect.objectContaining({
    code: BillingApiErrorCode.DEDUCTION_RESULTS_INVALID,
    details: expect.objectContaining({ problems: problems.map((p) => expect.objectContaining(p)) }),
  });

describe(parseCsvResults.name, () => {
  it('reads the short form, 控除済 / 控除不能, with line numbers as sources', () => {
    const sut = parseCsvResults(
      shortCsv(
        [D1, '1310000001', '控除済', '', ''],
        [D2, '1310000002', '控除不能', 'OTHER', '4月〜6月 休止'],
      ),
    );

    expect(sut).toEqual([
      { deductionId: D1, officeNumber: '1310000001', result: 'deducted', source: 'line 2' },
      {
        deductionId: D2,
        officeNumber: '1310000002',
        result: 'not_deductible',
        reasonCode: 'OTHER',
        // the file carries ～ (MS932 has no 〜); it comes back as written
        reason: '4月～6月 休止',
        source: 'line 3',
      },
    ]);
  });

  it('reads the export filled in (long form), skipping rows without a 結果', () => {
    const exported = Buffer.concat([
      deductionsCsvHeader(),
      deductionsCsvRows([
        deductionFixture({ deductionId: D1, result: 'deducted' }),
        deductionFixture({ deductionId: D2, officeNumber: '1310000002' }),
        deductionFixture({
          deductionId: D3,
          officeNumber: '1310000003',
          result: 'not_deductible',
          reasonCode: 'NO_PAYMENT',
        }),
      ]),
    ]);

    expect(parseCsvResults(exported)).toEqual([
      { deductionId: D1, officeNumber: '1310000001', result: 'deducted', source: 'line 2' },
      {
        deductionId: D3,
        officeNumber: '1310000003',
        result: 'not_deductible',
        reasonCode: 'NO_PAYMENT',
        source: 'line 4',
      },
    ]);
  });

  it('lists every row problem with its line number', () => {
    const sut = () =>
      parseCsvResults(
        shortCsv(
          [D1, '1310000001', '控除済', '', ''],
          ['not-an-id', '1310000002', '控除不能', '', ''],
          [D3, '1310000003', '済', '', ''],
          [D1, '1310000001', '控除済', '', ''],
          [D2, '1310000002', '控除済'],
        ),
      );

    expect(sut).toThrow(
      invalidWith(
        { code: P.DEDUCTION_ID_INVALID, line: 3, source: 'line 3' },
        { code: P.REASON_CODE_REQUIRED, line: 3, field: '理由コード' },
        { code: P.RESULT_INVALID, line: 4 },
        { code: P.COLUMN_COUNT, line: 6 },
        { code: P.DEDUCTION_DUPLICATE, line: 5 },
      ),
    );
  });

  it('refuses an unknown header', () => {
    expect(() =>
      parseCsvResults(
        codec.encode([
          ['id', 'office', 'result'],
          [D1, '1310000001', '控除済'],
        ]),
      ),
    ).toThrow(invalidWith({ code: P.HEADER_INVALID, line: 1 }));
  });

  it('refuses bytes that are not MS932, with their line', () => {
    const bytes = Buffer.concat([
      codec.encode([[...RESULTS_CSV_SHORT_HEADER]]),
      Buffer.from(`${D1},1310000001,`),
      Buffer.from([0x81]),
      Buffer.from(',,\r\n'),
    ]);
    expect(() => parseCsvResults(bytes)).toThrow(invalidWith({ code: P.ENCODING_INVALID, line: 2 }));
  });

  it('refuses a file with no result at all', () => {
    expect(() => parseCsvResults(shortCsv([D1, '1310000001', '', '', '']))).toThrow(
      invalidWith({ code: P.RESULTS_EMPTY }),
    );
    expect(() => parseCsvResults(Buffer.alloc(0))).toThrow(invalidWith({ code: P.HEADER_INVALID }));
  });

  it('reads the text MS932 stores for 〜 − ‖ ¬ — as the characters the codec normalised them to', () => {
    const bytes = iconv.encode(
      `${RESULTS_CSV_SHORT_HEADER.join(',')}\r\n${D1},1310000001,控除不能,OTHER,"〜−‖¬—"\r\n`.replace(
        /[〜−‖¬—]/g,
        (c) => ({ '〜': '～', '−': '－', '‖': '∥', '¬': '￢', '—': '―' })[c] ?? c,
      ),
      'cp932',
    );
    expect(parseCsvResults(bytes)[0].reason).toBe('～－∥￢―');
  });
});
