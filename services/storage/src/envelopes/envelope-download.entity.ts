import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer';
import { StoredEnvelopeEntity } from './stored-envelope.entity';

export enum DownloaderRole {
  RECIPIENT = 'recipient',
  SENDER = 'sender',
}

/** One download of an envelope's ciphertext, served to its last byte. */
@Entity({ name: 'download' })
@Index('download_envelope_id_idx', ['envelopeId', 'downloadedAt'])
export class EnvelopeDownloadEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'download_pkey' })
  id!: string;

  @Column({ name: 'envelope_id', type: 'uuid' })
  envelopeId!: string;

  @ManyToOne(() => StoredEnvelopeEntity, { nullable: false, onDelete: 'NO ACTION', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'envelope_id', foreignKeyConstraintName: 'download_envelope_fkey' })
  envelope?: StoredEnvelopeEntity;

  /** the downloading office (the token's) */
  @Column({ name: 'office_number', type: 'text' })
  officeNumber!: string;

  @Column({ name: 'role', type: 'text' })
  role!: DownloaderRole;

  /** when the last byte was sent */
  @Column({ name: 'downloaded_at', type: 'timestamptz' })
  downloadedAt!: Date;

  @Column({ name: 'bytes', type: 'bigint', transformer: bigintAsNumber })
  bytes!: number;
}
