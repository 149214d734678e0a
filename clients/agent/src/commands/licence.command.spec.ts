import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifySignedJson } from '@renkei/envelope';
import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/pki';
import { AgentError, ExitCode } from '../agent.errors';
import { runCli } from '../cli';
import type { Licence } from '../platform-client';
import { saveTestProfile, TEST_ENV, testContext } from '../testing/offices';
import { authRoutes, FakeAnswer, FakeCall, fakeFetch, FakeRoute } from '../testing/fake-fetch';
import { cancelLicence, licenceStatus, register, renewLicence } from './licence.command';

const OFFICE = '1310000004';
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

function licence(overrides: Partial<Licence> = {}): Licence {
  return {
    licenceId: '0b9f6c3e-3d5c-4f43-9a55-6a2f0c1d2e3f',
    officeNumber: OFFICE,
    prefecture: '13',
    serviceTypes: ['43', '46'],
    state: 'active',
    // 2026-12-02 00:00 JST to 2027-12-02 00:00 JST
    termStart: '2026-12-01T15:00:00.000Z',
    termEnd: '2027-12-01T15:00:00.000Z',
    autoRenew: true,
    reason: 'approved on application',
    version: 2,
    appliedAt: '2026-12-02T03:00:00.000Z',
    updatedAt: '2026-12-02T03:00:00.000Z',
    ...overrides,
  };
}

const refusal = (status: number, code: string, details?: unknown): FakeAnswer => ({
  status,
  json: { code, message: `refused: ${code}`, ...(details !== undefined ? { details } : {}) },
});

