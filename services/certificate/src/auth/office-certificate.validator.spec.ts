import { Logger } from '@nestjs/common';
import { PlatformConfig } from '@renkei/platform';
import { createDevCa, issueOfficeCertificate, OfficeCertificateOptions } from '@renkei/testing';
import { CertificateAuthError, CertificateAuthErrorCode } from './auth.errors';
import { OfficeCertificateValidator } from './office-certificate.validator';

const DAY = 24 * 60 * 60 * 1000;
const ca = createDevCa();
const now = new Date();

function validatorTrusting(pem: string | undefined): OfficeCertificateValidator {
  const sut = new OfficeCertificateValidator({ auth: { trustAnchorsPem: pem } } as PlatformConfig);
  sut.onModuleInit();
  return sut;
}

function office(overrides: Partial<OfficeCertificateOptions> = {}) {
  return issueOfficeCertificate(ca, {
    officeNumber: '1310000001',
    serviceTypes: ['43'],
    keyType: 'ec',
    ...overrides,
  });
}

function codeOf(action: () => unknown): CertificateAuthErrorCode | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof CertificateAuthError) return error.code;
    throw error;
  }
  return undefined;
}

describe(OfficeCertificateValidator.name, () => {
  beforeAll(() => Logger.overrideLogger(false));
  const sut = validatorTrusting(ca.certificatePem);

  it('reads the office number and service types of a trusted, valid office certificate', () => {
    const cert = office({ serviceTypes: ['43', '46'] });

    expect(sut.validate(cert.certificate, [], now)).toMatchObject({
      officeNumber: '1310000001',
      serviceTypes: ['43', '46'],
    });
  });

  it('refuses a certificate issued by another CA', () => {
    const stranger = issueOfficeCertificate(createDevCa(), {
      officeNumber: '1310000001',
      serviceTypes: ['43'],
      keyType: 'rsa',
    });

    expect(codeOf(() => sut.validate(stranger.certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_UNTRUSTED,
    );
  });

  it('refuses an expired and a not yet valid certificate', () => {
    const expired = office({
      notBefore: new Date(now.getTime() - 10 * DAY),
      notAfter: new Date(now.getTime() - DAY),
    });
    const early = office({
      notBefore: new Date(now.getTime() + DAY),
      notAfter: new Date(now.getTime() + 10 * DAY),
    });

    expect(codeOf(() => sut.validate(expired.certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_EXPIRED,
    );
    expect(codeOf(() => sut.validate(early.certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_NOT_YET_VALID,
    );
  });

  it('refuses a CA certificate, a malformed office number and a certificate without service types', () => {
    expect(codeOf(() => sut.validate(ca.certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_PROFILE_MISMATCH,
    );
    expect(codeOf(() => sut.validate(office({ officeNumber: '13100' }).certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_PROFILE_MISMATCH,
    );
    expect(codeOf(() => sut.validate(office({ serviceTypes: [] }).certificate, [], now))).toBe(
      CertificateAuthErrorCode.CERTIFICATE_PROFILE_MISMATCH,
    );
  });

  it('refuses every certificate while no trust anchor is configured', () => {
    expect(codeOf(() => validatorTrusting(undefined).validate(office().certificate, [], now))).toBe(
      CertificateAuthErrorCode.TRUST_ANCHORS_NOT_CONFIGURED,
    );
  });
});
