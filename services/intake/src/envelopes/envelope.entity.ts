import type { Manifest } from '@renkei/envelope';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum EnvelopeStatus {
  Accepted = 'accepted',
}

/** An envelope intake accepted: the signed manifest's facts and where its ciphertext is stored. No personal data. */
@Entity({ name: 'envelope' })
export class EnvelopeEntity {
  /** the manifest's envelopeId, client-generated: the idempotency key */
  @PrimaryColumn({ name: 'envelope_id', type: 'uuid', primaryKeyConstraintName: 'envelope_pkey' })
  envelopeId!: string;

  @Column({ name: 'sender_office_number', type: 'text' })
  senderOfficeNumber!: string;

  @Column({ name: 'sender_service_type', type: 'text' })
  senderServiceType!: string;

  @Column({ name: 'recipient_office_number', type: 'text' })
  recipientOfficeNumber!: string;

  @Column({ name: 'recipient_service_type', type: 'text' })
  recipientServiceType!: string;

  /** manifest kind: plan, actual, careplan, delete or attachment */
  @Column({ name: 'kind', type: 'text' })
  kind!: string;

  /** 対象年月 YYYYMM */
  @Column({ name: 'target_month', type: 'text' })
  targetMonth!: string;

  /** ファイル連番 YYYYMMDDHHMMSS */
  @Column({ name: 'file_sequence', type: 'text' })
  fileSequence!: string;

  /** the signed manifest as parsed (non-personal: names, sizes, digests) */
  @Column({ name: 'manifest', type: 'jsonb' })
  manifest!: Manifest;

  /** hex SHA-256 of the signed manifest bytes: tells a replay from a different envelope under the same id */
  @Column({ name: 'manifest_sha256', type: 'text' })
  manifestSha256!: string;

  /** hex SHA-256 of the encapsulated EnvelopedData (the signed messageDigest) */
  @Column({ name: 'content_sha256', type: 'text' })
  contentSha256!: string;

  /** hex SHA-256 of the signer certificate DER */
  @Column({ name: 'signer_certificate_sha256', type: 'text' })
  signerCertificateSha256!: string;

  /** `envelopes/<yyyy>/<mm>/<envelopeId>` */
  @Column({ name: 'object_key', type: 'text' })
  objectKey!: string;

  /** bytes of the stored DER (at most 64 MiB, but bigint like every size) */
  @Column({ name: 'object_size', type: 'bigint' })
  objectSize!: string;

  @Column({ name: 'object_sha256', type: 'text' })
  objectSha256!: string;

  @Column({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt!: Date;

  @Column({ name: 'status', type: 'text' })
  status!: EnvelopeStatus;

  /** DER of the platform's signed acceptance receipt (docs/envelope.md §10); null for rows older than receipts */
  @Column({ name: 'acceptance_receipt', type: 'bytea', nullable: true })
  acceptanceReceipt!: Buffer | null;

  /** hex SHA-256 of `acceptance_receipt` */
  @Column({ name: 'acceptance_receipt_sha256', type: 'text', nullable: true })
  acceptanceReceiptSha256!: string | null;
}
