import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { FeeState } from './billing.ports';

/** The fee of one licence term (one per licence and term start), priced when the term started. */
@Entity({ name: 'fee' })
@Index('fee_licence_id_term_start_key', ['licenceId', 'termStart'], { unique: true })
// cycle generation: the due fees of a prefecture whose payment month has come
@Index('fee_state_prefecture_payment_month_idx', ['state', 'prefecture', 'paymentMonth'])
// an office's fees, and the keyset pages of the fee list
@Index('fee_office_number_term_start_idx', ['officeNumber', 'termStart'])
export class FeeEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'fee_pkey' })
  id!: string;

  @Column({ name: 'licence_id', type: 'uuid' })
  licenceId!: string;

  @Column({ name: 'office_number', type: 'text' })
  officeNumber!: string;

  @Column({ name: 'prefecture', type: 'text' })
  prefecture!: string;

  @Column({ name: 'term_start', type: 'timestamptz' })
  termStart!: Date;

  @Column({ name: 'term_end', type: 'timestamptz' })
  termEnd!: Date;

  /** the schedule entry's amount */
  @Column({ name: 'list_amount_yen', type: 'integer' })
  listAmountYen!: number;

  /** what is deducted: list − the campaign's discount */
  @Column({ name: 'amount_yen', type: 'integer' })
  amountYen!: number;

  @Column({ name: 'fee_schedule_id', type: 'uuid' })
  feeScheduleId!: string;

  @Column({ name: 'campaign_id', type: 'uuid', nullable: true })
  campaignId!: string | null;

  /** YYYYMM: the cycle month the fee is (next) due in */
  @Column({ name: 'payment_month', type: 'text' })
  paymentMonth!: string;

  @Column({ name: 'state', type: 'text' })
  state!: FeeState;

  /** deductions requested so far */
  @Column({ name: 'attempts', type: 'integer' })
  attempts!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
