// test-only helpers shared by the conformance specs
import { FileDirection } from '../file-names/file-kind.constants';
import { generateUnit, GeneratedUnit } from '../fixtures/fixture-unit.generator';
import { SendUnitParty } from '../send-units/send-unit.builder';
import { SEND_UNIT_RULES, SendUnitType } from '../send-units/send-unit.rules';
import { ConformancePattern } from './conformance-pattern.constants';
import { FolderFile } from './folder.checker';

export const MONTH = '202504';
export const KYOTAKU: SendUnitParty = { officeNumber: '1310000011', serviceType: '43' };
export const HOUKATSU: SendUnitParty = { officeNumber: '1310000037', serviceType: '46' };
export const PROVIDER: SendUnitParty = { officeNumber: '1310000029', serviceType: '11' };

const directionOf = (type: SendUnitType): FileDirection =>
  (SEND_UNIT_RULES.find((r) => r.type === type) as { direction: FileDirection }).direction;

export interface UnitSpec {
  readonly type: SendUnitType;
  readonly planner?: SendUnitParty;
  readonly provider?: SendUnitParty;
  readonly sequence?: string;
  readonly seed?: number;
}

export const unitOf = (spec: UnitSpec): GeneratedUnit =>
  generateUnit({
    seed: spec.seed ?? 7,
    direction: directionOf(spec.type),
    month: MONTH,
    type: spec.type,
    users: 3,
    planner: spec.planner ?? KYOTAKU,
    provider: spec.provider ?? PROVIDER,
    sequence: spec.sequence,
  });

export const folderOf = (...units: readonly GeneratedUnit[]): FolderFile[] =>
  units.flatMap((u) => u.files.map((f) => ({ fileName: f.fileName, bytes: f.bytes })));

/** one unit per vendor test pattern, with distinct ファイル連番 so the import order is D1…D7 */
export const PATTERN_UNITS: readonly (readonly [ConformancePattern, UnitSpec])[] = [
  [ConformancePattern.D1, { type: SendUnitType.KyotakuPlan, sequence: '20250401090001' }],
  [ConformancePattern.D2, { type: SendUnitType.ServiceUsagePlan, sequence: '20250401090002' }],
  [ConformancePattern.D3, { type: SendUnitType.Actual, sequence: '20250401090003' }],
  [ConformancePattern.D4, { type: SendUnitType.Kihon, planner: HOUKATSU, sequence: '20250401090004' }],
  [
    ConformancePattern.D5,
    { type: SendUnitType.YoboPlanWithKihon, planner: HOUKATSU, sequence: '20250401090005' },
  ],
  [
    ConformancePattern.D6,
    { type: SendUnitType.ServiceUsagePlan, planner: HOUKATSU, sequence: '20250401090006' },
  ],
  [ConformancePattern.D7, { type: SendUnitType.Actual, planner: HOUKATSU, sequence: '20250401090007' }],
];
