export * from './auth.decorators';
export * from './auth.errors';
export * from './auth.guard';
export * from './jws.util';
export * from './key-set-source';
export * from './token-claims';
export * from './token-verifier';
