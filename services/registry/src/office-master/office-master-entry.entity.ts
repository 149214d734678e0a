import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { MasterStatus } from './office-master.types';

/** columns an office carries in the master, shared by its current entry and each of its versions */
export abstract class MasterColumns {
  @Column({ name: 'prefecture', type: 'text' })
  prefecture!: string;

  @Column({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'name_kana', type: 'text', nullable: true })
  nameKana!: string | null;

  /** サービス種類コード, sorted */
  @Column({ name: 'service_types', type: 'text', array: true })
  serviceTypes!: string[];

  @Column({ name: 'status', type: 'text' })
  status!: MasterStatus;

  /** why the office has its status when the upload did not say (e.g. "absent from upload") */
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ name: 'designated_from', type: 'date', nullable: true })
  designatedFrom!: string | null;

  /** inclusive */
  @Column({ name: 'designated_to', type: 'date', nullable: true })
  designatedTo!: string | null;

  @Column({ name: 'postal_code', type: 'text', nullable: true })
  postalCode!: string | null;

  @Column({ name: 'address', type: 'text', nullable: true })
  address!: string | null;

  /** the upload that wrote this version */
  @Column({ name: 'upload_id', type: 'uuid' })
  uploadId!: string;

  /** asOf of that upload */
  @Column({ name: 'as_of', type: 'date' })
  asOf!: string;
}

/** An office's current entry in its prefecture's 事業所台帳. */
@Entity({ name: 'office_master_entry' })
@Index('office_master_entry_prefecture_idx', ['prefecture'])
export class OfficeMasterEntryEntity extends MasterColumns {
  @PrimaryColumn({
    name: 'office_number',
    type: 'text',
    primaryKeyConstraintName: 'office_master_entry_pkey',
  })
  officeNumber!: string;

  /** 1 when added, incremented on every change */
  @Column({ name: 'version', type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
