import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireWatchLock } from './watch-lock';

describe(acquireWatchLock.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second watcher while the first one lives, and frees the lock on release', async () => {
    const file = join(dir, 'watch.lock');
    const lock = await acquireWatchLock(file, 1001, () => true);

    await expect(acquireWatchLock(file, 1002, () => true)).rejects.toMatchObject({
      code: 'WATCH_LOCKED',
      exitCode: 4,
    });

    await lock.release();
    expect(existsSync(file)).toBe(false);
    await (await acquireWatchLock(file, 1002, () => true)).release();
  });

  it('takes over the lock of a watcher that is gone (killed)', async () => {
    const file = join(dir, 'watch.lock');
    writeFileSync(file, '999999\n');

    const lock = await acquireWatchLock(file, 1003, (pid) => pid !== 999999);

    expect(readFileSync(file, 'utf8')).toBe('1003\n');
    await lock.release();
  });
});
