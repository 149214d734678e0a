import { FileKind } from '../file-names/file-kind.constants';
import { code, commonKey, date, defineSchema, integer, phone, text } from './column.util';

// 介護予防 files (V4), domain.md §1.8 "介護予防 files"; types of columns the layout leaves open are free text

const emergencyContacts = ['１', '２', '３', '４'].flatMap((k) => [
  text(`緊急連絡先${k}氏名`),
  text(`緊急連絡先${k}続柄`),
  text(`緊急連絡先${k}住所`),
  phone(`緊急連絡先${k}電話番号`),
]);

/** UPKIHON 利用者基本情報, 71 columns; required 1–6 and 14–17 (as read) */
export const UPKIHON_SCHEMA = defineSchema(FileKind.UpKihon, [
  ...commonKey(),
  // the official sample shows a 6-digit 相談日 (§1.10); the table says YYYYMMDD, which we follow
  date('相談日', true),
  code('計画種類', '計画種類', true),
  code('委託の有無', '委託の有無', true),
  text('作成担当者'),
  code('相談方法', '相談方法'),
  text('相談方法（その他の内容）'),
  code('相談回数', '相談回数'),
  date('前回相談日'),
  code('利用者の現況', '利用者の現況'),
  text('現況（状況補足）'),
  text('利用者氏名フリガナ', true),
  text('利用者氏名', true),
  code('性別', '性別', true),
  date('生年月日', true),
  text('住所'),
  phone('電話番号'),
  phone('Fax番号'),
  code('障害高齢者の日常生活自立度', '障害高齢者の日常生活自立度'),
  code('認知症高齢者の日常生活自立度', '認知症高齢者の日常生活自立度'),
  code('要介護状態区分', '要介護状態区分予防'),
  date('認定有効期間開始日'),
  date('認定有効期間終了日'),
  code('前回の介護度', '要介護状態区分予防'),
  code('基本チェックリスト記入結果', '基本チェックリスト記入結果'),
  date('基本チェックリスト記入日'),
  code('障害等認定（身障）', '該当フラグ'),
  code('障害等認定（療育）', '該当フラグ'),
  code('障害等認定（精神）', '該当フラグ'),
  code('障害等認定（難病）', '該当フラグ'),
  text('障害等認定特記事項'),
  code('居住形態', '居住形態'),
  text('自室の階数'),
  code('住宅改修の有無', '有無'),
  code('経済状況（国民年金）', '該当フラグ'),
  code('経済状況（厚生年金）', '該当フラグ'),
  code('経済状況（障害年金）', '該当フラグ'),
  code('経済状況（生活保護）', '該当フラグ'),
  text('経済状況詳細'),
  text('来所者（相談者）氏名'),
  text('来所者（相談者）住所'),
  phone('来所者（相談者）電話番号'),
  text('来所者（相談者）続柄'),
  ...emergencyContacts,
  text('家族構成 画像ファイル名'),
  text('家族関係等の状況'),
  text('今までの生活'),
  text('1日の生活・すごし方（生活全般）'),
  text('趣味・楽しみ・特技'),
  text('友人・地域との関係'),
  text('現在利用している公的サービス'),
  text('現在利用している非公的サービス'),
  date('同意日'),
  text('同意者氏名'),
]);

/** UPKIHON_SUB1 別表1 1日の生活・すごし方, 7 columns */
export const UPKIHON_SUB1_SCHEMA = defineSchema(FileKind.UpKihonSub1, [
  ...commonKey(),
  date('相談日', true),
  text('時間'),
  text('本人の生活状況'),
  text('介護者・家族の生活状況'),
]);

/** UPKIHON_SUB2 別表2 現病歴・既往歴, 11 columns */
export const UPKIHON_SUB2_SCHEMA = defineSchema(FileKind.UpKihonSub2, [
  ...commonKey(),
  date('相談日', true),
  text('年月日'),
  text('病名'),
  text('医療機関・医師名'),
  code('主治医・意見作成者フラグ', '主治医意見作成者フラグ'),
  phone('医療機関・医師電話番号'),
  code('経過', '経過'),
  text('治療中の内容'),
]);

/** DLTKIHON 利用者基本情報_削除, 4 columns */
export const DLTKIHON_SCHEMA = defineSchema(FileKind.DltKihon, [...commonKey(), date('相談日', true)]);

const AREAS = ['運動・移動', '日常生活（家庭生活）', '社会参加・対人関係・コミュニケーション', '健康管理'];
const areaColumns = AREAS.flatMap((area) => [
  text(`${area}について：現在の状況`),
  text(`${area}について：本人・家族の意欲・意向`),
  code(`${area}について：課題の有無`, '有無'),
  text(`${area}について：課題（背景・原因）`),
]);

const PROGRAMS = ['運動不足', '栄養改善', '口腔内ケア', '閉じこもり予防', '物忘れ予防', 'うつ予防'];

/** UPYOBO 介護予防サービス・支援計画書, 57 columns */
export const UPYOBO_SCHEMA = defineSchema(FileKind.UpYobo, [
  ...commonKey(),
  date('計画作成（変更）日', true),
  code('計画種類', '計画種類'),
  code('委託の有無', '委託の有無'),
  text('整理番号'),
  text('利用者名'),
  date('認定年月日'),
  date('認定有効期間開始日'),
  date('認定有効期間終了日'),
  code('計画書区分', '計画書区分'),
  code('認定状況区分', '認定状況区分'),
  code('要支援状態区分', '要支援状態区分'),
  text('計画作成者氏名（包括担当）'),
  text('計画作成者氏名（担当ケアマネ）'),
  text('事業者・事業所名'),
  text('住所'),
  phone('電話番号'),
  date('初回作成日'),
  text('担当地域包括支援センター'),
  text('目標とする生活（1日）'),
  text('目標とする生活（1年）'),
  ...areaColumns,
  text('健康状態について：留意点'),
  text('妥当な支援の実施に向けた方針'),
  text('総合的な方針'),
  ...PROGRAMS.map((p) => integer(`基本チェックリスト該当数（${p}）`, 2)),
  ...PROGRAMS.map((p) => code(`事業プログラムの要否（${p}）`, '要否')),
  text('地域包括支援センター意見'),
  date('同意日'),
  text('同意者氏名'),
]);

/** UPYOBO_SUB 別表 支援計画, 17 columns */
export const UPYOBO_SUB_SCHEMA = defineSchema(FileKind.UpYoboSub, [
  ...commonKey(),
  date('計画作成（変更）日', true),
  integer('課題ＮＯ', 2),
  text('総合的課題'),
  text('課題に対する目標と具体策の提案'),
  text('具体策についての意向（本人・家族）'),
  text('目標'),
  integer('支援計画ＮＯ', 2),
  text('目標についての支援のポイント'),
  text('本人等のセルフケアや家族の支援、インフォーマルサービス'),
  text('介護保険サービス又は地域支援事業'),
  integer('利用サービスＮＯ', 2),
  text('サービス種別'),
  text('事業所（利用先）'),
  text('期間'),
]);

/** DLTYOBO 介護予防サービス・支援計画書_削除, 4 columns */
export const DLTYOBO_SCHEMA = defineSchema(FileKind.DltYobo, [
  ...commonKey(),
  date('計画作成（変更）日', true),
]);
