import { CareplanError, CareplanErrorCode } from '../careplan.errors';
import { FileDirection, FileKind, FileNameVersion } from './file-kind.constants';
import { FileNameParts, formatFileName, parseFileName, tryParseFileName } from './file-name.parser';

// synthetic parties: a 居宅介護支援 (43) and a 訪問介護 (11) office with dummy numbers as in the spec examples
const CARE_MANAGER = { officeNumber: '0300000100', serviceType: '43' };
const PROVIDER = { officeNumber: '0300000005', serviceType: '11' };
const SEQUENCE = '20191025200201';

const partsFactory = (overrides: Partial<FileNameParts> = {}): FileNameParts => ({
  kind: FileKind.UpPlan,
  targetMonth: '201912',
  sender: CARE_MANAGER,
  receiver: PROVIDER,
  sequence: SEQUENCE,
  ...overrides,
});

const codeOf = (fileName: string): CareplanErrorCode | undefined => {
  const result = tryParseFileName(fileName);
  return result.ok ? undefined : result.error.code;
};

describe('parseFileName', () => {
  it('reads the spec example of a 第6表 予定 file', () => {
    expect(parseFileName('UPPLAN_201912_0300000100_43_0300000005_11_20191025200201.CSV')).toEqual({
      fileName: 'UPPLAN_201912_0300000100_43_0300000005_11_20191025200201.CSV',
      kind: FileKind.UpPlan,
      direction: FileDirection.FromPlanner,
      version: FileNameVersion.V4,
      targetMonth: '201912',
      sender: CARE_MANAGER,
      receiver: PROVIDER,
      sequence: SEQUENCE,
      imageBranch: null,
    });
  });

  const monthly = [FileKind.UpHosoku, FileKind.UpPlan, FileKind.UpJsk, FileKind.DltPlan, FileKind.DltJsk];
  const csvKinds = Object.values(FileKind).filter((k) => k !== FileKind.UpKihonImage);

  it.each(csvKinds)('round-trips a V4 %s name through format and parse', (kind) => {
    const hasMonth = monthly.includes(kind) || kind === FileKind.UpSikyu;
    const name = formatFileName(partsFactory({ kind, targetMonth: hasMonth ? '202504' : null }));
    const parsed = parseFileName(name);
    expect(parsed).toMatchObject({ kind, version: FileNameVersion.V4, sequence: SEQUENCE });
    expect(parsed.targetMonth).toBe(hasMonth ? '202504' : null);
    expect(name.endsWith('.CSV')).toBe(true);
  });

  it('formats and parses a family-structure image with its branch', () => {
    const name = formatFileName(partsFactory({ kind: FileKind.UpKihonImage, imageBranch: '0001' }));
    expect(name).toBe('UPKIHON_IMAGE_0300000100_43_0300000005_11_20191025200201_0001.jpg');
    expect(parseFileName(name.replace('.jpg', '.JPG'))).toMatchObject({
      kind: FileKind.UpKihonImage,
      imageBranch: '0001',
    });
  });

  it.each([
    ['UPKIHON_SUB1_0300000100_46_0300000100_43_20250101000000.CSV', FileKind.UpKihonSub1],
    ['UPKIHON_SUB2_0300000100_46_0300000100_43_20250101000000.CSV', FileKind.UpKihonSub2],
    ['UPKIHON_0300000100_46_0300000100_43_20250101000000.CSV', FileKind.UpKihon],
    ['UPYOBO_SUB_0300000100_46_0300000100_43_20250101000000.CSV', FileKind.UpYoboSub],
    ['UPYOBO_0300000100_46_0300000100_43_20250101000000.CSV', FileKind.UpYobo],
  ])('matches the longest prefix in %s', (name, kind) => {
    expect(parseFileName(name).kind).toBe(kind);
  });

  it('accepts a lower-case extension', () => {
    expect(parseFileName('UP1KYO_0300000100_43_0300000005_11_20191025200201.csv').kind).toBe(FileKind.Up1Kyo);
  });

  it.each([
    ['UPPLAN_201912_0300000100_0300000005_20191025200201.CSV', FileKind.UpPlan, '201912'],
    ['UP1KYO_0300000100_0300000005_20191025200201.CSV', FileKind.Up1Kyo, null],
    ['UPHOSOKU_000000_0300000100_0300000005_20191025200201.CSV', FileKind.UpHosoku, '000000'],
  ])('reads the V3 name %s without service types', (name, kind, month) => {
    expect(parseFileName(name)).toMatchObject({
      kind,
      version: FileNameVersion.V3,
      targetMonth: month,
      sender: { officeNumber: '0300000100', serviceType: null },
      receiver: { officeNumber: '0300000005', serviceType: null },
    });
  });

  it('reports 実績 as flowing from the provider', () => {
    const name = 'UPJSK_201912_0300000005_11_0300000100_43_20191025200201.CSV';
    expect(parseFileName(name).direction).toBe(FileDirection.FromProvider);
  });

  it.each([
    ['', CareplanErrorCode.FileNameUnknownKind],
    ['README.txt', CareplanErrorCode.FileNameUnknownKind],
    ['upplan_201912_0300000100_43_0300000005_11_20191025200201.CSV', CareplanErrorCode.FileNameUnknownKind],
    ['UPPLANX_201912_0300000100_43_0300000005_11_20191025200201.CSV', CareplanErrorCode.FileNameUnknownKind],
    ['UPPLAN_201912_0300000100_43_0300000005_11_20191025200201.TXT', CareplanErrorCode.FileNameBadExtension],
    ['UPPLAN_201912_0300000100_43_0300000005_11_20191025200201', CareplanErrorCode.FileNameBadExtension],
    [
      'UPKIHON_IMAGE_0300000100_43_0300000005_11_20191025200201_0001.CSV',
      CareplanErrorCode.FileNameBadExtension,
    ],
    ['UPPLAN_201912_0300000100_43_0300000005_20191025200201.CSV', CareplanErrorCode.FileNameFieldCount],
    ['UPPLAN_0300000100_43_0300000005_11_20191025200201.CSV', CareplanErrorCode.FileNameFieldCount],
    ['UP3KYO_0300000100_0300000005_20191025200201.CSV', CareplanErrorCode.FileNameKindNotInV3],
    ['UPYOBO_0300000100_0300000005_20191025200201.CSV', CareplanErrorCode.FileNameKindNotInV3],
    [
      'UPPLAN_201913_0300000100_43_0300000005_11_20191025200201.CSV',
      CareplanErrorCode.FileNameBadTargetMonth,
    ],
    [
      'UPPLAN_2019-1_0300000100_43_0300000005_11_20191025200201.CSV',
      CareplanErrorCode.FileNameBadTargetMonth,
    ],
    [
      'UPPLAN_000000_0300000100_43_0300000005_11_20191025200201.CSV',
      CareplanErrorCode.FileNameZeroMonthNotAllowed,
    ],
    [
      'UPPLAN_201912_030000010_43_0300000005_11_20191025200201.CSV',
      CareplanErrorCode.FileNameBadOfficeNumber,
    ],
    [
      'UPPLAN_201912_030000010a_43_0300000005_11_20191025200201.CSV',
      CareplanErrorCode.FileNameBadOfficeNumber,
    ],
    ['UPPLAN_201912_0300000100_43_0300000005_1_20191025200201.CSV', CareplanErrorCode.FileNameBadServiceType],
    [
      'UPPLAN_201912_0300000100_43_0300000005_1a_20191025200201.CSV',
      CareplanErrorCode.FileNameBadServiceType,
    ],
    // the spec's own 15-digit 連番 typo (§1.10) is refused: the sequence orders send units
    ['UPPLAN_201912_0300000100_43_0300000005_11_201911110102233.CSV', CareplanErrorCode.FileNameBadSequence],
    ['UPPLAN_201912_0300000100_43_0300000005_11_20190230200201.CSV', CareplanErrorCode.FileNameBadSequence],
    ['UPPLAN_201912_0300000100_43_0300000005_11_20191025246001.CSV', CareplanErrorCode.FileNameBadSequence],
    [
      'UPKIHON_IMAGE_0300000100_43_0300000005_11_20191025200201_01.jpg',
      CareplanErrorCode.FileNameBadImageBranch,
    ],
  ])('refuses %p with %s', (name, code) => {
    expect(codeOf(name)).toBe(code);
  });

  it('throws a CareplanError that names the file', () => {
    expect(() => parseFileName('X.CSV')).toThrow(CareplanError);
    expect(() => parseFileName('X.CSV')).toThrow(/"X.CSV"/);
  });
});

