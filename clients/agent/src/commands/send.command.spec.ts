import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvelope, parseReceipt, signReceipt } from '@renkei/envelope';
import { createDevCa, issuePlatformCertificate, type DevCredential } from '@renkei/pki';
import { AgentError, ExitCode } from '../agent.errors';
import { authRoutes, fakeFetch, FakeRoute } from '../testing/fake-fetch';
import {
  loadTestProfile,
  PLANNER,
  PROVIDER,
  setUpOffices,
  testContext,
  TestOffices,
} from '../testing/offices';
import { fetchEnvelopes } from './fetch.command';
import { mediaTypeOf, postSettling, postWithRetry, prepareSend, send, SendProblem } from './send.command';
import { problemsOf, readInputFiles, validate } from './validate.command';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe(send.name, () => {
  let dir: string;
  let offices: TestOffices;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-send-'));
    offices = await setUpOffices(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** the platform's acceptance receipt of `der`, signed by `signer` (a platform certificate) */
  function acceptanceOf(der: Uint8Array, signer: DevCredential): string {
    const parsed = parseEnvelope(der);
    const receipt = signReceipt(
      {
        type: 'acceptance',
        version: 1,
        envelopeId: parsed.manifest.envelopeId,
        manifestSha256: parsed.manifestSha256,
        contentSha256: parsed.contentSha256,
        objectSha256: 'ef'.repeat(32),
        sender: parsed.manifest.sender,
        recipient: parsed.manifest.recipient,
        acceptedAt: new Date().toISOString(),
        platform: 'renkei',
      },
      { certificate: signer.certificate, privateKey: signer.privateKey },
    );
    return Buffer.from(receipt).toString('base64');
  }

  function platform(extra: Record<string, FakeRoute> = {}, receiptSigner?: DevCredential) {
    const signer = receiptSigner ?? issuePlatformCertificate(offices.ca, { name: 'TEST ONLY platform' });
    const posted: Uint8Array[] = [];
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      [`GET /v1/offices/${PROVIDER.officeNumber}`]: () => ({
        status: 200,
        json: { ...PROVIDER, serviceTypes: ['11'], certificatePem: offices.provider.certificatePem },
      }),
      'POST /v1/envelopes': (call) => {
        posted.push(call.body as Uint8Array);
        const der = call.body as Uint8Array;
        return {
          status: 202,
          json: { envelopeId: 'x', status: 'accepted', receipt: acceptanceOf(der, signer) },
        };
      },
      ...extra,
    });
    return { ...fake, posted };
  }

  it('validates, seals to the recipient and posts one envelope per unit', async () => {
    const fake = platform();
    const ctx = testContext({ home: offices.plannerHome, fetch: fake.fetch });

    const result = await send(ctx, { dir: offices.unitDir });

    expect(result.envelopes).toHaveLength(1);
    expect(result.envelopes[0]).toMatchObject({
      status: 'accepted',
      duplicate: false,
      kind: 'plan',
      targetMonth: '202611',
      fileSequence: '20261124053000',
      recipient: PROVIDER,
    });
    expect(fake.posted).toHaveLength(1);
    const post = fake.calls.find((c) => c.path === '/v1/envelopes');
    expect(post?.headers['content-type']).toBe('application/cms');
  });

  it('verifies the acceptance receipt and keeps it in the profile home', async () => {
    const fake = platform();

    const result = await send(testContext({ home: offices.plannerHome, fetch: fake.fetch }), {
      dir: offices.unitDir,
    });

    const { acceptanceReceipt, envelopeId } = result.envelopes[0];
    expect(acceptanceReceipt.file).toBe(
      join(offices.plannerHome, 'profiles', PLANNER.officeNumber, 'receipts', `${envelopeId}.acceptance.der`),
    );
    const kept = readFileSync(acceptanceReceipt.file);
    expect(parseReceipt(kept).body).toMatchObject({ type: 'acceptance', envelopeId });
    expect(acceptanceReceipt.sha256).toBe(parseReceipt(kept).receiptSha256);
  });

  it('fails loudly when the acceptance receipt does not chain to the trust anchors', async () => {
    const rogue = issuePlatformCertificate(createDevCa(), { name: 'TEST ONLY rogue platform' });
    const fake = platform({}, rogue);

    await expect(
      send(testContext({ home: offices.plannerHome, fetch: fake.fetch }), { dir: offices.unitDir }),
    ).rejects.toMatchObject({ code: 'RECEIPT_UNVERIFIED', exitCode: ExitCode.Refused });
  });

  it('sends nothing and exits 3 listing every problem when a file is invalid', async () => {
    const upplan = offices.unit.files.find((f) => f.kind === 'UPPLAN')?.fileName as string;
    const bytes = readFileSync(join(offices.unitDir, upplan));
    // the second field (CSVバージョン row's data) of the first row made non-numeric: a column error
    const broken = Buffer.from(bytes.toString('latin1').replace(/^(\d+),"?(\d+)/, '$1,ZZ'), 'latin1');
    writeFileSync(join(offices.unitDir, upplan), broken);
    writeFileSync(join(offices.unitDir, 'NOTES.txt'), 'x');
    const fake = platform();
    const ctx = testContext({ home: offices.plannerHome, fetch: fake.fetch });

    const error = (await send(ctx, { dir: offices.unitDir }).catch((e: unknown) => e)) as AgentError;

    expect(error.code).toBe('SEND_VALIDATION_FAILED');
    expect(error.exitCode).toBe(ExitCode.InvalidInput);
    const problems = (error.details as { problems: { file: string; code: string }[] }).problems;
    expect(problems.map((p) => p.file)).toEqual(expect.arrayContaining(['NOTES.txt', upplan]));
    expect(fake.calls.filter((c) => c.path === '/v1/envelopes')).toHaveLength(0);
  });

  it('refuses the folder validate refuses, with the same problems, before any platform call', async () => {
    const upplan = offices.unit.files.find((f) => f.kind === 'UPPLAN')?.fileName as string;
    rmSync(join(offices.unitDir, upplan));
    const checked = await validate({ dir: offices.unitDir });
    const fake = platform();

    const error = (await send(testContext({ home: offices.plannerHome, fetch: fake.fetch }), {
      dir: offices.unitDir,
    }).catch((e: unknown) => e)) as AgentError;

    expect(checked.ok).toBe(false);
    expect(error.exitCode).toBe(ExitCode.InvalidInput);
    const details = error.details as { problems: SendProblem[]; report: unknown };
    expect(details.problems).toEqual(problemsOf(checked.check).errors);
    expect(details.problems.map((p) => p.code)).toContain('SEND_UNIT_ILLEGAL_COMBINATION');
    expect(details.report).toEqual(checked.check);
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses a unit whose sender is not this office', async () => {
    const prepared = prepareSend(
      await readInputFiles({ dir: offices.unitDir }),
      await loadTestProfile(offices.providerHome),
    );

    expect(prepared.errors.map((e) => e.code)).toContain('SENDER_NOT_THIS_OFFICE');
  });

  it('delivers bytes the recipient opens and writes unchanged', async () => {
    const fake = platform();
    await send(testContext({ home: offices.plannerHome, fetch: fake.fetch }), { dir: offices.unitDir });
    const der = fake.posted[0];
    const { envelopeId } = parseEnvelope(der).manifest;
    const recipient = fakeFetch({
      ...authRoutes(inAnHour),
      [`GET /v1/envelopes/${envelopeId}`]: () => ({
        status: 200,
        json: { envelopeId, fileSequence: '20261124053000', sender: {}, recipient: {}, files: [] },
      }),
      [`GET /v1/envelopes/${envelopeId}/content`]: () => ({ status: 200, bytes: der }),
      [`POST /v1/envelopes/${envelopeId}/receipt`]: (call) => {
        const receipt = parseReceipt(call.body as Uint8Array);
        return {
          status: 201,
          json: {
            envelopeId,
            verdict: receipt.body.type === 'recipient' ? receipt.body.verdict : 'none',
            reasonCodes: [],
            receiptSha256: receipt.receiptSha256,
          },
        };
      },
    });
    const out = join(dir, 'received');

    const result = await fetchEnvelopes(testContext({ home: offices.providerHome, fetch: recipient.fetch }), {
      envelopeIds: [envelopeId],
      out,
    });

    expect(result.envelopes[0].files).toHaveLength(3);
    const posted = recipient.calls.find((c) => c.path === `/v1/envelopes/${envelopeId}/receipt`);
    const receipt = parseReceipt(posted?.body as Uint8Array);
    expect(receipt.signerCertificate.sha256).toBe(offices.provider.fingerprint);
    expect(receipt.body).toMatchObject({
      type: 'recipient',
      envelopeId,
      manifestSha256: parseEnvelope(der).manifestSha256,
      verdict: 'accepted',
      reasons: [],
    });
    expect(result.envelopes[0].receipt).toEqual({
      verdict: 'accepted',
      receiptSha256: receipt.receiptSha256,
    });
    for (const file of offices.unit.files) {
      expect(readFileSync(join(out, file.fileName)).equals(file.bytes)).toBe(true);
    }
  });
});

describe('fetch of a damaged envelope', () => {
  let dir: string;
  let offices: TestOffices;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-reject-'));
    offices = await setUpOffices(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('posts a signed rejection naming the failure, then fails as before without writing files', async () => {
    const posted: Uint8Array[] = [];
    const sender = fakeFetch({
      ...authRoutes(inAnHour),
      [`GET /v1/offices/${PROVIDER.officeNumber}`]: () => ({
        status: 200,
        json: { ...PROVIDER, serviceTypes: ['11'], certificatePem: offices.provider.certificatePem },
      }),
      'POST /v1/envelopes': (call) => {
        posted.push(call.body as Uint8Array);
        return { status: 503, json: { code: 'TEST_STOP', message: 'not accepted in this test' } };
      },
    });
    await expect(
      send(testContext({ home: offices.plannerHome, fetch: sender.fetch }), { dir: offices.unitDir }),
    ).rejects.toMatchObject({ code: 'TEST_STOP' });
    const der = Buffer.from(posted[0]);
    const { envelopeId } = parseEnvelope(der).manifest;
    // one ciphertext byte flipped: the structure still parses, the signature no longer verifies
    der[Math.floor(der.length / 2)] ^= 0x01;
    const recipient = fakeFetch({
      ...authRoutes(inAnHour),
      [`GET /v1/envelopes/${envelopeId}`]: () => ({
        status: 200,
        json: { envelopeId, fileSequence: '20261124053000', sender: PLANNER, recipient: PROVIDER, files: [] },
      }),
      [`GET /v1/envelopes/${envelopeId}/content`]: () => ({ status: 200, bytes: der }),
      [`POST /v1/envelopes/${envelopeId}/receipt`]: () => ({ status: 201, json: {} }),
    });
    const out = join(dir, 'received');

    await expect(
      fetchEnvelopes(testContext({ home: offices.providerHome, fetch: recipient.fetch }), {
        envelopeIds: [envelopeId],
        out,
      }),
    ).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });

    const call = recipient.calls.find((c) => c.path === `/v1/envelopes/${envelopeId}/receipt`);
    const receipt = parseReceipt(call?.body as Uint8Array);
    expect(receipt.body).toMatchObject({
      type: 'recipient',
      verdict: 'rejected',
      reasons: [{ code: 'SIGNATURE_INVALID' }],
    });
    expect(receipt.signerCertificate.sha256).toBe(offices.provider.fingerprint);
  });
});

