import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCa, exportPkcs12, issueOfficeCertificate } from '@renkei/pki';
import { createContext } from '../agent.context';
import { ExitCode } from '../agent.errors';
import { ProfileStore } from '../profile.store';
import { authRoutes, fakeFetch } from '../testing/fake-fetch';
import { init } from './init.command';

const ca = createDevCa();
const otherCa = createDevCa();
const office = issueOfficeCertificate(ca, {
  officeNumber: '1310000004',
  serviceTypes: ['43'],
  keyType: 'rsa',
});

describe(init.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renkei-agent-init-'));
    writeFileSync(join(dir, 'office.p12'), await exportPkcs12(office, 'pw', { chain: [ca.certificate] }));
    writeFileSync(join(dir, 'bare.p12'), await exportPkcs12(office, 'pw'));
    writeFileSync(join(dir, 'other-ca.pem'), otherCa.certificatePem);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the .p12 offline, trusting the CA certificate inside it', async () => {
    const ctx = createContext({ home: join(dir, 'home') });

    const result = await init(ctx, { p12: join(dir, 'office.p12'), password: 'pw', offline: true });

    expect(result).toMatchObject({
      officeNumber: '1310000004',
      serviceTypes: ['43'],
      trustAnchors: 1,
      published: null,
    });
    const profile = await new ProfileStore(ctx.home).load();
    expect(profile.trustAnchorsPem).toBe(ca.certificatePem);
  });

  it('publishes the certificate with the token it authenticated with', async () => {
    const fake = fakeFetch({
      ...authRoutes(() => new Date(Date.now() + 600_000).toISOString()),
      'PUT /v1/offices/me': () => ({
        status: 201,
        json: { officeNumber: '1310000004', version: 1, status: 'active' },
      }),
    });
    const ctx = createContext({ home: join(dir, 'home'), fetch: fake.fetch, platformUrl: 'http://p.test' });

    const result = await init(ctx, { p12: join(dir, 'office.p12'), password: 'pw' });

    expect(result.published).toMatchObject({ version: 1 });
    expect(result.platformUrl).toBe('http://p.test');
    const put = fake.calls.find((c) => c.path === '/v1/offices/me');
    expect(put?.body).toEqual({ certificatePem: office.certificatePem });
    expect(put?.headers.authorization).toBe('Bearer token-1');
  });

  it('refuses a wrong password (exit 3) and creates no profile', async () => {
    const ctx = createContext({ home: join(dir, 'home') });

    await expect(
      init(ctx, { p12: join(dir, 'office.p12'), password: 'nope', offline: true }),
    ).rejects.toMatchObject({
      code: 'PKCS12_BAD_PASSWORD',
      exitCode: ExitCode.InvalidInput,
    });
    await expect(new ProfileStore(ctx.home).exists()).resolves.toBe(false);
  });

  it('needs a trust anchor when the .p12 has no CA, and checks the certificate against it', async () => {
    const ctx = createContext({ home: join(dir, 'home') });

    await expect(
      init(ctx, { p12: join(dir, 'bare.p12'), password: 'pw', offline: true }),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_INVALID',
    });
    await expect(
      init(ctx, {
        p12: join(dir, 'bare.p12'),
        password: 'pw',
        offline: true,
        trustAnchorFile: join(dir, 'other-ca.pem'),
      }),
    ).rejects.toMatchObject({
      code: 'CERTIFICATE_INVALID',
      message: expect.stringContaining('CERTIFICATE_UNTRUSTED'),
    });
  });
});
