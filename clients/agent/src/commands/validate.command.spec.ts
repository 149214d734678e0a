import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CheckReport,
  ConformancePattern,
  ConformanceReport,
  ConformanceStatus,
  FileDirection,
  generateUnit,
  GeneratedUnit,
  Ms932Codec,
  SendUnitType,
} from '@renkei/careplan';
import { ExitCode } from '../agent.errors';
import { runCli } from '../cli';
import { validate } from './validate.command';

const PLANNER = { officeNumber: '1310000011', serviceType: '43' };
const PROVIDER = { officeNumber: '1310000029', serviceType: '11' };
const HOUKATSU = { officeNumber: '1310000037', serviceType: '46' };

const yotei = (planner = PLANNER, sequence = '20250410093000'): GeneratedUnit =>
  generateUnit({
    seed: 11,
    direction: FileDirection.FromPlanner,
    month: '202505',
    type: SendUnitType.ServiceUsagePlan,
    users: 2,
    planner,
    provider: PROVIDER,
    sequence,
  });

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {} });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const codesOf = (report: CheckReport): string[] => [
  ...report.files.flatMap((f) => f.issues.map((i) => i.code)),
  ...report.units.flatMap((u) => u.problems.map((p) => p.code)),
];

describe('renkei validate', () => {
  let dir: string;
  let unitDir: string;
  let unit: GeneratedUnit;
  const fileOf = (kind: string): string => unit.files.find((f) => f.kind === kind)?.fileName as string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-validate-'));
    unitDir = join(dir, 'unit');
    mkdirSync(unitDir);
    unit = yotei();
    for (const file of unit.files) writeFileSync(join(unitDir, file.fileName), file.bytes);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on a valid generated unit, without a profile, and prints the Japanese check report', async () => {
    const result = await run(['--home', join(dir, 'no-profile'), 'validate', '--dir', unitDir]);

    expect(result.code).toBe(ExitCode.Ok);
    expect(result.stdout).toContain('ケアプランデータ検査結果');
    expect(result.stdout).toContain('判定 OK');
  });

  it('prints the CheckReport with --json, and takes files as arguments', async () => {
    const files = unit.files.map((f) => join(unitDir, f.fileName));

    const result = await run(['validate', '--json', ...files]);

    expect(result.code).toBe(ExitCode.Ok);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(report).toMatchObject({ ok: true, errors: 0 });
    expect(report.files).toHaveLength(unit.files.length);
    expect(report.units).toEqual([
      expect.objectContaining({
        type: SendUnitType.ServiceUsagePlan,
        fileSequence: '20250410093000',
        ok: true,
      }),
    ]);
  });

  it('exits 3 with the column code in the JSON when a row is bad', async () => {
    const upplan = fileOf('UPPLAN');
    const bytes = readFileSync(join(unitDir, upplan));
    writeFileSync(
      join(unitDir, upplan),
      Buffer.from(bytes.toString('latin1').replace(/^(\d+),"?(\d+)/, '$1,ZZ'), 'latin1'),
    );

    const result = await run(['validate', '--json', '--dir', unitDir]);

    expect(result.code).toBe(ExitCode.InvalidInput);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(report.ok).toBe(false);
    const file = report.files.find((f) => f.fileName === upplan);
    expect(file?.errors).toBeGreaterThan(0);
    expect(file?.issues[0]).toMatchObject({ row: 1, column: 2, severity: 'ERROR', code: 'BAD_FORMAT' });
  });

  it('exits 3 with a FILE_NAME_* code for a bad name', async () => {
    writeFileSync(join(unitDir, 'NOTES.txt'), 'x');

    const result = await run(['validate', '--json', '--dir', unitDir]);

    expect(result.code).toBe(ExitCode.InvalidInput);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(codesOf(report).some((c) => c.startsWith('FILE_NAME_'))).toBe(true);
    expect(report.files.find((f) => f.fileName === 'NOTES.txt')?.kind).toBeNull();
  });

  it('exits 3 with SEND_UNIT_ILLEGAL_COMBINATION when the 第6表 is missing', async () => {
    rmSync(join(unitDir, fileOf('UPPLAN')));

    const result = await run(['validate', '--json', '--dir', unitDir]);

    expect(result.code).toBe(ExitCode.InvalidInput);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(codesOf(report)).toContain('SEND_UNIT_ILLEGAL_COMBINATION');
    expect(report.units[0]).toMatchObject({ type: null, ok: false });
  });

  it('--report --json groups a 予定 unit under D2 (and a 地域包括 one under D6)', async () => {
    for (const file of yotei(HOUKATSU, '20250410093100').files) {
      writeFileSync(join(unitDir, file.fileName), file.bytes);
    }

    const result = await run(['validate', '--report', '--json', '--dir', unitDir]);

    expect(result.code).toBe(ExitCode.Ok);
    const report = JSON.parse(result.stdout) as ConformanceReport;
    expect(report).toMatchObject({ ok: true, units: 2, passed: 2, failed: 0, complete: false });
    const byPattern = new Map(report.patterns.map((p) => [p.pattern, p]));
    expect(byPattern.get(ConformancePattern.D2)).toMatchObject({ status: ConformanceStatus.Pass, passed: 1 });
    expect(byPattern.get(ConformancePattern.D2)?.units[0].files).toHaveLength(unit.files.length);
    expect(byPattern.get(ConformancePattern.D6)?.status).toBe(ConformanceStatus.Pass);
    expect(report.notExercised).toEqual([
      ConformancePattern.D1,
      ConformancePattern.D3,
      ConformancePattern.D4,
      ConformancePattern.D5,
      ConformancePattern.D7,
    ]);
  });

  it('--report exits 3 when a file belongs to no unit, and prints the Japanese report', async () => {
    writeFileSync(join(unitDir, 'NOTES.txt'), 'x');

    const result = await run(['validate', '--report', '--dir', unitDir]);

    expect(result.code).toBe(ExitCode.InvalidInput);
    expect(result.stdout).toContain('NOTES.txt');
    expect(result.stdout).toContain('D2');
  });

  it('--csv writes the conformance report as MS932, refusing to overwrite without --overwrite', async () => {
    const csv = join(dir, 'report.csv');

    const result = await run(['validate', '--report', '--csv', csv, '--dir', unitDir]);

    expect(result.code).toBe(ExitCode.Ok);
    expect(result.stdout).toContain(csv);
    const bytes = readFileSync(csv);
    // MS932, not UTF-8: the header decodes with the MS932 codec and is not valid UTF-8 text
    expect(bytes.toString('utf8')).not.toContain('パターン');
    const [header, ...rows] = new Ms932Codec().decode(bytes);
    expect(header.fields.slice(0, 3)).toEqual(['パターン', 'パターン名', 'パターン判定']);
    expect(rows.some((r) => r.fields[0] === 'D2' && r.fields[8] === fileOf('UPPLAN'))).toBe(true);

    expect((await run(['validate', '--report', '--csv', csv, '--dir', unitDir])).code).toBe(
      ExitCode.InvalidInput,
    );
    expect((await run(['validate', '--report', '--csv', csv, '--overwrite', '--dir', unitDir])).code).toBe(
      ExitCode.Ok,
    );
  });

  it('is a usage error without files, with both files and --dir, or with --csv but no --report', async () => {
    expect((await run(['validate'])).code).toBe(ExitCode.Usage);
    expect((await run(['validate', 'a.CSV', '--dir', unitDir])).code).toBe(ExitCode.Usage);
    expect((await run(['validate', '--csv', join(dir, 'r.csv'), '--dir', unitDir])).code).toBe(
      ExitCode.Usage,
    );
  });

  it('exits 3 for an empty folder or a missing file', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);

    expect((await run(['validate', '--dir', empty])).code).toBe(ExitCode.InvalidInput);
    expect((await run(['validate', join(dir, 'missing.CSV')])).code).toBe(ExitCode.InvalidInput);
  });

  it('returns the check and, with report, the conformance report as data', async () => {
    const result = await validate({ dir: unitDir, report: true });

    expect(result.ok).toBe(true);
    expect(result.check.units[0].pattern).toBe(ConformancePattern.D2);
    expect(result.conformance?.passed).toBe(1);
    expect(result.csvFile).toBeUndefined();
  });
});
