export * from './database-options';
export * from './service-data-source';
export * from './pg-notification-listener';
