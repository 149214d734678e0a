import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import type { BillingActor } from './billing.ports';

/** The audit trail of billing: one row per change, written in the change's transaction. */
@Entity({ name: 'audit' })
@Index('audit_entity_entity_id_seq_idx', ['entity', 'entityId', 'seq'])
@Index('audit_seq_key', ['seq'], { unique: true })
export class BillingAuditEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'audit_pkey' })
  id!: string;

  /** insertion order: rows of one transaction (one clock reading) keep the order they were written in */
  @Column({
    name: 'seq',
    type: 'bigint',
    transformer: { to: (v: unknown) => v, from: (v: string | null) => v },
  })
  @Generated('increment')
  seq!: string;

  @Column({ name: 'at', type: 'timestamptz' })
  at!: Date;

  /** the token's subject, or 'billing' for the jobs and the licence consumer */
  @Column({ name: 'actor_id', type: 'text' })
  actorId!: string;

  @Column({ name: 'actor_role', type: 'text' })
  actorRole!: BillingActor['role'];

  @Column({ name: 'actor_prefecture', type: 'text', nullable: true })
  actorPrefecture!: string | null;

  /** what was done: create-fee, waive-fee, generate-cycle, acknowledge-cycle, post-results, close-cycle, … */
  @Column({ name: 'action', type: 'text' })
  action!: string;

  /** fee, fee_schedule, campaign, cycle, invoice */
  @Column({ name: 'entity', type: 'text' })
  entity!: string;

  @Column({ name: 'entity_id', type: 'text' })
  entityId!: string;

  @Column({ name: 'reason', type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'before', type: 'jsonb', nullable: true })
  before!: unknown;

  @Column({ name: 'after', type: 'jsonb', nullable: true })
  after!: unknown;
}
