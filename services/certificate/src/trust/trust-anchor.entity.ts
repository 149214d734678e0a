import type { CertificateProfileSpec } from '@renkei/envelope';
import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

export type TrustAnchorStatus = 'active' | 'retired';
export type TrustAnchorSource = 'config' | 'operator';

/** A CA certificate the platform trusts (or trusted, once retired), with the profile of what it issues. */
@Entity({ name: 'trust_anchor' })
@Unique('trust_anchor_certificate_sha256_key', ['certificateSha256'])
export class TrustAnchorEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'trust_anchor_pkey' })
  id!: string;

  @Column({ name: 'certificate_der', type: 'bytea' })
  certificateDer!: Buffer;

  /** lower-case hex SHA-256 of certificate_der; unique (an anchor is added once) */
  @Column({ name: 'certificate_sha256', type: 'text' })
  certificateSha256!: string;

  @Column({ name: 'subject', type: 'text' })
  subject!: string;

  @Column({ name: 'not_before', type: 'timestamptz' })
  notBefore!: Date;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter!: Date;

  @Column({ name: 'status', type: 'text' })
  status!: TrustAnchorStatus;

  @Column({ name: 'profile', type: 'jsonb' })
  profile!: CertificateProfileSpec;

  @Column({ name: 'source', type: 'text' })
  source!: TrustAnchorSource;

  @Column({ name: 'added_at', type: 'timestamptz' })
  addedAt!: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  @Column({ name: 'retire_reason', type: 'text', nullable: true })
  retireReason!: string | null;

  /** http(s) URL the CRL is fetched from: the CA's first cRLDistributionPoints URL, or set by the operator */
  @Column({ name: 'crl_distribution_point', type: 'text', nullable: true })
  crlDistributionPoint!: string | null;
}
