import { FILE_KINDS, FileDirection, FileKind } from '../file-names/file-kind.constants';

/**
 * The kind of a send unit as libs/envelope's manifest names it (`EnvelopeKind` in libs/envelope/src/manifest.ts).
 * The same wire strings are repeated here because a `type:util` lib must not depend on envelope; keep them equal.
 * Only the kinds a rule below produces: no send unit is an `attachment`.
 */
export type SendUnitKind = 'plan' | 'actual' | 'careplan' | 'delete';

/** every legal combination of files in one send unit (domain.md §1.4, §9.2) */
export enum SendUnitType {
  /** 居宅: 第1表 + 第2表 + 第3表 + 利用者補足(000000) */
  KyotakuPlan = 'KYOTAKU_PLAN',
  /** 居宅/予防: 第6表 予定 + 第7表 + 利用者補足(対象年月) */
  ServiceUsagePlan = 'SERVICE_USAGE_PLAN',
  KyotakuPlanDelete = 'KYOTAKU_PLAN_DELETE',
  ServiceUsagePlanDelete = 'SERVICE_USAGE_PLAN_DELETE',
  /** 事業所 → 居宅/包括: 第6表 実績 */
  Actual = 'ACTUAL',
  ActualDelete = 'ACTUAL_DELETE',
  /** 予防: 支援計画書 (+別表) + 利用者基本情報 (+別表1/2, 画像) */
  YoboPlanWithKihon = 'YOBO_PLAN_WITH_KIHON',
  /** 予防: 利用者基本情報 (+別表1/2, 画像) */
  Kihon = 'KIHON',
  /** 予防: 支援計画書 (+別表) */
  YoboPlan = 'YOBO_PLAN',
  KihonDelete = 'KIHON_DELETE',
  YoboPlanDelete = 'YOBO_PLAN_DELETE',
}

/** how UPHOSOKU's 対象年月 must read inside a unit: 000000 beside 第1表, the unit's month beside 第6表 */
export enum HosokuMonthRule {
  Zero = 'ZERO',
  UnitMonth = 'UNIT_MONTH',
}

export interface SendUnitRule {
  readonly type: SendUnitType;
  readonly kind: SendUnitKind;
  /** the direction of the required (parent) kinds, from FILE_KINDS */
  readonly direction: FileDirection;
  /** kinds that must all be present */
  readonly required: readonly FileKind[];
  /** kinds that may be present as well */
  readonly optional: readonly FileKind[];
  readonly hosokuMonth?: HosokuMonthRule;
}

const KIHON_SATELLITES = [FileKind.UpKihonSub1, FileKind.UpKihonSub2, FileKind.UpKihonImage];

const rule = (
  type: SendUnitType,
  kind: SendUnitKind,
  required: readonly FileKind[],
  optional: readonly FileKind[] = [],
  extra: Partial<Pick<SendUnitRule, 'hosokuMonth'>> = {},
): SendUnitRule => ({
  type,
  kind,
  direction: FILE_KINDS[required[0]].direction,
  required,
  optional,
  ...extra,
});

/**
 * Most specific first: the first rule whose required kinds are present and that allows every present kind wins.
 * Only the parent (第1表, 第6表 予定, 基本情報, 支援計画書) is required: V3 units have no 第3表 and a plan may have no
 * 第2表 rows yet, so the children are optional; a child without its parent is never legal.
 */
export const SEND_UNIT_RULES: readonly SendUnitRule[] = [
  rule(
    SendUnitType.KyotakuPlan,
    'careplan',
    [FileKind.Up1Kyo],
    [FileKind.Up2Kyo, FileKind.Up3Kyo, FileKind.UpHosoku],
    { hosokuMonth: HosokuMonthRule.Zero },
  ),
  rule(SendUnitType.ServiceUsagePlan, 'plan', [FileKind.UpPlan], [FileKind.UpSikyu, FileKind.UpHosoku], {
    hosokuMonth: HosokuMonthRule.UnitMonth,
  }),
  rule(SendUnitType.KyotakuPlanDelete, 'delete', [FileKind.Dlt1Kyo]),
  rule(SendUnitType.ServiceUsagePlanDelete, 'delete', [FileKind.DltPlan]),
  rule(SendUnitType.Actual, 'actual', [FileKind.UpJsk]),
  rule(SendUnitType.ActualDelete, 'delete', [FileKind.DltJsk]),
  rule(
    SendUnitType.YoboPlanWithKihon,
    'careplan',
    [FileKind.UpYobo, FileKind.UpKihon],
    [FileKind.UpYoboSub, ...KIHON_SATELLITES],
  ),
  rule(SendUnitType.Kihon, 'careplan', [FileKind.UpKihon], KIHON_SATELLITES),
  rule(SendUnitType.YoboPlan, 'careplan', [FileKind.UpYobo], [FileKind.UpYoboSub]),
  rule(SendUnitType.KihonDelete, 'delete', [FileKind.DltKihon]),
  rule(SendUnitType.YoboPlanDelete, 'delete', [FileKind.DltYobo]),
];

/** satellites reuse their parent's name fields and never travel without it */
export const SATELLITE_PARENT: Readonly<Partial<Record<FileKind, FileKind>>> = {
  [FileKind.UpKihonSub1]: FileKind.UpKihon,
  [FileKind.UpKihonSub2]: FileKind.UpKihon,
  [FileKind.UpKihonImage]: FileKind.UpKihon,
  [FileKind.UpYoboSub]: FileKind.UpYobo,
};

/** a child file's rows must point at a parent row of the same unit: key columns (No) of child and parent */
export interface RowLink {
  readonly child: FileKind;
  readonly childKey: readonly number[];
  readonly parent: FileKind;
  readonly parentKey: readonly number[];
}

// domain.md §1.6: 1表 family keyed by 保険者+被保険者+作成(変更)日, 6表 family by 保険者+被保険者(+対象年月)
export const ROW_LINKS: readonly RowLink[] = [
  { child: FileKind.Up2Kyo, childKey: [2, 3, 5], parent: FileKind.Up1Kyo, parentKey: [2, 3, 14] },
  { child: FileKind.Up3Kyo, childKey: [2, 3, 5], parent: FileKind.Up1Kyo, parentKey: [2, 3, 14] },
  { child: FileKind.UpHosoku, childKey: [2, 3, 4], parent: FileKind.Up1Kyo, parentKey: [2, 3, 14] },
  { child: FileKind.UpHosoku, childKey: [2, 3], parent: FileKind.UpPlan, parentKey: [2, 3] },
  { child: FileKind.UpSikyu, childKey: [2, 3], parent: FileKind.UpPlan, parentKey: [2, 3] },
  { child: FileKind.UpKihonSub1, childKey: [2, 3, 4], parent: FileKind.UpKihon, parentKey: [2, 3, 4] },
  { child: FileKind.UpKihonSub2, childKey: [2, 3, 4], parent: FileKind.UpKihon, parentKey: [2, 3, 4] },
  { child: FileKind.UpYoboSub, childKey: [2, 3, 4], parent: FileKind.UpYobo, parentKey: [2, 3, 4] },
];
