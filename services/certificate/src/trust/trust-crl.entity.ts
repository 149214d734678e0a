import { Column, Entity, PrimaryColumn } from 'typeorm';

export type TrustCrlSource = 'upload' | 'fetch';

/** The latest CRL recorded for one trust anchor. */
@Entity({ name: 'trust_crl' })
export class TrustCrlEntity {
  @PrimaryColumn({ name: 'anchor_id', type: 'uuid', primaryKeyConstraintName: 'trust_crl_pkey' })
  anchorId!: string;

  /** cRLNumber, decimal; null when the CRL carries none */
  @Column({ name: 'crl_number', type: 'numeric', nullable: true })
  crlNumber!: string | null;

  @Column({ name: 'this_update', type: 'timestamptz' })
  thisUpdate!: Date;

  @Column({ name: 'next_update', type: 'timestamptz', nullable: true })
  nextUpdate!: Date | null;

  @Column({ name: 'der', type: 'bytea' })
  der!: Buffer;

  /** lower-case hex SHA-256 of der */
  @Column({ name: 'sha256', type: 'text' })
  sha256!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ name: 'source', type: 'text' })
  source!: TrustCrlSource;
}
