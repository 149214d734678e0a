import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One certificate a trust anchor's CRL lists (certificate.revocation.recorded.v1); never removed. */
@Entity({ name: 'revoked_certificate_view' })
@Index('revoked_certificate_view_seq_key', ['seq'], { unique: true })
export class RevokedCertificateViewEntity {
  /** lower-case hex SHA-256 of the DER issuer Name */
  @PrimaryColumn({
    name: 'issuer_name_sha256',
    type: 'text',
    primaryKeyConstraintName: 'revoked_certificate_view_pkey',
  })
  issuerNameSha256!: string;

  /** lower-case hex, no leading zeros */
  @PrimaryColumn({
    name: 'serial_number',
    type: 'text',
    primaryKeyConstraintName: 'revoked_certificate_view_pkey',
  })
  serialNumber!: string;

  @Column({ name: 'revoked_at', type: 'timestamptz' })
  revokedAt!: Date;

  /** CRLReason code, 0 when the entry has none */
  @Column({ name: 'reason', type: 'smallint' })
  reason!: number;

  @Column({ name: 'anchor_id', type: 'uuid' })
  anchorId!: string;

  /** insertion order, for the replicas' incremental loads (a string, as pg returns bigint) */
  @Column({ name: 'seq', type: 'bigint', generated: 'increment' })
  seq!: string;

  /** when the certificate service recorded it (the start of the apply-lag metric) */
  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
