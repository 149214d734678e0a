// The object store: the port, its two adapters and their errors. (object-store.contract.ts is for tests only.)
export * from './object-store';
export { assertValidObjectKey, assertValidObjectPrefix, MAX_OBJECT_KEY_LENGTH } from './object-key.util';
export { LocalObjectStore, type LocalObjectStoreOptions } from './local-object-store';
export { MinioObjectStore, type MinioObjectStoreOptions, mapMinioError } from './minio-object-store';