describe('formatFileName', () => {
  it('writes the spec example byte for byte', () => {
    expect(formatFileName(partsFactory())).toBe(
      'UPPLAN_201912_0300000100_43_0300000005_11_20191025200201.CSV',
    );
  });

  it('writes 000000 for a UPHOSOKU tied to 第1/2/3表', () => {
    expect(formatFileName(partsFactory({ kind: FileKind.UpHosoku, targetMonth: '000000' }))).toBe(
      'UPHOSOKU_000000_0300000100_43_0300000005_11_20191025200201.CSV',
    );
  });

  it.each([
    [{ targetMonth: null }, CareplanErrorCode.FileNameBadTargetMonth],
    [{ targetMonth: '000000' }, CareplanErrorCode.FileNameZeroMonthNotAllowed],
    [{ sender: { officeNumber: '0300000100', serviceType: '' } }, CareplanErrorCode.FileNameBadServiceType],
    [{ sender: { officeNumber: '03_0000010', serviceType: '43' } }, CareplanErrorCode.FileNameFieldCount],
    [{ sequence: '2019102520020' }, CareplanErrorCode.FileNameBadSequence],
    [{ kind: FileKind.UpKihonImage, imageBranch: null }, CareplanErrorCode.FileNameBadImageBranch],
  ])('refuses parts %p with %s', (overrides, code) => {
    expect(() => formatFileName(partsFactory(overrides))).toThrow(expect.objectContaining({ code }));
  });
});
