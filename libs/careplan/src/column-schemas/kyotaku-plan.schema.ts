import { FileKind } from '../file-names/file-kind.constants';
import { Requirement } from './column.types';
import {
  code,
  commonKey,
  date,
  defineSchema,
  identifier,
  integer,
  office,
  postcode,
  text,
  time,
} from './column.util';

// "○(?)" in domain.md §1.8: required on output, a warning on input
const UNCERTAIN = Requirement.Uncertain;

/** UP1KYO 居宅サービス計画1表, 28 columns */
export const UP1KYO_SCHEMA = defineSchema(FileKind.Up1Kyo, [
  ...commonKey(),
  date('作成年月日', true),
  postcode('利用者郵便番号'),
  text('利用者住所１'),
  text('利用者住所２'),
  text('居宅サービス計画作成者氏名', UNCERTAIN),
  text('介護支援事業者名', UNCERTAIN),
  postcode('介護支援事業者郵便番号'),
  text('介護支援事業者住所１'),
  text('介護支援事業者住所２'),
  office('介護支援事業者コード', UNCERTAIN),
  date('居宅サービス計画作成（変更）日', true),
  date('初回居宅サービス計画作成日', UNCERTAIN),
  code('計画書区分', '計画書区分'),
  code('認定状況区分', '認定状況区分'),
  date('認定日'),
  date('認定有効期間開始日'),
  date('認定有効期間終了日'),
  code('要介護状態区分', '要介護状態区分'),
  text('利用者及び家族の生活に対する意向を踏まえた課題分析の結果'),
  text('介護認定審査会の意見及びサービスの種類の指定'),
  text('総合的な援助の方針'),
  code('生活援助中心型の算定理由', '生活援助中心型の算定理由'),
  text('その他理由'),
  office('更新業者コード'),
  identifier(),
]);

/** DLT1KYO 居宅サービス計画1表_削除, 4 columns, all required */
export const DLT1KYO_SCHEMA = defineSchema(FileKind.Dlt1Kyo, [
  ...commonKey(),
  date('居宅サービス計画作成（変更）日', true),
]);

/** UP2KYO 居宅サービス計画2表, 22 columns, one row per 援助内容 */
export const UP2KYO_SCHEMA = defineSchema(FileKind.Up2Kyo, [
  ...commonKey(),
  date('居宅計画書作成年月日', true),
  date('居宅サービス計画作成（変更）日', true),
  integer('課題ＮＯ', 2),
  text('課題'),
  integer('援助目標ＮＯ', 2),
  text('長期目標'),
  text('短期目標'),
  text('長期期間'),
  text('短期期間'),
  integer('援助内容ＮＯ', 2),
  text('サービス内容'),
  code('保険対象区分', '保険対象区分'),
  text('サービス種別'),
  office('サービス事業者コード'),
  text('サービス事業所名'),
  text('頻度'),
  text('実施期間'),
  office('更新業者コード'),
  identifier(),
]);

/** UP3KYO 居宅サービス計画3表 週間サービス計画表, 13 columns (V4+) */
export const UP3KYO_SCHEMA = defineSchema(FileKind.Up3Kyo, [
  ...commonKey(),
  date('週間サービス計画表作成年月日', true),
  date('居宅サービス計画作成（変更）日', true),
  text('介護サービス内容'),
  code('曜日', '曜日'),
  time('開始時間'),
  time('終了時間'),
  text('主な日常生活上の活動'),
  // the layout repeats 開始時間/終了時間; the suffix tells the activity pair apart in error reports
  time('開始時間（活動）'),
  time('終了時間（活動）'),
  text('週単位以外のサービス'),
]);
