import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { MasterColumns } from './office-master-entry.entity';

/** One version of an office in the master: written by an upload that added, changed or closed it. */
@Entity({ name: 'office_master_version' })
@Index('office_master_version_upload_idx', ['uploadId'])
export class OfficeMasterVersionEntity extends MasterColumns {
  @PrimaryColumn({
    name: 'office_number',
    type: 'text',
    primaryKeyConstraintName: 'office_master_version_pkey',
  })
  officeNumber!: string;

  @PrimaryColumn({ name: 'version', type: 'integer', primaryKeyConstraintName: 'office_master_version_pkey' })
  version!: number;

  /** added, changed or closed */
  @Column({ name: 'kind', type: 'text' })
  kind!: string;

  /** the fields that differ from the previous version */
  @Column({ name: 'changed_fields', type: 'text', array: true })
  changedFields!: string[];

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
