// Benchmark entry point:  node tools/run-ts.mjs bench/baseline.ts   (start the infrastructure first: deploy/local/infra up)
// Runs the raw infrastructure benchmarks and the outbox pipeline ones,
// and prints all figures of this one run with the machine they ran on.
import os from 'node:os';
import { readInfraEnv } from '@renkei/testing';
import { printResults } from './lib/report';
import { runOutboxBenchmarks } from './outbox-pipeline';
import { runRawInfraBenchmarks } from './raw-infra';

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
  results.push(...(await runOutboxBenchmarks(env)));

  printResults(results, { machine });
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exit(1);
});
