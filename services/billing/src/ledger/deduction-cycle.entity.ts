import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { CycleState } from './billing.ports';

/** bigint sums (a cycle's yen) as numbers: far below 2^53 */
export const BIGINT_NUMBER: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** One 国保連's deduction cycle of one month, with its running totals (docs/billing.md). */
@Entity({ name: 'deduction_cycle' })
@Index('deduction_cycle_prefecture_month_key', ['prefecture', 'month'], { unique: true })
// the operator's lists by month
@Index('deduction_cycle_month_idx', ['month'])
export class DeductionCycleEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'deduction_cycle_pkey' })
  id!: string;

  @Column({ name: 'prefecture', type: 'text' })
  prefecture!: string;

  /** YYYYMM */
  @Column({ name: 'month', type: 'text' })
  month!: string;

  @Column({ name: 'state', type: 'text' })
  state!: CycleState;

  @Column({ name: 'generated_at', type: 'timestamptz' })
  generatedAt!: Date;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  /** set once, at generation */
  @Column({ name: 'requested_count', type: 'integer' })
  requestedCount!: number;

  @Column({ name: 'requested_amount_yen', type: 'bigint', transformer: BIGINT_NUMBER })
  requestedAmountYen!: number;

  @Column({ name: 'deducted_count', type: 'integer' })
  deductedCount!: number;

  @Column({ name: 'deducted_amount_yen', type: 'bigint', transformer: BIGINT_NUMBER })
  deductedAmountYen!: number;

  @Column({ name: 'not_deductible_count', type: 'integer' })
  notDeductibleCount!: number;

  @Column({ name: 'not_deductible_amount_yen', type: 'bigint', transformer: BIGINT_NUMBER })
  notDeductibleAmountYen!: number;

  /** set at close */
  @Column({ name: 'carried_over_count', type: 'integer' })
  carriedOverCount!: number;

  @Column({ name: 'carried_over_amount_yen', type: 'bigint', transformer: BIGINT_NUMBER })
  carriedOverAmountYen!: number;

  @Column({ name: 'invoiced_count', type: 'integer' })
  invoicedCount!: number;

  @Column({ name: 'invoiced_amount_yen', type: 'bigint', transformer: BIGINT_NUMBER })
  invoicedAmountYen!: number;
}
