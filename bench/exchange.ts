// Exchange benchmark (cluster mode, all infrastructure on this machine):
//   node tools/run-ts.mjs bench/exchange.ts        (start the infrastructure first: deploy/local/infra up)
// - send units accepted/s at intake, 20 KB units, 16 requests in flight, and the request latency;
// - accepted → in-inbox latency p50/p99 (intake's acceptance time to the moment delivery filed the envelope in
//   the recipient's inbox), saturated and at a paced rate of half the measured throughput;
// - raw MinIO PUT/s for the same object size, in the same run, and the ratio;
// - intake's verification cost per envelope (parse, signature, chain and profile, unit rules), in process.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { buildSendUnit } from '@renkei/careplan';
import { CachedTrustPolicy, parseEnvelope, verifySignature } from '@renkei/envelope';
import {
  licenceOffice,
  publishOffice,
  sealPlanUnit,
  startClusterPlatform,
  usersForUnitBytes,
  waitUntilLicensed,
  type PlatformUnderTest,
} from '@renkei/harness';
import { platformServices } from '@renkei/standalone';
import { authenticate, issueOfficeCertificate, readInfraEnv, type DevCredential } from '@renkei/testing';
import { officeNumbers } from './lib/office-numbers';
import { percentile, printResults, round, type BenchResult } from './lib/report';
import { benchMinioPut } from './raw-infra';

const PAIRS = 8;
const IN_FLIGHT = 16;
const SATURATED_UNITS = 1500;
const PACED_SECONDS = 10;
const TARGET_UNIT_BYTES = 20 * 1024;
const VERIFY_ROUNDS = 2000;

interface Office {
  party: { officeNumber: string; serviceType: string };
  credential: DevCredential;
  token: string;
}

interface Prepared {
  envelopeId: string;
  der: Uint8Array;
  token: string;
}

/** the office in the directory and licensed (signed 利用申請), through registry's real API */
async function register(platform: PlatformUnderTest, office: Office): Promise<void> {
  await publishOffice(platform.urls.registry, office.token, office.credential);
  await licenceOffice(platform.urls.registry, office.token, office.credential);
}

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function prepare(
  senders: Office[],
  recipients: Office[],
  count: number,
  users: number,
): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  for (let i = 0; i < count; i++) {
    const from = senders[i % senders.length];
    const to = recipients[i % recipients.length];
    const envelopeId = randomUUID();
    const sealed = await sealPlanUnit({
      sender: from.party,
      recipient: to.party,
      seed: i + 1,
      users,
      signer: from.credential,
      recipientCertificate: to.credential.certificate,
      envelopeId,
    });
    prepared.push({ envelopeId, der: sealed.der, token: from.token });
  }
  return prepared;
}

