// Benchmark entry point:  node tools/run-ts.mjs bench/envelope-verify.ts [units=500]
// Seals N realistic 20 KB 予定 units (careplan's generateUnit) with office certificates of the dev CA, for RSA-2048,
// RSA-3072 and ECDSA P-256 signers, then measures envelope verification in ONE process on ONE core (everything
// here is synchronous on the main thread, so each figure is a per-core figure), in the same run:
//   (a) naive: the full pkijs parse and pkijs SignedData.verify with the signer certificate,
//   (b) RSA-2048 only: the pkijs-based parse + verifySignature + the uncached office-certificate policy,
//   (c) the fast path intake runs: DER reader parse + native verify with the cached public key + CachedTrustPolicy
//       (cached evaluation, signing time and a revocation lookup in a set of REVOKED entries on every call),
//   (c') RSA-2048 only: the same with the older CachedOfficeCertificatePolicy,
// and the (c)/(a) ratio and the per-core figure against the goal of GOAL_PER_CORE verifications/s. Finally the
// eContent's SHA-256 alone, one-shot (as the parse does it) and incrementally in 16 KB chunks (as a digest
// computed while the body streams in would), to size what streaming the digest could take off verification.
// Each figure is the best of several passes over all units after a warm-up (the fast paths are measured first,
// after WARM_UP_MS of warm-up): on a shared machine the
// best pass is the one least disturbed by other processes.
import { createHash, hash, webcrypto } from 'node:crypto';
import os from 'node:os';
import * as pkijs from 'pkijs';
import { FileDirection, generateUnit, SendUnitType } from '@renkei/careplan';
import {
  CachedOfficeCertificatePolicy,
  CachedTrustPolicy,
  EnvelopeKind,
  OfficeCertificatePolicy,
  parseEnvelope,
  parseEnvelopeWithPkijs,
  RevocationSet,
  seal,
  snapshotFromPem,
  verifySignature,
} from '@renkei/envelope';
import { usersForUnitBytes } from '@renkei/harness';
import { createDevCa, issueOfficeCertificate, type DevCa, type DevCredential } from '@renkei/pki';
import { printResults, round, type BenchResult } from './lib/report';

const TARGET_UNIT_BYTES = 20 * 1024;
const SIGNERS = 20;
/** passes measured after the warm-up pass (the best one counts): few for the slow paths, more for the fast */
const SLOW_ROUNDS = 3;
const FAST_ROUNDS = 15;
/** units the slow paths (a) and (b) verify per pass: their rate does not depend on the count */
const SLOW_UNITS = 100;
/** revoked certificates in the trust snapshot the fast path looks its signer up in */
const REVOKED = 10_000;
const GOAL_PER_CORE = 10_000;
const STREAM_CHUNK = 16 * 1024;
const WARM_UP_MS = 2000;

interface SignerKind {
  readonly name: string;
  readonly keyType: 'rsa' | 'ec';
  readonly rsaBits?: number;
}

const SIGNER_KINDS: readonly SignerKind[] = [
  // the first kind also gets (b) and (c')
  { name: 'RSA-2048', keyType: 'rsa', rsaBits: 2048 },
  { name: 'RSA-3072', keyType: 'rsa', rsaBits: 3072 },
  { name: 'ECDSA P-256', keyType: 'ec' },
];

type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];

interface Sealed {
  readonly der: Uint8Array;
}

const seconds = async (work: () => Promise<void> | void): Promise<number> => {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
};

async function sealUnits(count: number, signers: readonly DevCredential[], users: number): Promise<Sealed[]> {
  const recipient = signers[0];
  const sealed: Sealed[] = [];
  for (let i = 0; i < count; i++) {
    const unit = generateUnit({
      seed: i + 1,
      direction: FileDirection.FromPlanner,
      month: '202612',
      type: SendUnitType.ServiceUsagePlan,
      users,
    });
    const signer = signers[i % signers.length];
    const { der } = await seal(
      {
        envelopeId: webcrypto.randomUUID(),
        sender: unit.sender,
        recipient: unit.recipient,
        kind: EnvelopeKind.Plan,
        targetMonth: '202612',
        fileSequence: unit.sequence,
        createdAt: new Date(),
        files: unit.files.map((f) => ({ name: f.fileName, mediaType: 'text/csv', content: f.bytes })),
      },
      {
        senderCertificate: signer.certificate,
        senderPrivateKey: signer.privateKey,
        recipientCertificate: recipient.certificate,
      },
    );
    sealed.push({ der });
  }
  return sealed;
}

