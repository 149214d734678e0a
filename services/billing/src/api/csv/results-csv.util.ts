// A results upload as MS932 CSV: the export's 12 columns (the 国保連 fills in 結果, 理由コード, 理由) or the
// short form 控除ID,事業所番号,結果,理由コード,理由. 結果 is 控除済 | 控除不能; a row whose 結果 is blank is not a
// result yet and is skipped, so the export can come back partly filled in.
import { CareplanError, Ms932Codec } from '@renkei/careplan';
import type { DeductionResult, ResultInput } from '../../ledger/billing.ports';
import type { BillingRequestProblem } from '../billing-api.errors';
import {
  checkDuplicates,
  checkResult,
  MAX_RESULTS,
  ResultProblemCode,
  resultsInvalid,
  type ResultPlace,
} from '../dto/deduction-results.dto';
import { DEDUCTIONS_CSV_HEADER, RESULT_LABELS, RESULTS_CSV_SHORT_HEADER } from './deductions-csv.util';

const codec = new Ms932Codec();

const RESULT_BY_LABEL: Readonly<Record<string, DeductionResult>> = {
  [RESULT_LABELS.deducted]: 'deducted',
  [RESULT_LABELS.not_deductible]: 'not_deductible',
  deducted: 'deducted',
  not_deductible: 'not_deductible',
};

const sameColumns = (names: readonly string[], expected: readonly string[]): boolean =>
  names.length === expected.length && names.every((name, i) => name.trim() === expected[i]);

/** the results of an MS932 CSV upload; DEDUCTION_RESULTS_INVALID listing every problem with its line */
export function parseCsvResults(bytes: Buffer): ResultInput[] {
  let records: ReturnType<Ms932Codec['decode']>;
  try {
    records = codec.decode(bytes);
  } catch (error) {
    if (!(error instanceof CareplanError)) throw error;
    throw resultsInvalid(
      error.problems.map((problem) => ({
        code: ResultProblemCode.ENCODING_INVALID,
        source: problem.line === undefined ? 'body' : `line ${problem.line}`,
        problem: `${problem.code}: ${problem.message}`,
        ...(problem.line === undefined ? {} : { line: problem.line }),
      })),
    );
  }
  const [header, ...rows] = records;
  const long = header !== undefined && sameColumns(header.fields, DEDUCTIONS_CSV_HEADER);
  if (!header || (!long && !sameColumns(header.fields, RESULTS_CSV_SHORT_HEADER))) {
    throw resultsInvalid([
      {
        code: ResultProblemCode.HEADER_INVALID,
        source: `line ${header?.line ?? 1}`,
        line: header?.line ?? 1,
        problem: `the header must be ${DEDUCTIONS_CSV_HEADER.join(',')} or ${RESULTS_CSV_SHORT_HEADER.join(',')}`,
      },
    ]);
  }
  if (rows.length > MAX_RESULTS) {
    throw resultsInvalid([
      { code: ResultProblemCode.RESULTS_TOO_MANY, source: 'body', problem: `at most ${MAX_RESULTS} rows` },
    ]);
  }
  const columns = long ? [0, 1, 9, 10, 11] : [0, 1, 2, 3, 4];
  const width = header.fields.length;
  const problems: BillingRequestProblem[] = [];
  const results: ResultInput[] = [];
  const places = new Map<ResultInput, ResultPlace>();
  for (const record of rows) {
    const place = { source: `line ${record.line}`, line: record.line };
    if (record.fields.length !== width) {
      problems.push({
        code: ResultProblemCode.COLUMN_COUNT,
        problem: `${record.fields.length} columns where the header has ${width}`,
        ...place,
      });
      continue;
    }
    const [deductionId, officeNumber, label, reasonCode, reason] = columns.map((c) =>
      record.fields[c].trim(),
    );
    if (label === '') continue;
    const result = RESULT_BY_LABEL[label] ?? label;
    const checked = checkResult({ deductionId, officeNumber, result, reasonCode, reason }, place, problems);
    if (checked) {
      results.push(checked);
      places.set(checked, place);
    }
  }
  checkDuplicates(results, places, problems);
  if (results.length === 0 && problems.length === 0) {
    problems.push({
      code: ResultProblemCode.RESULTS_EMPTY,
      source: 'body',
      problem: 'no row carries a 結果',
    });
  }
  if (problems.length > 0) throw resultsInvalid(problems.map(withColumnName));
  return results;
}

const COLUMN_OF_FIELD: Readonly<Record<string, string>> = {
  deductionId: '控除ID',
  officeNumber: '事業所番号',
  result: '結果',
  reasonCode: '理由コード',
  reason: '理由',
};

/** a CSV problem names the column as the file does */
const withColumnName = (problem: BillingRequestProblem): BillingRequestProblem =>
  problem.field === undefined
    ? problem
    : { ...problem, field: COLUMN_OF_FIELD[problem.field] ?? problem.field };
