import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-column.util';

export type EnvelopeStepName = 'downloaded';
export type DownloaderRoleName = 'recipient' | 'sender';

/**
 * A step of an envelope's timeline beyond accepted/available (today: each complete download, by either
 * party). Kept even when the envelope row is not there yet: events of different topics arrive in any order,
 * and the timeline joins on envelope_id.
 */
@Entity({ name: 'envelope_step' })
// timeline of one envelope, and the recipient's first download when the envelope row arrives late
@Index('envelope_step_envelope_idx', ['envelopeId', 'at'])
export class EnvelopeStepEntity {
  /** the event that recorded the step */
  @PrimaryColumn({ name: 'event_id', type: 'uuid', primaryKeyConstraintName: 'envelope_step_pkey' })
  eventId!: string;

  @Column({ name: 'envelope_id', type: 'uuid' })
  envelopeId!: string;

  @Column({ name: 'step', type: 'text' })
  step!: EnvelopeStepName;

  @Column({ name: 'at', type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'by_office_number', type: 'text' })
  byOfficeNumber!: string;

  @Column({ name: 'by_service_type', type: 'text' })
  byServiceType!: string;

  @Column({ name: 'by_role', type: 'text' })
  byRole!: DownloaderRoleName;

  /** bytes served */
  @Column({ name: 'bytes', type: 'bigint', transformer: bigintAsNumber })
  bytes!: number;
}
