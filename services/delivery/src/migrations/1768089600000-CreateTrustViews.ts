import { MigrationInterface, QueryRunner } from 'typeorm';
import { createTrustViewTables, dropTrustViewTables, schemaOf } from '@renkei/platform';

/** Delivery's trust read model: trust anchors, the trust version and the revoked certificates (docs/trust.md). */
export class CreateTrustViews1768089600000 implements MigrationInterface {
  name = 'CreateTrustViews1768089600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTrustViewTables(queryRunner, schemaOf(queryRunner));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropTrustViewTables(queryRunner, schemaOf(queryRunner));
  }
}
