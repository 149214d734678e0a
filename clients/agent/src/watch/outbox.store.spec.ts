import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxStore, UNIT_FILE } from './outbox.store';

const party = (officeNumber: string, serviceType: string) => ({ officeNumber, serviceType });

describe(OutboxStore.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function stage(store: OutboxStore, sequence: string) {
    return store.stage(
      {
        key: `${sequence}_1310000004-43_1320000001-11`,
        fileSequence: sequence,
        kind: 'plan',
        targetMonth: '202612',
        sender: party('1310000004', '43'),
        recipient: party('1320000001', '11'),
      },
      [{ name: 'A.CSV', mediaType: 'text/csv', content: Buffer.from('a') }],
      new Date('2026-12-03T00:00:00Z'),
    );
  }

  it('reads a unit in a final state from disk once; one still on its way at every load', async () => {
    const store = new OutboxStore(dir);
    await store.init();
    const done = await stage(store, '20261201090000');
    await store.save({ ...done, state: 'archived', envelopeId: '0b6d3f5e-8a2c-4c7e-9f1a-2b3c4d5e6f70' });
    const waiting = await stage(store, '20261201100000');
    expect((await store.load()).map((u) => u.state)).toEqual(['archived', 'staged']);

    // what is on disk for the archived unit is no longer read; the staged one's is
    writeFileSync(join(store.root, done.key, UNIT_FILE), 'not json');
    expect((await store.load()).map((u) => u.state)).toEqual(['archived', 'staged']);
    expect((await store.get(done.key))?.state).toBe('archived');
    writeFileSync(join(store.root, waiting.key, UNIT_FILE), '{"version":2}');
    await expect(store.load()).rejects.toMatchObject({ code: 'WATCH_QUEUE_CORRUPT' });

    // a fresh store (a restart) reads everything again
    await expect(new OutboxStore(dir).load()).rejects.toThrow();
  });
});