function signersOf(ca: DevCa, kind: SignerKind): DevCredential[] {
  return Array.from({ length: SIGNERS }, (_, i) =>
    issueOfficeCertificate(ca, {
      officeNumber: `13${String(i).padStart(8, '0')}`,
      serviceTypes: ['43'],
      keyType: kind.keyType,
      rsaBits: kind.rsaBits,
    }),
  );
}

/** REVOKED made-up revocations of one issuer (none of them a signer of the bench), in the set read models use */
function revocations(): RevocationSet {
  const issuerNameSha256 = 'f'.repeat(64);
  return new RevocationSet(
    Array.from({ length: REVOKED }, (_, i) => ({
      issuerNameSha256,
      serialNumber: (0x7f000000 + i).toString(16),
    })),
  );
}

/** (a) the whole envelope through asn1js + pkijs, signature checked by pkijs over WebCrypto */
async function naive(der: Uint8Array): Promise<void> {
  const contentInfo = pkijs.ContentInfo.fromBER(der);
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  const ok = await signedData.verify({ signer: 0, checkChain: false });
  if (!ok) throw new Error('naive verification failed');
}

/** best of `rounds` passes over all units (after one warm-up pass), in verifications per second */
async function rate(
  units: readonly Sealed[],
  work: (der: Uint8Array) => Promise<void> | void,
  rounds: number,
): Promise<number> {
  const pass = () =>
    seconds(async () => {
      for (const unit of units) await work(unit.der);
    });
  await pass();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) best = Math.min(best, await pass());
  return units.length / best;
}

/** as `rate` for synchronous work, without an await per unit */
function syncRate(units: readonly Sealed[], work: (der: Uint8Array) => void, rounds: number): number {
  const pass = (): number => {
    const start = process.hrtime.bigint();
    for (const unit of units) work(unit.der);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  pass();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) best = Math.min(best, pass());
  return units.length / best;
}

