export * from './certificate.app';
export * from './certificate.definition';
export * from './certificate.module';
