export * from './expect-eventually';
export * from './infra/infra-env';
export * from './pki';
