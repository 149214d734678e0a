export * from './database.module';
export * from './service-data-source';
