// Benchmark entry point:  node tools/run-ts.mjs bench/baseline.ts   (start the infrastructure first: deploy/local/infra up)
// Runs the raw infrastructure benchmarks and, when bench/outbox-pipeline.ts exists, the outbox pipeline ones,
// and prints all figures of this one run with the machine they ran on.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readInfraEnv, type InfraEnv } from '@renkei/testing';
import { printResults, type BenchResult } from './lib/report';
import { runRawInfraBenchmarks } from './raw-infra';

type OutboxModule = { runOutboxBenchmarks?: (env: InfraEnv) => Promise<BenchResult[]> };

function loadOutboxBenchmarks(): OutboxModule['runOutboxBenchmarks'] {
  const modulePath = path.join(__dirname, 'outbox-pipeline');
  if (!existsSync(`${modulePath}.ts`) && !existsSync(`${modulePath}.js`)) return undefined;
  try {
    // Dynamic on purpose: another module, absent in early checkouts.
    return (require(modulePath) as OutboxModule).runOutboxBenchmarks;
  } catch (error) {
    console.error('bench/outbox-pipeline could not be loaded; skipped:', error);
    return undefined;
  }
}

async function main(): Promise<void> {
  const env = readInfraEnv();
  const cpus = os.cpus();
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.type()} ${os.release()}`,
  };
  console.log(
    `# Renkei baseline  ${machine.date}  node ${machine.node}  ${machine.cores} cores (${machine.cpu})  ${machine.memoryGiB} GiB`,
  );

  const results = await runRawInfraBenchmarks(env);
  const runOutboxBenchmarks = loadOutboxBenchmarks();
  if (runOutboxBenchmarks) results.push(...(await runOutboxBenchmarks(env)));
  else console.log('# bench/outbox-pipeline.ts not present: outbox benchmarks skipped');

  printResults(results, { machine });
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exit(1);
});
