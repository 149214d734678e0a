export * from './database-options';
export * from './service-data-source';
