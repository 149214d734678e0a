import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WarningPoint } from './certificate-expiry.schedule';

/**
 * One expiry warning raised for one office certificate (docs/trust.md, Office certificate expiry). Keyed by the
 * certificate, so a newly published certificate starts its schedule over and a point is raised at most once.
 */
@Entity({ name: 'office_certificate_warning' })
export class OfficeCertificateWarningEntity {
  @PrimaryColumn({
    name: 'office_number',
    type: 'text',
    primaryKeyConstraintName: 'office_certificate_warning_pkey',
  })
  officeNumber!: string;

  /** lower-case hex SHA-256 of the certificate the warning is about */
  @PrimaryColumn({
    name: 'certificate_sha256',
    type: 'text',
    primaryKeyConstraintName: 'office_certificate_warning_pkey',
  })
  certificateSha256!: string;

  /** days before notAfter: 60, 46, 32, 18, 4, or 0 (expired) */
  @PrimaryColumn({
    name: 'point',
    type: 'integer',
    primaryKeyConstraintName: 'office_certificate_warning_pkey',
  })
  point!: WarningPoint;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter!: Date;

  @Column({ name: 'raised_at', type: 'timestamptz' })
  raisedAt!: Date;
}
