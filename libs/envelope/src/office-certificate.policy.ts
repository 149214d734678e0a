// DEPRECATED adapters: `OfficeCertificatePolicy` and `CachedOfficeCertificatePolicy` are `TrustPolicy` /
// `CachedTrustPolicy` (trust/trust.policy.ts, docs/trust.md "Validation policy") over configured anchors with
// the dev profile for the `office` role only, answering the office identity alone. New code uses the trust
// policy directly; these stay until their callers (agent, certificate, intake, benches) have moved.
import { KeyObject, X509Certificate } from 'node:crypto';
import { sha256Hex } from './der';
import { readCertificateFacts } from './trust/certificate-facts';
import {
  CachedTrustPolicy,
  type CertificateRef,
  type PrincipalIdentity,
  TrustPolicy,
} from './trust/trust.policy';
import { devCertificateProfile, type TrustSnapshot } from './trust/trust-snapshot';

export { CertificatePolicyError, CertificatePolicyErrorCode } from './trust/certificate-policy.errors';
export type { CertificateRef } from './trust/trust.policy';

export interface OfficeCertificateIdentity {
  readonly officeNumber: string;
  readonly serviceTypes: string[];
  readonly notAfter: Date;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM bundle, in order. */
export function certificatesFromPem(pem: string | undefined): X509Certificate[] {
  return (pem?.match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block));
}

/** @deprecated use TrustPolicy (trust/trust.policy.ts) */
export class OfficeCertificatePolicy {
  private readonly policy: TrustPolicy;

  constructor(anchors: readonly X509Certificate[]) {
    this.policy = new TrustPolicy(officeSnapshotOf(anchors));
  }

  static fromPem(pem: string | undefined): OfficeCertificatePolicy {
    return new OfficeCertificatePolicy(certificatesFromPem(pem));
  }

  get anchorCount(): number {
    return this.policy.anchorCount;
  }

  /** The office identity of `leafDer` at time `at`, or a CertificatePolicyError saying why it is refused. */
  validate(leafDer: Uint8Array, others: readonly Uint8Array[], at: Date): OfficeCertificateIdentity {
    return officeIdentityOf(this.policy.validate(leafDer, others, { at }));
  }
}

/** @deprecated use CachedTrustPolicy (trust/trust.policy.ts) */
export class CachedOfficeCertificatePolicy {
  private readonly policy: CachedTrustPolicy;

  constructor(anchors: readonly X509Certificate[], maxEntries = 10_000) {
    this.policy = new CachedTrustPolicy(officeSnapshotOf(anchors), maxEntries);
  }

  static fromPem(pem: string | undefined, maxEntries?: number): CachedOfficeCertificatePolicy {
    return new CachedOfficeCertificatePolicy(certificatesFromPem(pem), maxEntries);
  }

  get maxEntries(): number {
    return this.policy.maxEntries;
  }

  get anchorCount(): number {
    return this.policy.anchorCount;
  }

  /** certificates currently cached */
  get size(): number {
    return this.policy.size;
  }

  /** The signer's public key, parsed once per certificate; undefined when the certificate is unreadable. */
  publicKey(signer: CertificateRef): KeyObject | undefined {
    return this.policy.publicKey(signer);
  }

  /** As OfficeCertificatePolicy.validate, answered from the cache while the verdict's window covers `at`. */
  validate(signer: CertificateRef, others: readonly Uint8Array[], at: Date): OfficeCertificateIdentity {
    return officeIdentityOf(this.policy.validate(signer, others, { at }));
  }
}

function officeSnapshotOf(anchors: readonly X509Certificate[]): TrustSnapshot {
  return {
    version: 0,
    anchors: anchors.map((anchor) => {
      const certificateDer = new Uint8Array(anchor.raw);
      return {
        anchorId: `config-${sha256Hex(certificateDer).slice(0, 16)}`,
        certificateDer,
        profile: devCertificateProfile(['office']),
        active: true,
      };
    }),
    revocations: { isRevoked: () => false, size: 0 },
  };
}

function officeIdentityOf(principal: PrincipalIdentity): OfficeCertificateIdentity {
  return {
    officeNumber: principal.officeNumber,
    serviceTypes: principal.serviceTypes,
    notAfter: principal.notAfter,
  };
}

/** keyUsage of a DER certificate asserts digitalSignature; false when absent or unreadable */
export function allowsDigitalSignature(der: Uint8Array): boolean {
  const facts = readCertificateFacts(der);
  return facts !== undefined && facts.keyUsage !== undefined && (facts.keyUsage & 1) !== 0;
}
