import { FileKind } from '../file-names/file-kind.constants';
import { ColumnType } from './column.types';
import {
  code,
  column,
  commonKey,
  date,
  defineSchema,
  identifier,
  integer,
  office,
  phone,
  postcode,
  text,
} from './column.util';

const FULL_WIDTH_DIGITS = ['１', '２', '３', '４', '５', '６', '７', '８', '９'];

// slots for サービス種類別限度額管理 (No.20–55), filled from slot 1 upward
const limitSlots = FULL_WIDTH_DIGITS.flatMap((k) => [
  column(`${k}サービス種類コード`, ColumnType.ServiceType),
  integer(`${k}支給限度基準額`, 7),
  integer(`${k}合計単位数`, 7),
  integer(`${k}限度超単位数`, 7),
]);

/** UPHOSOKU 利用者補足情報, 63 columns (domain.md §1.8) */
export const UPHOSOKU_SCHEMA = defineSchema(FileKind.UpHosoku, [
  ...commonKey(),
  // 00000000 when the file accompanies 第6/7表
  column('居宅サービス計画作成（変更）日', ColumnType.DateOrZero, { required: true }),
  text('利用者氏名フリガナ'),
  text('利用者氏名'),
  code('利用者性別', '性別'),
  date('利用者生年月日'),
  postcode('利用者郵便番号'),
  text('利用者住所１'),
  text('利用者住所２'),
  phone('利用者電話番号'),
  date('認定日'),
  date('限度額適用開始年月日'),
  date('限度額適用終了年月日'),
  code('認定状況区分', '認定状況区分'),
  date('要介護状態変更日'),
  code('要介護状態区分', '要介護状態区分'),
  integer('区分支給限度基準額', 7),
  ...limitSlots,
  integer('合計限度超単位数', 7),
  integer('入所前月迄利用日数', 5),
  integer('入所累積利用日数', 5),
  code('前回要介護状態区分', '要介護状態区分'),
  office('同意書受付業者'),
  office('更新業者コード'),
  identifier(),
  // 000000 when the file accompanies 第1/2/3表
  column('対象年月', ColumnType.MonthOrZero, { required: true }),
]);
