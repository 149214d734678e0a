import { devCertificateProfile, revocationIdOf } from '@renkei/envelope';
import { createDevCa, issueOfficeCertificate } from '@renkei/testing';
import { RevokedCertificateEntity } from './revoked-certificate.entity';
import { TrustAnchorEntity } from './trust-anchor.entity';
import type { TrustClock } from './trust.clock';
import type { TrustRepository } from './trust.repository';
import { TRUST_RECHECK_MS, TrustStore } from './trust.store';

const ca = createDevCa({ name: 'Store unit CA — TEST ONLY' });
const office = issueOfficeCertificate(ca, {
  officeNumber: '1310000001',
  serviceTypes: ['43'],
  keyType: 'ec',
});

function anchor(): TrustAnchorEntity {
  return Object.assign(new TrustAnchorEntity(), {
    id: 'a1',
    certificateDer: Buffer.from(ca.certificate),
    status: 'active',
    profile: devCertificateProfile(),
  });
}

function revoked(version: string): RevokedCertificateEntity {
  const id = revocationIdOf(office.certificate);
  return Object.assign(new RevokedCertificateEntity(), { ...id, trustVersion: version });
}

function setup() {
  let now = 1_000_000;
  const mocks = {
    repository: {
      version: jest.fn(async () => 1n),
      anchors: jest.fn(async () => [anchor()]),
      revocationsAfter: jest.fn(async (): Promise<RevokedCertificateEntity[]> => []),
    },
    clock: { now: jest.fn(() => new Date(now)) },
  };
  const sut = new TrustStore(
    mocks.repository as unknown as TrustRepository,
    mocks.clock as unknown as TrustClock,
  );
  return { sut, mocks, advance: (ms: number) => (now += ms) };
}

describe(TrustStore.name, () => {
  it('loads the snapshot once and reads the version at most once per recheck period', async () => {
    const { sut, mocks, advance } = setup();

    const first = await sut.current();
    advance(TRUST_RECHECK_MS - 1);
    const second = await sut.current();

    expect(second).toBe(first);
    expect(first.snapshot).toMatchObject({ version: 1, anchors: [{ anchorId: 'a1', active: true }] });
    expect(mocks.repository.version).toHaveBeenCalledTimes(1);
    expect(mocks.repository.anchors).toHaveBeenCalledTimes(1);
  });

  it('keeps the policy while the version stands, and reloads when another replica moved it', async () => {
    const { sut, mocks, advance } = setup();
    const first = await sut.current();

    advance(TRUST_RECHECK_MS);
    expect(await sut.current()).toBe(first);
    mocks.repository.version.mockResolvedValue(2n);
    mocks.repository.revocationsAfter.mockResolvedValue([revoked('2')]);
    advance(TRUST_RECHECK_MS);
    const reloaded = await sut.current();

    expect(reloaded).not.toBe(first);
    expect(reloaded.snapshot.version).toBe(2);
    expect(mocks.repository.revocationsAfter).toHaveBeenLastCalledWith(1n);
    expect(() => reloaded.validate(office.certificate, [], { at: new Date() })).toThrow(
      expect.objectContaining({ code: 'CERTIFICATE_REVOKED' }),
    );
  });

  it('checks the version again at once after a local change', async () => {
    const { sut, mocks } = setup();
    await sut.current();

    sut.invalidate();
    await sut.current();

    expect(mocks.repository.version).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent callers', async () => {
    const { sut, mocks } = setup();

    const [a, b] = await Promise.all([sut.current(), sut.current()]);

    expect(a).toBe(b);
    expect(mocks.repository.version).toHaveBeenCalledTimes(1);
  });
});
