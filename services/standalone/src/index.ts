export * from './standalone.app';
