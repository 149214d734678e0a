import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A certificate a CRL of a trust anchor listed; never withdrawn (no certificateHold). */
@Entity({ name: 'revoked_certificate' })
export class RevokedCertificateEntity {
  /** lower-case hex SHA-256 of the DER issuer Name */
  @PrimaryColumn({
    name: 'issuer_name_sha256',
    type: 'text',
    primaryKeyConstraintName: 'revoked_certificate_pkey',
  })
  issuerNameSha256!: string;

  /** lower-case hex, no leading zeros */
  @PrimaryColumn({
    name: 'serial_number',
    type: 'text',
    primaryKeyConstraintName: 'revoked_certificate_pkey',
  })
  serialNumber!: string;

  @Column({ name: 'revoked_at', type: 'timestamptz' })
  revokedAt!: Date;

  /** CRLReason code, 0 when the entry has none */
  @Column({ name: 'reason', type: 'integer' })
  reason!: number;

  @Column({ name: 'anchor_id', type: 'uuid' })
  anchorId!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ name: 'trust_version', type: 'bigint' })
  trustVersion!: string;
}
