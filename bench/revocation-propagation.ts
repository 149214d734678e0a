// Revocation propagation bench (cluster mode, all infrastructure on this machine):
//   npm run bench:revocation        (start the infrastructure first: deploy/local/infra up)
// How long a revocation takes to stop the next send on EVERY intake replica: an operator uploads a CRL listing
// the sender's certificate to the certificate service (POST /v1/trust/crls) at t0; meanwhile each intake replica
// is sent the same envelope by that sender in a tight loop (202 the first time, 409 ENVELOPE_DUPLICATE while it
// still trusts the certificate, because the certificate checks come before de-duplication); the figure is the
// time from t0 to the first 422 CERTIFICATE_REVOKED each replica answers. The path: certificate's transaction
// (CRL + revoked rows + outbox) → relay → Kafka → one intake replica's consumer (read-model row + NOTIFY) →
// every replica's LISTEN → its in-memory revocation set.
import os from 'node:os';
import { randomUUID, X509Certificate } from 'node:crypto';
import {
  enrolOffice,
  sealPlanUnit,
  startClusterPlatform,
  waitUntilLicensed,
  type PlatformUnderTest,
} from '@renkei/harness';
import { createDevCrl } from '@renkei/pki';
import { platformServices } from '@renkei/standalone';
import { authenticate, issueOfficeCertificate, readInfraEnv, type DevCredential } from '@renkei/testing';
import { officeNumbers } from './lib/office-numbers';
import { percentile, printResults, round, type BenchResult } from './lib/report';

const INTAKE_REPLICAS = Number(process.env['BENCH_INTAKE_REPLICAS'] ?? 3);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const ROUND_TIMEOUT_MS = 30_000;

interface Party {
  officeNumber: string;
  serviceType: string;
}

async function expectStatus(response: Response, status: number, what: string): Promise<unknown> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${text}`);
  return text.length > 0 ? JSON.parse(text) : undefined;
}

async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** posts `der` to one intake replica until it answers 422 CERTIFICATE_REVOKED; ms after t0 */
async function untilRevoked(url: string, token: string, der: Uint8Array, t0: number): Promise<number> {
  for (;;) {
    const response = await fetch(`${url}/v1/envelopes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cms' },
      body: der,
    });
    const body = (await response.json()) as { code?: string };
    const now = performance.now();
    if (response.status === 422 && body.code === 'CERTIFICATE_REVOKED') return now - t0;
    if (response.status !== 202 && !(response.status === 409 && body.code === 'ENVELOPE_DUPLICATE')) {
      throw new Error(`unexpected answer ${response.status} ${JSON.stringify(body)}`);
    }
    if (now - t0 > ROUND_TIMEOUT_MS) throw new Error(`${url} still accepts after ${ROUND_TIMEOUT_MS} ms`);
  }
}

async function main(): Promise<void> {
  const infra = readInfraEnv();
  const cpus = os.cpus();
  console.log(
    `# Renkei revocation propagation bench  ${new Date().toISOString()}  node ${process.version}  ${cpus.length} cores  ${INTAKE_REPLICAS} intake replicas  ${ROUNDS} rounds`,
  );
  const platform: PlatformUnderTest = await startClusterPlatform({
    infra,
    definitions: platformServices,
    logLevel: 'error',
    replicas: { intake: INTAKE_REPLICAS },
  });
  try {
    const [senderNumber, recipientNumber] = officeNumbers(2, 1320000000);
    const operator = issueOfficeCertificate(platform.devCa, {
      officeNumber: 'OP00000001',
      serviceTypes: [],
      roles: ['operator'],
      keyType: 'ec',
    });
    const operatorToken = await authenticate(platform.urls.certificate, operator);
    const recipientParty: Party = { officeNumber: recipientNumber, serviceType: '11' };
    const recipient = issueOfficeCertificate(platform.devCa, {
      officeNumber: recipientNumber,
      serviceTypes: ['11'],
      keyType: 'ec',
    });
    // both offices in the directory and licensed (signed 利用申請) through registry's real API
    await enrolOffice(platform, recipient);
    const senderParty: Party = { officeNumber: senderNumber, serviceType: '43' };
    await enrolOffice(
      platform,
      issueOfficeCertificate(platform.devCa, {
        officeNumber: senderNumber,
        serviceTypes: ['43'],
        keyType: 'ec',
      }),
    );
    await waitUntilLicensed(platform, [senderNumber, recipientNumber]);

    const revoked: { serialNumber: string; revokedAt: Date }[] = [];
    const perReplica: number[][] = platform.replicaUrls.intake.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      // a fresh certificate per round: the previous one is revoked already
      const sender: DevCredential = issueOfficeCertificate(platform.devCa, {
        officeNumber: senderNumber,
        serviceTypes: ['43'],
        keyType: 'ec',
      });
      const token = await authenticate(platform.urls.certificate, sender);
      const sealed = await sealPlanUnit({
        sender: senderParty,
        recipient: recipientParty,
        seed: round + 1,
        users: 5,
        signer: sender,
        recipientCertificate: recipient.certificate,
        envelopeId: randomUUID(),
      });
      // the recipient must be in every replica's directory before the first round: wait for a 202 from each
      for (const url of platform.replicaUrls.intake) {
        await waitUntil(`${url} accepts`, async () => {
          const response = await fetch(`${url}/v1/envelopes`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cms' },
            body: sealed.der,
          });
          await response.arrayBuffer();
          return response.status === 202 || response.status === 409;
        });
      }
      revoked.push({
        serialNumber: new X509Certificate(sender.certificate).serialNumber,
        revokedAt: new Date(),
      });
      const crl = createDevCrl(platform.devCa, { entries: revoked, crlNumber: round + 1 });
      const t0 = performance.now();
      const upload = fetch(`${platform.urls.certificate}/v1/trust/crls`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/pkix-crl' },
        body: crl,
      }).then((response) => expectStatus(response, 201, 'CRL upload'));
      const times = await Promise.all(
        platform.replicaUrls.intake.map((url) => untilRevoked(url, token, sealed.der, t0)),
      );
      await upload;
      times.forEach((ms, replica) => perReplica[replica].push(ms));
      console.log(`round ${round + 1}: ${times.map((ms) => `${round1(ms)} ms`).join(', ')}`);
    }

    const results: BenchResult[] = perReplica.map((samples, replica) => ({
      name: `revocation.propagation.intake-${replica + 1}`,
      value: percentile(samples, 50),
      unit: 'ms p50',
      detail: `max ${round(Math.max(...samples))} ms over ${samples.length} revocations`,
    }));
    const all = perReplica.flat();
    const lastReplica = perReplica[0].map((_, i) => Math.max(...perReplica.map((samples) => samples[i])));
    results.push({
      name: 'revocation.propagation.every-replica',
      value: percentile(lastReplica, 50),
      unit: 'ms p50',
      detail: `time until the LAST of ${perReplica.length} replicas refuses: p50 ${round(percentile(lastReplica, 50))}, max ${round(Math.max(...lastReplica))} ms; all samples p99 ${round(percentile(all, 99))} ms`,
    });
    printResults(results, { cores: cpus.length, cpu: cpus[0]?.model ?? 'unknown' });
  } finally {
    await platform.stop();
  }
}

function round1(ms: number): number {
  return round(ms, 1);
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exit(1);
});
