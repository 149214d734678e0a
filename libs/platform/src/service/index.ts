export * from './event-consumers';
export * from './migrate-services';
export * from './periodic-job';
export * from './service-definition';
export * from './service-runtime.module';