describe(postWithRetry.name, () => {
  const lost = new AgentError('PLATFORM_UNREACHABLE', 'lost', ExitCode.Unreachable);
  const duplicate = new AgentError('ENVELOPE_DUPLICATE', 'dup', ExitCode.Refused);

  it('retries a lost answer with the same bytes and counts ENVELOPE_DUPLICATE as accepted', async () => {
    const postEnvelope = jest.fn().mockRejectedValueOnce(lost).mockRejectedValueOnce(duplicate);
    const der = new Uint8Array([1, 2, 3]);

    await expect(postWithRetry({ postEnvelope }, der, 3)).resolves.toEqual({
      status: 'accepted',
      duplicate: true,
    });
    expect(postEnvelope.mock.calls.map(([bytes]) => bytes)).toEqual([der, der]);
  });

  it('gives up after the last attempt and does not retry a refusal', async () => {
    const refused = new AgentError('RECIPIENT_UNKNOWN', 'no', ExitCode.Refused);

    await expect(
      postWithRetry({ postEnvelope: jest.fn().mockRejectedValue(lost) }, new Uint8Array(), 2),
    ).rejects.toBe(lost);
    const once = jest.fn().mockRejectedValue(refused);
    await expect(postWithRetry({ postEnvelope: once }, new Uint8Array(), 3)).rejects.toBe(refused);
    expect(once).toHaveBeenCalledTimes(1);
  });
});

