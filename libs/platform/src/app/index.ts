export * from './adapters';
export * from './all-exceptions.filter';
export * from './bootstrap';
export * from './platform.module';
export * from './platform.tokens';
export * from './request-body.util';
