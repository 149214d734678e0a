import { CareplanError } from '../careplan.errors';
import { ColumnType, CsvFileKind } from '../column-schemas/column.types';
import { schemaFor } from '../column-schemas/schema.registry';
import { parseFileName, ParsedFileName } from '../file-names/file-name.parser';
import { upgradeLegacyRows } from '../validation/legacy-layout.upgrader';
import { hasErrors, toRecords, validateFile } from '../validation/file.validator';
import { IssueSeverity, ValidationIssue, ValidationMode } from '../validation/validation.types';
import { CsvRecord, Ms932Codec } from './ms932.codec';

export interface ReadCareplanFile {
  readonly name: ParsedFileName;
  /** in the V4.1 layout: rows of a pre-V4 第6/7表 come back with the V4 columns inserted empty */
  readonly records: readonly CsvRecord[];
  /** errors and warnings; the caller decides whether warnings block */
  readonly issues: readonly ValidationIssue[];
}

/** a whole care-plan CSV file: name + MS932 codec + schema validation */
export class CareplanCsvCodec {
  constructor(private readonly codec: Ms932Codec = new Ms932Codec()) {}

  /**
   * Reads a received file tolerantly. Throws CareplanError for a bad name (FILE_NAME_*), an image kind
   * (NO_SCHEMA_FOR_KIND) or undecodable bytes (MS932_*, CSV_*); row problems come back as issues.
   */
  read(fileName: string, bytes: Buffer): ReadCareplanFile {
    const name = parseFileName(fileName);
    const { kind } = schemaFor(name.kind);
    const { records, issues: upgradeIssues } = upgradeLegacyRows(kind, this.codec.decode(bytes), fileName);
    const issues = validateFile({
      kind,
      records,
      mode: ValidationMode.Input,
      fileName,
      targetMonth: name.targetMonth,
    });
    return { name, records, issues: [...upgradeIssues, ...issues] };
  }

  /**
   * Writes rows strictly: any validation error (warnings pass) is thrown as one CareplanError whose problems
   * list every issue with its row and column; free-text columns are quoted.
   */
  write(kind: CsvFileKind, rows: readonly (readonly string[])[], targetMonth: string | null = null): Buffer {
    const schema = schemaFor(kind);
    const issues = validateFile({ kind, records: toRecords(rows), mode: ValidationMode.Output, targetMonth });
    if (hasErrors(issues)) {
      const errors = issues.filter((i) => i.severity === IssueSeverity.Error);
      throw new CareplanError(
        errors[0].code,
        `${kind}: ${errors.length} error(s), first at row ${errors[0].row} column ${errors[0].column ?? '-'}`,
        errors.map((i) => ({
          code: i.code,
          message: i.message,
          row: i.row,
          column: i.column ?? undefined,
          columnName: i.columnName ?? undefined,
        })),
      );
    }
    const text = new Set(schema.columns.filter((c) => c.type === ColumnType.Text).map((c) => c.no - 1));
    return this.codec.encode(rows, { quoteColumn: (i) => text.has(i) });
  }
}
