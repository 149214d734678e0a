// Office agent benchmark (issue 7): what one agent can seal and send.
//   npm run bench:agent        (the cluster part needs the infrastructure: deploy/local/infra up)
// - (a) seal time of a 1 MB unit (median and p95), the office key RSA-2048 and P-256 (sender and recipient of the
//   same type), in process: `seal()` exactly as `renkei send` calls it (goal ≤ 50 ms);
// - (b) units/s one agent seals and sends against a cluster platform, 20 KB units: the agent's own path per unit
//   (the recipient's certificate from the directory, seal, POST, the acceptance receipt verified and kept), after
//   the folder check of every unit, sequentially and with a few units in flight.
// BENCH_AGENT_SKIP_CLUSTER=1 runs (a) only.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EnvelopeKind, seal } from '@renkei/envelope';
import {
  licenceOffice,
  planUnit,
  publishOffice,
  startClusterPlatform,
  usersForUnitBytes,
  waitUntilLicensed,
  type PlatformUnderTest,
} from '@renkei/harness';
import { platformServices } from '@renkei/standalone';
import {
  authenticate,
  createDevCa,
  issueOfficeCertificate,
  readInfraEnv,
  type DevCredential,
} from '@renkei/testing';
import { officeNumbers } from './lib/office-numbers';
import { percentile, printResults, round, type BenchResult } from './lib/report';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the agent is an app, not a lib: the bench measures its own send path
import {
  PlatformClient,
  postSealed,
  postWithRetry,
  prepareSend,
  resolveEndpoints,
  sealUnit,
  type PreparedUnit,
  type Profile,
} from '../clients/agent/src';

const SEAL_RUNS = Number(process.env['BENCH_AGENT_SEAL_RUNS'] ?? 60);
const SEAL_WARMUP = 5;
const UNIT_BYTES_1MB = 1024 * 1024;
const TARGET_UNIT_BYTES = 20 * 1024;
const SEND_UNITS = Number(process.env['BENCH_AGENT_SEND_UNITS'] ?? 300);
const IN_FLIGHT = 4;
const RECIPIENTS = 4;
const SEAL_GOAL_MS = 50;

/**
 * A 予定 unit's files grown to `bytes` of plaintext: the generated CSVs, the 第6表 repeated row by row (the size
 * is what seal() pays for; it does not read the rows).
 */
function unitOfSize(bytes: number): { name: string; mediaType: string; content: Uint8Array }[] {
  const unit = planUnit({ seed: 7, users: 5 });
  const files = unit.files.map((f) => ({ name: f.fileName, mediaType: 'text/csv', content: f.bytes }));
  const base = files.reduce((sum, f) => sum + f.content.length, 0);
  const big = files[0];
  const lines = Buffer.from(big.content);
  const chunks = [lines];
  for (let size = base; size < bytes; size += lines.length) chunks.push(lines);
  const grown = Buffer.concat(chunks).subarray(0, big.content.length + (bytes - base));
  return [{ ...big, content: grown }, ...files.slice(1)];
}

async function sealTimes(keyType: 'rsa' | 'ec'): Promise<BenchResult> {
  const ca = createDevCa();
  const sender = issueOfficeCertificate(ca, { officeNumber: '1310000011', serviceTypes: ['43'], keyType });
  const recipient = issueOfficeCertificate(ca, { officeNumber: '1310000029', serviceTypes: ['11'], keyType });
  const files = unitOfSize(UNIT_BYTES_1MB);
  const total = files.reduce((sum, f) => sum + f.content.length, 0);
  const once = async (): Promise<number> => {
    const started = performance.now();
    await seal(
      {
        envelopeId: randomUUID(),
        sender: { officeNumber: '1310000011', serviceType: '43' },
        recipient: { officeNumber: '1310000029', serviceType: '11' },
        kind: EnvelopeKind.Plan,
        targetMonth: '202612',
        fileSequence: '20261201090000',
        createdAt: new Date(),
        files,
      },
      {
        senderCertificate: sender.certificate,
        senderPrivateKey: sender.privateKey,
        recipientCertificate: recipient.certificate,
      },
    );
    return performance.now() - started;
  };
  for (let i = 0; i < SEAL_WARMUP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < SEAL_RUNS; i++) samples.push(await once());
  const median = percentile(samples, 50);
  const p95 = percentile(samples, 95);
  return {
    name: `agent.seal.1mb.${keyType === 'rsa' ? 'rsa2048' : 'p256'}`,
    value: median,
    unit: 'ms p50',
    // maxRSS (KiB) of the process so far: the seal runs first, before any cluster is started
    detail: `p95 ${round(p95)} ms, min ${round(Math.min(...samples))} ms over ${SEAL_RUNS} seals of ${round(total / 1024)} KB in ${files.length} files, max RSS ${round(process.resourceUsage().maxRSS / 1024)} MB (goal ≤ ${SEAL_GOAL_MS} ms: ${p95 <= SEAL_GOAL_MS ? 'met' : 'missed'} at p95)`,
  };
}

interface Office {
  party: { officeNumber: string; serviceType: string };
  credential: DevCredential;
}

