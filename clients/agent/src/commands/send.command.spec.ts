import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvelope } from '@renkei/envelope';
import { createContext } from '../agent.context';
import { AgentError, ExitCode } from '../agent.errors';
import { ProfileStore } from '../profile.store';
import { authRoutes, fakeFetch, FakeRoute } from '../testing/fake-fetch';
import { PROVIDER, setUpOffices, TestOffices } from '../testing/offices';
import { fetchEnvelopes } from './fetch.command';
import { mediaTypeOf, postWithRetry, prepareSend, send, SendProblem } from './send.command';
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

  function platform(extra: Record<string, FakeRoute> = {}) {
    const posted: Uint8Array[] = [];
    const fake = fakeFetch({
      ...authRoutes(inAnHour),
      [`GET /v1/offices/${PROVIDER.officeNumber}`]: () => ({
        status: 200,
        json: { ...PROVIDER, serviceTypes: ['11'], certificatePem: offices.provider.certificatePem },
      }),
      'POST /v1/envelopes': (call) => {
        posted.push(call.body as Uint8Array);
        return { status: 202, json: { envelopeId: 'x', status: 'accepted' } };
      },
      ...extra,
    });
    return { ...fake, posted };
  }

  it('validates, seals to the recipient and posts one envelope per unit', async () => {
    const fake = platform();
    const ctx = createContext({ home: offices.plannerHome, fetch: fake.fetch });

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

  it('sends nothing and exits 3 listing every problem when a file is invalid', async () => {
    const upplan = offices.unit.files.find((f) => f.kind === 'UPPLAN')?.fileName as string;
    const bytes = readFileSync(join(offices.unitDir, upplan));
    // the second field (CSVバージョン row's data) of the first row made non-numeric: a column error
    const broken = Buffer.from(bytes.toString('latin1').replace(/^(\d+),"?(\d+)/, '$1,ZZ'), 'latin1');
    writeFileSync(join(offices.unitDir, upplan), broken);
    writeFileSync(join(offices.unitDir, 'NOTES.txt'), 'x');
    const fake = platform();
    const ctx = createContext({ home: offices.plannerHome, fetch: fake.fetch });

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

    const error = (await send(createContext({ home: offices.plannerHome, fetch: fake.fetch }), {
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
      await new ProfileStore(offices.providerHome).load(),
    );

    expect(prepared.errors.map((e) => e.code)).toContain('SENDER_NOT_THIS_OFFICE');
  });

  it('delivers bytes the recipient opens and writes unchanged', async () => {
    const fake = platform();
    await send(createContext({ home: offices.plannerHome, fetch: fake.fetch }), { dir: offices.unitDir });
    const der = fake.posted[0];
    const { envelopeId } = parseEnvelope(der).manifest;
    const recipient = fakeFetch({
      ...authRoutes(inAnHour),
      [`GET /v1/envelopes/${envelopeId}`]: () => ({
        status: 200,
        json: { envelopeId, fileSequence: '20261124053000', sender: {}, recipient: {}, files: [] },
      }),
      [`GET /v1/envelopes/${envelopeId}/content`]: () => ({ status: 200, bytes: der }),
    });
    const out = join(dir, 'received');

    const result = await fetchEnvelopes(
      createContext({ home: offices.providerHome, fetch: recipient.fetch }),
      {
        envelopeIds: [envelopeId],
        out,
      },
    );

    expect(result.envelopes[0].files).toHaveLength(3);
    for (const file of offices.unit.files) {
      expect(readFileSync(join(out, file.fileName)).equals(file.bytes)).toBe(true);
    }
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

describe(mediaTypeOf.name, () => {
  it('is image/jpeg for .jpg and text/csv otherwise', () => {
    expect(mediaTypeOf('UPKIHON_IMAGE_x_0001.jpg')).toBe('image/jpeg');
    expect(mediaTypeOf('UPPLAN_x.CSV')).toBe('text/csv');
  });
});
