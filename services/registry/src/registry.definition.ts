import type { ServiceDefinition } from '@renkei/platform';
import { CreateRegistrySchema1767225600000 } from './migrations/1767225600000-CreateRegistrySchema';
import { CreateOfficeTable1767398400000 } from './migrations/1767398400000-CreateOfficeTable';
import { CreateOfficeCertificateWarning1767830400000 } from './migrations/1767830400000-CreateOfficeCertificateWarning';
import { CreateOfficeMaster1768262400000 } from './migrations/1768262400000-CreateOfficeMaster';
import { CreateLicence1768348800000 } from './migrations/1768348800000-CreateLicence';
import { OfficeMasterEntryEntity } from './office-master/office-master-entry.entity';
import { OfficeMasterUploadEntity } from './office-master/office-master-upload.entity';
import { OfficeMasterVersionEntity } from './office-master/office-master-version.entity';
import { LicenceChangeEntity } from './licences/licence-change.entity';
import { LicenceEntity } from './licences/licence.entity';
import { OfficeCertificateWarningEntity } from './offices/office-certificate-warning.entity';
import { OfficeEntity } from './offices/office.entity';

/** 登録・ライセンス: office master (事業所台帳) from the 国保連, 利用申請, licences, directory of registered offices. */
export const registryDefinition: ServiceDefinition = {
  name: 'registry',
  schema: 'registry',
  entities: [
    OfficeEntity,
    OfficeCertificateWarningEntity,
    OfficeMasterUploadEntity,
    OfficeMasterEntryEntity,
    OfficeMasterVersionEntity,
    LicenceEntity,
    LicenceChangeEntity,
  ],
  migrations: [
    CreateRegistrySchema1767225600000,
    CreateOfficeTable1767398400000,
    CreateOfficeCertificateWarning1767830400000,
    CreateOfficeMaster1768262400000,
    CreateLicence1768348800000,
  ],
  ports: { http: 8081, metrics: 9181 },
};
