import { S3Error } from 'minio';
import { mapMinioError, MinioObjectStore } from './minio-object-store';
import { ObjectStoreError, ObjectStoreErrorCode } from './object-store';

function s3Error(code: string): S3Error {
  const error = new S3Error(code);
  error.code = code;
  return error;
}

describe(MinioObjectStore.name, () => {
  const options = {
    endPoint: '127.0.0.1',
    port: 9,
    useSSL: false,
    accessKey: 'a',
    secretKey: 'b',
    bucket: 'renkei',
  };

  it('refuses a part size below the S3 minimum of 5 MiB', () => {
    expect(() => new MinioObjectStore({ ...options, partSize: 1024 * 1024 })).toThrow('partSize');
  });

  it('refuses an invalid key prefix', () => {
    expect(() => new MinioObjectStore({ ...options, keyPrefix: '../escape' })).toThrow(ObjectStoreError);
  });

  it('refuses invalid keys before any request', async () => {
    const sut = new MinioObjectStore(options);
    await expect(sut.stat('../x')).rejects.toMatchObject({ code: ObjectStoreErrorCode.InvalidKey });
  });
});

describe(mapMinioError.name, () => {
  it.each([
    ['NoSuchKey', ObjectStoreErrorCode.NotFound],
    ['NotFound', ObjectStoreErrorCode.NotFound],
    ['KeyTooLongError', ObjectStoreErrorCode.InvalidKey],
    ['XMinioInvalidObjectName', ObjectStoreErrorCode.InvalidKey],
    ['NoSuchBucket', ObjectStoreErrorCode.Unavailable],
    ['AccessDenied', ObjectStoreErrorCode.Unavailable],
    ['SlowDown', ObjectStoreErrorCode.Unavailable],
    ['InternalError', ObjectStoreErrorCode.Unavailable],
  ])('maps the S3 code %s to %s', (code, expected) => {
    const mapped = mapMinioError(s3Error(code));
    expect(mapped).toBeInstanceOf(ObjectStoreError);
    expect(mapped.code).toBe(expected);
    expect(mapped.message).toContain(code === 'NoSuchKey' || code === 'NotFound' ? 'not found' : code);
  });

  it('maps network failures to UNAVAILABLE and keeps the cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const mapped = mapMinioError(refused);
    expect(mapped.code).toBe(ObjectStoreErrorCode.Unavailable);
    expect(mapped.cause).toBe(refused);
  });

  it('passes ObjectStoreErrors through unchanged', () => {
    const original = new ObjectStoreError(ObjectStoreErrorCode.TooLarge, 'too large');
    expect(mapMinioError(original)).toBe(original);
  });
});
