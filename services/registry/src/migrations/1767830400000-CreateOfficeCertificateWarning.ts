import { X509Certificate } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/**
 * Office certificate expiry (docs/trust.md): each office's certificate notAfter, filled from the stored
 * certificates, and the warnings raised per certificate and warning point.
 */
export class CreateOfficeCertificateWarning1767830400000 implements MigrationInterface {
  name = 'CreateOfficeCertificateWarning1767830400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`ALTER TABLE ${s}."office" ADD "certificate_not_after" TIMESTAMP WITH TIME ZONE`);
    const rows = (await queryRunner.query(
      `SELECT "office_number", "certificate_der" FROM ${s}."office"`,
    )) as { office_number: string; certificate_der: Buffer }[];
    for (const row of rows) {
      await queryRunner.query(
        `UPDATE ${s}."office" SET "certificate_not_after" = $2 WHERE "office_number" = $1`,
        [row.office_number, notAfterOf(row.certificate_der, row.office_number)],
      );
    }
    await queryRunner.query(`ALTER TABLE ${s}."office" ALTER COLUMN "certificate_not_after" SET NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "office_certificate_not_after_idx" ON ${s}."office" ("certificate_not_after")`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}."office_certificate_warning" (
        "office_number" text NOT NULL,
        "certificate_sha256" text NOT NULL,
        "point" integer NOT NULL,
        "not_after" TIMESTAMP WITH TIME ZONE NOT NULL,
        "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "office_certificate_warning_pkey" PRIMARY KEY ("office_number", "certificate_sha256", "point")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`DROP TABLE ${s}."office_certificate_warning"`);
    await queryRunner.query(`DROP INDEX ${s}."office_certificate_not_after_idx"`);
    await queryRunner.query(`ALTER TABLE ${s}."office" DROP COLUMN "certificate_not_after"`);
  }
}

// the directory only ever stored certificates that parsed (PUT /v1/offices/me)
function notAfterOf(der: Buffer, officeNumber: string): Date {
  const notAfter = new Date(new X509Certificate(der).validTo);
  if (Number.isNaN(notAfter.getTime()))
    throw new Error(`office ${officeNumber}: unreadable certificate notAfter`);
  return notAfter;
}
