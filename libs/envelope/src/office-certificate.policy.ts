// The dev-profile policy for an office certificate that signs (a challenge or an envelope): it chains to a
// configured trust anchor (directly or through CA certificates the signer included), is valid at the given
// time, is an end entity allowing digitalSignature, and carries the office profile (docs/envelope.md §6).
// certificate (challenge→token) and intake (envelopes) apply the same policy. Revocation, managed trust
// stores and configurable profiles belong to the trust issue.
import { X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { readOfficeIdentity } from './certificate-profile';

export enum CertificatePolicyErrorCode {
  TRUST_ANCHORS_NOT_CONFIGURED = 'TRUST_ANCHORS_NOT_CONFIGURED',
  CERTIFICATE_UNREADABLE = 'CERTIFICATE_UNREADABLE',
  CERTIFICATE_UNTRUSTED = 'CERTIFICATE_UNTRUSTED',
  CERTIFICATE_NOT_YET_VALID = 'CERTIFICATE_NOT_YET_VALID',
  CERTIFICATE_EXPIRED = 'CERTIFICATE_EXPIRED',
  CERTIFICATE_PROFILE_MISMATCH = 'CERTIFICATE_PROFILE_MISMATCH',
}

export class CertificatePolicyError extends Error {
  constructor(
    readonly code: CertificatePolicyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CertificatePolicyError';
  }
}

export interface OfficeCertificateIdentity {
  readonly officeNumber: string;
  readonly serviceTypes: string[];
  readonly notAfter: Date;
}

const OFFICE_NUMBER = /^[0-9A-Z]{10}$/;
const OID_KEY_USAGE = '2.5.29.15';
const KU_DIGITAL_SIGNATURE = 0x80;
const MAX_CHAIN_DEPTH = 4;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM bundle, in order. */
export function certificatesFromPem(pem: string | undefined): X509Certificate[] {
  return (pem?.match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block));
}

export class OfficeCertificatePolicy {
  constructor(private readonly anchors: readonly X509Certificate[]) {}

  static fromPem(pem: string | undefined): OfficeCertificatePolicy {
    return new OfficeCertificatePolicy(certificatesFromPem(pem));
  }

  get anchorCount(): number {
    return this.anchors.length;
  }

  /** The office identity of `leafDer` at time `at`, or a CertificatePolicyError saying why it is refused. */
  validate(leafDer: Uint8Array, others: readonly Uint8Array[], at: Date): OfficeCertificateIdentity {
    if (this.anchors.length === 0) {
      throw new CertificatePolicyError(
        CertificatePolicyErrorCode.TRUST_ANCHORS_NOT_CONFIGURED,
        'no trust anchors are configured (TRUST_ANCHORS_PEM)',
      );
    }
    const leaf = x509(leafDer);
    if (!leaf) {
      throw new CertificatePolicyError(
        CertificatePolicyErrorCode.CERTIFICATE_UNREADABLE,
        'the signer certificate is not readable',
      );
    }
    const candidates = others.map(x509).filter((cert): cert is X509Certificate => cert !== undefined);
    if (!this.chainsToAnchor(leaf, candidates, at)) {
      throw new CertificatePolicyError(
        CertificatePolicyErrorCode.CERTIFICATE_UNTRUSTED,
        'the signer certificate does not chain to a trust anchor',
      );
    }
    if (at < new Date(leaf.validFrom)) {
      throw new CertificatePolicyError(
        CertificatePolicyErrorCode.CERTIFICATE_NOT_YET_VALID,
        'the signer certificate is not valid yet',
      );
    }
    const notAfter = new Date(leaf.validTo);
    if (at > notAfter) {
      throw new CertificatePolicyError(
        CertificatePolicyErrorCode.CERTIFICATE_EXPIRED,
        'the signer certificate has expired',
      );
    }
    if (leaf.ca || !allowsDigitalSignature(leafDer)) {
      throw new CertificatePolicyError(
        CertificatePolicyErrorCode.CERTIFICATE_PROFILE_MISMATCH,
        'the signer certificate is not an end-entity certificate allowing digitalSignature',
      );
    }
    const identity = readOfficeIdentity(leafDer);
    if (
      !identity.officeNumber ||
      !OFFICE_NUMBER.test(identity.officeNumber) ||
      identity.serviceTypes.length === 0
    ) {
      throw new CertificatePolicyError(
        CertificatePolicyErrorCode.CERTIFICATE_PROFILE_MISMATCH,
        'the signer certificate carries no office number (subject serialNumber) or no serviceType OU',
      );
    }
    return { officeNumber: identity.officeNumber, serviceTypes: identity.serviceTypes, notAfter };
  }

  private chainsToAnchor(leaf: X509Certificate, candidates: X509Certificate[], at: Date): boolean {
    let current = leaf;
    for (let depth = 0; depth <= MAX_CHAIN_DEPTH; depth += 1) {
      if (this.anchors.some((anchor) => issuedBy(current, anchor, at))) return true;
      const next = candidates.find((ca) => ca.ca && issuedBy(current, ca, at));
      if (!next) return false;
      current = next;
    }
    return false;
  }
}

function x509(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate, at: Date): boolean {
  return (
    cert.checkIssued(issuer) &&
    cert.verify(issuer.publicKey) &&
    at >= new Date(issuer.validFrom) &&
    at <= new Date(issuer.validTo)
  );
}

function allowsDigitalSignature(der: Uint8Array): boolean {
  const cert = pkijs.Certificate.fromBER(der);
  const extension = cert.extensions?.find((ext) => ext.extnID === OID_KEY_USAGE);
  const parsed: unknown = extension?.parsedValue;
  if (!parsed || typeof parsed !== 'object' || !('valueBlock' in parsed)) return false;
  const bits = (parsed as { valueBlock: { valueHexView: Uint8Array } }).valueBlock.valueHexView;
  return bits.length > 0 && (bits[0] & KU_DIGITAL_SIGNATURE) !== 0;
}
