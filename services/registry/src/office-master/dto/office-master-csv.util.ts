// The MS932 CSV layout of an uploaded 事業所台帳 (docs/registry.md): a header row naming the columns (English
// or Japanese names, any order), then one office per row. Service types are separated by spaces or `|`.
import { CareplanError, Ms932Codec } from '@renkei/careplan';
import { OfficeMasterProblem, OfficeMasterProblemCode as Code } from '../office-master.errors';
import { invalid, RawOffice } from './office-master-upload.dto';

/** header names → the upload's field names */
export const CSV_COLUMNS: Readonly<Record<string, string>> = {
  officeNumber: 'officeNumber',
  事業所番号: 'officeNumber',
  name: 'name',
  事業所名: 'name',
  nameKana: 'nameKana',
  事業所名カナ: 'nameKana',
  serviceTypes: 'serviceTypes',
  サービス種類コード: 'serviceTypes',
  status: 'status',
  状態: 'status',
  designatedFrom: 'designatedFrom',
  指定開始日: 'designatedFrom',
  designatedTo: 'designatedTo',
  指定終了日: 'designatedTo',
  postalCode: 'postalCode',
  郵便番号: 'postalCode',
  address: 'address',
  所在地: 'address',
};
const REQUIRED_COLUMNS = ['officeNumber', 'name', 'serviceTypes', 'status'];

const codec = new Ms932Codec();

/** the offices of an MS932 CSV upload; OFFICE_MASTER_INVALID for bytes, header or column counts */
export function readCsvOffices(bytes: Buffer): RawOffice[] {
  let records: ReturnType<Ms932Codec['decode']>;
  try {
    records = codec.decode(bytes);
  } catch (error) {
    if (!(error instanceof CareplanError)) throw error;
    throw invalid(
      error.problems.map((problem) => ({
        code: Code.ENCODING_INVALID,
        message: `${problem.code}: ${problem.message}`,
        ...(problem.row === undefined ? {} : { row: problem.row - 1 }),
        ...(problem.line === undefined ? {} : { line: problem.line }),
      })),
    );
  }
  const [header, ...rows] = records;
  if (!header) {
    throw invalid([{ code: Code.HEADER_INVALID, line: 1, message: 'the CSV has no header row' }]);
  }
  const fields = fieldsOfHeader(header.fields, header.line);
  const problems: OfficeMasterProblem[] = [];
  const offices: RawOffice[] = [];
  rows.forEach((record, index) => {
    const row = index + 1;
    if (record.fields.length !== fields.length) {
      problems.push({
        code: Code.COLUMN_COUNT,
        row,
        line: record.line,
        message: `${record.fields.length} columns where the header has ${fields.length}`,
      });
      return;
    }
    const values: Record<string, string> = {};
    fields.forEach((field, i) => (values[field] = record.fields[i]));
    offices.push({ row, line: record.line, values });
  });
  if (problems.length > 0) throw invalid(problems);
  return offices;
}

function fieldsOfHeader(names: readonly string[], line: number): string[] {
  const problems: OfficeMasterProblem[] = [];
  const fields = names.map((raw) => {
    const name = raw.trim();
    const field = CSV_COLUMNS[name];
    if (field === undefined) {
      problems.push({ code: Code.HEADER_INVALID, line, column: name, message: `unknown column ${name}` });
    }
    return field ?? name;
  });
  fields.forEach((field, i) => {
    if (fields.indexOf(field) !== i) {
      problems.push({ code: Code.HEADER_INVALID, line, column: names[i], message: 'column given twice' });
    }
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!fields.includes(required)) {
      problems.push({
        code: Code.HEADER_INVALID,
        line,
        column: required,
        message: 'required column missing',
      });
    }
  }
  if (problems.length > 0) throw invalid(problems);
  return fields;
}

/** the offices of a JSON upload body `{ asOf, offices: [...] }`; OFFICE_MASTER_INVALID when not that shape */
export function readJsonUpload(body: unknown): { asOf: unknown; offices: RawOffice[] } {
  const input = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined;
  const offices = (input as { offices?: unknown } | undefined)?.offices;
  if (!input || !Array.isArray(offices)) {
    throw invalid([
      { code: Code.BODY_MALFORMED, column: 'offices', message: 'the body must be { asOf, offices: [...] }' },
    ]);
  }
  const problems: OfficeMasterProblem[] = [];
  const raw: RawOffice[] = [];
  (offices as unknown[]).forEach((office, index) => {
    if (typeof office !== 'object' || office === null || Array.isArray(office)) {
      problems.push({ code: Code.BODY_MALFORMED, row: index + 1, message: 'an office must be an object' });
      return;
    }
    raw.push({ row: index + 1, values: office as Record<string, unknown> });
  });
  if (problems.length > 0) throw invalid(problems);
  return { asOf: (input as { asOf?: unknown }).asOf, offices: raw };
}
