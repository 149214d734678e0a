export * from './registry.app';
export * from './registry.definition';
export * from './registry.module';
