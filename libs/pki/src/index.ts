// Dev PKI generated at run time, for tests, `renkei pki` and standalone's dev CA. Nothing is committed.
export * from './dev-pki';
export * from './pkcs12';
export * from './pkcs12-import';
export * from './pem';
export * from './dev-crl';
