import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteSchema, schemaOf } from '@renkei/platform';

/**
 * 事業所名 for the 国保連's deduction lists: the licence read model keeps the name registry.licence.changed.v1
 * carries (office_name, from registry's office master), and each deduction records it when its cycle is generated.
 */
export class AddOfficeNames1768608000000 implements MigrationInterface {
  name = 'AddOfficeNames1768608000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`ALTER TABLE ${s}."licence" ADD "office_name" text`);
    await queryRunner.query(`ALTER TABLE ${s}."deduction" ADD "office_name" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteSchema(schemaOf(queryRunner));
    await queryRunner.query(`ALTER TABLE ${s}."deduction" DROP COLUMN "office_name"`);
    await queryRunner.query(`ALTER TABLE ${s}."licence" DROP COLUMN "office_name"`);
  }
}
