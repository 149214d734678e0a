import { FileKind } from '../file-names/file-kind.constants';
import { ColumnType, CsvFileKind, Requirement } from './column.types';
import {
  code,
  column,
  commonKey,
  date,
  defineSchema,
  identifier,
  integer,
  month,
  office,
  text,
  time,
} from './column.util';

const usageColumns = [
  ...commonKey(),
  date('作成年月日', true),
  month('対象年月', true),
  office('プラン担当業者コード'),
  text('プラン担当者名'),
  integer('単位数', 6),
  integer('前月までの短期入所利用日数', 5),
  date('サービス利用日', true),
  column('日割対象日', ColumnType.DayMask),
  time('サービス開始時刻', true),
  time('サービス終了時刻', true),
  integer('サービス回数', 2, true),
  column('サービスコード', ColumnType.ServiceCode, { required: true }),
  column('TAISコード', ColumnType.Alphanumeric, { length: 12 }),
  column('福祉用具届出コード', ColumnType.Alphanumeric, { length: 12 }),
  text('用具名称（機種名）'),
  integer('明細判別コード', 2),
  office('サービス事業者コード', true),
  text('サービス事業所名'),
  column('サテライト枝番', ColumnType.Alphanumeric, { length: 2 }),
  code('３０日超区分', '三十日超区分', true),
  office('更新業者コード'),
  identifier(),
];

const usageSchema = (kind: CsvFileKind) => defineSchema(kind, usageColumns);

/** UPPLAN 第6表 サービス利用票 予定, 25 columns */
export const UPPLAN_SCHEMA = usageSchema(FileKind.UpPlan);
/** UPJSK 第6表 実績, same 25 columns as UPPLAN */
export const UPJSK_SCHEMA = usageSchema(FileKind.UpJsk);

/** DLTPLAN 第6表 予定削除, 4 columns */
export const DLTPLAN_SCHEMA = defineSchema(FileKind.DltPlan, [...commonKey(), month('削除対象年月', true)]);

/** DLTJSK 実績削除, 6 columns */
export const DLTJSK_SCHEMA = defineSchema(FileKind.DltJsk, [
  ...commonKey(),
  month('削除対象年月', true),
  office('サービス事業者コード', true),
  column('サービス種類コード', ColumnType.ServiceType, { required: true }),
]);

// §9.4: the garbled text makes either No.26 or No.33 the required one; both count as required on output
const EITHER = Requirement.Uncertain;

/** UPSIKYU 第7表 サービス利用票別表, 37 columns */
export const UPSIKYU_SCHEMA = defineSchema(FileKind.UpSikyu, [
  ...commonKey(),
  date('作成年月日', true),
  month('対象年月', true),
  text('サービス事業所名'),
  // 9999999999 on the grand-total row
  office('サービス事業所コード', true),
  column('サテライト枝番', ColumnType.Alphanumeric, { length: 2 }),
  column('サービスコード', ColumnType.ServiceCode, { required: true }),
  column('TAISコード', ColumnType.Alphanumeric, { length: 12 }),
  column('福祉用具届出コード', ColumnType.Alphanumeric, { length: 12 }),
  text('用具名称（機種名）'),
  integer('単位数', 6, true),
  integer('割引後率', 5),
  integer('割引後単位数', 6),
  integer('回数／日数', 3, true),
  // length "5 (?)" in the layout: strict on output, looser on input (§9.10)
  column('サービス単位／金額', ColumnType.Integer, { length: 5, inputLength: 7 }),
  integer('給付管理単位数', 6),
  integer('種類支給限度基準を超える単位数', 6),
  integer('種類支給限度基準内単位数', 6),
  integer('区分支給限度基準を超える単位数', 6),
  integer('区分支給限度基準内単位数', 6),
  column('単位数単価', ColumnType.UnitPrice),
  integer('費用総額（保険／事業対象分）', 6),
  column('給付率', ColumnType.Integer, { length: 3, inputLength: 6 }),
  integer('保険／事業費請求額', 6, EITHER),
  integer('定額利用者負担単価金額', 6),
  integer('利用者負担（保険／事業対象分）', 6),
  integer('利用者負担（全額負担分）', 6),
  // 2 in the V4 text, 5 since the Ver.3.2 fix: 5 both ways
  integer('前月までの利用日数', 5),
  integer('当月の計画利用日数', 2),
  integer('累積利用日数', 5),
  code('３０日超区分', '三十日超区分', EITHER),
  office('事業所コード'),
  column('入力者コード', ColumnType.Alphanumeric, { length: 10 }),
  office('更新業者コード'),
  identifier(),
]);
