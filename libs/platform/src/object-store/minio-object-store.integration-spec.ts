// The ObjectStore contract against the real MinIO started by deploy/local/infra; every key of this file lives
// under its own prefix, removed afterwards.
import { Client } from 'minio';
import { Registry } from 'prom-client';
import { uniqueName } from '@renkei/testing';
import { MinioObjectStore, type MinioObjectStoreOptions } from './minio-object-store';
import { ObjectStoreErrorCode } from './object-store';
import { bodyOf } from './fixtures/object-bodies';
import { describeObjectStoreContract } from './object-store.contract';

function minioOptions(): Omit<MinioObjectStoreOptions, 'keyPrefix'> {
  const endpoint = new URL(requiredEnv('MINIO_ENDPOINT'));
  return {
    endPoint: endpoint.hostname,
    port: Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)),
    useSSL: endpoint.protocol === 'https:',
    accessKey: requiredEnv('MINIO_ACCESS_KEY'),
    secretKey: requiredEnv('MINIO_SECRET_KEY'),
    bucket: requiredEnv('MINIO_BUCKET'),
  };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set; run through the integration jest project (deploy/local/infra).`);
  return value;
}

/** a raw client, to look behind the adapter: incomplete multipart uploads and cleanup */
function rawClient(options: Omit<MinioObjectStoreOptions, 'keyPrefix'>): Client {
  const { endPoint, port, useSSL, accessKey, secretKey } = options;
  return new Client({ endPoint, port, useSSL, accessKey, secretKey, region: 'us-east-1' });
}

/** MinIO lists incomplete uploads by exact object name only, so this takes a name, not a prefix */
async function incompleteUploads(client: Client, bucket: string, name: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const upload of client.listIncompleteUploads(bucket, name, true)) {
    if (upload.key === name) ids.push(`${upload.key} (${upload.uploadId})`);
  }
  return ids;
}

async function removeAllUnder(client: Client, bucket: string, prefix: string): Promise<void> {
  const names: string[] = [];
  for await (const item of client.listObjectsV2(bucket, prefix, true)) if (item.name) names.push(item.name);
  if (names.length > 0) await client.removeObjects(bucket, names);
}

/** uniqueName() made safe for an object key segment or a bucket name */
function safeName(prefix: string): string {
  return uniqueName(prefix)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 60);
}

const options = minioOptions();
const client = rawClient(options);
const keyPrefix = `${safeName('object-store-contract')}/`;

describeObjectStoreContract(MinioObjectStore.name, async () => ({
  // the smallest part S3 allows, so the contract's larger bodies go multipart
  store: new MinioObjectStore({ ...options, keyPrefix, partSize: 5 * 1024 * 1024, registry: new Registry() }),
  leftovers: (key) => incompleteUploads(client, options.bucket, keyPrefix + key),
  cleanup: () => removeAllUnder(client, options.bucket, keyPrefix),
}));

describe(MinioObjectStore.name, () => {
  const ownPrefix = `${safeName('object-store-minio')}/`;
  let registry: Registry;
  let sut: MinioObjectStore;

  beforeEach(() => {
    registry = new Registry();
    sut = new MinioObjectStore({ ...options, keyPrefix: ownPrefix, partSize: 5 * 1024 * 1024, registry });
  });
  afterAll(async () => {
    await removeAllUnder(client, options.bucket, ownPrefix);
  });

  it('stores under the key prefix and hides it from callers', async () => {
    await sut.put('p/doc', bodyOf(Buffer.from('x')));
    expect((await client.statObject(options.bucket, `${ownPrefix}p/doc`)).size).toBe(1);
    const keys: string[] = [];
    for await (const o of sut.list('p/')) keys.push(o.key);
    expect(keys).toEqual(['p/doc']);
  });

  it('keeps the content type', async () => {
    await sut.put('typed.json', bodyOf(Buffer.from('{}')), { contentType: 'application/json' });
    const large = Buffer.alloc(6 * 1024 * 1024, 1);
    await sut.put('typed-large.json', bodyOf(large), { contentType: 'application/json' });
    expect((await client.statObject(options.bucket, `${ownPrefix}typed.json`)).metaData['content-type']).toBe(
      'application/json',
    );
    expect(
      (await client.statObject(options.bucket, `${ownPrefix}typed-large.json`)).metaData['content-type'],
    ).toBe('application/json');
  });

  it('reports UNAVAILABLE from check() when MinIO cannot be reached', async () => {
    const unreachable = new MinioObjectStore({ ...options, port: 1, checkTimeoutMs: 1000, registry });
    await expect(unreachable.check()).rejects.toMatchObject({ code: ObjectStoreErrorCode.Unavailable });
  });

  it('reports UNAVAILABLE from check() when the bucket is missing or the credentials are wrong', async () => {
    const noBucket = new MinioObjectStore({
      ...options,
      bucket: safeName('missing'),
      registry,
    });
    await expect(noBucket.check()).rejects.toMatchObject({ code: ObjectStoreErrorCode.Unavailable });
    const badCredentials = new MinioObjectStore({ ...options, secretKey: 'not-the-secret', registry });
    await expect(badCredentials.check()).rejects.toMatchObject({ code: ObjectStoreErrorCode.Unavailable });
    await expect(badCredentials.get('x')).rejects.toMatchObject({ code: ObjectStoreErrorCode.Unavailable });
  });

  it('counts operations, outcomes and bytes', async () => {
    await sut.put('m', bodyOf(Buffer.alloc(10)));
    await expect(sut.get('missing')).rejects.toMatchObject({ code: ObjectStoreErrorCode.NotFound });
    const metrics = await registry.getMetricsAsJSON();
    const values = (name: string) => metrics.find((m) => m.name === name)?.values ?? [];
    expect(values('renkei_object_store_operations_total')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { op: 'put', outcome: 'ok' }, value: 1 }),
        expect.objectContaining({ labels: { op: 'get', outcome: 'not_found' }, value: 1 }),
      ]),
    );
    expect(values('renkei_object_store_bytes_total')).toEqual([
      expect.objectContaining({ labels: { direction: 'write' }, value: 10 }),
    ]);
  });
});
