import { MigrationInterface, QueryRunner } from 'typeorm';
import { createKnownLicenceTable, dropKnownLicenceTable, schemaOf } from '@renkei/platform';

/** Delivery's read model of the licences (registry.licence.changed.v1), for its licence checks. */
export class CreateKnownLicence1768435200000 implements MigrationInterface {
  name = 'CreateKnownLicence1768435200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createKnownLicenceTable(queryRunner, schemaOf(queryRunner));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropKnownLicenceTable(queryRunner, schemaOf(queryRunner));
  }
}
