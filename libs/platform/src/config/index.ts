export * from './env-schema';
export * from './platform-env.schema';
export * from './platform-config';
