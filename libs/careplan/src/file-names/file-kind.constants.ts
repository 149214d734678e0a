/** Every file kind of the V4.1 standard; the value is the file-name prefix. */
export enum FileKind {
  UpHosoku = 'UPHOSOKU',
  Up1Kyo = 'UP1KYO',
  Up2Kyo = 'UP2KYO',
  Up3Kyo = 'UP3KYO',
  Dlt1Kyo = 'DLT1KYO',
  UpPlan = 'UPPLAN',
  UpJsk = 'UPJSK',
  DltPlan = 'DLTPLAN',
  DltJsk = 'DLTJSK',
  UpSikyu = 'UPSIKYU',
  UpKihon = 'UPKIHON',
  UpKihonSub1 = 'UPKIHON_SUB1',
  UpKihonSub2 = 'UPKIHON_SUB2',
  UpKihonImage = 'UPKIHON_IMAGE',
  DltKihon = 'DLTKIHON',
  UpYobo = 'UPYOBO',
  UpYoboSub = 'UPYOBO_SUB',
  DltYobo = 'DLTYOBO',
}

/** Which way a kind normally flows: from the plan owner (居宅/包括) or back from the service office (実績). */
export enum FileDirection {
  FromPlanner = 'FROM_PLANNER',
  FromProvider = 'FROM_PROVIDER',
}

export enum FileNameVersion {
  /** V3.x names: no サービス種類コード fields */
  V3 = 'V3',
  V4 = 'V4',
}

export interface FileKindInfo {
  readonly kind: FileKind;
  readonly japaneseName: string;
  readonly direction: FileDirection;
  /** the name carries 対象年月 right after the prefix */
  readonly hasTargetMonth: boolean;
  /** 対象年月 may be `000000` (UPHOSOKU accompanying 第1/2/3表) */
  readonly allowsZeroMonth: boolean;
  /** the kind already existed in V3 (so a V3-shaped name is legal) */
  readonly inV3: boolean;
  readonly extension: 'CSV' | 'jpg';
}

const info = (
  kind: FileKind,
  japaneseName: string,
  options: Partial<Omit<FileKindInfo, 'kind' | 'japaneseName'>> = {},
): FileKindInfo => ({
  kind,
  japaneseName,
  direction: FileDirection.FromPlanner,
  hasTargetMonth: false,
  allowsZeroMonth: false,
  inV3: false,
  extension: 'CSV',
  ...options,
});

const monthly = { hasTargetMonth: true, inV3: true };

export const FILE_KINDS: Readonly<Record<FileKind, FileKindInfo>> = {
  [FileKind.UpHosoku]: info(FileKind.UpHosoku, '利用者補足情報', { ...monthly, allowsZeroMonth: true }),
  [FileKind.Up1Kyo]: info(FileKind.Up1Kyo, '居宅サービス計画1表', { inV3: true }),
  [FileKind.Up2Kyo]: info(FileKind.Up2Kyo, '居宅サービス計画2表', { inV3: true }),
  [FileKind.Up3Kyo]: info(FileKind.Up3Kyo, '居宅サービス計画3表'),
  [FileKind.Dlt1Kyo]: info(FileKind.Dlt1Kyo, '居宅サービス計画1表_削除', { inV3: true }),
  [FileKind.UpPlan]: info(FileKind.UpPlan, '第6表 サービス利用票 予定', monthly),
  [FileKind.UpJsk]: info(FileKind.UpJsk, '第6表 実績情報', {
    ...monthly,
    direction: FileDirection.FromProvider,
  }),
  [FileKind.DltPlan]: info(FileKind.DltPlan, '第6表 予定削除', monthly),
  [FileKind.DltJsk]: info(FileKind.DltJsk, '第6表 実績情報削除', {
    ...monthly,
    direction: FileDirection.FromProvider,
  }),
  [FileKind.UpSikyu]: info(FileKind.UpSikyu, '第7表 サービス利用票別表', monthly),
  [FileKind.UpKihon]: info(FileKind.UpKihon, '利用者基本情報'),
  [FileKind.UpKihonSub1]: info(FileKind.UpKihonSub1, '利用者基本情報 別表1'),
  [FileKind.UpKihonSub2]: info(FileKind.UpKihonSub2, '利用者基本情報 別表2'),
  [FileKind.UpKihonImage]: info(FileKind.UpKihonImage, '利用者基本情報 家族構成画像', { extension: 'jpg' }),
  [FileKind.DltKihon]: info(FileKind.DltKihon, '利用者基本情報_削除'),
  [FileKind.UpYobo]: info(FileKind.UpYobo, '介護予防サービス・支援計画書'),
  [FileKind.UpYoboSub]: info(FileKind.UpYoboSub, '介護予防サービス・支援計画書 別表'),
  [FileKind.DltYobo]: info(FileKind.DltYobo, '介護予防サービス・支援計画書_削除'),
};

/** prefixes longest first, so UPKIHON_SUB1 wins over UPKIHON and UPYOBO_SUB over UPYOBO */
export const FILE_KIND_PREFIXES: readonly FileKind[] = Object.values(FileKind).sort(
  (a, b) => b.length - a.length || a.localeCompare(b),
);
