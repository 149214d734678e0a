// DEPRECATED adapters: `OfficeCertificatePolicy` and `CachedOfficeCertificatePolicy` are `TrustPolicy` /
// `CachedTrustPolicy` (trust/trust.policy.ts, docs/trust.md "Validation policy") over configured anchors with
// the dev profile for the `office` role only, answering the office identity alone. New code uses the trust
// policy directly; these stay until their callers (agent init/fetch, benches) have moved.
import { KeyObject, X509Certificate } from 'node:crypto';
import {
  CachedTrustPolicy,
  type CertificateRef,
  type PrincipalIdentity,
  TrustPolicy,
} from './trust/trust.policy';

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
  private constructor(private readonly policy: TrustPolicy) {}

  static fromPem(pem: string | undefined): OfficeCertificatePolicy {
    return new OfficeCertificatePolicy(TrustPolicy.fromPem(pem));
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
  private constructor(private readonly policy: CachedTrustPolicy) {}

  static fromPem(pem: string | undefined, maxEntries?: number): CachedOfficeCertificatePolicy {
    return new CachedOfficeCertificatePolicy(CachedTrustPolicy.fromPem(pem, undefined, maxEntries));
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

function officeIdentityOf(principal: PrincipalIdentity): OfficeCertificateIdentity {
  return {
    officeNumber: principal.officeNumber,
    serviceTypes: principal.serviceTypes,
    notAfter: principal.notAfter,
  };
}
