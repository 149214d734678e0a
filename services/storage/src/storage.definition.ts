import type { ServiceDefinition } from '@renkei/platform';
import { EnvelopeDownloadEntity } from './envelopes/envelope-download.entity';
import { StoredEnvelopeEntity } from './envelopes/stored-envelope.entity';
import { CreateStorageSchema1767225600000 } from './migrations/1767225600000-CreateStorageSchema';
import { CreateStoredEnvelopeTables1767398400000 } from './migrations/1767398400000-CreateStoredEnvelopeTables';

/** 保管: owns the bucket: downloads, retention and purge, integrity scrubbing. */
export const storageDefinition: ServiceDefinition = {
  name: 'storage',
  schema: 'storage',
  entities: [StoredEnvelopeEntity, EnvelopeDownloadEntity],
  migrations: [CreateStorageSchema1767225600000, CreateStoredEnvelopeTables1767398400000],
  ports: { http: 8084, metrics: 9184 },
};
