// The behaviour every ObjectStore adapter must share. Run by local-object-store.spec.ts (a temp directory) and
// minio-object-store.integration-spec.ts (a real MinIO).
import { Readable } from 'node:stream';
import { types } from 'node:util';
import { bodyOf, patterned, readAll, sha256 } from './fixtures/object-bodies';
import { type ObjectStore, ObjectStoreError, ObjectStoreErrorCode } from './object-store';

export interface ObjectStoreContractSubject {
  readonly store: ObjectStore;
  /**
   * Whatever a failed put of `key` may have left outside the visible objects (temp files, incomplete multipart
   * uploads); the contract expects none. (MinIO lists incomplete uploads only by exact object name.)
   */
  readonly leftovers: (key: string) => Promise<string[]>;
  readonly cleanup?: () => Promise<void>;
}

/** Large enough to span several MinIO parts when the adapter is built with `partSize` 5 MiB. */
const CONTRACT_LARGE_BYTES = 12 * 1024 * 1024 + 12345;

export function describeObjectStoreContract(
  name: string,
  factory: () => Promise<ObjectStoreContractSubject>,
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let subject: ObjectStoreContractSubject;
    let store: ObjectStore;
    let testNo = 0;
    let prefix = '';

    beforeAll(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.cleanup?.();
    });
    beforeEach(() => {
      prefix = `t${++testNo}/`;
    });

    async function expectNothingUnder(key: string): Promise<void> {
      expect(await store.stat(key)).toBeNull();
      expect(await keysUnder(store, prefix)).toEqual([]);
      expect(await subject.leftovers(key)).toEqual([]);
    }

    it('reports readiness', async () => {
      await expect(store.check()).resolves.toBeUndefined();
    });

    it('round-trips bytes with their size and SHA-256', async () => {
      const data = Buffer.from('hello, object store\n');
      const key = `${prefix}greeting.txt`;
      const put = await store.put(key, bodyOf(data), { contentType: 'text/plain' });
      expect(put).toEqual({ key, size: data.length, sha256: sha256(data) });

      const got = await store.get(key);
      expect(got.size).toBe(data.length);
      expect(await readAll(got.body)).toEqual(data);
      await expect(got.sha256).resolves.toBe(sha256(data));
    });

    it('stores an empty object', async () => {
      const key = `${prefix}empty`;
      expect(await store.put(key, bodyOf(Buffer.alloc(0)))).toEqual({
        key,
        size: 0,
        sha256: sha256(Buffer.alloc(0)),
      });
      const got = await store.get(key);
      expect(got.size).toBe(0);
      expect((await readAll(got.body)).length).toBe(0);
      await expect(got.sha256).resolves.toBe(sha256(Buffer.alloc(0)));
      expect(await store.stat(key)).toMatchObject({ key, size: 0 });
    });

    it('keeps every byte value intact', async () => {
      const data = Buffer.alloc(256 * 64);
      for (let i = 0; i < data.length; i++) data[i] = i % 256;
      const key = `${prefix}binary.bin`;
      await store.put(key, bodyOf(data, 1000));
      const got = await store.get(key);
      expect((await readAll(got.body)).equals(data)).toBe(true);
      await expect(got.sha256).resolves.toBe(sha256(data));
    });

    it('streams an object larger than one upload part', async () => {
      const data = patterned(CONTRACT_LARGE_BYTES);
      const key = `${prefix}large.bin`;
      expect(await store.put(key, bodyOf(data))).toEqual({ key, size: data.length, sha256: sha256(data) });
      const got = await store.get(key);
      expect(got.size).toBe(data.length);
      expect((await readAll(got.body)).equals(data)).toBe(true);
      await expect(got.sha256).resolves.toBe(sha256(data));
    });

    it('rejects get of a missing key with NOT_FOUND', async () => {
      await expectCode(store.get(`${prefix}missing`), ObjectStoreErrorCode.NotFound);
    });

    it('stats a missing key as null and a stored one with its size', async () => {
      const key = `${prefix}stat.bin`;
      expect(await store.stat(key)).toBeNull();
      const before = Date.now();
      await store.put(key, bodyOf(Buffer.alloc(42, 7)));
      const info = await store.stat(key);
      expect(info).toMatchObject({ key, size: 42 });
      // util.types.isDate: the adapters' Dates come from Node's realm, not the test sandbox's
      expect(types.isDate(info?.lastModified)).toBe(true);
      // S3 keeps whole seconds
      expect(info?.lastModified.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 5000);
    });

    it('overwrites an existing object', async () => {
      const key = `${prefix}doc`;
      await store.put(key, bodyOf(Buffer.from('first version, longer')));
      await store.put(key, bodyOf(Buffer.from('second')));
      const got = await store.get(key);
      expect((await readAll(got.body)).toString()).toBe('second');
      expect(got.size).toBe(6);
    });

    it('deletes idempotently', async () => {
      const key = `${prefix}gone`;
      await expect(store.delete(key)).resolves.toBeUndefined();
      await store.put(key, bodyOf(Buffer.from('x')));
      await store.delete(key);
      await store.delete(key);
      expect(await store.stat(key)).toBeNull();
      await expectCode(store.get(key), ObjectStoreErrorCode.NotFound);
    });

    it('lists recursively by prefix, with sizes', async () => {
      const keys = ['a/1', 'a/2', 'a/b/3', 'ab/4', 'c/5'].map((k) => prefix + k);
      await Promise.all(keys.map((k, i) => store.put(k, bodyOf(Buffer.alloc(i + 1)))));

      expect(await keysUnder(store, `${prefix}a/`)).toEqual([
        `${prefix}a/1`,
        `${prefix}a/2`,
        `${prefix}a/b/3`,
      ]);
      expect(await keysUnder(store, `${prefix}a`)).toEqual([
        `${prefix}a/1`,
        `${prefix}a/2`,
        `${prefix}a/b/3`,
        `${prefix}ab/4`,
      ]);
      expect(await keysUnder(store, `${prefix}zzz/`)).toEqual([]);
      const listed = await collect(store.list(prefix));
      expect(listed.map((o) => [o.key, o.size])).toEqual(keys.map((k, i) => [k, i + 1]));
      expect(listed.every((o) => types.isDate(o.lastModified))).toBe(true);
    });

    it('lists in key order', async () => {
      const keys = ['a0', 'a/b', 'a-c', 'a/a/z', 'A'].map((k) => prefix + k);
      for (const key of keys) await store.put(key, bodyOf(Buffer.from(key)));
      expect(await keysUnder(store, prefix)).toEqual(
        ['A', 'a-c', 'a/a/z', 'a/b', 'a0'].map((k) => prefix + k),
      );
    });

    it('accepts a body whose SHA-256 matches expectedSha256 (any hex case)', async () => {
      const data = Buffer.from('checked');
      const key = `${prefix}checked`;
      await expect(
        store.put(key, bodyOf(data), { expectedSha256: sha256(data).toUpperCase() }),
      ).resolves.toMatchObject({
        sha256: sha256(data),
      });
    });

    it.each([
      ['a small body', 1000],
      ['a multipart body', CONTRACT_LARGE_BYTES],
    ])('keeps nothing when the SHA-256 of %s does not match', async (_label, size) => {
      const key = `${prefix}mismatch`;
      const put = store.put(key, bodyOf(patterned(size)), { expectedSha256: sha256(Buffer.from('other')) });
      await expectCode(put, ObjectStoreErrorCode.DigestMismatch);
      await expectNothingUnder(key);
    });

    it('accepts a body of exactly maxBytes', async () => {
      await expect(
        store.put(`${prefix}limit`, bodyOf(Buffer.alloc(100)), { maxBytes: 100 }),
      ).resolves.toMatchObject({
        size: 100,
      });
    });

    it.each([
      ['a small body', 101, 100],
      ['a multipart body', CONTRACT_LARGE_BYTES, 6 * 1024 * 1024],
    ])('keeps nothing when %s exceeds maxBytes', async (_label, size, maxBytes) => {
      const key = `${prefix}too-large`;
      await expectCode(store.put(key, bodyOf(patterned(size)), { maxBytes }), ObjectStoreErrorCode.TooLarge);
      await expectNothingUnder(key);
    });

    it('keeps nothing, and shows nothing meanwhile, when the body stream fails midway', async () => {
      const key = `${prefix}broken`;
      const seenDuringUpload: unknown[] = [];
      async function* failing(): AsyncGenerator<Buffer> {
        for (let i = 0; i < 8; i++) yield patterned(1024 * 1024, i); // past one 5 MiB part
        seenDuringUpload.push(await store.stat(key), ...(await keysUnder(store, prefix)));
        throw new Error('source went away');
      }
      await expect(store.put(key, Readable.from(failing()))).rejects.toThrow('source went away');
      expect(seenDuringUpload).toEqual([null]);
      await expectNothingUnder(key);
    });

    it('keeps the previous object when a put over it fails', async () => {
      const key = `${prefix}kept`;
      await store.put(key, bodyOf(Buffer.from('good')));
      await expectCode(
        store.put(key, bodyOf(patterned(CONTRACT_LARGE_BYTES)), { maxBytes: 6 * 1024 * 1024 }),
        ObjectStoreErrorCode.TooLarge,
      );
      await expectCode(
        store.put(key, bodyOf(Buffer.from('bad')), { expectedSha256: sha256(Buffer.from('x')) }),
        ObjectStoreErrorCode.DigestMismatch,
      );
      expect((await readAll((await store.get(key)).body)).toString()).toBe('good');
      expect(await subject.leftovers(key)).toEqual([]);
    });

    it.each([
      ['parent traversal', '../x'],
      ['nested traversal', 'a/../../x'],
      ['an absolute path', '/abs'],
      ['the empty key', ''],
      ['an empty segment', 'a//b'],
      ['a trailing slash', 'a/'],
      ['a dot segment', 'a/./b'],
      ['a leading-dot segment', '.tmp/x'],
      ['a tab', 'tab\there'],
      ['a newline', 'nl\nx'],
      ['a NUL', 'nul\u0000'],
      ['a space', 'sp ace'],
      ['a non-ASCII letter', '\u00fc'],
      ['a backslash', 'a\\b'],
      ['an over-long key', 'x'.repeat(1025)],
    ])('refuses a key with %s as INVALID_KEY', async (_label, key) => {
      await expectCode(store.put(key, bodyOf(Buffer.from('x'))), ObjectStoreErrorCode.InvalidKey);
      await expectCode(store.get(key), ObjectStoreErrorCode.InvalidKey);
      await expectCode(store.stat(key), ObjectStoreErrorCode.InvalidKey);
      await expectCode(store.delete(key), ObjectStoreErrorCode.InvalidKey);
    });

    it('refuses an invalid list prefix with INVALID_KEY', async () => {
      await expectCode(collect(store.list('../')), ObjectStoreErrorCode.InvalidKey);
      await expectCode(collect(store.list('/abs')), ObjectStoreErrorCode.InvalidKey);
    });

    it('handles concurrent puts of different keys', async () => {
      const bodies = Array.from({ length: 8 }, (_, i) =>
        patterned(i === 0 ? CONTRACT_LARGE_BYTES : 50_000 + i, i),
      );
      const results = await Promise.all(bodies.map((b, i) => store.put(`${prefix}c${i}`, bodyOf(b))));
      expect(results.map((r) => r.sha256)).toEqual(bodies.map(sha256));
      for (const [i, b] of bodies.entries()) {
        const got = await store.get(`${prefix}c${i}`);
        expect((await readAll(got.body)).equals(b)).toBe(true);
      }
    });

    it('rejects the digest when the reader abandons the body', async () => {
      const key = `${prefix}abandoned`;
      await store.put(key, bodyOf(patterned(2 * 1024 * 1024)));
      const got = await store.get(key);
      got.body.destroy();
      await expect(got.sha256).rejects.toThrow();
    });
  });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  return (await collect(store.list(prefix))).map((o) => o.key);
}

async function expectCode(promise: Promise<unknown>, code: ObjectStoreErrorCode): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ObjectStoreError);
  expect((error as ObjectStoreError).code).toBe(code);
}
