export * from './delivery.app';
export * from './delivery.definition';
export * from './delivery.module';
