import { officeInput, officeNumberOf, withWrongCheckDigit } from '../fixtures/office-master.fixtures';
import {
  OfficeMasterError,
  OfficeMasterErrorCode,
  OfficeMasterProblem,
  OfficeMasterProblemCode as Code,
} from '../office-master.errors';
import { MasterStatus, MAX_UPLOAD_OFFICES } from '../office-master.types';
import { calendarDate, isPrefecture, RawUpload, validateUpload } from './office-master-upload.dto';

const upload = (offices: readonly object[], asOf: unknown = '2026-12-01'): RawUpload => ({
  asOf,
  offices: offices.map((values, i) => ({ row: i + 1, values: values as Record<string, unknown> })),
});

function problemsOf(raw: RawUpload, prefecture = '13'): OfficeMasterProblem[] {
  try {
    validateUpload(prefecture, raw);
  } catch (error) {
    if (error instanceof OfficeMasterError && error.code === OfficeMasterErrorCode.OFFICE_MASTER_INVALID) {
      return (error.details as { problems: OfficeMasterProblem[] }).problems;
    }
    throw error;
  }
  throw new Error('the upload was accepted');
}

describe(validateUpload.name, () => {
  it('normalises a valid upload: service types unique and sorted, dates and postal codes formatted', () => {
    const office = officeInput('13', 1, {
      serviceTypes: ['46', '43', '46'],
      designatedFrom: '20200401',
      postalCode: '1600023',
      status: '休止',
    });

    const sut = validateUpload('13', upload([{ ...office, nameKana: '  ' }]));

    expect(sut).toEqual({
      asOf: '2026-12-01',
      offices: [
        {
          officeNumber: office.officeNumber,
          name: office.name,
          nameKana: null,
          serviceTypes: ['43', '46'],
          status: MasterStatus.SUSPENDED,
          designatedFrom: '2020-04-01',
          designatedTo: null,
          postalCode: '160-0023',
          address: office.address,
        },
      ],
    });
  });

  it('lists every problem of every row with its row, column and code', () => {
    const good = officeInput('13', 1);
    const problems = problemsOf(
      upload(
        [
          { ...good, officeNumber: '13I0000001' },
          { ...officeInput('13', 2), officeNumber: withWrongCheckDigit(officeNumberOf('13', 2)) },
          officeInput('14', 3),
          good,
          { ...good, name: ' ' },
          { ...officeInput('13', 4), serviceTypes: ['4'] },
          { ...officeInput('13', 5), serviceTypes: [] },
          { ...officeInput('13', 6), status: 'open' },
          { ...officeInput('13', 7), designatedFrom: '2026-02-30' },
          { ...officeInput('13', 8), designatedFrom: '2026-04-01', designatedTo: '2026-03-31' },
          { ...officeInput('13', 9), postalCode: '16-00023' },
          { ...officeInput('13', 10), name: 'あ'.repeat(201) },
          { ...officeInput('13', 11), address: 42 },
        ],
        '2026/12/01',
      ),
    );

    expect(problems.map(({ code, row, column }) => ({ code, row, column }))).toEqual([
      { code: Code.AS_OF_INVALID, row: undefined, column: 'asOf' },
      { code: Code.OFFICE_NUMBER_INVALID, row: 1, column: 'officeNumber' },
      { code: Code.OFFICE_NUMBER_CHECK_DIGIT, row: 2, column: 'officeNumber' },
      { code: Code.OFFICE_NUMBER_OTHER_PREFECTURE, row: 3, column: 'officeNumber' },
      { code: Code.NAME_EMPTY, row: 5, column: 'name' },
      { code: Code.OFFICE_NUMBER_DUPLICATE, row: 5, column: 'officeNumber' },
      { code: Code.SERVICE_TYPE_INVALID, row: 6, column: 'serviceTypes' },
      { code: Code.SERVICE_TYPES_EMPTY, row: 7, column: 'serviceTypes' },
      { code: Code.STATUS_UNKNOWN, row: 8, column: 'status' },
      { code: Code.DATE_INVALID, row: 9, column: 'designatedFrom' },
      { code: Code.DESIGNATION_PERIOD_INVALID, row: 10, column: 'designatedTo' },
      { code: Code.POSTAL_CODE_INVALID, row: 11, column: 'postalCode' },
      { code: Code.FIELD_TOO_LONG, row: 12, column: 'name' },
      { code: Code.FIELD_INVALID, row: 13, column: 'address' },
    ]);
  });

  it('reports a duplicate against the row that first named the office', () => {
    const office = officeInput('13', 1);

    const [problem] = problemsOf(upload([office, officeInput('13', 2), office]));

    expect(problem).toMatchObject({ code: Code.OFFICE_NUMBER_DUPLICATE, row: 3, message: 'also in row 1' });
  });

  it('refuses more offices than one upload may carry as too large', () => {
    const many: RawUpload = {
      asOf: '2026-12-01',
      offices: Array.from({ length: MAX_UPLOAD_OFFICES + 1 }, (_, i) => ({ row: i + 1, values: {} })),
    };

    expect(() => validateUpload('13', many)).toThrow(
      expect.objectContaining({ code: OfficeMasterErrorCode.OFFICE_MASTER_TOO_LARGE }),
    );
  });

  it('lists at most 1000 problems and says how many there were', () => {
    const raw = upload(Array.from({ length: 1500 }, () => ({})));

    let refused: unknown;
    try {
      validateUpload('13', raw);
    } catch (error) {
      refused = error;
    }

    const details = (refused as OfficeMasterError).details as { problemCount: number; problems: unknown[] };
    expect(details.problems).toHaveLength(1000);
    expect(details.problemCount).toBe(1500 * 4);
  });
});

describe(calendarDate.name, () => {
  it.each([
    ['2026-12-01', '2026-12-01'],
    ['20240229', '2024-02-29'],
    ['2025-02-29', null],
    ['2026-13-01', null],
    ['26-12-01', null],
  ])('reads %s as %s', (input, expected) => {
    expect(calendarDate(input)).toBe(expected);
  });
});

describe(isPrefecture.name, () => {
  it.each([
    ['01', true],
    ['47', true],
    ['00', false],
    ['48', false],
    ['1', false],
  ])('%s → %s', (input, expected) => {
    expect(isPrefecture(input)).toBe(expected);
  });
});
