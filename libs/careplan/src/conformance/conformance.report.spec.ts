import { CareplanErrorCode } from '../careplan.errors';
import { FileKind } from '../file-names/file-kind.constants';
import { generateCorpus } from '../fixtures/fixture-unit.generator';
import { SendUnitType } from '../send-units/send-unit.rules';
import {
  CONFORMANCE_PATTERNS,
  ConformancePattern,
  conformancePatternOf,
} from './conformance-pattern.constants';
import { buildConformanceReport, ConformanceStatus } from './conformance.report';
import { folderOf, HOUKATSU, KYOTAKU, PATTERN_UNITS, PROVIDER, unitOf } from './conformance.test-util';
import { checkFiles } from './folder.checker';

const allPatterns = () => folderOf(...PATTERN_UNITS.map(([, spec]) => unitOf(spec)));

describe(conformancePatternOf.name, () => {
  it.each([
    [SendUnitType.KyotakuPlan, KYOTAKU, PROVIDER, ConformancePattern.D1],
    [SendUnitType.KyotakuPlanDelete, KYOTAKU, PROVIDER, ConformancePattern.D1],
    [SendUnitType.ServiceUsagePlan, KYOTAKU, PROVIDER, ConformancePattern.D2],
    [SendUnitType.ServiceUsagePlanDelete, KYOTAKU, PROVIDER, ConformancePattern.D2],
    [SendUnitType.Actual, PROVIDER, KYOTAKU, ConformancePattern.D3],
    [SendUnitType.ActualDelete, PROVIDER, KYOTAKU, ConformancePattern.D3],
    [SendUnitType.Kihon, HOUKATSU, PROVIDER, ConformancePattern.D4],
    [SendUnitType.KihonDelete, HOUKATSU, PROVIDER, ConformancePattern.D4],
    [SendUnitType.YoboPlanWithKihon, HOUKATSU, PROVIDER, ConformancePattern.D5],
    [SendUnitType.YoboPlan, HOUKATSU, PROVIDER, ConformancePattern.D5],
    [SendUnitType.YoboPlanDelete, HOUKATSU, PROVIDER, ConformancePattern.D5],
    [SendUnitType.ServiceUsagePlan, HOUKATSU, PROVIDER, ConformancePattern.D6],
    [
      SendUnitType.ServiceUsagePlanDelete,
      { officeNumber: HOUKATSU.officeNumber, serviceType: 'AF' },
      PROVIDER,
      ConformancePattern.D6,
    ],
    [SendUnitType.Actual, PROVIDER, HOUKATSU, ConformancePattern.D7],
    [SendUnitType.ActualDelete, PROVIDER, HOUKATSU, ConformancePattern.D7],
  ])('maps %s from %j to %j as %s', (type, sender, recipient, pattern) => {
    expect(conformancePatternOf(type, sender, recipient)).toBe(pattern);
  });

  it('reads a V3 name without サービス種類コード as 居宅', () => {
    const v3 = { officeNumber: KYOTAKU.officeNumber, serviceType: null };

    expect(conformancePatternOf(SendUnitType.ServiceUsagePlan, v3, PROVIDER)).toBe(ConformancePattern.D2);
  });
});

describe(buildConformanceReport.name, () => {
  it('passes all seven patterns when each has a clean unit', () => {
    const sut = buildConformanceReport(checkFiles(allPatterns()));

    expect(sut.patterns.map((p) => [p.pattern, p.status, p.passed, p.failed])).toEqual(
      CONFORMANCE_PATTERNS.map((p) => [p, ConformanceStatus.Pass, 1, 0]),
    );
    expect(sut).toMatchObject({ ok: true, complete: true, notExercised: [], units: 7, passed: 7, failed: 0 });
    expect(sut.patterns[1].label).toBe('居宅介護支援 予定');
  });

  it.each(PATTERN_UNITS.map(([pattern, spec]) => [pattern, spec] as const))(
    'exercises %s alone and lists the other six as not exercised',
    (pattern, spec) => {
      const unit = unitOf(spec);

      const sut = buildConformanceReport(checkFiles(folderOf(unit)));

      const result = sut.patterns.find((p) => p.pattern === pattern);
      expect(result).toMatchObject({ status: ConformanceStatus.Pass, passed: 1 });
      expect(result?.units[0].files.map((f) => f.fileName)).toEqual(unit.files.map((f) => f.fileName).sort());
      expect(sut.notExercised).toEqual(CONFORMANCE_PATTERNS.filter((p) => p !== pattern));
      expect(sut).toMatchObject({ ok: true, complete: false });
    },
  );

  it('classifies every unit of a generated corpus', () => {
    const sut = buildConformanceReport(
      checkFiles(folderOf(...generateCorpus({ seed: 4, targetBytes: 80_000 }))),
    );

    expect(sut.unclassified).toEqual([]);
    expect(sut.ok).toBe(true);
    expect(sut.patterns.reduce((sum, p) => sum + p.units.length, 0)).toBe(sut.units);
  });

  it('fails the pattern of a failing unit and keeps the others passing', () => {
    const folder = allPatterns();
    const jsk = folder.findIndex((f) => f.fileName.startsWith(`${FileKind.UpJsk}_`));
    folder[jsk] = { fileName: folder[jsk].fileName, bytes: Buffer.from('202407,131011\r\n') };

    const sut = buildConformanceReport(checkFiles(folder));

    const statuses = Object.fromEntries(sut.patterns.map((p) => [p.pattern, p.status]));
    expect(statuses[ConformancePattern.D3]).toBe(ConformanceStatus.Fail);
    expect(statuses[ConformancePattern.D2]).toBe(ConformanceStatus.Pass);
    const failing = sut.patterns.find((p) => p.pattern === ConformancePattern.D3)?.units[0];
    expect(failing?.passed).toBe(false);
    expect(failing?.files[0].issues[0].code).toBe(CareplanErrorCode.ColumnCount);
    expect(sut).toMatchObject({ ok: false, complete: false, failed: 1, passed: 6 });
  });

  it('lists illegal groups as unclassified and unparseable names as ungrouped', () => {
    const plan = unitOf({ type: SendUnitType.ServiceUsagePlan });
    const folder = [
      ...folderOf(plan).filter((f) => !f.fileName.startsWith('UPPLAN_')),
      { fileName: 'UPPLAN_bad.CSV', bytes: new Uint8Array() },
    ];

    const sut = buildConformanceReport(checkFiles(folder));

    expect(sut.unclassified).toHaveLength(1);
    expect(sut.unclassified[0].problems[0].code).toBe(CareplanErrorCode.SendUnitIllegalCombination);
    expect(sut.ungroupedFiles.map((f) => f.fileName)).toEqual(['UPPLAN_bad.CSV']);
    expect(sut.notExercised).toEqual(CONFORMANCE_PATTERNS);
    expect(sut.ok).toBe(false);
  });

  it('returns plain JSON-serialisable data', () => {
    const sut = buildConformanceReport(checkFiles(allPatterns()));

    expect(JSON.parse(JSON.stringify(sut))).toEqual(sut);
  });
});
