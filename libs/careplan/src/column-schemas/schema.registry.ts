import { CareplanError, CareplanErrorCode } from '../careplan.errors';
import { FileKind } from '../file-names/file-kind.constants';
import { CsvFileKind, FileSchema } from './column.types';
import { UPHOSOKU_SCHEMA } from './hosoku.schema';
import { DLT1KYO_SCHEMA, UP1KYO_SCHEMA, UP2KYO_SCHEMA, UP3KYO_SCHEMA } from './kyotaku-plan.schema';
import {
  DLTJSK_SCHEMA,
  DLTPLAN_SCHEMA,
  UPJSK_SCHEMA,
  UPPLAN_SCHEMA,
  UPSIKYU_SCHEMA,
} from './service-usage.schema';
import {
  DLTKIHON_SCHEMA,
  DLTYOBO_SCHEMA,
  UPKIHON_SCHEMA,
  UPKIHON_SUB1_SCHEMA,
  UPKIHON_SUB2_SCHEMA,
  UPYOBO_SCHEMA,
  UPYOBO_SUB_SCHEMA,
} from './yobo.schema';

/** the V4.1 column layout of every CSV file kind */
export const FILE_SCHEMAS: Readonly<Record<CsvFileKind, FileSchema>> = {
  [FileKind.UpHosoku]: UPHOSOKU_SCHEMA,
  [FileKind.Up1Kyo]: UP1KYO_SCHEMA,
  [FileKind.Up2Kyo]: UP2KYO_SCHEMA,
  [FileKind.Up3Kyo]: UP3KYO_SCHEMA,
  [FileKind.Dlt1Kyo]: DLT1KYO_SCHEMA,
  [FileKind.UpPlan]: UPPLAN_SCHEMA,
  [FileKind.UpJsk]: UPJSK_SCHEMA,
  [FileKind.DltPlan]: DLTPLAN_SCHEMA,
  [FileKind.DltJsk]: DLTJSK_SCHEMA,
  [FileKind.UpSikyu]: UPSIKYU_SCHEMA,
  [FileKind.UpKihon]: UPKIHON_SCHEMA,
  [FileKind.UpKihonSub1]: UPKIHON_SUB1_SCHEMA,
  [FileKind.UpKihonSub2]: UPKIHON_SUB2_SCHEMA,
  [FileKind.DltKihon]: DLTKIHON_SCHEMA,
  [FileKind.UpYobo]: UPYOBO_SCHEMA,
  [FileKind.UpYoboSub]: UPYOBO_SUB_SCHEMA,
  [FileKind.DltYobo]: DLTYOBO_SCHEMA,
};

/** the schema of a kind; UPKIHON_IMAGE is a JPEG and has none */
export const schemaFor = (kind: FileKind): FileSchema => {
  if (kind === FileKind.UpKihonImage) {
    throw new CareplanError(CareplanErrorCode.NoSchemaForKind, `${kind} is a JPEG image, not a CSV file`);
  }
  return FILE_SCHEMAS[kind];
};
