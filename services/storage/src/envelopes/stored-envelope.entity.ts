import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer';

/** An accepted envelope storage has checked in the bucket and serves to its two parties. */
@Entity({ name: 'stored_envelope' })
export class StoredEnvelopeEntity {
  @PrimaryColumn({ name: 'envelope_id', type: 'uuid', primaryKeyConstraintName: 'stored_envelope_pkey' })
  envelopeId!: string;

  @Column({ name: 'object_key', type: 'text' })
  objectKey!: string;

  @Column({ name: 'object_size', type: 'bigint', transformer: bigintAsNumber })
  objectSize!: number;

  /** lower-case hex SHA-256 of the stored object */
  @Column({ name: 'object_sha256', type: 'text' })
  objectSha256!: string;

  @Column({ name: 'sender_office_number', type: 'text' })
  senderOfficeNumber!: string;

  @Column({ name: 'sender_service_type', type: 'text' })
  senderServiceType!: string;

  @Column({ name: 'recipient_office_number', type: 'text' })
  recipientOfficeNumber!: string;

  @Column({ name: 'recipient_service_type', type: 'text' })
  recipientServiceType!: string;

  /** when intake accepted it */
  @Column({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt!: Date;

  /** when storage registered it (and announced it) */
  @Column({ name: 'available_at', type: 'timestamptz' })
  availableAt!: Date;
}
