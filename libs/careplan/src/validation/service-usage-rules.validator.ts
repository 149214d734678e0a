import { CareplanErrorCode } from '../careplan.errors';
import { CsvFileKind } from '../column-schemas/column.types';
import { FileKind } from '../file-names/file-kind.constants';
import { IssueFactory, IssueSeverity, RowInput, ValidationIssue } from './validation.types';

const at = (record: RowInput, no: number): string => record.fields[no - 1];

const daysInMonth = (yyyymm: string): number =>
  new Date(Date.UTC(+yyyymm.slice(0, 4), +yyyymm.slice(4, 6), 0)).getUTCDate();

/** 第6表 (UPPLAN/UPJSK) row rules: 利用日 inside 対象年月, 日割 mask within the month, 9999 on both times or neither */
const checkUsageRow = (
  record: RowInput,
  severity: IssueSeverity,
  issue: IssueFactory,
  issues: ValidationIssue[],
): void => {
  const month = at(record, 5);
  if (!/^\d{4}(0[1-9]|1[0-2])$/.test(month)) return;
  const date = at(record, 10);
  if (/^\d{8}$/.test(date) && !date.startsWith(month)) {
    issues.push(
      issue(
        record,
        10,
        CareplanErrorCode.ServiceDateOutsideMonth,
        severity,
        `${date} is not in 対象年月 ${month}`,
      ),
    );
  }
  const mask = at(record, 11);
  if (/^[01]{31}$/.test(mask) && mask.slice(daysInMonth(month)).includes('1')) {
    issues.push(
      issue(record, 11, CareplanErrorCode.DayMaskBeyondMonth, severity, `${month} has no such day`),
    );
  }
  if ((at(record, 12) === '9999') !== (at(record, 13) === '9999')) {
    const message = 'サービス開始時刻 and サービス終了時刻 are both 9999 (no time) or both times';
    issues.push(issue(record, 13, CareplanErrorCode.TimePairMismatch, severity, message));
  }
};

/** the list under `key`, made empty on first use */
const listOf = <T>(lists: Map<string, T[]>, key: string): T[] => {
  let list = lists.get(key);
  if (list === undefined) {
    list = [];
    lists.set(key, list);
  }
  return list;
};

const TOTAL_CODE = '999999';
const TOTAL_OFFICE = '9999999999';
const PSEUDO = /^[0-9A-Z]{2}(AAAA|EEEE|ZZZZ)$/;

/**
 * 第7表 (UPSIKYU) pseudo rows: `999999` grand total per user with office 9999999999; `{SV}AAAA` subtotal when a
 * service type has several rows at one office; pseudo rows carry 単位数 0 and no 割引 values.
 */
const checkSikyu = (
  records: readonly RowInput[],
  severity: IssueSeverity,
  issue: IssueFactory,
): ValidationIssue[] => {
  const issues: ValidationIssue[] = [];
  const users = new Map<string, RowInput[]>();
  for (const record of records) {
    const user = `${at(record, 2)}|${at(record, 3)}`;
    listOf(users, user).push(record);
    const isTotal = at(record, 9) === TOTAL_CODE;
    if (isTotal !== (at(record, 7) === TOTAL_OFFICE)) {
      const message =
        'サービスコード 999999 and サービス事業所コード 9999999999 go together on the total row';
      issues.push(issue(record, 7, CareplanErrorCode.SikyuTotalRowOffice, severity, message));
    }
    if (!isTotal && !PSEUDO.test(at(record, 9))) continue;
    if (at(record, 13) !== '0') {
      issues.push(
        issue(record, 13, CareplanErrorCode.SikyuPseudoRowValues, severity, '単位数 is 0 on total rows'),
      );
    }
    for (const no of [14, 15]) {
      if (at(record, no) !== '') {
        issues.push(
          issue(record, no, CareplanErrorCode.SikyuPseudoRowValues, severity, 'Null on total rows'),
        );
      }
    }
  }
  for (const rows of users.values()) {
    if (!rows.some((r) => at(r, 9) === TOTAL_CODE)) {
      const last = rows[rows.length - 1];
      issues.push(
        issue(last, 9, CareplanErrorCode.SikyuTotalRowMissing, severity, 'the 999999 total row is missing'),
      );
    }
    issues.push(...checkSubtotals(rows, severity, issue));
  }
  return issues;
};

const checkSubtotals = (rows: readonly RowInput[], severity: IssueSeverity, issue: IssueFactory) => {
  const groups = new Map<string, RowInput[]>();
  const subtotals = new Set<string>();
  for (const record of rows) {
    const code = at(record, 9);
    const group = `${at(record, 7)}|${code.slice(0, 2)}`;
    if (code.endsWith('AAAA')) subtotals.add(group);
    else if (code !== TOTAL_CODE && !PSEUDO.test(code)) listOf(groups, group).push(record);
  }
  return [...groups.entries()]
    .filter(([group, members]) => members.length > 1 && !subtotals.has(group))
    .map(([group, members]) => {
      const message = `service type ${group.slice(-2)} has ${members.length} rows but no ${group.slice(-2)}AAAA subtotal`;
      return issue(members[0], 9, CareplanErrorCode.SikyuSubtotalMissing, severity, message);
    });
};

export const checkServiceUsageRules = (
  kind: CsvFileKind,
  records: readonly RowInput[],
  severity: IssueSeverity,
  issue: IssueFactory,
): ValidationIssue[] => {
  if (kind === FileKind.UpPlan || kind === FileKind.UpJsk) {
    const issues: ValidationIssue[] = [];
    for (const record of records) checkUsageRow(record, severity, issue, issues);
    return issues;
  }
  return kind === FileKind.UpSikyu ? checkSikyu(records, severity, issue) : [];
};
