import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DeductionResult, NotDeductibleReason } from './billing.ports';

/** What a deduction became when its cycle closed. */
export type DeductionOutcome = 'deducted' | 'carried_over' | 'invoiced';

/** One fee requested in one cycle (attempt 1, then one more per carry-over). */
@Entity({ name: 'deduction' })
@Index('deduction_cycle_id_fee_id_key', ['cycleId', 'feeId'], { unique: true })
// a cycle's deductions by office number: the CSV export and the keyset pages
@Index('deduction_cycle_id_office_number_id_idx', ['cycleId', 'officeNumber', 'id'])
// a fee's deductions: reconciliation's cross-check, an office's statement (through its fees)
@Index('deduction_fee_id_idx', ['feeId'])
export class DeductionEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'deduction_pkey' })
  id!: string;

  @Column({ name: 'cycle_id', type: 'uuid' })
  cycleId!: string;

  @Column({ name: 'fee_id', type: 'uuid' })
  feeId!: string;

  @Column({ name: 'office_number', type: 'text' })
  officeNumber!: string;

  @Column({ name: 'prefecture', type: 'text' })
  prefecture!: string;

  /** YYYYMM, the cycle's */
  @Column({ name: 'month', type: 'text' })
  month!: string;

  @Column({ name: 'attempt', type: 'integer' })
  attempt!: number;

  @Column({ name: 'amount_yen', type: 'integer' })
  amountYen!: number;

  @Column({ name: 'term_start', type: 'timestamptz' })
  termStart!: Date;

  @Column({ name: 'term_end', type: 'timestamptz' })
  termEnd!: Date;

  @Column({ name: 'result', type: 'text', nullable: true })
  result!: DeductionResult | null;

  @Column({ name: 'reason_code', type: 'text', nullable: true })
  reasonCode!: NotDeductibleReason | null;

  @Column({ name: 'reason', type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'result_at', type: 'timestamptz', nullable: true })
  resultAt!: Date | null;

  /** set when the cycle closes */
  /** 事業所名 as billing knew it when the cycle was generated (registry's office master); null when unknown */
  @Column({ name: 'office_name', type: 'text', nullable: true })
  officeName!: string | null;

  @Column({ name: 'outcome', type: 'text', nullable: true })
  outcome!: DeductionOutcome | null;
}
