import { CareplanErrorCode } from '../careplan.errors';
import { FileDirection, FileKind } from '../file-names/file-kind.constants';
import { formatFileName } from '../file-names/file-name.parser';
import { buildSendUnit, describeSendUnit, groupSendUnits, sortForImport } from './send-unit.builder';
import { SendUnitType } from './send-unit.rules';

const PLANNER = { officeNumber: '0300000100', serviceType: '43' };
const PROVIDER = { officeNumber: '0300000005', serviceType: '11' };
const TS = '20250325120000';

const nameOf = (
  kind: FileKind,
  overrides: {
    month?: string;
    sequence?: string;
    from?: typeof PLANNER;
    to?: typeof PLANNER;
    branch?: string;
  } = {},
): string =>
  formatFileName({
    kind,
    targetMonth: overrides.month ?? '202504',
    sender: overrides.from ?? PLANNER,
    receiver: overrides.to ?? PROVIDER,
    sequence: overrides.sequence ?? TS,
    imageBranch: overrides.branch ?? '0001',
  });

const files = (...names: string[]) => names.map((fileName) => ({ fileName }));

const codesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    return (error as { problems: { code: string }[] }).problems.map((p) => p.code);
  }
  throw new Error('expected a CareplanError');
};

describe(buildSendUnit.name, () => {
  it('builds the 予定 unit with the manifest fields', () => {
    const unit = buildSendUnit(
      files(nameOf(FileKind.UpPlan), nameOf(FileKind.UpSikyu), nameOf(FileKind.UpHosoku)),
    );
    expect(unit).toMatchObject({
      type: SendUnitType.ServiceUsagePlan,
      kind: 'plan',
      direction: FileDirection.FromPlanner,
      sender: PLANNER,
      recipient: PROVIDER,
      targetMonth: '202504',
      fileSequence: TS,
    });
    expect(unit.files.map((f) => f.kind)).toEqual([FileKind.UpHosoku, FileKind.UpPlan, FileKind.UpSikyu]);
  });

  it.each([
    [[FileKind.Up1Kyo, FileKind.Up2Kyo, FileKind.Up3Kyo], SendUnitType.KyotakuPlan, 'careplan'],
    [[FileKind.Dlt1Kyo], SendUnitType.KyotakuPlanDelete, 'delete'],
    [[FileKind.DltPlan], SendUnitType.ServiceUsagePlanDelete, 'delete'],
    [[FileKind.UpKihon, FileKind.UpKihonSub1, FileKind.UpKihonSub2], SendUnitType.Kihon, 'careplan'],
    [[FileKind.UpYobo, FileKind.UpYoboSub, FileKind.UpKihon], SendUnitType.YoboPlanWithKihon, 'careplan'],
    [[FileKind.UpYobo], SendUnitType.YoboPlan, 'careplan'],
    [[FileKind.DltKihon], SendUnitType.KihonDelete, 'delete'],
    [[FileKind.DltYobo], SendUnitType.YoboPlanDelete, 'delete'],
  ])('recognises %j from the planner', (kinds, type, kind) => {
    expect(buildSendUnit(files(...kinds.map((k) => nameOf(k))))).toMatchObject({ type, kind });
  });

  it('recognises 実績 and its delete from the provider, with the sender first', () => {
    const from = { from: PROVIDER, to: PLANNER };
    expect(buildSendUnit(files(nameOf(FileKind.UpJsk, from)))).toMatchObject({
      type: SendUnitType.Actual,
      kind: 'actual',
      sender: PROVIDER,
    });
    expect(buildSendUnit(files(nameOf(FileKind.DltJsk, from))).type).toBe(SendUnitType.ActualDelete);
  });

  it('uses the ファイル連番 month for units whose names carry no 対象年月', () => {
    const unit = buildSendUnit(
      files(nameOf(FileKind.Up1Kyo), nameOf(FileKind.UpHosoku, { month: '000000' })),
    );
    expect(unit.targetMonth).toBe('202503');
  });

  it('keeps several family images with their UPKIHON', () => {
    const unit = buildSendUnit(
      files(
        nameOf(FileKind.UpKihon),
        nameOf(FileKind.UpKihonImage, { branch: '0001' }),
        nameOf(FileKind.UpKihonImage, { branch: '0002' }),
      ),
    );
    expect(unit.files).toHaveLength(3);
  });

  it.each([
    ['no files', [], CareplanErrorCode.SendUnitEmpty],
    [
      'two ファイル連番',
      [nameOf(FileKind.UpPlan), nameOf(FileKind.UpSikyu, { sequence: '20250325120001' })],
      CareplanErrorCode.SendUnitSequenceMismatch,
    ],
    [
      'two recipients',
      [
        nameOf(FileKind.UpPlan),
        nameOf(FileKind.UpSikyu, { to: { officeNumber: '0300000006', serviceType: '15' } }),
      ],
      CareplanErrorCode.SendUnitPartyMismatch,
    ],
    [
      'a V3 name',
      ['UPPLAN_202504_0300000100_0300000005_20250325120000.CSV'],
      CareplanErrorCode.SendUnitServiceTypeMissing,
    ],
    ['a self-send', [nameOf(FileKind.UpPlan, { to: PLANNER })], CareplanErrorCode.SendUnitSelfSend],
    [
      'two 第6表',
      [nameOf(FileKind.UpPlan), nameOf(FileKind.UpPlan, { month: '202505' })],
      CareplanErrorCode.SendUnitDuplicateFile,
    ],
    [
      'a SUB1 without UPKIHON',
      [nameOf(FileKind.UpKihonSub1)],
      CareplanErrorCode.SendUnitSatelliteWithoutParent,
    ],
    ['UPYOBO_SUB alone', [nameOf(FileKind.UpYoboSub)], CareplanErrorCode.SendUnitSatelliteWithoutParent],
    [
      'a delete with its file',
      [nameOf(FileKind.UpPlan), nameOf(FileKind.DltPlan)],
      CareplanErrorCode.SendUnitIllegalCombination,
    ],
    [
      '予定 with 実績',
      [nameOf(FileKind.UpPlan), nameOf(FileKind.UpJsk)],
      CareplanErrorCode.SendUnitIllegalCombination,
    ],
    ['第2表 without 第1表', [nameOf(FileKind.Up2Kyo)], CareplanErrorCode.SendUnitIllegalCombination],
    [
      '第7表 of another month',
      [nameOf(FileKind.UpPlan), nameOf(FileKind.UpSikyu, { month: '202505' })],
      CareplanErrorCode.SendUnitMonthMismatch,
    ],
    [
      '補足 000000 beside 第6表',
      [nameOf(FileKind.UpPlan), nameOf(FileKind.UpHosoku, { month: '000000' })],
      CareplanErrorCode.SendUnitHosokuMonth,
    ],
    [
      '補足 with a month beside 第1表',
      [nameOf(FileKind.Up1Kyo), nameOf(FileKind.UpHosoku, { month: '202504' })],
      CareplanErrorCode.SendUnitHosokuMonth,
    ],
  ])('rejects %s', (_label, names, code) => {
    expect(codesOf(() => buildSendUnit(files(...names)))).toContain(code);
  });

  it('rejects 予定 offered where only 実績 may be sent', () => {
    const unit = files(nameOf(FileKind.UpPlan));
    expect(codesOf(() => buildSendUnit(unit, { expectedDirection: FileDirection.FromProvider }))).toEqual([
      CareplanErrorCode.SendUnitWrongDirection,
    ]);
  });

  it('rejects a child row whose key has no parent row in the unit', () => {
    const plan = ['202407', '131011', '0000012345'];
    const sikyu = ['202407', '131011', '0000099999'];
    const unit = [
      { fileName: nameOf(FileKind.UpPlan), rows: [plan] },
      { fileName: nameOf(FileKind.UpSikyu), rows: [plan, sikyu] },
    ];
    expect(codesOf(() => buildSendUnit(unit))).toEqual([CareplanErrorCode.SendUnitOrphanRow]);
  });

  it('lists every problem of a unit, not only the first', () => {
    const names = [
      nameOf(FileKind.UpPlan, { to: PLANNER }),
      nameOf(FileKind.UpSikyu, { sequence: '20250325120001' }),
    ];
    expect(codesOf(() => buildSendUnit(files(...names)))).toEqual([
      CareplanErrorCode.SendUnitSequenceMismatch,
      CareplanErrorCode.SendUnitPartyMismatch,
      CareplanErrorCode.SendUnitSelfSend,
    ]);
  });
});

