import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where a licence stands (docs/licences.md); string values as stored. */
export enum LicenceState {
  PENDING = 'pending',
  ACTIVE = 'active',
  SUSPENDED = 'suspended',
  EXPIRED = 'expired',
  CANCELLED = 'cancelled',
}

/** One office's licence (利用ライセンス): one per 事業所番号, one term (a JST year) at a time. */
@Entity({ name: 'licence' })
@Index('licence_id_key', ['licenceId'], { unique: true })
@Index('licence_state_office_number_idx', ['state', 'officeNumber'])
@Index('licence_term_end_idx', ['termEnd'])
export class LicenceEntity {
  /** 事業所番号, 10 × [0-9A-Z]: one licence per office number */
  @PrimaryColumn({ name: 'office_number', type: 'text', primaryKeyConstraintName: 'licence_pkey' })
  officeNumber!: string;

  @Column({ name: 'licence_id', type: 'uuid' })
  licenceId!: string;

  /** the first two digits of the office number (the 国保連 that deducts its fee) */
  @Column({ name: 'prefecture', type: 'text' })
  prefecture!: string;

  /** サービス種類コード the licence covers */
  @Column({ name: 'service_types', type: 'text', array: true })
  serviceTypes!: string[];

  @Column({ name: 'state', type: 'text' })
  state!: LicenceState;

  /** 00:00 JST of the activation day; null until first activated */
  @Column({ name: 'term_start', type: 'timestamptz', nullable: true })
  termStart!: Date | null;

  /** 00:00 JST one calendar year after term_start, exclusive; null until first activated */
  @Column({ name: 'term_end', type: 'timestamptz', nullable: true })
  termEnd!: Date | null;

  @Column({ name: 'auto_renew', type: 'boolean' })
  autoRenew!: boolean;

  /** why the last change happened (the audit trail keeps every one) */
  @Column({ name: 'reason', type: 'text' })
  reason!: string;

  /** lower-case hex SHA-256 of the certificate that signed the last application */
  @Column({ name: 'certificate_sha256', type: 'text' })
  certificateSha256!: string;

  /** 1 on the first change, incremented on every change */
  @Column({ name: 'version', type: 'integer' })
  version!: number;

  /** appliedAt of the last application, as the office signed it */
  @Column({ name: 'applied_at', type: 'timestamptz' })
  appliedAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
