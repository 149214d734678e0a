import type { LicenceStateName } from '@renkei/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A service's read model of one office's licence (利用ライセンス), fed by registry.licence.changed.v1: what
 * intake's send checks and delivery's routes need to tell whether an office holds a live licence
 * (isLicenceLive of @renkei/contracts). Each service keeps the table in its own schema (createKnownLicenceTable).
 */
@Entity({ name: 'known_licence' })
export class KnownLicenceEntity {
  /** 事業所番号 (one licence per office number) */
  @PrimaryColumn({ name: 'office_number', type: 'text', primaryKeyConstraintName: 'known_licence_pkey' })
  officeNumber!: string;

  @Column({ name: 'licence_id', type: 'uuid' })
  licenceId!: string;

  /** pending, active, suspended, expired or cancelled */
  @Column({ name: 'state', type: 'text' })
  state!: LicenceStateName;

  /** end of the current term, exclusive; null while never active */
  @Column({ name: 'term_end', type: 'timestamptz', nullable: true })
  termEnd!: Date | null;

  @Column({ name: 'auto_renew', type: 'boolean' })
  autoRenew!: boolean;

  /** registry's version of the licence (uint64 on the wire; a string here, as pg returns bigint) */
  @Column({ name: 'version', type: 'bigint' })
  version!: string;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
