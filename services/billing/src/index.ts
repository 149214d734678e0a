export * from './billing.app';
export * from './billing.definition';
export * from './billing.module';
