import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { LocalObjectStore } from './local-object-store';
import { ObjectStoreErrorCode } from './object-store';
import { bodyOf, readAll } from './fixtures/object-bodies';
import { describeObjectStoreContract } from './object-store.contract';

async function tempRoot(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'renkei-object-store-'));
}

describeObjectStoreContract(LocalObjectStore.name, async () => {
  const root = await tempRoot();
  return {
    store: new LocalObjectStore({ root, registry: new Registry() }),
    leftovers: async () => readdir(path.join(root, '.tmp')).catch(() => []),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe(LocalObjectStore.name, () => {
  let root: string;
  let registry: Registry;
  let sut: LocalObjectStore;

  beforeEach(async () => {
    root = await tempRoot();
    registry = new Registry();
    sut = new LocalObjectStore({ root, registry });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores nested keys as nested directories under the root', async () => {
    await sut.put('tenant/2024/doc.xml', bodyOf(Buffer.from('<doc/>')));
    expect((await stat(path.join(root, 'tenant', '2024', 'doc.xml'))).size).toBe(6);
    expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
  });

  it('never lists the temp directory or stray dot files', async () => {
    await sut.put('a', bodyOf(Buffer.from('1')));
    await writeFile(path.join(root, '.tmp', 'orphan'), 'partial');
    await writeFile(path.join(root, '.hidden'), 'x');
    const keys: string[] = [];
    for await (const o of sut.list('')) keys.push(o.key);
    expect(keys).toEqual(['a']);
  });

  it('removes directories a delete leaves empty, but not the root', async () => {
    await sut.put('x/y/z', bodyOf(Buffer.from('1')));
    await sut.put('x/keep', bodyOf(Buffer.from('2')));
    await sut.delete('x/y/z');
    expect((await readdir(root)).sort()).toEqual(['.tmp', 'x']);
    expect(await readdir(path.join(root, 'x'))).toEqual(['keep']);
    await sut.delete('x/keep');
    expect(await readdir(root)).toEqual(['.tmp']);
  });

  it('refuses a key that would nest under an existing object, or cover an existing prefix', async () => {
    await sut.put('a/b', bodyOf(Buffer.from('1')));
    await expect(sut.put('a/b/c', bodyOf(Buffer.from('2')))).rejects.toMatchObject({
      code: ObjectStoreErrorCode.InvalidKey,
    });
    await expect(sut.put('a', bodyOf(Buffer.from('3')))).rejects.toMatchObject({
      code: ObjectStoreErrorCode.InvalidKey,
    });
    expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
    expect(await sut.stat('a')).toBeNull();
    await expect(sut.get('a')).rejects.toMatchObject({ code: ObjectStoreErrorCode.NotFound });
    await expect(sut.get('a/b/c')).rejects.toMatchObject({ code: ObjectStoreErrorCode.NotFound });
  });

  it('serves a reader the version it opened while a put replaces the object', async () => {
    await sut.put('doc', bodyOf(Buffer.from('old version')));
    const reading = await sut.get('doc');
    await sut.put('doc', bodyOf(Buffer.from('new')));
    expect((await readAll(reading.body)).toString()).toBe('old version');
    expect(reading.size).toBe(11);
  });

  it('reports UNAVAILABLE when the root cannot be used', async () => {
    const file = path.join(root, 'not-a-dir');
    await writeFile(file, 'x');
    const broken = new LocalObjectStore({ root: file, registry });
    await expect(broken.check()).rejects.toMatchObject({ code: ObjectStoreErrorCode.Unavailable });
  });

  it('counts operations, outcomes and bytes', async () => {
    await sut.put('m', bodyOf(Buffer.alloc(10)));
    await readAll((await sut.get('m')).body);
    await expect(sut.get('missing')).rejects.toMatchObject({ code: ObjectStoreErrorCode.NotFound });

    const metrics = await registry.getMetricsAsJSON();
    const values = (name: string) => metrics.find((m) => m.name === name)?.values ?? [];
    expect(values('renkei_object_store_operations_total')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { op: 'put', outcome: 'ok' }, value: 1 }),
        expect.objectContaining({ labels: { op: 'get', outcome: 'ok' }, value: 1 }),
        expect.objectContaining({ labels: { op: 'get', outcome: 'not_found' }, value: 1 }),
      ]),
    );
    expect(values('renkei_object_store_bytes_total')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { direction: 'write' }, value: 10 }),
        expect.objectContaining({ labels: { direction: 'read' }, value: 10 }),
      ]),
    );
    expect(values('renkei_object_store_operation_duration_seconds').length).toBeGreaterThan(0);
  });

  it('shares metrics between instances on one registry', () => {
    expect(() => new LocalObjectStore({ root, registry })).not.toThrow();
  });
});
