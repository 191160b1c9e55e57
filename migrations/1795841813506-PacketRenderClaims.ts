import { MigrationInterface, QueryRunner } from 'typeorm';

export class PacketRenderClaims1795841813506 implements MigrationInterface {
  name = 'PacketRenderClaims1795841813506';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Added empty, filled for the packets already issued (asked for when they were created), then required.
    await queryRunner.query(`ALTER TABLE "packets" ADD "requested_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`UPDATE "packets" SET "requested_at" = "created_at"`);
    await queryRunner.query(`ALTER TABLE "packets" ALTER COLUMN "requested_at" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "packets" ADD "rendering_started_at" TIMESTAMP(3) WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "packets" DROP COLUMN "rendering_started_at"`);
    await queryRunner.query(`ALTER TABLE "packets" DROP COLUMN "requested_at"`);
  }
}