describe(postSettling.name, () => {
  /** a clock that sleeping moves forward, and nothing else */
  function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
    let at = 0;
    const slept: number[] = [];
    return {
      now: () => at,
      sleep: async (ms) => {
        slept.push(ms);
        at += ms;
      },
      slept,
    };
  }
  const refusal = (code: string) => new AgentError(code, code, ExitCode.Refused);

  it('posts the same bytes again while the licence has not reached intake, and tells once', async () => {
    const time = fakeTime();
    const onWait = jest.fn();
    const postEnvelope = jest
      .fn()
      .mockRejectedValueOnce(refusal('SENDER_LICENCE_NOT_LIVE'))
      .mockRejectedValueOnce(refusal('RECIPIENT_LICENCE_NOT_LIVE'))
      .mockRejectedValueOnce(refusal('RECIPIENT_UNKNOWN'))
      .mockResolvedValueOnce({ status: 'accepted' });
    const der = new Uint8Array([7]);

    await expect(
      postSettling({ postEnvelope }, der, { attempts: 3, settleMs: 5_000, onWait, ...time }),
    ).resolves.toEqual({ status: 'accepted', duplicate: false });
    expect(postEnvelope.mock.calls.map(([bytes]) => bytes)).toEqual([der, der, der, der]);
    expect(time.slept).toEqual([250, 250, 250]);
    expect(onWait.mock.calls).toEqual([['SENDER_LICENCE_NOT_LIVE']]);
  });

  it('gives up after the settle time with the last refusal, within a bounded number of posts', async () => {
    const time = fakeTime();
    const last = refusal('RECIPIENT_LICENCE_NOT_LIVE');
    const postEnvelope = jest.fn().mockRejectedValue(last);

    await expect(
      postSettling({ postEnvelope }, new Uint8Array(), { attempts: 3, settleMs: 1_000, ...time }),
    ).rejects.toBe(last);
    expect(postEnvelope).toHaveBeenCalledTimes(5);
  });

  it('does not wait on any other refusal', async () => {
    const time = fakeTime();
    const other = refusal('SEND_UNIT_INVALID');
    const postEnvelope = jest.fn().mockRejectedValue(other);

    await expect(
      postSettling({ postEnvelope }, new Uint8Array(), { attempts: 3, settleMs: 5_000, ...time }),
    ).rejects.toBe(other);
    expect(postEnvelope).toHaveBeenCalledTimes(1);
    expect(time.slept).toEqual([]);
  });
});

describe(mediaTypeOf.name, () => {
  it('is image/jpeg for .jpg and text/csv otherwise', () => {
    expect(mediaTypeOf('UPKIHON_IMAGE_x_0001.jpg')).toBe('image/jpeg');
    expect(mediaTypeOf('UPPLAN_x.CSV')).toBe('text/csv');
  });
});
