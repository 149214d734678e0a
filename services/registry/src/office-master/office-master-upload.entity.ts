import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One upload of a prefecture's 事業所台帳: the audit record of who replaced the master, when, and what changed. */
@Entity({ name: 'office_master_upload' })
@Index('office_master_upload_prefecture_idx', ['prefecture', 'uploadedAt'])
export class OfficeMasterUploadEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid', primaryKeyConstraintName: 'office_master_upload_pkey' })
  id!: string;

  /** 01..47 */
  @Column({ name: 'prefecture', type: 'text' })
  prefecture!: string;

  /** the uploading principal's id (token subject) */
  @Column({ name: 'uploaded_by', type: 'text' })
  uploadedBy!: string;

  /** kokuhoren, or operator for a recovery upload */
  @Column({ name: 'role', type: 'text' })
  role!: string;

  /** why the master changed; `upload` for every upload through the API */
  @Column({ name: 'reason', type: 'text' })
  reason!: string;

  @Column({ name: 'uploaded_at', type: 'timestamptz' })
  uploadedAt!: Date;

  /** YYYY-MM-DD the master is as of */
  @Column({ name: 'as_of', type: 'date' })
  asOf!: string;

  /** lower-case hex SHA-256 of the uploaded body */
  @Column({ name: 'sha256', type: 'text' })
  sha256!: string;

  @Column({ name: 'media_type', type: 'text' })
  mediaType!: string;

  @Column({ name: 'office_count', type: 'integer' })
  officeCount!: number;

  @Column({ name: 'added', type: 'integer' })
  added!: number;

  @Column({ name: 'changed', type: 'integer' })
  changed!: number;

  @Column({ name: 'closed', type: 'integer' })
  closed!: number;

  @Column({ name: 'unchanged', type: 'integer' })
  unchanged!: number;
}