function figures(name: string, perSecond: number, detail = ''): BenchResult[] {
  return [
    { name, value: round(perSecond, 0), unit: 'verifications/s', detail },
    { name: `${name} each`, value: round(1e6 / perSecond, 1), unit: 'µs' },
  ];
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 500);
  const cpus = os.cpus();
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    cores: cpus.length,
    cpu: cpus[0]?.model,
  };
  console.log(
    `# envelope verify  ${machine.date}  node ${machine.node}  ${machine.cores} cores (${machine.cpu}); ` +
      'measured on one core (one process, main thread)',
  );
  pkijs.setEngine(
    'node-webcrypto',
    new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as EngineCrypto }),
  );

  const ca = createDevCa();
  const users = usersForUnitBytes(TARGET_UNIT_BYTES);
  const at = new Date();
  const trust = new CachedTrustPolicy(snapshotFromPem(ca.certificatePem, ['office'], revocations()));
  const office = CachedOfficeCertificatePolicy.fromPem(ca.certificatePem);
  const uncached = OfficeCertificatePolicy.fromPem(ca.certificatePem);
  /** (c): what intake does per envelope before it stores anything */
  const fast = (der: Uint8Array): void => {
    const parsed = parseEnvelope(der);
    verifySignature(parsed, { publicKey: trust.publicKey(parsed.signerCertificate) });
    const signedAt = new Date(parsed.manifest.createdAt);
    trust.validate(parsed.signerCertificate, parsed.otherCertificates, { at, signedAt });
  };
  const fastWithOfficePolicy = (der: Uint8Array): void => {
    const parsed = parseEnvelope(der);
    verifySignature(parsed, { publicKey: office.publicKey(parsed.signerCertificate) });
    office.validate(parsed.signerCertificate, parsed.otherCertificates, at);
  };

  const sealed: { kind: SignerKind; units: Sealed[] }[] = [];
  for (const kind of SIGNER_KINDS)
    sealed.push({ kind, units: await sealUnits(count, signersOf(ca, kind), users) });
  const firstUnits = sealed[0].units;
  const unitBytes = Math.round(firstUnits.reduce((sum, u) => sum + u.der.byteLength, 0) / firstUnits.length);

  // the fast paths first, after a warm-up long enough for the optimizing compiler and for the garbage of
  // sealing to be collected, so neither lands in a measured pass
  const warmUntil = Date.now() + WARM_UP_MS;
  while (Date.now() < warmUntil) {
    for (const { units } of sealed) units.forEach((unit) => fast(unit.der));
    firstUnits.forEach((unit) => fastWithOfficePolicy(unit.der));
  }
  const fastRates = sealed.map(({ units }) => syncRate(units, fast, FAST_ROUNDS));
  const officeRate = syncRate(firstUnits, fastWithOfficePolicy, FAST_ROUNDS);

  const results: BenchResult[] = [];
  for (const [index, { kind, units }] of sealed.entries()) {
    const slowUnits = units.slice(0, SLOW_UNITS);
    const naiveRate = await rate(slowUnits, naive, SLOW_ROUNDS);
    const fastRate = fastRates[index];
    results.push(
      ...figures(
        `(a) ${kind.name}: naive pkijs parse + SignedData.verify`,
        naiveRate,
        `${slowUnits.length} units of ~${round(unitBytes / 1024, 1)} KB, ${SIGNERS} signers`,
      ),
      ...figures(
        `(c) ${kind.name}: fast path (DER reader + native verify + CachedTrustPolicy)`,
        fastRate,
        `${units.length} units, ${REVOKED} revocations in the snapshot`,
      ),
      { name: `(c) / (a) ${kind.name}`, value: round(fastRate / naiveRate, 1), unit: 'x' },
      {
        name: `(c) ${kind.name} per core vs goal ${GOAL_PER_CORE.toLocaleString('en-US')}/s`,
        value: round((100 * fastRate) / GOAL_PER_CORE, 0),
        unit: '%',
        detail: fastRate >= GOAL_PER_CORE ? 'meets the goal' : 'BELOW the goal',
      },
    );
    if (index === 0) {
      const todayRate = await rate(
        slowUnits,
        (der) => {
          const parsed = parseEnvelopeWithPkijs(der);
          verifySignature(parsed);
          uncached.validate(parsed.signerCertificate.der, parsed.otherCertificates, at);
        },
        SLOW_ROUNDS,
      );
      results.push(
        ...figures(`(b) ${kind.name}: pkijs parse + verifySignature + uncached policy`, todayRate),
        ...figures(`(c') ${kind.name}: fast path with CachedOfficeCertificatePolicy`, officeRate),
      );
    }
  }

  // the eContents alone, in the shape syncRate takes
  const contents: Sealed[] = firstUnits.map((unit) => ({ der: parseEnvelope(unit.der).content }));
  const oneShot = syncRate(contents, (content) => void hash('sha256', content, 'hex'), FAST_ROUNDS);
  const streamed = syncRate(
    contents,
    (content) => {
      const digest = createHash('sha256');
      for (let at = 0; at < content.byteLength; at += STREAM_CHUNK) {
        digest.update(content.subarray(at, at + STREAM_CHUNK));
      }
      digest.digest('hex');
    },
    FAST_ROUNDS,
  );
  results.push(
    { name: 'eContent SHA-256, one-shot (inside (c))', value: round(1e6 / oneShot, 1), unit: 'µs' },
    {
      name: `eContent SHA-256, streamed in ${STREAM_CHUNK / 1024} KB chunks`,
      value: round(1e6 / streamed, 1),
      unit: 'µs',
    },
  );

  printResults(results, { ...machine, units: count, unitBytes, signers: SIGNERS });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
