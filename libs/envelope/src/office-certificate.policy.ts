// The dev-profile policy for an office certificate that signs (a challenge or an envelope): it chains to a
// configured trust anchor (directly or through CA certificates the signer included), is valid at the given
// time, is an end entity allowing digitalSignature, and carries the office profile (docs/envelope.md §6).
// certificate (challenge→token) and intake (envelopes) apply the same policy. Revocation, managed trust
// stores and configurable profiles belong to the trust issue.
import { KeyObject, X509Certificate } from 'node:crypto';
import { readOfficeIdentity } from './certificate-profile';
import { sha256Hex } from './der';
import {
  childrenOf,
  decodeOid,
  readRoot,
  readTlv,
  TAG_BIT_STRING,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
} from './der-reader';

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
/** [3] EXPLICIT Extensions in TBSCertificate */
const TAG_CONTEXT_3 = 0xa3;
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

/** a signer certificate as `parseEnvelope` returns it: DER and its hex SHA-256 (the cache key) */
export interface CertificateRef {
  readonly der: Uint8Array;
  readonly sha256: string;
}

/** Verdicts kept per signer certificate, one per distinct set of accompanying certificates. */
const MAX_VERDICTS_PER_CERTIFICATE = 4;

interface Verdict {
  readonly identity?: OfficeCertificateIdentity;
  readonly refusal?: CertificatePolicyError;
  /** the verdict holds for `at` in [from, to] (ms): every certificate it looked at is valid there */
  readonly from: number;
  readonly to: number;
}

interface CacheEntry {
  readonly certificate: X509Certificate | undefined;
  readonly publicKey: KeyObject | undefined;
  /** by the SHA-256s of the other certificates, '' when there are none */
  readonly verdicts: Map<string, Verdict>;
}

/**
 * OfficeCertificatePolicy with a bounded LRU of signer certificates by SHA-256: the parsed certificate and
 * public key, and each verdict (identity or refusal) with the time window over which it was computed. A
 * verdict is reused only while `at` lies in the intersection of the validity periods of the signer, the
 * certificates that came with it and the trust anchors: there every time comparison of the policy comes out
 * the same, so the cached verdict is the one `validate` would give. Outside it (past the signer's notAfter,
 * for one) the policy runs again.
 */
export class CachedOfficeCertificatePolicy {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly anchorsFrom: number;
  private readonly anchorsTo: number;

  constructor(
    private readonly anchors: readonly X509Certificate[],
    readonly maxEntries = 10_000,
  ) {
    this.policy = new OfficeCertificatePolicy(anchors);
    this.anchorsFrom = Math.max(...anchors.map(validFrom), Number.NEGATIVE_INFINITY);
    this.anchorsTo = Math.min(...anchors.map(validTo), Number.POSITIVE_INFINITY);
  }

  private readonly policy: OfficeCertificatePolicy;

  static fromPem(pem: string | undefined, maxEntries?: number): CachedOfficeCertificatePolicy {
    return new CachedOfficeCertificatePolicy(certificatesFromPem(pem), maxEntries);
  }

  get anchorCount(): number {
    return this.anchors.length;
  }

  /** certificates currently cached */
  get size(): number {
    return this.entries.size;
  }

  /** The signer's public key, parsed once per certificate; undefined when the certificate is unreadable. */
  publicKey(signer: CertificateRef): KeyObject | undefined {
    return this.entry(signer).publicKey;
  }

  /** As OfficeCertificatePolicy.validate, answered from the cache while the verdict's window covers `at`. */
  validate(signer: CertificateRef, others: readonly Uint8Array[], at: Date): OfficeCertificateIdentity {
    const entry = this.entry(signer);
    const key = others.length === 0 ? '' : others.map((der) => sha256Hex(der)).join(',');
    const time = at.getTime();
    const cached = entry.verdicts.get(key);
    if (cached && cached.from <= time && time <= cached.to) return settle(cached);
    let verdict: Verdict;
    const window = this.windowOf(entry.certificate, others);
    try {
      verdict = { identity: this.policy.validate(signer.der, others, at), ...window };
    } catch (error) {
      if (!(error instanceof CertificatePolicyError)) throw error;
      verdict = { refusal: error, ...window };
    }
    if (window.from <= time && time <= window.to) {
      entry.verdicts.delete(key);
      entry.verdicts.set(key, verdict);
      if (entry.verdicts.size > MAX_VERDICTS_PER_CERTIFICATE) {
        entry.verdicts.delete(entry.verdicts.keys().next().value as string);
      }
    }
    return settle(verdict);
  }

  private entry(signer: CertificateRef): CacheEntry {
    const found = this.entries.get(signer.sha256);
    if (found) {
      // most recently used last
      this.entries.delete(signer.sha256);
      this.entries.set(signer.sha256, found);
      return found;
    }
    const certificate = x509(signer.der);
    const entry: CacheEntry = { certificate, publicKey: certificate?.publicKey, verdicts: new Map() };
    this.entries.set(signer.sha256, entry);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return entry;
  }

  /** the intersection of the validity periods of everything a verdict may depend on */
  private windowOf(
    leaf: X509Certificate | undefined,
    others: readonly Uint8Array[],
  ): { from: number; to: number } {
    const certificates = [leaf, ...others.map(x509)].filter((c): c is X509Certificate => c !== undefined);
    return {
      from: Math.max(this.anchorsFrom, ...certificates.map(validFrom)),
      to: Math.min(this.anchorsTo, ...certificates.map(validTo)),
    };
  }
}

function settle(verdict: Verdict): OfficeCertificateIdentity {
  if (verdict.refusal) throw new CertificatePolicyError(verdict.refusal.code, verdict.refusal.message);
  const identity = verdict.identity as OfficeCertificateIdentity;
  return { ...identity, serviceTypes: [...identity.serviceTypes] };
}

function validFrom(certificate: X509Certificate): number {
  return new Date(certificate.validFrom).getTime();
}

function validTo(certificate: X509Certificate): number {
  return new Date(certificate.validTo).getTime();
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

/** keyUsage (2.5.29.15) of a DER certificate read with the DER reader; false when absent or unreadable */
export function allowsDigitalSignature(der: Uint8Array): boolean {
  try {
    const certificate = readRoot(der);
    const tbs = childrenOf(der, certificate)[0];
    if (tbs?.tag !== TAG_SEQUENCE) return false;
    const extensions = childrenOf(der, tbs).find((field) => field.tag === TAG_CONTEXT_3);
    if (!extensions) return false;
    const [list] = childrenOf(der, extensions);
    if (list?.tag !== TAG_SEQUENCE) return false;
    for (const extension of childrenOf(der, list)) {
      const parts = childrenOf(der, extension);
      if (parts[0]?.tag !== TAG_OID || decodeOid(der, parts[0]) !== OID_KEY_USAGE) continue;
      const value = parts[parts.length - 1];
      if (value.tag !== TAG_OCTET_STRING) return false;
      const bits = readTlv(der, value.valueStart, value.end);
      if (bits.tag !== TAG_BIT_STRING || bits.end !== value.end) return false;
      // first content octet: the number of unused bits; then the bits, digitalSignature first
      return bits.end - bits.valueStart > 1 && (der[bits.valueStart + 1] & KU_DIGITAL_SIGNATURE) !== 0;
    }
    return false;
  } catch {
    return false;
  }
}
