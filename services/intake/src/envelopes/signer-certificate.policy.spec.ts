import { CachedTrustPolicy, snapshotFromPem, RevocationSet, revocationIdOf } from '@renkei/envelope';
import type { PlatformConfig, TrustReadModel } from '@renkei/platform';
import { createDevCa, issueOfficeCertificate, type DevCredential } from '@renkei/testing';
import { IntakeErrorCode } from './envelopes.errors';
import { SignerCertificatePolicy } from './signer-certificate.policy';

const ca = createDevCa();
const office = issueOfficeCertificate(ca, {
  officeNumber: '1310000001',
  serviceTypes: ['43'],
  keyType: 'ec',
});
const operator = issueOfficeCertificate(ca, {
  officeNumber: '1310000001',
  serviceTypes: ['43'],
  keyType: 'ec',
  roles: ['operator'],
});
const ref = (credential: DevCredential) => ({ der: credential.certificate, sha256: credential.fingerprint });

function setup() {
  const revocations = new RevocationSet();
  const policy = new CachedTrustPolicy(
    snapshotFromPem(ca.certificatePem, ['office', 'operator'], revocations),
  );
  const trust = { policy, version: 0 } as Pick<TrustReadModel, 'policy' | 'version'> as TrustReadModel;
  const config = { auth: { clockSkewSeconds: 60 } } as PlatformConfig;
  return { sut: new SignerCertificatePolicy(trust, config), revocations };
}

const codeOf = (work: () => unknown): string | undefined => {
  try {
    work();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe(SignerCertificatePolicy.name, () => {
  const at = new Date();

  it('returns the office identity of a valid signer', () => {
    const { sut } = setup();

    expect(sut.validate(ref(office), [], { at, signedAt: at })).toMatchObject({
      officeNumber: '1310000001',
      role: 'office',
    });
  });

  it('accepts a signing time within the clock skew ahead, and refuses one beyond it', () => {
    const { sut } = setup();

    expect(
      codeOf(() => sut.validate(ref(office), [], { at, signedAt: new Date(at.getTime() + 60_000) })),
    ).toBe(undefined);
    expect(
      codeOf(() => sut.validate(ref(office), [], { at, signedAt: new Date(at.getTime() + 61_000) })),
    ).toBe(IntakeErrorCode.SIGNING_TIME_INVALID);
  });

  it('refuses a certificate that is not an office with SENDER_MISMATCH', () => {
    const { sut } = setup();

    expect(codeOf(() => sut.validate(ref(operator), [], { at, signedAt: at }))).toBe(
      IntakeErrorCode.SENDER_MISMATCH,
    );
  });

  it('refuses a signer revoked after the policy was built with CERTIFICATE_REVOKED', () => {
    const { sut, revocations } = setup();
    expect(codeOf(() => sut.validate(ref(office), [], { at, signedAt: at }))).toBeUndefined();
    const { issuerNameSha256, serialNumber } = revocationIdOf(office.certificate);

    revocations.add(issuerNameSha256, serialNumber);

    expect(codeOf(() => sut.validate(ref(office), [], { at, signedAt: at }))).toBe(
      IntakeErrorCode.CERTIFICATE_REVOKED,
    );
  });
});
