import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { InvoiceState } from './billing.ports';

/** The invoice of a fee that could not be deducted after its carry-overs (one per fee). */
@Entity({ name: 'invoice' })
@Index('invoice_number_key', ['number'], { unique: true })
@Index('invoice_fee_id_key', ['feeId'], { unique: true })
@Index('invoice_office_number_idx', ['officeNumber'])
@Index('invoice_cycle_id_idx', ['cycleId'])
export class InvoiceEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'invoice_pkey' })
  id!: string;

  /** INV-YYYYMM-PP-NNNNNN: cycle month, prefecture, sequence in the cycle */
  @Column({ name: 'number', type: 'text' })
  number!: string;

  @Column({ name: 'fee_id', type: 'uuid' })
  feeId!: string;

  @Column({ name: 'office_number', type: 'text' })
  officeNumber!: string;

  @Column({ name: 'prefecture', type: 'text' })
  prefecture!: string;

  @Column({ name: 'amount_yen', type: 'integer' })
  amountYen!: number;

  /** the cycle whose close issued it */
  @Column({ name: 'cycle_id', type: 'uuid' })
  cycleId!: string;

  @Column({ name: 'state', type: 'text' })
  state!: InvoiceState;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt!: Date | null;
}