describe(register.name, () => {
  let dir: string;
  let home: string;
  let credential: DevCredential;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-licence-'));
    home = join(dir, 'office');
    const ca = createDevCa();
    credential = issueOfficeCertificate(ca, {
      officeNumber: OFFICE,
      serviceTypes: ['43', '46'],
      keyType: 'ec',
    });
    await saveTestProfile(home, {
      settings: {
        version: 1,
        officeNumber: OFFICE,
        serviceTypes: ['43', '46'],
        platformUrl: 'http://platform.test',
        certificateSha256: credential.fingerprint,
        createdAt: new Date().toISOString(),
      },
      certificatePem: credential.certificatePem,
      privateKey: credential.privateKey,
      trustAnchorsPem: ca.certificatePem,
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const platform = (routes: Record<string, FakeRoute>) => fakeFetch({ ...authRoutes(inAnHour), ...routes });
  const applied = (call: FakeCall) => verifySignedJson(call.body as Uint8Array);

  async function run(argv: string[], fetchImpl?: typeof fetch) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['--home', home, ...argv], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: TEST_ENV,
      fetch: fetchImpl,
    });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  it("signs the application with the profile's certificate, for all its service types by default", async () => {
    const now = new Date('2026-12-02T03:00:00.000Z');
    const { fetch, calls } = platform({
      'POST /v1/licences/applications': () => ({ status: 201, json: licence() }),
    });

    const sut = await register(testContext({ home, fetch }), { autoRenew: true, now });

    const post = calls.find((c) => c.path === '/v1/licences/applications') as FakeCall;
    expect(post).toMatchObject({
      method: 'POST',
      url: 'http://platform.test/v1/licences/applications',
      headers: { 'content-type': 'application/cms', authorization: 'Bearer token-1' },
    });
    const signed = applied(post);
    expect(signed.value).toEqual({
      type: 'licence-application',
      officeNumber: OFFICE,
      serviceTypes: ['43', '46'],
      autoRenew: true,
      appliedAt: '2026-12-02T03:00:00.000Z',
    });
    expect(Buffer.from(signed.signerCertificate.der).equals(Buffer.from(credential.certificate))).toBe(true);
    expect(sut).toEqual({ applied: true, licence: licence(), application: signed.value });
  });

  it('prints the licence in Japanese first (exit 0)', async () => {
    const { fetch } = platform({
      'POST /v1/licences/applications': () => ({ status: 201, json: licence() }),
    });

    const result = await run(['register'], fetch);

    expect(result.code).toBe(ExitCode.Ok);
    expect(result.stdout).toContain(
      '利用申請が完了しました。ライセンス: 有効（2026-12-02〜2027-12-02、自動更新あり）',
    );
    expect(result.stdout).toContain('サービス種類 43, 46');
  });

  it('applies for the given service types without auto-renewal', async () => {
    const { fetch, calls } = platform({
      'POST /v1/licences/applications': () => ({
        status: 201,
        json: licence({ serviceTypes: ['46'], autoRenew: false }),
      }),
    });

    const result = await run(['register', '--service-types', '46', '--no-auto-renew'], fetch);

    expect(result.code).toBe(ExitCode.Ok);
    expect(applied(calls.at(-1) as FakeCall).value).toMatchObject({ serviceTypes: ['46'], autoRenew: false });
    expect(result.stdout).toContain('有効（2026-12-02〜2027-12-02、自動更新なし）');
  });

  it('prints the API answer with --json', async () => {
    const { fetch } = platform({
      'POST /v1/licences/applications': () => ({ status: 201, json: licence() }),
    });

    const result = await run(['--json', 'register'], fetch);

    expect(result.code).toBe(ExitCode.Ok);
    expect(JSON.parse(result.stdout)).toEqual(licence());
    expect(result.stderr).toBe('');
  });

  it('posts the same signed bytes again when the answer is lost, and reports the retry answer (200)', async () => {
    let attempts = 0;
    const { fetch, calls } = platform({
      'POST /v1/licences/applications': () => {
        attempts += 1;
        return attempts === 1 ? 'network-error' : { status: 200, json: licence() };
      },
    });

    const sut = await register(testContext({ home, fetch }), { autoRenew: true });

    const posts = calls.filter((c) => c.path === '/v1/licences/applications');
    expect(posts).toHaveLength(2);
    expect(Buffer.from(posts[1].body as Uint8Array).equals(Buffer.from(posts[0].body as Uint8Array))).toBe(
      true,
    );
    expect(sut.applied).toBe(false);
  });

  it('gives up with exit 5 when the platform stays unreachable', async () => {
    const { fetch, calls } = platform({ 'POST /v1/licences/applications': () => 'network-error' });

    const result = await run(['register'], fetch);

    expect(result.code).toBe(ExitCode.Unreachable);
    expect(calls.filter((c) => c.path === '/v1/licences/applications')).toHaveLength(3);
  });

  it.each([
    ['LICENCE_ALREADY_ACTIVE', 409, ExitCode.Refused, 'ライセンスはすでに有効です'],
    ['LICENCE_SUSPENDED', 409, ExitCode.Refused, 'ライセンスは利用停止中です'],
    ['LICENCE_TRANSITION_INVALID', 409, ExitCode.Refused, 'この操作はできません'],
    [
      'LICENCE_OFFICE_NOT_REGISTERED',
      409,
      ExitCode.Refused,
      '事業所ディレクトリに有効な状態で登録されていない',
    ],
    ['LICENCE_SERVICE_TYPE_NOT_COVERED', 403, ExitCode.Refused, '電子証明書に含まれていません'],
    ['LICENCE_APPLICATION_NOT_AUTHENTICATED', 403, ExitCode.Refused, '証明書を取り込み直してください'],
    ['LICENCE_APPLICATION_SIGNATURE_INVALID', 400, ExitCode.Refused, '署名を検証できませんでした'],
    ['LICENCE_APPLICATION_TOO_LARGE', 413, ExitCode.Refused, '利用申請が大きすぎます'],
    ['LICENCE_APPLICATION_MEDIA_TYPE', 415, ExitCode.Refused, '形式 (application/cms)'],
  ])('explains %s in Japanese with its code (HTTP %d, exit %d)', async (code, status, exitCode, text) => {
    const { fetch, calls } = platform({ 'POST /v1/licences/applications': () => refusal(status, code) });

    const result = await run(['register'], fetch);

    expect(result.code).toBe(exitCode);
    expect(result.stderr).toContain(text);
    expect(result.stderr).toContain(`[${code}]`);
    // a refusal is not retried
    expect(calls.filter((c) => c.path === '/v1/licences/applications')).toHaveLength(1);
  });

  it("lists registry's field problems of an invalid application, and gives them as data with --json", async () => {
    const problems = [{ field: 'appliedAt', problem: 'must be an ISO 8601 UTC instant' }];
    const { fetch } = platform({
      'POST /v1/licences/applications': () => refusal(400, 'LICENCE_APPLICATION_INVALID', problems),
    });

    const text = await run(['register'], fetch);
    const json = await run(['--json', 'register'], fetch);

    expect(text.code).toBe(ExitCode.Refused);
    expect(text.stderr).toContain('利用申請の内容に誤りがあります [LICENCE_APPLICATION_INVALID]');
    expect(text.stderr).toContain('appliedAt: must be an ISO 8601 UTC instant');
    expect(json.code).toBe(ExitCode.Refused);
    expect(JSON.parse(json.stdout)).toEqual({
      error: {
        code: 'LICENCE_APPLICATION_INVALID',
        message: expect.stringContaining('利用申請の内容に誤りがあります'),
        details: { status: 400, details: problems },
      },
    });
  });

  it('refuses a service type the certificate does not carry before sending anything (exit 3)', async () => {
    const { fetch, calls } = platform({});

    const result = await run(['register', '--service-types', '43,11'], fetch);

    expect(result.code).toBe(ExitCode.InvalidInput);
    expect(result.stderr).toContain('サービス種類 11 は電子証明書に含まれていません');
    expect(calls).toEqual([]);
  });

  it.each([
    [['--service-types', '4x']],
    [['--service-types', '43,43']],
    [['--service-types', '']],
    [['extra']],
    [['--auto-renew']],
  ])('refuses the usage register %j (exit 2)', async (args) => {
    const { fetch, calls } = platform({});

    const result = await run(['register', ...args], fetch);

    expect(result.code).toBe(ExitCode.Usage);
    expect(calls).toEqual([]);
  });

  it('exits 6 without a profile', async () => {
    const result = await runCli(['--home', join(dir, 'none'), 'register'], {
      stdout: () => undefined,
      stderr: () => undefined,
      env: TEST_ENV,
    });

    expect(result).toBe(ExitCode.NotFound);
  });

  describe(licenceStatus.name, () => {
    it('shows the licence from GET /v1/licences/me', async () => {
      const { fetch, calls } = platform({ 'GET /v1/licences/me': () => ({ status: 200, json: licence() }) });

      const sut = await licenceStatus(testContext({ home, fetch }));
      const result = await run(['licence'], fetch);

      expect(sut).toEqual(licence());
      expect(calls.at(-1)).toMatchObject({ method: 'GET', url: 'http://platform.test/v1/licences/me' });
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain('ライセンス: 有効（2026-12-02〜2027-12-02、自動更新あり）');
    });

    it('labels every state, without a term while pending', async () => {
      const states: [Licence['state'], string][] = [
        ['suspended', '利用停止中（2026-12-02〜2027-12-02、自動更新あり）'],
        ['expired', '期限切れ（2026-12-02〜2027-12-02、自動更新あり）'],
        ['cancelled', '解約済み（2026-12-02〜2027-12-02、自動更新あり）'],
      ];
      for (const [state, text] of states) {
        const { fetch } = platform({
          'GET /v1/licences/me': () => ({ status: 200, json: licence({ state }) }),
        });
        expect((await run(['licence'], fetch)).stdout).toContain(text);
      }
      const pending = platform({
        'GET /v1/licences/me': () => ({
          status: 200,
          json: licence({ state: 'pending', termStart: null, termEnd: null, autoRenew: false }),
        }),
      });
      expect((await run(['licence'], pending.fetch)).stdout).toContain('ライセンス: 申請中（自動更新なし）');
    });

    it('prints the API answer with --json', async () => {
      const { fetch } = platform({ 'GET /v1/licences/me': () => ({ status: 200, json: licence() }) });

      const result = await run(['licence', '--json'], fetch);

      expect(JSON.parse(result.stdout)).toEqual(licence());
    });

    it('says how to apply when there is no licence (exit 6)', async () => {
      const { fetch } = platform({ 'GET /v1/licences/me': () => refusal(404, 'LICENCE_NOT_FOUND') });

      const result = await run(['licence'], fetch);

      expect(result.code).toBe(ExitCode.NotFound);
      expect(result.stderr).toContain('ライセンスがありません。`renkei register` で利用申請してください');
      expect(result.stderr).toContain('[LICENCE_NOT_FOUND]');
    });

    it('refuses an unknown subcommand and extra arguments (exit 2)', async () => {
      const { fetch, calls } = platform({});

      expect((await run(['licence', 'show'], fetch)).code).toBe(ExitCode.Usage);
      expect((await run(['licence', 'renew', 'now'], fetch)).code).toBe(ExitCode.Usage);
      expect(calls).toEqual([]);
    });
  });

  describe(renewLicence.name, () => {
    const renewal = (answer: (call: FakeCall) => FakeAnswer) =>
      platform({ 'POST /v1/licences/me/renewal': answer });

    it('renews with auto-renewal on by default', async () => {
      const { fetch, calls } = renewal(() => ({ status: 200, json: licence() }));

      const result = await run(['licence', 'renew'], fetch);

      expect(result.code).toBe(ExitCode.Ok);
      expect(calls.at(-1)).toMatchObject({
        method: 'POST',
        url: 'http://platform.test/v1/licences/me/renewal',
        body: { autoRenew: true },
      });
      expect(result.stdout).toContain(
        'ライセンスの更新手続きが完了しました。ライセンス: 有効（2026-12-02〜2027-12-02、自動更新あり）',
      );
    });

    it('turns auto-renewal off with --no-auto-renew and on with --auto-renew', async () => {
      const { fetch, calls } = renewal((call) => ({
        status: 200,
        json: licence({ autoRenew: (call.body as { autoRenew: boolean }).autoRenew }),
      }));

      const off = await renewLicence(testContext({ home, fetch }), { autoRenew: false });
      const text = await run(['licence', 'renew', '--no-auto-renew'], fetch);
      await run(['licence', 'renew', '--auto-renew'], fetch);

      expect(off.autoRenew).toBe(false);
      expect(text.stdout).toContain('自動更新なし');
      expect(calls.filter((c) => c.path === '/v1/licences/me/renewal').map((c) => c.body)).toEqual([
        { autoRenew: false },
        { autoRenew: false },
        { autoRenew: true },
      ]);
    });

    it('prints the API answer with --json', async () => {
      const { fetch } = renewal(() => ({ status: 200, json: licence() }));

      expect(JSON.parse((await run(['--json', 'licence', 'renew'], fetch)).stdout)).toEqual(licence());
    });

    it.each([
      ['LICENCE_TRANSITION_INVALID', 409, ExitCode.Refused, 'この操作はできません'],
      ['LICENCE_NOT_FOUND', 404, ExitCode.NotFound, 'ライセンスがありません'],
    ])('explains %s (HTTP %d, exit %d)', async (code, status, exitCode, text) => {
      const { fetch } = renewal(() => refusal(status, code));

      const result = await run(['licence', 'renew'], fetch);

      expect(result.code).toBe(exitCode);
      expect(result.stderr).toContain(text);
      expect(result.stderr).toContain(`[${code}]`);
    });

    it('refuses both --auto-renew and --no-auto-renew (exit 2)', async () => {
      const { fetch, calls } = renewal(() => ({ status: 200, json: licence() }));

      const result = await run(['licence', 'renew', '--auto-renew', '--no-auto-renew'], fetch);

      expect(result.code).toBe(ExitCode.Usage);
      expect(calls).toEqual([]);
    });
  });

  describe(cancelLicence.name, () => {
    const cancelled = licence({ state: 'cancelled', autoRenew: false, reason: '事業所の廃止', version: 3 });
    const cancel = (answer: (call: FakeCall) => FakeAnswer) =>
      platform({ 'POST /v1/licences/me/cancel': answer });

    it('cancels with the reason, trimmed', async () => {
      const { fetch, calls } = cancel(() => ({ status: 200, json: cancelled }));

      const result = await run(['licence', 'cancel', '--reason', ' 事業所の廃止 '], fetch);

      expect(result.code).toBe(ExitCode.Ok);
      expect(calls.at(-1)).toMatchObject({
        method: 'POST',
        url: 'http://platform.test/v1/licences/me/cancel',
        body: { reason: '事業所の廃止' },
      });
      expect(result.stdout).toContain(
        'ライセンスを解約しました。ライセンス: 解約済み（2026-12-02〜2027-12-02、自動更新なし）',
      );
      expect(result.stdout).toContain('理由: 事業所の廃止');
    });

    it('prints the API answer with --json', async () => {
      const { fetch } = cancel(() => ({ status: 200, json: cancelled }));

      const result = await run(['--json', 'licence', 'cancel', '--reason', '事業所の廃止'], fetch);

      expect(JSON.parse(result.stdout)).toEqual(cancelled);
    });

    it.each([
      ['LICENCE_TRANSITION_INVALID', 409, ExitCode.Refused, 'この操作はできません'],
      ['LICENCE_NOT_FOUND', 404, ExitCode.NotFound, 'ライセンスがありません'],
      ['REQUEST_INVALID', 400, ExitCode.Refused, '要求の内容に誤りがあります'],
    ])('explains %s (HTTP %d, exit %d)', async (code, status, exitCode, text) => {
      const { fetch } = cancel(() => refusal(status, code));

      const result = await run(['licence', 'cancel', '--reason', '廃止'], fetch);

      expect(result.code).toBe(exitCode);
      expect(result.stderr).toContain(text);
      expect(result.stderr).toContain(`[${code}]`);
    });

    it.each([
      ['no --reason', []],
      ['an empty reason', ['--reason', '']],
      ['a reason of spaces', ['--reason', '   ']],
      ['a reason of 501 characters', ['--reason', 'x'.repeat(501)]],
      ['--reason without a value', ['--reason']],
    ])(
      'needs a reason of 1 to 500 characters: %s is a usage error (exit 2) and nothing is sent',
      async (_case, args) => {
        const { fetch, calls } = cancel(() => ({ status: 200, json: cancelled }));

        const result = await run(['licence', 'cancel', ...args], fetch);

        expect(result.code).toBe(ExitCode.Usage);
        expect(calls).toEqual([]);
      },
    );

    it('throws the usage error from the library function too', async () => {
      const { fetch } = cancel(() => ({ status: 200, json: cancelled }));

      await expect(cancelLicence(testContext({ home, fetch }), { reason: ' ' })).rejects.toThrow(
        expect.objectContaining({ exitCode: ExitCode.Usage }) as AgentError,
      );
    });
  });
});
