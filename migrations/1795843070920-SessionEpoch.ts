import { MigrationInterface, QueryRunner } from 'typeorm';

export class SessionEpoch1795843070920 implements MigrationInterface {
  name = 'SessionEpoch1795843070920';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "session_epoch" integer NOT NULL DEFAULT '0'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "session_epoch"`);
  }
}
