import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { LicenceState } from './licence.entity';

/** Who made a licence change: a principal's role, or the registry itself (the term job). */
export type LicenceActorRole = 'office' | 'kokuhoren' | 'operator' | 'system';

/** The audit trail of licences: one row per change, written with the change (who, when, what, why). */
@Entity({ name: 'licence_change' })
@Index('licence_change_office_number_version_key', ['officeNumber', 'version'], { unique: true })
export class LicenceChangeEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'licence_change_pkey' })
  id!: string;

  @Column({ name: 'licence_id', type: 'uuid' })
  licenceId!: string;

  @Column({ name: 'office_number', type: 'text' })
  officeNumber!: string;

  /** the licence's version after this change */
  @Column({ name: 'version', type: 'integer' })
  version!: number;

  /** null for the application that opened the licence */
  @Column({ name: 'from_state', type: 'text', nullable: true })
  fromState!: LicenceState | null;

  @Column({ name: 'to_state', type: 'text' })
  toState!: LicenceState;

  /** what was done: apply, approve, suspend, reinstate, renew, expire, cancel, set-auto-renew */
  @Column({ name: 'action', type: 'text' })
  action!: string;

  @Column({ name: 'reason', type: 'text' })
  reason!: string;

  /** the principal's id (token subject) or 'registry' for the term job */
  @Column({ name: 'actor_id', type: 'text' })
  actorId!: string;

  @Column({ name: 'actor_role', type: 'text' })
  actorRole!: LicenceActorRole;

  @Column({ name: 'term_start', type: 'timestamptz', nullable: true })
  termStart!: Date | null;

  @Column({ name: 'term_end', type: 'timestamptz', nullable: true })
  termEnd!: Date | null;

  @Column({ name: 'auto_renew', type: 'boolean' })
  autoRenew!: boolean;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
