import {
  CachedTrustPolicy,
  RevocationSet,
  revocationIdOf,
  snapshotFromPem,
  type CertificateRef,
} from '@renkei/envelope';
import { createHash } from 'node:crypto';
import type { TrustReadModel } from '@renkei/platform';
import { createDevCa, issueOfficeCertificate } from '@renkei/testing';
import { RecipientCertificatePolicy } from './recipient-certificate.policy';
import { RecipientCertificateError, RecipientCertificateErrorCode } from './trust.errors';

const ca = createDevCa();
const office = issueOfficeCertificate(ca, {
  officeNumber: '1320000002',
  serviceTypes: ['11'],
  keyType: 'rsa',
});
const stranger = issueOfficeCertificate(createDevCa(), {
  officeNumber: '1320000002',
  serviceTypes: ['11'],
  keyType: 'ec',
});

function setup() {
  const revocations = new RevocationSet();
  const policy = new CachedTrustPolicy(snapshotFromPem(ca.certificatePem, ['office'], revocations));
  const trust = { policy, version: 4 } as Pick<TrustReadModel, 'policy' | 'version'> as TrustReadModel;
  return { sut: new RecipientCertificatePolicy(trust), revocations };
}

const refOf = (der: Uint8Array): CertificateRef => ({
  der,
  sha256: createHash('sha256').update(der).digest('hex'),
});

const refusalOf = (work: () => unknown): RecipientCertificateError | undefined => {
  try {
    work();
    return undefined;
  } catch (error) {
    if (error instanceof RecipientCertificateError) return error;
    throw error;
  }
};

describe(RecipientCertificatePolicy.name, () => {
  const at = new Date();

  it('returns the principal a trusted signer binds', () => {
    const { sut } = setup();

    expect(sut.validate(refOf(office.certificate), [], { at })).toMatchObject({
      officeNumber: '1320000002',
      role: 'office',
    });
  });

  it('refuses an untrusted signer with a delivery error', () => {
    const { sut } = setup();

    expect(refusalOf(() => sut.validate(refOf(stranger.certificate), [], { at }))?.code).toBe(
      RecipientCertificateErrorCode.CERTIFICATE_UNTRUSTED,
    );
  });

  it('refuses a revoked signer, and a signing time before its validity', () => {
    const { sut, revocations } = setup();
    const { issuerNameSha256, serialNumber } = revocationIdOf(office.certificate);
    const beforeValidity = new Date(at.getTime() - 7 * 24 * 60 * 60 * 1000);

    expect(
      refusalOf(() => sut.validate(refOf(office.certificate), [], { at, signedAt: beforeValidity }))?.code,
    ).toBe(RecipientCertificateErrorCode.CERTIFICATE_NOT_YET_VALID);
    revocations.add(issuerNameSha256, serialNumber);
    expect(refusalOf(() => sut.validate(refOf(office.certificate), [], { at }))?.code).toBe(
      RecipientCertificateErrorCode.CERTIFICATE_REVOKED,
    );
  });
});
