export * from './storage.app';
export * from './storage.definition';
export * from './storage.module';