describe(groupSendUnits.name, () => {
  it('groups by ファイル連番 and parties, rejects bad groups whole and returns units in import order', () => {
    const later = '20250326090000';
    const result = groupSendUnits(
      files(
        nameOf(FileKind.DltPlan, { sequence: later }),
        nameOf(FileKind.UpPlan),
        nameOf(FileKind.UpSikyu),
        nameOf(FileKind.UpPlan, { to: { officeNumber: '0300000006', serviceType: '15' } }),
        nameOf(FileKind.Up2Kyo, { sequence: '20250101000000' }),
        'README.txt',
      ),
    );
    expect(result.units.map((u) => [u.fileSequence, u.type, u.files.length])).toEqual([
      [TS, SendUnitType.ServiceUsagePlan, 2],
      [TS, SendUnitType.ServiceUsagePlan, 1],
      [later, SendUnitType.ServiceUsagePlanDelete, 1],
    ]);
    expect(result.rejected.map((r) => r.error.code)).toEqual([
      CareplanErrorCode.FileNameUnknownKind,
      CareplanErrorCode.SendUnitIllegalCombination,
    ]);
  });
});

describe(sortForImport.name, () => {
  it('orders by ascending ファイル連番 whatever the kinds', () => {
    const unitAt = (sequence: string, kind: FileKind) => buildSendUnit(files(nameOf(kind, { sequence })));
    const units = [
      unitAt('20250402000000', FileKind.Dlt1Kyo),
      unitAt('20250101000000', FileKind.UpPlan),
      unitAt('20250301000000', FileKind.DltPlan),
    ];
    expect(sortForImport(units).map((u) => u.fileSequence)).toEqual([
      '20250101000000',
      '20250301000000',
      '20250402000000',
    ]);
  });
});

describe(describeSendUnit.name, () => {
  it('names the members in Japanese for operators', () => {
    const unit = buildSendUnit(files(nameOf(FileKind.UpPlan), nameOf(FileKind.UpSikyu)));
    expect(describeSendUnit(unit)).toBe('第6表 サービス利用票 予定 + 第7表 サービス利用票別表');
  });
});
