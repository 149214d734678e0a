import * as iconv from 'iconv-lite';
import { CareplanErrorCode } from '../careplan.errors';
import { Ms932Codec } from '../codec/ms932.codec';
import { SendUnitType } from '../send-units/send-unit.rules';
import { CONFORMANCE_CSV_HEADER, conformanceReportCsv } from './conformance-report.csv';
import { buildConformanceReport } from './conformance.report';
import { folderOf, KYOTAKU, PATTERN_UNITS, unitOf } from './conformance.test-util';
import { checkFiles, FolderFile } from './folder.checker';
import { formatCheckReport, formatConformanceReport } from './report.formatter';

const ms932 = new Ms932Codec();

/** a folder with a bad cell (被保険者番号 on row 2 of 第6表), a self-send and a bad name */
const brokenFolder = (): FolderFile[] => {
  const plan = folderOf(unitOf({ type: SendUnitType.ServiceUsagePlan }));
  const i = plan.findIndex((f) => f.fileName.startsWith('UPPLAN_'));
  const rows = ms932.decode(Buffer.from(plan[i].bytes)).map((r) => [...r.fields]);
  rows[1][2] = 'ABC';
  plan[i] = { fileName: plan[i].fileName, bytes: ms932.encode(rows) };
  const selfSend = folderOf(unitOf({ type: SendUnitType.KyotakuPlan, provider: KYOTAKU }));
  return [...plan, ...selfSend, { fileName: '=HYPERLINK("http://x")_UPPLAN.CSV', bytes: new Uint8Array() }];
};

/** a CSV of numbers and `"…"` text cells as written by writeReportCsv */
const cellsOf = (csv: Buffer): string[][] =>
  iconv
    .decode(csv, 'cp932')
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) =>
      [...line.matchAll(/"((?:[^"]|"")*)"|([^,]+)|(?<=,|^)(?=,|$)/g)].map((m) => m[1] ?? m[2] ?? ''),
    );

describe(formatCheckReport.name, () => {
  it('prints issues with 行, 列番号, the Japanese 列名 and the code', () => {
    const text = formatCheckReport(checkFiles(brokenFolder()));

    expect(text).toMatch(/^ケアプランデータ検査結果/);
    expect(text).toContain('判定 NG');
    expect(text).toMatch(/ {2}エラー 行 2 列番号 3 列名 被保険者番号 コード [A-Z_]+: /);
    expect(text).toContain(`コード ${CareplanErrorCode.SendUnitSelfSend}`);
    expect(text).toContain(`エラー 行 - 列番号 - 列名 - コード ${CareplanErrorCode.FileNameUnknownKind}`);
    expect(text).toContain('パターン D1 居宅介護支援 ケアプラン / 判定 NG');
  });

  it('prints 警告 for warnings and OK for a clean folder', () => {
    const [file] = unitOf({ type: SendUnitType.Actual }).files;
    const header = ms932.encode([['CSVバージョン']]);

    const text = formatCheckReport(
      checkFiles([{ fileName: file.fileName, bytes: Buffer.concat([header, file.bytes]) }]),
    );

    expect(text).toContain('判定 OK / エラー 0 件 / 警告 1 件');
    expect(text).toContain(`警告 行 1 列番号 - 列名 - コード ${CareplanErrorCode.HeaderRowSkipped}`);
  });

  it('gives the same text for the same folder in any order', () => {
    const folder = brokenFolder();

    expect(formatCheckReport(checkFiles([...folder].reverse()))).toBe(formatCheckReport(checkFiles(folder)));
  });
});

describe(formatConformanceReport.name, () => {
  it('prints every pattern with its status and the failing file issues', () => {
    const text = formatConformanceReport(buildConformanceReport(checkFiles(brokenFolder())));

    expect(text).toContain('D1 居宅介護支援 ケアプラン: 不合格 (合格 0 / 不合格 1)');
    expect(text).toContain('D2 居宅介護支援 予定: 不合格 (合格 0 / 不合格 1)');
    expect(text).toContain('D7 介護予防支援 実績: 未実施 (合格 0 / 不合格 0)');
    expect(text).toContain('未実施パターン D3, D4, D5, D6, D7');
    expect(text).toContain('列名 被保険者番号');
    expect(text).toContain('[送信単位に属さないファイル] 1 件');
  });

  it('prints 合格 for every pattern of a clean folder', () => {
    const units = PATTERN_UNITS.map(([, spec]) => unitOf(spec));

    const text = formatConformanceReport(buildConformanceReport(checkFiles(folderOf(...units))));

    expect(text).toContain('判定 OK / 送信単位 7 件 (合格 7 / 不合格 0)');
    expect(text).toContain('未実施パターン なし');
    expect(text.match(/^D\d .*: 合格/gm)).toHaveLength(7);
  });
});

describe(conformanceReportCsv.name, () => {
  it('writes MS932 with the Japanese header and one row per problem, file and issue', () => {
    const csv = conformanceReportCsv(buildConformanceReport(checkFiles(brokenFolder())));

    const cells = cellsOf(csv);
    expect(cells[0]).toEqual(CONFORMANCE_CSV_HEADER);
    expect(cells.some((row) => row.includes('被保険者番号') && row[0] === 'D2')).toBe(true);
    expect(cells.some((row) => row.includes(CareplanErrorCode.SendUnitSelfSend) && row[0] === 'D1')).toBe(
      true,
    );
    expect(cells.some((row) => row[0] === 'D5' && row[2] === '未実施')).toBe(true);
  });

  it('never lets a cell start a formula, even from a hostile file name', () => {
    const csv = conformanceReportCsv(buildConformanceReport(checkFiles(brokenFolder())));

    const cells = cellsOf(csv).flat();
    expect(cells.some((c) => c.startsWith("'=HYPERLINK"))).toBe(true);
    expect(cells.filter((c) => /^[=+\-@\t\r＝＋－＠]/.test(c))).toEqual([]);
  });

  it('writes a file name MS932 cannot hold with ? instead of failing', () => {
    const csv = conformanceReportCsv(
      buildConformanceReport(checkFiles([{ fileName: 'UP😀.CSV', bytes: new Uint8Array() }])),
    );

    expect(cellsOf(csv).flat()).toContain('UP?.CSV');
  });
});
