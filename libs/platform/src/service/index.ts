export * from './event-consumers';
export * from './migrate-services';
export * from './service-definition';
export * from './service-runtime.module';
