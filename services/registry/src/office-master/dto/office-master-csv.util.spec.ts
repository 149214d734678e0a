import { Ms932Codec } from '@renkei/careplan';
import { csvOf, officeInput } from '../fixtures/office-master.fixtures';
import {
  OfficeMasterError,
  OfficeMasterProblem,
  OfficeMasterProblemCode as Code,
} from '../office-master.errors';
import { readCsvOffices, readJsonUpload } from './office-master-csv.util';

const codec = new Ms932Codec();

function problemsOf(work: () => unknown): OfficeMasterProblem[] {
  try {
    work();
  } catch (error) {
    if (error instanceof OfficeMasterError)
      return (error.details as { problems: OfficeMasterProblem[] }).problems;
    throw error;
  }
  throw new Error('accepted');
}

describe(readCsvOffices.name, () => {
  it('reads MS932 rows under the English header, one office per data row', () => {
    const office = officeInput('13', 1, { serviceTypes: ['43', '46'], name: '髙橋ケアプラン「①」' });

    const sut = readCsvOffices(csvOf([office]));

    expect(sut).toEqual([
      {
        row: 1,
        line: 2,
        values: {
          officeNumber: office.officeNumber,
          name: '髙橋ケアプラン「①」',
          nameKana: office.nameKana,
          serviceTypes: '43 46',
          status: 'active',
          designatedFrom: '2020-04-01',
          designatedTo: '',
          postalCode: '160-0023',
          address: office.address,
        },
      },
    ]);
  });

  it('reads the Japanese header names in any order', () => {
    const bytes = codec.encode([
      ['状態', 'サービス種類コード', '事業所名', '事業所番号'],
      ['有効', '11|13', '訪問介護ステーション', '1370000011'],
    ]);

    expect(readCsvOffices(bytes)[0].values).toEqual({
      status: '有効',
      serviceTypes: '11|13',
      name: '訪問介護ステーション',
      officeNumber: '1370000011',
    });
  });

  it('refuses an unknown, repeated or missing header column', () => {
    const bytes = codec.encode([
      ['officeNumber', 'name', 'name', 'colour'],
      ['1370000011', 'a', 'b', 'c'],
    ]);

    expect(problemsOf(() => readCsvOffices(bytes)).map((p) => [p.code, p.column])).toEqual([
      [Code.HEADER_INVALID, 'colour'],
      [Code.HEADER_INVALID, 'name'],
      [Code.HEADER_INVALID, 'serviceTypes'],
      [Code.HEADER_INVALID, 'status'],
    ]);
  });

  it('refuses rows whose column count differs from the header, with row and line', () => {
    const bytes = codec.encode([
      ['officeNumber', 'name', 'serviceTypes', 'status'],
      ['1370000011', 'a', '43'],
    ]);

    expect(problemsOf(() => readCsvOffices(bytes))).toEqual([
      expect.objectContaining({ code: Code.COLUMN_COUNT, row: 1, line: 2 }),
    ]);
  });

  it('refuses bytes that are not MS932 with where they are', () => {
    const header = codec.encode([['officeNumber', 'name', 'serviceTypes', 'status']]);
    const bytes = Buffer.concat([
      header,
      Buffer.from([0x31, 0x2c, 0x82, 0x2c, 0x34, 0x33, 0x2c, 0x61, 0x0d, 0x0a]),
    ]);

    expect(problemsOf(() => readCsvOffices(bytes))).toEqual([
      expect.objectContaining({ code: Code.ENCODING_INVALID, row: 1, line: 2 }),
    ]);
  });

  it('refuses an empty file for its missing header', () => {
    expect(problemsOf(() => readCsvOffices(Buffer.alloc(0)))).toEqual([
      expect.objectContaining({ code: Code.HEADER_INVALID }),
    ]);
  });
});

describe(readJsonUpload.name, () => {
  it('takes asOf and the offices with their 1-based rows', () => {
    expect(readJsonUpload({ asOf: '2026-12-01', offices: [{ name: 'a' }] })).toEqual({
      asOf: '2026-12-01',
      offices: [{ row: 1, values: { name: 'a' } }],
    });
  });

  it.each([[null], [[]], [{ asOf: '2026-12-01' }], [{ offices: {} }]])('refuses %j as malformed', (body) => {
    expect(problemsOf(() => readJsonUpload(body))).toEqual([
      expect.objectContaining({ code: Code.BODY_MALFORMED }),
    ]);
  });

  it('refuses an office that is not an object, with its row', () => {
    expect(problemsOf(() => readJsonUpload({ asOf: '2026-12-01', offices: [{}, 'x'] }))).toEqual([
      expect.objectContaining({ code: Code.BODY_MALFORMED, row: 2 }),
    ]);
  });
});
