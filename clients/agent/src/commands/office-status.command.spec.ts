import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCa, DevCredential, issueOfficeCertificate } from '@renkei/pki';
import { ExitCode } from '../agent.errors';
import { runCli } from '../cli';
import type { OwnOffice } from '../platform-client';
import { saveTestProfile, TEST_ENV, testContext } from '../testing/offices';
import { authRoutes, fakeFetch, FakeRoute } from '../testing/fake-fetch';
import { officeStatus } from './office-status.command';

const DAY_MS = 24 * 60 * 60 * 1000;
const OFFICE = '1310000004';
const NOT_AFTER = new Date(Math.floor((Date.now() + 45 * DAY_MS - 3_600_000) / 1000) * 1000);

function ownOffice(credential: DevCredential, overrides: Partial<OwnOffice> = {}): OwnOffice {
  return {
    officeNumber: OFFICE,
    serviceTypes: ['43'],
    status: 'active',
    certificateSha256: credential.fingerprint,
    version: 1,
    registeredAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    certificate: {
      notAfter: NOT_AFTER.toISOString(),
      daysLeft: 45,
      expiry: 'expiring',
      warning: { raisedAt: new Date(NOT_AFTER.getTime() - 46 * DAY_MS).toISOString(), point: 46 },
      nextWarningAt: new Date(NOT_AFTER.getTime() - 32 * DAY_MS).toISOString(),
    },
    message: '電子証明書の有効期限まであと45日です。更新してください。',
    ...overrides,
  };
}

describe(officeStatus.name, () => {
  let dir: string;
  let home: string;
  let credential: DevCredential;
  const expiresAt = () => new Date(Date.now() + 900_000).toISOString();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-office-status-'));
    home = join(dir, 'office');
    const ca = createDevCa();
    credential = issueOfficeCertificate(ca, {
      officeNumber: OFFICE,
      serviceTypes: ['43'],
      keyType: 'ec',
      notAfter: NOT_AFTER,
    });
    await saveTestProfile(home, {
      settings: {
        version: 1,
        officeNumber: OFFICE,
        serviceTypes: ['43'],
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

  const platform = (me: FakeRoute) => fakeFetch({ ...authRoutes(expiresAt), 'GET /v1/offices/me': me });

  it('reads the expiry from the profile certificate without asking the platform when offline', async () => {
    const { fetch, calls } = platform(() => ({ status: 500 }));

    const sut = await officeStatus(testContext({ home, fetch }), { offline: true });

    expect(sut).toEqual({
      officeNumber: OFFICE,
      serviceTypes: ['43'],
      profile: OFFICE,
      home: join(home, 'profiles', OFFICE),
      platformUrl: 'http://platform.test',
      certificate: {
        sha256: credential.fingerprint,
        notAfter: NOT_AFTER.toISOString(),
        daysLeft: 45,
        expiry: 'expiring',
        message: '電子証明書の有効期限まであと45日です。更新してください。',
      },
      platform: { state: 'offline' },
    });
    expect(calls).toEqual([]);
  });

  it("adds the platform's view of the office from GET /v1/offices/me", async () => {
    const office = ownOffice(credential);
    const { fetch, calls } = platform(() => ({ status: 200, json: office }));

    const sut = await officeStatus(testContext({ home, fetch }));

    expect(sut.platform).toEqual({ state: 'ok', office, sameCertificate: true });
    expect(calls.at(-1)).toMatchObject({
      method: 'GET',
      url: 'http://platform.test/v1/offices/me',
      headers: { authorization: 'Bearer token-1' },
    });
  });

  it('notices when the platform holds another certificate than the profile', async () => {
    const { fetch } = platform(() => ({
      status: 200,
      json: ownOffice(credential, { certificateSha256: 'f'.repeat(64) }),
    }));

    const sut = await officeStatus(testContext({ home, fetch }));

    expect(sut.platform).toMatchObject({ state: 'ok', sameCertificate: false });
  });

  it('still answers when the platform is unreachable or refuses, saying why', async () => {
    const down = fakeFetch({ 'POST /v1/auth/challenges': () => 'network-error' });
    const unregistered = platform(() => ({
      status: 404,
      json: { code: 'OFFICE_NOT_FOUND', message: 'this office has not published a certificate' },
    }));

    const offline = await officeStatus(testContext({ home, fetch: down.fetch }));
    const refused = await officeStatus(testContext({ home, fetch: unregistered.fetch }));

    expect(offline.platform).toEqual({
      state: 'unreachable',
      error: {
        code: 'PLATFORM_UNREACHABLE',
        message: expect.stringContaining('プラットフォームに接続できません'),
      },
    });
    expect(refused.platform).toEqual({
      state: 'refused',
      error: { code: 'OFFICE_NOT_FOUND', message: expect.stringContaining('OFFICE_NOT_FOUND') },
    });
    expect(offline.certificate.expiry).toBe('expiring');
  });

  describe('renkei status (CLI)', () => {
    async function run(argv: string[], fetchImpl?: typeof fetch) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, {
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        env: TEST_ENV,
        fetch: fetchImpl,
      });
      return { code, stdout: out.join('\n'), stderr: err.join('\n') };
    }

    it('prints the expiry warning in Japanese, and the platform view, with exit 0', async () => {
      const { fetch } = platform(() => ({ status: 200, json: ownOffice(credential) }));

      const result = await run(['--home', home, 'status'], fetch);

      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain(`事業所番号 ${OFFICE}`);
      expect(result.stdout).toContain('残り 45 日  期限間近 (expiring)');
      expect(result.stdout).toContain('警告: 電子証明書の有効期限まであと45日です。更新してください。');
      expect(result.stdout).toContain('最後の警告');
      expect(result.stdout).toContain('期限の46日前');
    });

    it('prints one JSON document with --json, and exit 0 offline', async () => {
      const down = fakeFetch({ 'POST /v1/auth/challenges': () => 'network-error' });

      const result = await run(['--home', home, '--json', 'status'], down.fetch);

      expect(result.code).toBe(ExitCode.Ok);
      expect(JSON.parse(result.stdout)).toMatchObject({
        officeNumber: OFFICE,
        certificate: { expiry: 'expiring', daysLeft: 45 },
        platform: { state: 'unreachable', error: { code: 'PLATFORM_UNREACHABLE' } },
      });
    });

    it('refuses --offline with an envelope id, and two ids (exit 2)', async () => {
      const id = '7d3c0d7e-8a3b-4b43-9b8e-1d6c2f0a9e11';

      expect((await run(['--home', home, 'status', '--offline', id])).code).toBe(ExitCode.Usage);
      expect((await run(['--home', home, 'status', id, id])).code).toBe(ExitCode.Usage);
    });

    it('exits 6 without a profile', async () => {
      expect((await run(['--home', join(dir, 'none'), 'status', '--offline'])).code).toBe(ExitCode.NotFound);
    });
  });
});
