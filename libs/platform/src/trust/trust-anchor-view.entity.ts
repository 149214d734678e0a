import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CertificateProfileSpec } from '@renkei/envelope';

/**
 * One trust anchor as the last applied certificate.trust.changed.v1 described it (the trust read model of
 * intake and delivery, in the service's own schema). Replaced as a whole when a newer version arrives.
 */
@Entity({ name: 'trust_anchor_view' })
export class TrustAnchorViewEntity {
  @PrimaryColumn({ name: 'anchor_id', type: 'uuid', primaryKeyConstraintName: 'trust_anchor_view_pkey' })
  anchorId!: string;

  @Column({ name: 'certificate_der', type: 'bytea' })
  certificateDer!: Buffer;

  /** lower-case hex SHA-256 of certificate_der */
  @Column({ name: 'certificate_sha256', type: 'text' })
  certificateSha256!: string;

  /** false once retired */
  @Column({ name: 'active', type: 'boolean' })
  active!: boolean;

  /** the anchor's certificate profile, as libs/envelope reads it */
  @Column({ name: 'profile', type: 'jsonb' })
  profile!: CertificateProfileSpec;

  /** the trust configuration version this row came from (uint64 on the wire; a string, as pg returns bigint) */
  @Column({ name: 'trust_version', type: 'bigint' })
  trustVersion!: string;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
