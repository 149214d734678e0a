import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export enum OfficeStatus {
  ACTIVE = 'active',
  WITHDRAWN = 'withdrawn',
}

/** One office of the directory: the certificate senders encrypt to, as the office itself published it. */
@Entity({ name: 'office' })
@Index('office_certificate_not_after_idx', ['certificateNotAfter'])
export class OfficeEntity {
  /** 事業所番号, 10 × [0-9A-Z] */
  @PrimaryColumn({ name: 'office_number', type: 'text', primaryKeyConstraintName: 'office_pkey' })
  officeNumber!: string;

  /** サービス種類コード from the certificate's OUs */
  @Column({ name: 'service_types', type: 'text', array: true })
  serviceTypes!: string[];

  @Column({ name: 'status', type: 'text' })
  status!: OfficeStatus;

  @Column({ name: 'certificate_der', type: 'bytea' })
  certificateDer!: Buffer;

  /** lower-case hex SHA-256 of certificate_der */
  @Column({ name: 'certificate_sha256', type: 'text' })
  certificateSha256!: string;

  /** the certificate's notAfter, kept for the expiry schedule (docs/trust.md) */
  @Column({ name: 'certificate_not_after', type: 'timestamptz' })
  certificateNotAfter!: Date;

  /** 1 on registration, incremented on every change */
  @Column({ name: 'version', type: 'integer' })
  version!: number;

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
