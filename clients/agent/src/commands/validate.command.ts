// `renkei validate`: the folder check that `renkei send` runs before anything is sent, on its own (no profile,
// no platform). One path for both: read the files, checkFiles (INPUT mode), flatten the report into problems.
import * as path from 'node:path';
import {
  buildConformanceReport,
  CheckFilesOptions,
  checkFiles,
  CheckReport,
  ConformanceReport,
  conformanceReportCsv,
  FolderFile,
  IssueSeverity,
  tryParseFileName,
} from '@renkei/careplan';
import { AgentErrorCode, invalidInput } from '../agent.errors';
import { listFiles, readInputFile, writeFileAtomic } from '../files.util';

/** one problem of a checked folder, flattened for people and for `details.problems` of SEND_VALIDATION_FAILED */
export interface CheckProblem {
  /** the file it is about; a unit problem that names no single file lists the unit's files, comma-separated */
  file: string | null;
  row: number | null;
  column: number | null;
  columnName: string | null;
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

export interface InputFilesOptions {
  files?: string[];
  dir?: string;
}

export interface ValidateOptions extends InputFilesOptions {
  /** group by the vendor test patterns D1–D7 (buildConformanceReport) */
  report?: boolean;
  /** with `report`: also write conformanceReportCsv (MS932) to this file, atomically */
  csv?: string;
  /** replace an existing `csv` file */
  overwrite?: boolean;
}

export interface ValidateResult {
  check: CheckReport;
  /** with `report` */
  conformance?: ConformanceReport;
  /** the CSV written, with `csv` */
  csvFile?: string;
  /** check.ok, or with `report` conformance.ok (every unit passed, every file in a unit) */
  ok: boolean;
}

/**
 * Reads the given files and the regular files of `dir` (not hidden, not recursive). Two paths with the same file
 * name cannot both be in one folder: DUPLICATE_FILE_NAME (exit 3). No file at all: INVALID_INPUT (exit 3).
 */
export async function readInputFiles(options: InputFilesOptions): Promise<FolderFile[]> {
  const paths = [...(options.files ?? []), ...(options.dir ? await listFiles(options.dir) : [])];
  if (paths.length === 0) {
    throw invalidInput(AgentErrorCode.INVALID_INPUT, 'ファイルがありません (no files)');
  }
  const files = new Map<string, FolderFile>();
  for (const file of paths) {
    const fileName = path.basename(file);
    if (files.has(fileName)) {
      throw invalidInput(
        'DUPLICATE_FILE_NAME',
        `同じファイル名が2回指定されています (same file name twice): ${fileName}`,
      );
    }
    files.set(fileName, { fileName, bytes: new Uint8Array(await readInputFile(file)) });
  }
  return [...files.values()];
}

/** The check both `validate` and `send` run: INPUT mode unless told otherwise. */
export function checkInputFiles(files: readonly FolderFile[], options: CheckFilesOptions = {}): CheckReport {
  return checkFiles(files, options);
}

/** Every issue and unit problem of a check report as one list each, in report order (files, then units). */
export function problemsOf(report: CheckReport): { errors: CheckProblem[]; warnings: CheckProblem[] } {
  const all: CheckProblem[] = report.files.flatMap((f) =>
    f.issues.map((i): CheckProblem => ({
      file: f.fileName,
      row: i.row === 0 ? null : i.row,
      column: i.column,
      columnName: i.columnName,
      code: i.code,
      severity: i.severity === IssueSeverity.Error ? 'error' : 'warning',
      message: i.message,
    })),
  );
  for (const unit of report.units) {
    for (const p of unit.problems) {
      all.push({
        file: fileOfProblem(unit.files, p.message) ?? unit.files.join(', '),
        row: rowOfMessage(p.message),
        column: null,
        columnName: null,
        code: p.code,
        severity: 'error',
        message: p.message,
      });
    }
  }
  return {
    errors: all.filter((p) => p.severity === 'error'),
    warnings: all.filter((p) => p.severity === 'warning'),
  };
}

export async function validate(options: ValidateOptions): Promise<ValidateResult> {
  const check = checkInputFiles(await readInputFiles(options));
  if (!options.report) return { check, ok: check.ok };
  const conformance = buildConformanceReport(check);
  if (options.csv !== undefined) {
    await writeFileAtomic(options.csv, conformanceReportCsv(conformance), { overwrite: options.overwrite });
  }
  return {
    check,
    conformance,
    ...(options.csv !== undefined ? { csvFile: path.resolve(options.csv) } : {}),
    ok: conformance.ok,
  };
}

/** the file a unit problem is about, when its message names one (by name, or by kind as in "UPSIKYU row 2") */
function fileOfProblem(fileNames: readonly string[], message: string): string | undefined {
  if (fileNames.length === 1) return fileNames[0];
  const named = fileNames.find((name) => message.startsWith(name));
  if (named) return named;
  const kind = /^([A-Z0-9_]+) row \d+/.exec(message)?.[1];
  if (!kind) return undefined;
  return fileNames.find((name) => {
    const parsed = tryParseFileName(name);
    return parsed.ok && parsed.value.kind === kind;
  });
}

function rowOfMessage(message: string): number | null {
  const row = /^[A-Z0-9_]+ row (\d+)/.exec(message)?.[1];
  return row === undefined ? null : Number(row);
}
