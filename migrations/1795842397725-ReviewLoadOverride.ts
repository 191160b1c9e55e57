import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReviewLoadOverride1795842397725 implements MigrationInterface {
  name = 'ReviewLoadOverride1795842397725';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "review_assignments" ADD "load_override_reason" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "review_assignments" DROP COLUMN "load_override_reason"`);
  }
}
