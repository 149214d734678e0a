import type { ServiceDefinition } from '@renkei/platform';
import { CreateStorageSchema1767225600000 } from './migrations/1767225600000-CreateStorageSchema';

/** 保管: owns the bucket: downloads, retention and purge, integrity scrubbing. */
export const storageDefinition: ServiceDefinition = {
  name: 'storage',
  schema: 'storage',
  entities: [],
  migrations: [CreateStorageSchema1767225600000],
  ports: { http: 8084, metrics: 9184 },
};
