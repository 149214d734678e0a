import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One entry of the fee schedule: the list price of terms starting on or after `effectiveFrom`. */
@Entity({ name: 'fee_schedule' })
@Index('fee_schedule_effective_from_idx', ['effectiveFrom'])
export class FeeScheduleEntryEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'fee_schedule_pkey' })
  id!: string;

  /** YYYY-MM-DD, a JST date */
  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom!: string;

  /** yen, tax included */
  @Column({ name: 'amount_yen', type: 'integer' })
  amountYen!: number;

  @Column({ name: 'description', type: 'text' })
  description!: string;

  @Column({ name: 'reason', type: 'text' })
  reason!: string;

  /** the operator's subject, or 'system' for the seeded entry */
  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt!: Date | null;

  @Column({ name: 'withdrawn_reason', type: 'text', nullable: true })
  withdrawnReason!: string | null;
}