async function post(platform: PlatformUnderTest, unit: Prepared): Promise<void> {
  const response = await fetch(`${platform.urls.intake}/v1/envelopes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${unit.token}`, 'content-type': 'application/cms' },
    body: unit.der,
  });
  if (response.status !== 202) throw new Error(`not accepted: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

/** posts every unit with `IN_FLIGHT` lanes; returns wall time and per-request latencies (ms) */
async function saturate(
  platform: PlatformUnderTest,
  units: Prepared[],
): Promise<{ ms: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < units.length) {
        const unit = units[next++];
        const at = performance.now();
        await post(platform, unit);
        latencies.push(performance.now() - at);
      }
    }),
  );
  return { ms: performance.now() - started, latencies };
}

/** posts at `perSecond`, open loop, for the given units */
async function paced(platform: PlatformUnderTest, units: Prepared[], perSecond: number): Promise<void> {
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < units.length; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(post(platform, units[i]));
  }
  await Promise.all(inFlight);
}

/** accepted → filed-in-inbox latencies (ms) of the given envelopes, once all are filed */
async function inboxLatencies(platform: PlatformUnderTest, ids: string[]): Promise<number[]> {
  const list = ids.map((id) => `'${id}'`).join(',');
  const deadline = Date.now() + 120_000;
  for (;;) {
    const rows = await query<{ ms: string }>(
      platform.databaseUrl,
      `select extract(epoch from (d.filed_at - i.accepted_at)) * 1000 as ms
         from intake.envelope i join delivery.envelope d using (envelope_id)
        where d.filed_at is not null and i.envelope_id in (${list})`,
    );
    if (rows.length === ids.length) return rows.map((row) => Number(row.ms));
    if (Date.now() > deadline) throw new Error(`only ${rows.length} of ${ids.length} filed after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** what intake does per envelope before storing it, without I/O: the cost of verification at the door */
function verificationCost(units: Prepared[], policy: CachedTrustPolicy): BenchResult {
  const started = performance.now();
  for (let i = 0; i < VERIFY_ROUNDS; i++) {
    const parsed = parseEnvelope(units[i % units.length].der);
    verifySignature(parsed, { publicKey: policy.publicKey(parsed.signerCertificate) });
    policy.validate(parsed.signerCertificate, parsed.otherCertificates, {
      at: new Date(),
      signedAt: new Date(parsed.manifest.createdAt),
    });
    buildSendUnit(parsed.manifest.files.map((file) => ({ fileName: file.name })));
  }
  const perEnvelopeUs = ((performance.now() - started) * 1000) / VERIFY_ROUNDS;
  return {
    name: 'intake.verify.per-envelope',
    value: perEnvelopeUs,
    unit: 'µs',
    detail: `intake's path: DER read + cached verdict and key + native verify + unit rules, ${VERIFY_ROUNDS} rounds in one process (${round(1e6 / perEnvelopeUs)}/s on one core)`,
  };
}

async function main(): Promise<void> {
  const infra = readInfraEnv();
  const cpus = os.cpus();
  console.log(
    `# Renkei exchange bench  ${new Date().toISOString()}  node ${process.version}  ${cpus.length} cores`,
  );
  const results: BenchResult[] = [];
  const minio = await benchMinioPut(infra);
  results.push(...minio);

  // BENCH_SERVICE_NODE_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the service processes
  const nodeFlags = process.env['BENCH_SERVICE_NODE_FLAGS'];
  const platform = await startClusterPlatform({
    infra,
    definitions: platformServices,
    logLevel: 'error',
    env: nodeFlags ? { RUN_TS_NODE_FLAGS: nodeFlags } : {},
  });
  try {
    const numbers = officeNumbers(PAIRS * 2, 1310000000);
    const make = async (officeNumber: string, serviceType: string): Promise<Office> => {
      const credential = issueOfficeCertificate(platform.devCa, {
        officeNumber,
        serviceTypes: [serviceType],
        keyType: 'ec',
      });
      return {
        party: { officeNumber, serviceType },
        credential,
        token: await authenticate(platform.urls.certificate, credential),
      };
    };
    const senders = await Promise.all(numbers.slice(0, PAIRS).map((n) => make(n, '43')));
    const recipients = await Promise.all(numbers.slice(PAIRS).map((n) => make(n, '11')));
    for (const office of [...senders, ...recipients]) await register(platform, office);
    for (let i = 0; ; i++) {
      const [{ n }] = await query<{ n: string }>(
        platform.databaseUrl,
        'select count(*) as n from intake.known_office',
      );
      if (Number(n) === PAIRS * 2) break;
      if (i > 120) throw new Error('intake did not learn the directory in 60 s');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await waitUntilLicensed(platform, numbers);

    const users = usersForUnitBytes(TARGET_UNIT_BYTES);
    const warmup = await prepare(senders, recipients, 100, users);
    const units = await prepare(senders, recipients, SATURATED_UNITS, users);
    const unitBytes = units.reduce((sum, unit) => sum + unit.der.length, 0) / units.length;
    await saturate(platform, warmup);

    const saturated = await saturate(platform, units);
    const acceptedPerSecond = units.length / (saturated.ms / 1000);
    results.push({
      name: 'exchange.accepted',
      value: acceptedPerSecond,
      unit: 'units/s',
      detail: `${units.length} units of ${round(unitBytes / 1024)} KB (envelope), ${IN_FLIGHT} in flight, request p50 ${round(percentile(saturated.latencies, 50))} ms, p99 ${round(percentile(saturated.latencies, 99))} ms`,
    });
    const minioPerSecond = minio[0].value;
    results.push({
      name: 'exchange.accepted.vs-minio-put',
      value: acceptedPerSecond / minioPerSecond,
      unit: 'ratio',
      detail: `accepted/s ÷ raw MinIO PUT/s of 20 KB (${round(minioPerSecond)}/s) in this run`,
    });
    const saturatedInbox = await inboxLatencies(
      platform,
      units.map((unit) => unit.envelopeId),
    );
    results.push({
      name: 'exchange.accepted-to-inbox.saturated',
      value: percentile(saturatedInbox, 50),
      unit: 'ms p50',
      detail: `p99 ${round(percentile(saturatedInbox, 99))} ms over ${saturatedInbox.length} units while saturated`,
    });

    const rate = Math.max(1, Math.round(acceptedPerSecond / 2));
    const pacedUnits = await prepare(senders, recipients, rate * PACED_SECONDS, users);
    await paced(platform, pacedUnits, rate);
    const pacedInbox = await inboxLatencies(
      platform,
      pacedUnits.map((unit) => unit.envelopeId),
    );
    results.push({
      name: 'exchange.accepted-to-inbox.paced',
      value: percentile(pacedInbox, 50),
      unit: 'ms p50',
      detail: `p99 ${round(percentile(pacedInbox, 99))} ms over ${pacedInbox.length} units at ${rate} units/s (half the saturated rate)`,
    });

    results.push(verificationCost(units, CachedTrustPolicy.fromPem(platform.devCa.certificatePem)));
  } finally {
    await platform.stop();
  }
  printResults(results, { cores: cpus.length, cpu: cpus[0]?.model ?? 'unknown' });
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exit(1);
});
