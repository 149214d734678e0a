import {
  devCertificateProfile,
  revocationIdOf,
  RevocationSet,
  TrustPolicy,
  type TrustRole,
} from '@renkei/envelope';
import { createDevCa, issueOfficeCertificate, OfficeCertificateOptions } from '@renkei/testing';
import type { TrustStore } from '../trust/trust.store';
import { CertificateAuthError, CertificateAuthErrorCode } from './auth.errors';
import { OfficeCertificateValidator } from './office-certificate.validator';

const DAY = 24 * 60 * 60 * 1000;
const ca = createDevCa();
const now = new Date();

function setup(options: { anchors?: boolean; roles?: TrustRole[] } = {}) {
  const revocations = new RevocationSet();
  const policy = new TrustPolicy({
    version: 3,
    anchors:
      options.anchors === false
        ? []
        : [
            {
              anchorId: 'anchor-1',
              certificateDer: ca.certificate,
              profile: devCertificateProfile(options.roles ?? ['office']),
              active: true,
            },
          ],
    revocations,
  });
  const mocks = { trust: { current: jest.fn(async () => policy) } };
  const sut = new OfficeCertificateValidator(mocks.trust as unknown as TrustStore);
  return { sut, mocks, revocations };
}

function office(overrides: Partial<OfficeCertificateOptions> = {}) {
  return issueOfficeCertificate(ca, {
    officeNumber: '1310000001',
    serviceTypes: ['43'],
    keyType: 'ec',
    ...overrides,
  });
}

async function codeOf(action: Promise<unknown>): Promise<CertificateAuthErrorCode | undefined> {
  try {
    await action;
  } catch (error) {
    if (error instanceof CertificateAuthError) return error.code;
    throw error;
  }
  return undefined;
}

describe(OfficeCertificateValidator.name, () => {
  it('reads the principal of a trusted, valid office certificate from the current snapshot', async () => {
    const { sut, mocks } = setup();
    const cert = office({ serviceTypes: ['43', '46'] });

    await expect(sut.validate(cert.certificate, [], now)).resolves.toMatchObject({
      officeNumber: '1310000001',
      serviceTypes: ['43', '46'],
      role: 'office',
      anchorId: 'anchor-1',
    });
    expect(mocks.trust.current).toHaveBeenCalledTimes(1);
  });

  it('refuses a certificate issued by another CA', async () => {
    const { sut } = setup();
    const stranger = issueOfficeCertificate(createDevCa(), {
      officeNumber: '1310000001',
      serviceTypes: ['43'],
      keyType: 'rsa',
    });

    expect(await codeOf(sut.validate(stranger.certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_UNTRUSTED,
    );
  });

  it('refuses an expired and a not yet valid certificate', async () => {
    const { sut } = setup();
    const expired = office({
      notBefore: new Date(now.getTime() - 10 * DAY),
      notAfter: new Date(now.getTime() - DAY),
    });
    const early = office({
      notBefore: new Date(now.getTime() + DAY),
      notAfter: new Date(now.getTime() + 10 * DAY),
    });

    expect(await codeOf(sut.validate(expired.certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_EXPIRED,
    );
    expect(await codeOf(sut.validate(early.certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_NOT_YET_VALID,
    );
  });

  it('refuses a CA certificate, a malformed office number and a certificate without service types', async () => {
    const { sut } = setup();
    expect(await codeOf(sut.validate(ca.certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_PROFILE_MISMATCH,
    );
    expect(await codeOf(sut.validate(office({ officeNumber: '13100' }).certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_PROFILE_MISMATCH,
    );
    expect(await codeOf(sut.validate(office({ serviceTypes: [] }).certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_PROFILE_MISMATCH,
    );
  });

  it('refuses a certificate the snapshot lists as revoked', async () => {
    const { sut, revocations } = setup();
    const cert = office();
    const id = revocationIdOf(cert.certificate);
    revocations.add(id.issuerNameSha256, id.serialNumber);

    expect(await codeOf(sut.validate(cert.certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_REVOKED,
    );
  });

  it('gives the operator role only under an anchor whose profile allows it', async () => {
    const operator = office({ roles: ['operator'], serviceTypes: [] });

    await expect(
      setup({ roles: ['office', 'operator'] }).sut.validate(operator.certificate, [], now),
    ).resolves.toMatchObject({ role: 'operator' });
    expect(await codeOf(setup().sut.validate(operator.certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_PROFILE_MISMATCH,
    );
  });

  it('refuses every certificate while no trust anchor is active', async () => {
    expect(await codeOf(setup({ anchors: false }).sut.validate(office().certificate, [], now))).toBe(
      CertificateAuthErrorCode.TRUST_ANCHORS_NOT_CONFIGURED,
    );
  });
});
