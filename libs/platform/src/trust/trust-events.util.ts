// certificate.trust.changed.v1 and certificate.revocation.recorded.v1 → the rows of the trust read model.
// Each throws on an event that breaks the contract (the consumer sends it to the DLQ as undecodable), so what
// reaches the tables is always something TrustPolicy can read.
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  IdentitySource,
  TrustAnchorStatus,
  type CertificateProfile,
  type CertificateRevoked,
  type IdentityField,
  type TrustChanged,
} from '@renkei/contracts';
import {
  canonicalSerial,
  isKeyUsageName,
  isObjectIdentifier,
  isTrustRole,
  type CertificateProfileSpec,
  type ProfileField,
} from '@renkei/envelope';
import { createHash, X509Certificate } from 'node:crypto';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SERIAL_HEX = /^[0-9a-f]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One anchor row of a TrustChanged. */
export interface TrustAnchorRow {
  readonly anchorId: string;
  readonly certificateDer: Buffer;
  readonly certificateSha256: string;
  readonly active: boolean;
  readonly profile: CertificateProfileSpec;
}

/** A TrustChanged as the read model applies it. */
export interface TrustChange {
  /** uint64 as a decimal string (pg bigint) */
  readonly version: string;
  readonly changedAt: Date;
  readonly anchors: readonly TrustAnchorRow[];
}

/** A CertificateRevoked as the read model applies it. */
export interface RevocationRow {
  readonly issuerNameSha256: string;
  readonly serialNumber: string;
  readonly revokedAt: Date;
  readonly reason: number;
  readonly anchorId: string;
  readonly recordedAt: Date;
}

export function trustChangeOf(event: TrustChanged): TrustChange {
  if (event.version < 1n) throw new Error('version must be at least 1');
  if (!event.changedAt) throw new Error('changed_at is missing');
  const seen = new Set<string>();
  const anchors = event.anchors.map((anchor, index) => {
    const where = `anchors[${index}]`;
    if (!UUID.test(anchor.anchorId)) throw new Error(`${where}.anchor_id is not a lower-case UUID`);
    if (seen.has(anchor.anchorId)) throw new Error(`${where}.anchor_id is repeated`);
    seen.add(anchor.anchorId);
    const der = Buffer.from(anchor.certificateDer);
    const sha256 = createHash('sha256').update(der).digest('hex');
    if (anchor.certificateSha256 !== sha256)
      throw new Error(`${where}.certificate_sha256 is not the SHA-256 of certificate_der`);
    let ca: boolean;
    try {
      ca = new X509Certificate(der).ca;
    } catch {
      throw new Error(`${where}.certificate_der is not an X.509 certificate`);
    }
    if (!ca) throw new Error(`${where}.certificate_der is not a CA certificate`);
    if (anchor.status !== TrustAnchorStatus.ACTIVE && anchor.status !== TrustAnchorStatus.RETIRED)
      throw new Error(`${where}.status is not ACTIVE or RETIRED`);
    if (!anchor.profile) throw new Error(`${where}.profile is missing`);
    return {
      anchorId: anchor.anchorId,
      certificateDer: der,
      certificateSha256: sha256,
      active: anchor.status === TrustAnchorStatus.ACTIVE,
      profile: profileSpecOf(anchor.profile, `${where}.profile`),
    };
  });
  return { version: event.version.toString(), changedAt: timestampDate(event.changedAt), anchors };
}

export function revocationOf(event: CertificateRevoked): RevocationRow {
  if (!SHA256_HEX.test(event.issuerNameSha256)) throw new Error('issuer_name_sha256 is not hex SHA-256');
  if (!SERIAL_HEX.test(event.serialNumber)) throw new Error('serial_number is not lower-case hex');
  if (!UUID.test(event.anchorId)) throw new Error('anchor_id is not a lower-case UUID');
  if (!event.revokedAt) throw new Error('revoked_at is missing');
  if (!event.recordedAt) throw new Error('recorded_at is missing');
  if (event.reason > 10) throw new Error('reason is not a CRLReason code');
  return {
    issuerNameSha256: event.issuerNameSha256,
    serialNumber: canonicalSerial(event.serialNumber),
    revokedAt: timestampDate(event.revokedAt),
    reason: event.reason,
    anchorId: event.anchorId,
    recordedAt: timestampDate(event.recordedAt),
  };
}

function profileSpecOf(profile: CertificateProfile, where: string): CertificateProfileSpec {
  if (profile.name === '') throw new Error(`${where}.name is empty`);
  const officeNumber = fieldOf(profile.officeNumber, `${where}.office_number`);
  if (!officeNumber) throw new Error(`${where}.office_number is not configured`);
  const allowedRoles = profile.allowedRoles.map((role) => {
    if (!isTrustRole(role)) throw new Error(`${where}.allowed_roles holds ${role}`);
    return role;
  });
  if (allowedRoles.length === 0) throw new Error(`${where}.allowed_roles is empty`);
  const requiredKeyUsages = profile.requiredKeyUsages.map((usage) => {
    if (!isKeyUsageName(usage)) throw new Error(`${where}.required_key_usages holds ${usage}`);
    return usage;
  });
  const serviceTypes = fieldOf(profile.serviceTypes, `${where}.service_types`);
  const role = fieldOf(profile.role, `${where}.role`);
  const prefecture = fieldOf(profile.prefecture, `${where}.prefecture`);
  return {
    name: profile.name,
    officeNumber,
    ...(serviceTypes ? { serviceTypes } : {}),
    requiredKeyUsages,
    allowedRoles,
    ...(role ? { role } : {}),
    ...(prefecture ? { prefecture } : {}),
  };
}

/** undefined when the field is not configured */
function fieldOf(field: IdentityField | undefined, where: string): ProfileField | undefined {
  if (!field || field.source === IdentitySource.UNSPECIFIED) return undefined;
  if (field.source !== IdentitySource.SUBJECT_ATTRIBUTE && field.source !== IdentitySource.EXTENSION)
    throw new Error(`${where}.source is unknown`);
  if (!isObjectIdentifier(field.oid)) throw new Error(`${where}.oid is not a dotted OID`);
  return {
    source: field.source === IdentitySource.SUBJECT_ATTRIBUTE ? 'subject' : 'extension',
    oid: field.oid,
    ...(field.valuePrefix !== '' ? { valuePrefix: field.valuePrefix } : {}),
  };
}
