// A 200 MiB object streams through each adapter with bounded memory. The round trip runs in a child process
// (fixtures/stream-200mb.ts) so Jest's own heap does not blur the measurement.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { uniqueName } from '@renkei/testing';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../../../..');
const fixture = path.join(__dirname, 'fixtures', 'stream-200mb.ts');
const OBJECT_BYTES = 200 * 1024 * 1024;
/**
 * Well under the object size: the adapters hold about one chunk (local) or one 16 MiB part (MinIO), and an
 * adapter that buffered the object would grow by 200 MB or more. Garbage-collection timing alone moved the MinIO
 * figure between 56 and 104 MB on the CI machine, so the bound leaves that margin and still catches buffering.
 */
const MAX_RSS_GROWTH_MB = 150;

interface StreamReport {
  readonly adapter: string;
  readonly ok: boolean;
  readonly bytes: number;
  readonly putSize: number;
  readonly readBytes: number;
  readonly baselineRssMB: number;
  readonly peakRssMB: number;
  readonly rssGrowthMB: number;
  readonly maxRssMB: number;
  readonly putMs: number;
  readonly getMs: number;
}

async function streamThrough(args: string[]): Promise<StreamReport> {
  const { stdout } = await run(
    process.execPath,
    [path.join(repoRoot, 'tools', 'run-ts.mjs'), fixture, ...args],
    {
      cwd: repoRoot,
      env: process.env,
      maxBuffer: 1024 * 1024,
    },
  );
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as StreamReport;
  // the figures belong in the test log: they are the evidence, not just the pass/fail
  process.stdout.write(`stream-200mb ${JSON.stringify(report)}\n`);
  return report;
}

function expectBounded(report: StreamReport): void {
  expect(report).toMatchObject({
    ok: true,
    bytes: OBJECT_BYTES,
    putSize: OBJECT_BYTES,
    readBytes: OBJECT_BYTES,
  });
  expect(report.rssGrowthMB).toBeLessThan(MAX_RSS_GROWTH_MB);
}

describe('object store streaming memory', () => {
  it('streams 200 MiB through LocalObjectStore with bounded memory', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'renkei-stream-200mb-'));
    try {
      expectBounded(await streamThrough(['local', '--root', root]));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('streams 200 MiB through MinioObjectStore with bounded memory', async () => {
    // the fixture deletes its object; a failed run leaves at most this file's prefix behind
    expectBounded(
      await streamThrough([
        'minio',
        '--key-prefix',
        uniqueName('object-store-memory').replace(/[^A-Za-z0-9_-]/g, '-'),
      ]),
    );
  });
});
