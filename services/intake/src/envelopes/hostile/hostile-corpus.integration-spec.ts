// The hostile corpus at the door: every case of fixtures/hostile-corpus.ts POSTed to intake booted on the real
// PostgreSQL and MinIO (the intake harness). Each must get exactly its documented code and status, never a 5xx,
// and leave nothing behind: no intake.envelope row, no outbox event, no object (checked per case, and once over
// the whole corpus). Intake runs in this process, so its memory is this process's RSS.
import { LicenceState } from '@renkei/contracts';
import {
  createWorld,
  buildCorpus,
  A,
  licenceWorld,
  trustEvents,
  C,
  U,
  type HostileCase,
} from './fixtures/hostile-corpus';
import { objectKeyOf } from '../envelopes.service';
import { IntakeHarness } from '../fixtures/intake.harness';

const world = createWorld();
const corpus = buildCorpus(world);

/** cases where intake does not do what docs/exchange.md promises; run with it.failing so they stay visible */
// (the corpus found one: a UTF-8 BOM before the manifest JSON was accepted and stored; fixed in decodeManifest)
const KNOWN_BUGS: Readonly<Record<string, string>> = {};
const keyOf = (c: HostileCase): string => `${c.group}: ${c.name}`;
const bugs = corpus.filter((c) => KNOWN_BUGS[keyOf(c)] !== undefined);
const sound = corpus.filter((c) => KNOWN_BUGS[keyOf(c)] === undefined);
const named = (cases: HostileCase[]) => cases.map((c) => [keyOf(c), c] as const);

const RSS_BOUND_BYTES = 200 * 1024 * 1024;

describe('hostile corpus at POST /v1/envelopes (MinIO)', () => {
  const harness = new IntakeHarness({ objectStore: 'minio', trustAnchorsPem: world.ca.certificatePem });
  const tokens = new Map<string, string | undefined>();
  const envelopeIds = new Set<string>();
  const answered = new Map<number, number>();
  let before: Counts;
  let rssBefore: number;
  let started: number;

  interface Counts {
    envelopes: number;
    outbox: number;
  }

  async function counts(): Promise<Counts> {
    const [row] = await harness.query<Counts>(
      `select (select count(*)::int from intake.envelope) as envelopes,
              (select count(*)::int from intake.outbox_event) as outbox`,
    );
    return row;
  }

  beforeAll(async () => {
    await harness.start();
    // the directory and the licences the 'licences' group is about, as registry publishes them
    const { offices, licences } = licenceWorld();
    for (const party of offices) await harness.publishOffice({ party });
    await harness.waitForOffices(offices.length);
    for (const licence of licences) {
      await harness.publishLicence({
        ...licence,
        state: licence.state === 'active' ? LicenceState.ACTIVE : LicenceState.SUSPENDED,
      });
    }
    await harness.waitForLicences(licences.length);
    // the trust configuration and revocations the 'trust' group is about, as the certificate service publishes them
    for (const message of trustEvents(world)) await harness.publishTrust(message);
    await harness.waitForTrust(1, 2);
    const tokenA = harness.tokenFor(world.officeA, A.officeNumber, ['43']);
    const [head, payload, signature] = tokenA.split('.');
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    tokens.set('A', tokenA);
    tokens.set('C', harness.tokenFor(world.officeC, C.officeNumber, ['43']));
    tokens.set('U', harness.tokenFor(world.officeU, U.officeNumber, ['43']));
    tokens.set('none', undefined);
    tokens.set('malformed', 'not-a-compact-jws');
    tokens.set('forged', `${head}.${payload}.${flipped}`);
    // global() collects garbage between cases where exposed; the bound is generous either way
    before = await counts();
    rssBefore = process.memoryUsage().rss;
    started = Date.now();
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('has at least 150 cases', () => {
    process.stdout.write(`hostile corpus at the door: ${corpus.length} cases\n`);
    expect(corpus.length).toBeGreaterThanOrEqual(150);
  });

  async function expectRefused(c: HostileCase): Promise<void> {
    const { der, envelopeId } = await c.build();
    if (envelopeId) envelopeIds.add(envelopeId);
    const caseBefore = await counts();

    const answer = await harness.post(der, tokens.get(c.token), c.contentType);

    answered.set(answer.status, (answered.get(answer.status) ?? 0) + 1);
    expect(answer.status).toBeLessThan(500);
    expect({ status: answer.status, code: answer.body['code'] }).toEqual({ status: c.status, code: c.code });
    expect(await counts()).toEqual(caseBefore);
    if (envelopeId) expect(await harness.objects.stat(objectKeyOf(envelopeId, new Date()))).toBeNull();
  }

  it.each(named(sound))('%s', (_name, c) => expectRefused(c));

  it('stored nothing over the whole corpus, and intake memory stayed bounded', async () => {
    expect(await counts()).toEqual(before);
    for (const envelopeId of envelopeIds) {
      expect(await harness.objects.stat(objectKeyOf(envelopeId, new Date()))).toBeNull();
    }
    const grown = process.memoryUsage().rss - rssBefore;
    process.stdout.write(
      `hostile corpus: ${sound.length} cases posted in ${Date.now() - started} ms, statuses ${JSON.stringify(
        Object.fromEntries(answered),
      )}, RSS +${Math.round(grown / 1024 / 1024)} MiB\n`,
    );
    expect(grown).toBeLessThan(RSS_BOUND_BYTES);
  });

  // after the whole-corpus check: a known bug may store what it should refuse
  if (bugs.length > 0) it.failing.each(named(bugs))('KNOWN BUG %s', (_name, c) => expectRefused(c));
});
