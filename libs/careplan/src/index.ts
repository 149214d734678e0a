// @renkei/careplan: the ケアプランデータ連携標準仕様 V4.1 — file names, MS932 CSV, column schemas, validation
export * from './careplan.errors';
export * from './file-names/file-kind.constants';
export * from './file-names/file-name.parser';
export * from './codec/ms932-charset.util';
export * from './codec/ms932.codec';
export * from './codec/careplan-csv.codec';
export * from './column-schemas/code-tables.constants';
export * from './column-schemas/column.types';
export * from './column-schemas/schema.registry';
export * from './identifiers/identifier.util';
export * from './validation/validation.types';
export { validateCell } from './validation/cell.validator';
export { upgradeLegacyRows } from './validation/legacy-layout.upgrader';
export type { UpgradedRows } from './validation/legacy-layout.upgrader';
export { hasErrors, toRecords, validateFile } from './validation/file.validator';
export type { ValidateFileOptions } from './validation/file.validator';
