import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum KnownOfficeStatus {
  Active = 'active',
  Withdrawn = 'withdrawn',
}

/**
 * Intake's read model of one office of the directory, fed by registry.office.changed.v1: just what the send
 * checks need (is the recipient active, with that サービス種類コード).
 */
@Entity({ name: 'known_office' })
export class KnownOfficeEntity {
  /** 事業所番号 */
  @PrimaryColumn({ name: 'office_number', type: 'text', primaryKeyConstraintName: 'known_office_pkey' })
  officeNumber!: string;

  /** サービス種類コード the office's certificate carries */
  @Column({ name: 'service_types', type: 'text', array: true })
  serviceTypes!: string[];

  @Column({ name: 'status', type: 'text' })
  status!: KnownOfficeStatus;

  /** lower-case hex SHA-256 of the office's encryption certificate */
  @Column({ name: 'certificate_sha256', type: 'text' })
  certificateSha256!: string;

  /** the directory's version of the record (uint64 on the wire; a string here, as pg returns bigint) */
  @Column({ name: 'version', type: 'bigint' })
  version!: string;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
