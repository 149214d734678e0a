import type { OfficeMasterEntryEntity } from './office-master-entry.entity';
import type { OfficeMasterUploadEntity } from './office-master-upload.entity';
import type { OfficeMasterVersionEntity } from './office-master-version.entity';

export interface UploadView {
  readonly id: string;
  readonly prefecture: string;
  readonly uploadedBy: string;
  readonly role: string;
  readonly reason: string;
  readonly uploadedAt: string;
  readonly asOf: string;
  readonly sha256: string;
  readonly mediaType: string;
  readonly officeCount: number;
  readonly added: number;
  readonly changed: number;
  readonly closed: number;
  readonly unchanged: number;
}

export interface MasterEntryView {
  readonly officeNumber: string;
  readonly prefecture: string;
  readonly name: string;
  readonly nameKana: string | null;
  readonly serviceTypes: string[];
  readonly status: string;
  readonly statusReason: string | null;
  readonly designatedFrom: string | null;
  readonly designatedTo: string | null;
  readonly postalCode: string | null;
  readonly address: string | null;
  readonly version: number;
  readonly uploadId: string;
  readonly asOf: string;
}

export interface MasterVersionView extends MasterEntryView {
  readonly kind: string;
  readonly changedFields: string[];
  readonly recordedAt: string;
}

export const uploadView = (upload: OfficeMasterUploadEntity): UploadView => ({
  ...upload,
  uploadedAt: upload.uploadedAt.toISOString(),
});

export const entryView = (entry: OfficeMasterEntryEntity | OfficeMasterVersionEntity): MasterEntryView => ({
  officeNumber: entry.officeNumber,
  prefecture: entry.prefecture,
  name: entry.name,
  nameKana: entry.nameKana,
  serviceTypes: entry.serviceTypes,
  status: entry.status,
  statusReason: entry.statusReason,
  designatedFrom: entry.designatedFrom,
  designatedTo: entry.designatedTo,
  postalCode: entry.postalCode,
  address: entry.address,
  version: entry.version,
  uploadId: entry.uploadId,
  asOf: entry.asOf,
});

export const versionView = (version: OfficeMasterVersionEntity): MasterVersionView => ({
  ...entryView(version),
  kind: version.kind,
  changedFields: version.changedFields,
  recordedAt: version.recordedAt.toISOString(),
});
