export * from './dev-pki';
export * from './pkcs12';
