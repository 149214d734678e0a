// @renkei/platform: the shared Nest modules every service stands on. Each capability sits behind a small port
// (EventBus, ObjectStore, the outbox/inbox) with a cluster adapter and a standalone adapter.
export * from './app';
export * from './auth';
export * from './config';
export * from './database';
export * from './health';
export * from './logging';
export * from './messaging';
export * from './metrics';
export * from './object-store';
export * from './outbox';
export * from './service';
export * from './trust';
export * from './openapi/openapi.types';
export * from './licences';
