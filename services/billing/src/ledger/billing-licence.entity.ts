import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Billing's read model of registry.licence.changed.v1: the latest version of each office's licence. */
@Entity({ name: 'licence' })
export class BillingLicenceEntity {
  /** 事業所番号 (one licence per office number) */
  @PrimaryColumn({ name: 'office_number', type: 'text', primaryKeyConstraintName: 'licence_pkey' })
  officeNumber!: string;

  @Column({ name: 'licence_id', type: 'uuid' })
  licenceId!: string;

  /** the first two digits of the office number */
  @Column({ name: 'prefecture', type: 'text' })
  prefecture!: string;

  /** registry's state, lower case: pending, active, suspended, expired, cancelled */
  @Column({ name: 'state', type: 'text' })
  state!: string;

  @Column({ name: 'term_start', type: 'timestamptz', nullable: true })
  termStart!: Date | null;

  @Column({ name: 'term_end', type: 'timestamptz', nullable: true })
  termEnd!: Date | null;

  /** 事業所名 from registry's office master as of the last licence change; null when it had none */
  @Column({ name: 'office_name', type: 'text', nullable: true })
  officeName!: string | null;

  /** registry's version of the licence; an event with a version not above it is ignored */
  @Column({ name: 'version', type: 'integer' })
  version!: number;

  /** when registry committed the change */
  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
