// Nest wiring of a service's DataSource. The URL and pool come from DATABASE_OPTIONS, which the platform
// module provides from configuration; the schema, entities and migrations come from the service.
import {
  Inject,
  Module,
  type DynamicModule,
  type ModuleMetadata,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, type ServiceDataSourceOptions } from './service-data-source';

/** Provided by the platform module: where the database is and how many connections a service may hold. */
export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

export interface DatabaseOptions {
  readonly url: string;
  readonly poolSize?: number;
  readonly applicationName?: string;
}

/** The service's initialized DataSource. */
export const SERVICE_DATA_SOURCE = Symbol('SERVICE_DATA_SOURCE');

export interface DatabaseModuleOptions extends Pick<
  ServiceDataSourceOptions,
  'schema' | 'entities' | 'migrations'
> {
  /** modules that export DATABASE_OPTIONS, when it is not provided globally */
  readonly imports?: ModuleMetadata['imports'];
}

class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(SERVICE_DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
export class DatabaseModule {
  static forService(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: SERVICE_DATA_SOURCE,
          inject: [DATABASE_OPTIONS],
          useFactory: async (database: DatabaseOptions): Promise<DataSource> =>
            createServiceDataSource({
              url: database.url,
              poolSize: database.poolSize,
              applicationName: database.applicationName,
              schema: options.schema,
              entities: options.entities,
              migrations: options.migrations,
            }).initialize(),
        },
        DataSourceCloser,
      ],
      exports: [SERVICE_DATA_SOURCE],
    };
  }
}
