// The trust configuration as every verifier sees it (docs/trust.md): trust anchors, each with the certificate
// profile of what it issues, and a revocation lookup. The certificate service owns it and publishes it
// (certificate.trust.changed.v1 + certificate.revocation.recorded.v1); intake and delivery keep read models
// of it; `TrustPolicy` (trust.policy.ts) validates a certificate against one snapshot. Pure data, no I/O.
import { OID_AT_ORGANIZATIONAL_UNIT, OID_AT_SERIAL_NUMBER } from '../oids';

/** The principal roles a certificate can bind (the same strings as token `roles`). */
export type TrustRole = 'office' | 'kokuhoren' | 'operator';
export const TRUST_ROLES: readonly TrustRole[] = ['office', 'kokuhoren', 'operator'];

/** keyUsage bits by their RFC 5280 names. */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign';

/** Where a profile reads one identity field: a subject attribute or an extension, by OID. */
export interface ProfileField {
  readonly source: 'subject' | 'extension';
  readonly oid: string;
  /** only values starting with it count, and it is removed (e.g. `serviceType=`); absent: every value */
  readonly valuePrefix?: string;
}

/** How certificates under one trust anchor bind a principal. */
export interface CertificateProfileSpec {
  readonly name: string;
  /** 事業所番号 for offices; the principal id for 国保連 and operators */
  readonly officeNumber: ProfileField;
  /** サービス種類コード (one value each); required for the `office` role */
  readonly serviceTypes?: ProfileField;
  /** keyUsage bits an end-entity certificate must assert */
  readonly requiredKeyUsages: readonly KeyUsageName[];
  /** roles a certificate under this anchor may hold */
  readonly allowedRoles: readonly TrustRole[];
  /** where the role is read; absent: every certificate under the anchor is an `office` */
  readonly role?: ProfileField;
  /** where a 国保連's prefecture code (01–47) is read */
  readonly prefecture?: ProfileField;
}

/**
 * The dev and test profile (docs/envelope.md §6): office number in subject serialNumber, one OU per service type
 * `serviceType=<code>`, role from an OU `role=<role>` (absent: office), prefecture from an OU `prefecture=<nn>`.
 * `allowedRoles` is per anchor: the configured anchors get TRUST_ANCHOR_ROLES.
 */
export function devCertificateProfile(
  allowedRoles: readonly TrustRole[] = ['office'],
): CertificateProfileSpec {
  return {
    name: 'dev',
    officeNumber: { source: 'subject', oid: OID_AT_SERIAL_NUMBER },
    serviceTypes: { source: 'subject', oid: OID_AT_ORGANIZATIONAL_UNIT, valuePrefix: 'serviceType=' },
    requiredKeyUsages: ['digitalSignature'],
    allowedRoles,
    role: { source: 'subject', oid: OID_AT_ORGANIZATIONAL_UNIT, valuePrefix: 'role=' },
    prefecture: { source: 'subject', oid: OID_AT_ORGANIZATIONAL_UNIT, valuePrefix: 'prefecture=' },
  };
}

/** One trusted CA certificate and the profile of the certificates it issues. */
export interface TrustAnchorSpec {
  readonly anchorId: string;
  readonly certificateDer: Uint8Array;
  readonly profile: CertificateProfileSpec;
  /** false once retired: nothing that chains only to it is trusted */
  readonly active: boolean;
}

/** Revoked certificates, by the SHA-256 of their DER issuer Name and their serial number. */
export interface RevocationLookup {
  /** `issuerNameSha256`: lower-case hex; `serialNumber`: lower-case hex without leading zeros ('0' for zero) */
  isRevoked(issuerNameSha256: string, serialNumber: string): boolean;
  /** entries known */
  readonly size: number;
}

/** The trust configuration at one version. */
export interface TrustSnapshot {
  /** 0 for a configuration that did not come from the certificate service (TRUST_ANCHORS_PEM) */
  readonly version: number;
  readonly anchors: readonly TrustAnchorSpec[];
  readonly revocations: RevocationLookup;
}

/** The key the revocation topic and the read models use: `<issuerNameSha256>:<serialNumber>`. */
export function revocationKey(issuerNameSha256: string, serialNumber: string): string {
  return `${issuerNameSha256}:${serialNumber}`;
}

/** A serial number's canonical form: lower-case hex, no leading zeros, '0' for zero. */
export function canonicalSerial(hex: string): string {
  const trimmed = hex.toLowerCase().replace(/^0+/, '');
  return trimmed === '' ? '0' : trimmed;
}

/** A RevocationLookup over an in-memory set of revocation keys (read models add to it as events arrive). */
export class RevocationSet implements RevocationLookup {
  private readonly keys = new Set<string>();

  constructor(entries: Iterable<{ issuerNameSha256: string; serialNumber: string }> = []) {
    for (const entry of entries) this.add(entry.issuerNameSha256, entry.serialNumber);
  }

  add(issuerNameSha256: string, serialNumber: string): void {
    this.keys.add(revocationKey(issuerNameSha256, canonicalSerial(serialNumber)));
  }

  isRevoked(issuerNameSha256: string, serialNumber: string): boolean {
    return this.keys.has(revocationKey(issuerNameSha256, canonicalSerial(serialNumber)));
  }

  get size(): number {
    return this.keys.size;
  }
}
