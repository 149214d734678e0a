// The two events the trust store publishes through the outbox (proto/renkei/certificate/v1/trust_events.proto):
// TrustChanged with the whole configuration (key "trust", compacted) and one CertificateRevoked per new entry
// (key `<issuerNameSha256>:<serial>`, compacted).
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  encodeEvent,
  IdentitySource,
  TrustAnchorStatus,
  type CertificateProfileSchema,
  type IdentityFieldSchema,
} from '@renkei/contracts';
import { revocationKey, type CertificateProfileSpec, type ProfileField } from '@renkei/envelope';
import type { OutboxEventInput } from '@renkei/platform';
import type { RevokedCertificateEntity } from './revoked-certificate.entity';
import type { TrustAnchorEntity } from './trust-anchor.entity';
import type { TrustCrlEntity } from './trust-crl.entity';

const PRODUCER = 'certificate';
const TRUST_CHANGED_KEY = 'trust';

/** certificate.trust.changed.v1 at `version`: every anchor with its profile and latest CRL */
export function trustChangedEvent(
  version: bigint,
  anchors: readonly TrustAnchorEntity[],
  crls: readonly TrustCrlEntity[],
  eventId: string,
  at: Date,
): OutboxEventInput {
  const crlOf = new Map(crls.map((crl) => [crl.anchorId, crl]));
  const encoded = encodeEvent(
    'certificateTrustChanged',
    { eventId, producer: PRODUCER, occurredAt: at },
    {
      version,
      changedAt: timestampFromDate(at),
      anchors: anchors.map((anchor) => {
        const crl = crlOf.get(anchor.id);
        return {
          anchorId: anchor.id,
          certificateDer: new Uint8Array(anchor.certificateDer),
          certificateSha256: anchor.certificateSha256,
          status: anchor.status === 'active' ? TrustAnchorStatus.ACTIVE : TrustAnchorStatus.RETIRED,
          profile: profileMessage(anchor.profile),
          crl: crl
            ? {
                crlNumber: crl.crlNumber ?? '',
                thisUpdate: timestampFromDate(crl.thisUpdate),
                nextUpdate: crl.nextUpdate ? timestampFromDate(crl.nextUpdate) : undefined,
                recordedAt: timestampFromDate(crl.recordedAt),
              }
            : undefined,
        };
      }),
    },
  );
  return { ...encoded, key: TRUST_CHANGED_KEY, eventId, producer: PRODUCER, occurredAt: at };
}

/** certificate.revocation.recorded.v1 for one newly recorded entry */
export function certificateRevokedEvent(entry: RevokedCertificateEntity, eventId: string): OutboxEventInput {
  const encoded = encodeEvent(
    'certificateRevocationRecorded',
    { eventId, producer: PRODUCER, occurredAt: entry.recordedAt },
    {
      issuerNameSha256: entry.issuerNameSha256,
      serialNumber: entry.serialNumber,
      revokedAt: timestampFromDate(entry.revokedAt),
      reason: entry.reason,
      anchorId: entry.anchorId,
      trustVersion: BigInt(entry.trustVersion),
      recordedAt: timestampFromDate(entry.recordedAt),
    },
  );
  return {
    ...encoded,
    key: revocationKey(entry.issuerNameSha256, entry.serialNumber),
    eventId,
    producer: PRODUCER,
    occurredAt: entry.recordedAt,
  };
}

function profileMessage(profile: CertificateProfileSpec): MessageInitShape<typeof CertificateProfileSchema> {
  return {
    name: profile.name,
    officeNumber: fieldMessage(profile.officeNumber),
    serviceTypes: fieldMessage(profile.serviceTypes),
    requiredKeyUsages: [...profile.requiredKeyUsages],
    allowedRoles: [...profile.allowedRoles],
    role: fieldMessage(profile.role),
    prefecture: fieldMessage(profile.prefecture),
  };
}

function fieldMessage(
  field: ProfileField | undefined,
): MessageInitShape<typeof IdentityFieldSchema> | undefined {
  if (!field) return undefined;
  return {
    source: field.source === 'subject' ? IdentitySource.SUBJECT_ATTRIBUTE : IdentitySource.EXTENSION,
    oid: field.oid,
    valuePrefix: field.valuePrefix ?? '',
  };
}
