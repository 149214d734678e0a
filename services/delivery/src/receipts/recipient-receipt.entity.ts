import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The recipient's signed receipt of an envelope, as received (one per envelope; docs/envelope.md §10). */
@Entity({ name: 'recipient_receipt' })
export class RecipientReceiptEntity {
  @PrimaryColumn({ name: 'envelope_id', type: 'uuid', primaryKeyConstraintName: 'recipient_receipt_pkey' })
  envelopeId!: string;

  /** the receipt DER exactly as posted (at most 64 KiB) */
  @Column({ name: 'receipt', type: 'bytea' })
  receipt!: Buffer;

  @Column({ name: 'receipt_sha256', type: 'text' })
  receiptSha256!: string;

  /** hex SHA-256 of the signer (recipient office) certificate DER */
  @Column({ name: 'signer_certificate_sha256', type: 'text' })
  signerCertificateSha256!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
