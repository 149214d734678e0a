import { FileDirection } from '../file-names/file-kind.constants';
import { FileParty } from '../file-names/file-name.parser';
import { SEND_UNIT_RULES, SendUnitType } from '../send-units/send-unit.rules';

/**
 * The national V4 vendor test patterns (国保中央会 ベンダ試験, domain.md §3.5): D1–D3 for 居宅介護支援,
 * D4–D7 for 介護予防支援. The wire value is the pattern's own name.
 */
export enum ConformancePattern {
  /** 居宅介護支援: ケアプラン (第1〜3表 + 利用者補足, and 第1表_削除) */
  D1 = 'D1',
  /** 居宅介護支援: 予定 (第6表 + 第7表 + 利用者補足, and 第6表 予定削除) */
  D2 = 'D2',
  /** 居宅介護支援: 実績 (第6表 実績, and 実績削除) */
  D3 = 'D3',
  /** 介護予防支援: 利用者基本情報 (+別表1/2, 画像, and 利用者基本情報_削除) */
  D4 = 'D4',
  /** 介護予防支援: 予防計画 (介護予防サービス・支援計画書 +別表, with or without 基本情報, and its delete) */
  D5 = 'D5',
  /** 介護予防支援: 予定 (サービス利用票 予定 + 別表 + 利用者補足, and 予定削除) */
  D6 = 'D6',
  /** 介護予防支援: 実績 (実績, and 実績削除) */
  D7 = 'D7',
}

export const CONFORMANCE_PATTERNS: readonly ConformancePattern[] = Object.values(ConformancePattern);

export const CONFORMANCE_PATTERN_LABELS: Readonly<Record<ConformancePattern, string>> = {
  [ConformancePattern.D1]: '居宅介護支援 ケアプラン',
  [ConformancePattern.D2]: '居宅介護支援 予定',
  [ConformancePattern.D3]: '居宅介護支援 実績',
  [ConformancePattern.D4]: '介護予防支援 利用者基本情報',
  [ConformancePattern.D5]: '介護予防支援 予防計画',
  [ConformancePattern.D6]: '介護予防支援 予定',
  [ConformancePattern.D7]: '介護予防支援 実績',
};

/**
 * サービス種類コード of the planner side that makes a 予定/実績 unit a 介護予防 one (D6/D7 instead of D2/D3).
 * 46 介護予防支援 is what 地域包括支援センター send under (domain.md §2.4); AF is the
 * 総合事業 介護予防ケアマネジメント code (general knowledge, not in the sources read). In the 委託あり case a
 * 居宅介護支援事業所 (43) relays 予防 data and such units count as D2/D3: the names cannot tell them apart.
 */
export const YOBO_PLANNER_SERVICE_TYPES: readonly string[] = ['46', 'AF'];

// domain.md §3.5 (patterns) against §1.4/§9.2 (send units): a type that exists on both sides (予定, 実績 and
// their deletes) is split by the planner's service type; the rest belong to one side only
const BY_TYPE: Readonly<
  Record<SendUnitType, readonly [kyotaku: ConformancePattern, yobo: ConformancePattern]>
> = {
  [SendUnitType.KyotakuPlan]: [ConformancePattern.D1, ConformancePattern.D1],
  [SendUnitType.KyotakuPlanDelete]: [ConformancePattern.D1, ConformancePattern.D1],
  [SendUnitType.ServiceUsagePlan]: [ConformancePattern.D2, ConformancePattern.D6],
  [SendUnitType.ServiceUsagePlanDelete]: [ConformancePattern.D2, ConformancePattern.D6],
  [SendUnitType.Actual]: [ConformancePattern.D3, ConformancePattern.D7],
  [SendUnitType.ActualDelete]: [ConformancePattern.D3, ConformancePattern.D7],
  [SendUnitType.Kihon]: [ConformancePattern.D4, ConformancePattern.D4],
  [SendUnitType.KihonDelete]: [ConformancePattern.D4, ConformancePattern.D4],
  // the plan is the unit's subject; the 基本情報 travelling with it does not make it D4
  [SendUnitType.YoboPlanWithKihon]: [ConformancePattern.D5, ConformancePattern.D5],
  [SendUnitType.YoboPlan]: [ConformancePattern.D5, ConformancePattern.D5],
  [SendUnitType.YoboPlanDelete]: [ConformancePattern.D5, ConformancePattern.D5],
};

/**
 * The vendor test pattern a send unit exercises. The planner is the sender of planner units and the recipient of
 * 実績 units; only its サービス種類コード decides between 居宅 and 予防 for the shared types.
 */
export const conformancePatternOf = (
  type: SendUnitType,
  sender: FileParty,
  recipient: FileParty,
): ConformancePattern => {
  const rule = SEND_UNIT_RULES.find((r) => r.type === type);
  const planner = rule?.direction === FileDirection.FromProvider ? recipient : sender;
  const yobo = planner.serviceType !== null && YOBO_PLANNER_SERVICE_TYPES.includes(planner.serviceType);
  return BY_TYPE[type][yobo ? 1 : 0];
};
