import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-column.util';

export type ReceiptVerdictName = 'accepted' | 'rejected';

/** One file of the send unit, copied from the signed manifest (no personal data). */
export interface EnvelopeFile {
  readonly name: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * An envelope as delivery knows it: the manifest summary (from whichever of accepted/available came first)
 * and when it reached each step. The recipient's inbox and the sender's sent list read this table.
 */
@Entity({ name: 'envelope' })
// GET /v1/inbox: one office's available envelopes in (available_at, envelope_id) order
@Index('envelope_inbox_idx', ['recipientOfficeNumber', 'availableAt', 'envelopeId'])
// GET /v1/inbox/events: one office's arrivals by their sequence (null until available)
@Index('envelope_inbox_seq_idx', ['recipientOfficeNumber', 'inboxSeq'], { unique: true })
// GET /v1/sent: one office's envelopes in (accepted_at, envelope_id) order
@Index('envelope_sent_idx', ['senderOfficeNumber', 'acceptedAt', 'envelopeId'])
export class EnvelopeEntity {
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

  /** plan, actual, careplan, delete or attachment */
  @Column({ name: 'kind', type: 'text' })
  kind!: string;

  /** 対象年月 YYYYMM */
  @Column({ name: 'target_month', type: 'text' })
  targetMonth!: string;

  /** ファイル連番 YYYYMMDDHHMMSS */
  @Column({ name: 'file_sequence', type: 'text' })
  fileSequence!: string;

  @Column({ name: 'files', type: 'jsonb' })
  files!: EnvelopeFile[];

  /** lower-case hex SHA-256 of the signed manifest; receipts bind to it */
  @Column({ name: 'manifest_sha256', type: 'text' })
  manifestSha256!: string;

  @Column({ name: 'object_sha256', type: 'text' })
  objectSha256!: string;

  @Column({ name: 'object_size', type: 'bigint', transformer: bigintAsNumber })
  objectSize!: number;

  @Column({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt!: Date;

  /** when storage started serving it; null until storage.envelope.available.v1 arrived */
  @Column({ name: 'available_at', type: 'timestamptz', nullable: true })
  availableAt!: Date | null;

  /**
   * the arrival's number in the recipient's inbox (1, 2, …), assigned in commit order when the envelope became
   * available: the id of its GET /v1/inbox/events event; null until then
   */
  @Column({ name: 'inbox_seq', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  inboxSeq!: number | null;

  /** the recipient's first complete download (a sender's re-download never sets it) */
  @Column({ name: 'first_downloaded_at', type: 'timestamptz', nullable: true })
  firstDownloadedAt!: Date | null;

  /** when delivery first heard of the envelope */
  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  /** when delivery filed it in the recipient's inbox (its clock; the pipeline latency's end point) */
  @Column({ name: 'filed_at', type: 'timestamptz', nullable: true })
  filedAt!: Date | null;

  /** the recipient's signed verdict (docs/envelope.md §10); null until its receipt is recorded */
  @Column({ name: 'receipt_verdict', type: 'text', nullable: true })
  receiptVerdict!: ReceiptVerdictName | null;

  /** reason codes of a rejection; empty when accepted or not receipted */
  @Column({ name: 'receipt_reason_codes', type: 'text', array: true, default: () => "'{}'" })
  receiptReasonCodes!: string[];

  /** hex SHA-256 of the recipient receipt's DER (the proof, served by GET …/receipts/recipient) */
  @Column({ name: 'receipt_sha256', type: 'text', nullable: true })
  receiptSha256!: string | null;

  /** when the recipient says it opened the envelope (the receipt's signed receivedAt) */
  @Column({ name: 'receipt_received_at', type: 'timestamptz', nullable: true })
  receiptReceivedAt!: Date | null;

  /** when delivery recorded the receipt: the receipted/rejected step's time */
  @Column({ name: 'receipted_at', type: 'timestamptz', nullable: true })
  receiptedAt!: Date | null;
}