function profileOf(office: Office, platform: PlatformUnderTest, dir: string): Profile {
  return {
    name: office.party.officeNumber,
    dir,
    settings: {
      version: 1,
      officeNumber: office.party.officeNumber,
      serviceTypes: [office.party.serviceType],
      platformUrl: platform.urls.intake,
      certificateSha256: office.credential.fingerprint,
      createdAt: new Date().toISOString(),
    },
    certificate: office.credential.certificate,
    certificatePem: office.credential.certificatePem,
    privateKey: office.credential.privateKey,
    trustAnchorsPem: platform.devCa.certificatePem,
    keyProtection: 'passphrase',
  };
}

/** the agent's send path for each unit, `lanes` at a time: units/s and per-unit latency */
async function sendAll(
  client: PlatformClient,
  profile: Profile,
  units: readonly PreparedUnit[],
  lanes: number,
): Promise<{ perSecond: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < units.length) {
        const unit = units[next++];
        const at = performance.now();
        const sealed = await sealUnit(client, profile, unit);
        await postSealed(client, profile, sealed.der, (der) => postWithRetry(client, der, 3));
        latencies.push(performance.now() - at);
      }
    }),
  );
  return { perSecond: units.length / ((performance.now() - started) / 1000), latencies };
}

async function agentSends(): Promise<BenchResult[]> {
  const platform = await startClusterPlatform({
    infra: readInfraEnv(),
    definitions: platformServices,
    logLevel: 'error',
  });
  const home = await mkdtemp(path.join(os.tmpdir(), 'renkei-bench-agent-'));
  try {
    const numbers = officeNumbers(RECIPIENTS + 1, 1320000000);
    const make = (officeNumber: string, serviceType: string, keyType: 'rsa' | 'ec'): Office => ({
      party: { officeNumber, serviceType },
      credential: issueOfficeCertificate(platform.devCa, {
        officeNumber,
        serviceTypes: [serviceType],
        keyType,
      }),
    });
    const sender = make(numbers[0], '43', 'rsa');
    const recipients = numbers.slice(1).map((n, i) => make(n, '11', i % 2 === 0 ? 'ec' : 'rsa'));
    // in the directory and licensed through registry's real API, as bench/exchange.ts registers its offices
    for (const office of [sender, ...recipients]) {
      const token = await authenticate(platform.urls.certificate, office.credential);
      await publishOffice(platform.urls.registry, token, office.credential);
      await licenceOffice(platform.urls.registry, token, office.credential);
    }
    await waitUntilLicensed(platform, numbers);

    const profile = profileOf(sender, platform, home);
    const client = new PlatformClient(resolveEndpoints(platform.urls.intake, platform.agentEnv), {
      certificate: sender.credential.certificate,
      privateKey: sender.credential.privateKey,
    });
    const users = usersForUnitBytes(TARGET_UNIT_BYTES);
    const prepare = (count: number, seedFrom: number): { units: PreparedUnit[]; checkMs: number } => {
      const files = Array.from({ length: count }, (_, i) =>
        planUnit({
          seed: seedFrom + i,
          users,
          sender: sender.party,
          recipient: recipients[i % RECIPIENTS].party,
        }),
      );
      const started = performance.now();
      const units = files.flatMap(
        (unit) =>
          prepareSend(
            unit.files.map((f) => ({ fileName: f.fileName, bytes: f.bytes })),
            profile,
          ).units,
      );
      if (units.length !== count) throw new Error(`only ${units.length} of ${count} units passed the check`);
      return { units, checkMs: (performance.now() - started) / count };
    };
    const unitBytes = (units: PreparedUnit[]) =>
      units.reduce((sum, u) => sum + u.files.reduce((s, f) => s + f.content.length, 0), 0) / units.length;

    // warm up: tokens, the directory lookups, the connection pools
    await sendAll(client, profile, prepare(20, 1).units, IN_FLIGHT);
    const results: BenchResult[] = [];
    for (const lanes of [1, IN_FLIGHT]) {
      const { units, checkMs } = prepare(SEND_UNITS, 1000 * lanes);
      const run = await sendAll(client, profile, units, lanes);
      results.push({
        name: `agent.seal-and-send.${lanes === 1 ? 'sequential' : `in-flight-${lanes}`}`,
        value: run.perSecond,
        unit: 'units/s',
        detail: `${units.length} units of ${round(unitBytes(units) / 1024)} KB (plaintext) to ${RECIPIENTS} offices, per unit p50 ${round(percentile(run.latencies, 50))} ms, p95 ${round(percentile(run.latencies, 95))} ms; folder check before sending ${round(checkMs, 2)} ms/unit (not in the rate)`,
      });
    }
    return results;
  } finally {
    await platform.stop();
    await rm(home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(
    `# Renkei agent bench  ${new Date().toISOString()}  node ${process.version}  ${cpus.length} cores`,
  );
  const results: BenchResult[] = [await sealTimes('rsa'), await sealTimes('ec')];
  if (process.env['BENCH_AGENT_SKIP_CLUSTER'] !== '1') results.push(...(await agentSends()));
  printResults(results, { cores: cpus.length, cpu: cpus[0]?.model ?? 'unknown' });
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exit(1);
});
