// What a service is to the platform: its name, its PostgreSQL schema with entities and migrations, and its
// default ports when it runs as its own process. The same definition is hosted alone or inside standalone.
import type { PlatformDefaults } from '../config/platform-env.schema';

export type ServiceName = 'registry' | 'certificate' | 'intake' | 'storage' | 'delivery' | 'billing';

export interface ServiceDefinition {
  readonly name: ServiceName;
  /** the PostgreSQL schema the service owns; no other service reads or writes it */
  readonly schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM takes entity classes as Function
  readonly entities: readonly Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM takes migration classes as Function
  readonly migrations: readonly Function[];
  readonly ports: { readonly http: number; readonly metrics: number };
}

/** Defaults of a service running as its own process: Kafka, MinIO, an external PostgreSQL, JSON logs. */
export function clusterDefaults(definition: ServiceDefinition): PlatformDefaults {
  return {
    port: definition.ports.http,
    metricsPort: definition.ports.metrics,
    eventBusDriver: 'kafka',
    objectStoreDriver: 'minio',
    databaseUrlRequired: true,
    logFormat: 'json',
    // a deployed registry registers only offices its 国保連 list as active (docs/registry.md)
    registrationRequiresOfficeMaster: true,
  };
}
