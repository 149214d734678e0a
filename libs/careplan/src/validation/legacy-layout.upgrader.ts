import { CareplanErrorCode } from '../careplan.errors';
import { CsvFileKind } from '../column-schemas/column.types';
import { FILE_SCHEMAS } from '../column-schemas/schema.registry';
import { FileKind } from '../file-names/file-kind.constants';
import { IssueSeverity, RowInput, ValidationIssue } from './validation.types';

/** CSVバージョン values of the V1–V3 layouts */
const PRE_V4_VERSIONS: readonly string[] = ['201910', '202003', '202208'];

/**
 * V4.0 added TAISコード, 福祉用具届出コード and 用具名称 to 第6表 (after No.15) and 第7表 (after No.9). The older
 * layouts are inferred from that history entry (domain.md §1.1, §1.8), not read from an old layout document.
 */
const ADDED_IN_V4: Partial<Record<CsvFileKind, { readonly after: number; readonly count: number }>> = {
  [FileKind.UpPlan]: { after: 15, count: 3 },
  [FileKind.UpJsk]: { after: 15, count: 3 },
  [FileKind.UpSikyu]: { after: 9, count: 3 },
};

export interface UpgradedRows<T extends RowInput> {
  readonly records: T[];
  readonly issues: ValidationIssue[];
}

/**
 * Rewrites rows of a pre-V4 file (older CSVバージョン and the older column count) into the V4.1 layout by inserting
 * the new columns empty; each upgraded row gets a warning. Other rows pass through untouched.
 */
export const upgradeLegacyRows = <T extends RowInput>(
  kind: CsvFileKind,
  records: readonly T[],
  file: string | null = null,
): UpgradedRows<T> => {
  const added = ADDED_IN_V4[kind];
  const issues: ValidationIssue[] = [];
  if (added === undefined) return { records: [...records], issues };
  const legacyCount = FILE_SCHEMAS[kind].columns.length - added.count;
  const upgraded = records.map((record) => {
    if (record.fields.length !== legacyCount || !PRE_V4_VERSIONS.includes(record.fields[0])) return record;
    issues.push({
      code: CareplanErrorCode.LegacyLayoutUpgraded,
      severity: IssueSeverity.Warning,
      message: `read as the pre-V4 ${legacyCount}-column layout; the V4 columns were left empty`,
      file,
      row: record.row,
      line: record.line ?? null,
      column: null,
      columnName: null,
    });
    const fields = [...record.fields];
    fields.splice(added.after, 0, ...Array<string>(added.count).fill(''));
    return { ...record, fields };
  });
  return { records: upgraded, issues };
};
