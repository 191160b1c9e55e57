import { MigrationInterface, QueryRunner } from 'typeorm';

export class Packets1795827206416 implements MigrationInterface {
  name = 'Packets1795827206416';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "packets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "meeting_id" uuid NOT NULL, "version" integer NOT NULL, "status" text NOT NULL DEFAULT 'queued', "requested_by_id" uuid, "agenda" jsonb NOT NULL DEFAULT '[]', "sha256" text, "page_count" integer, "size_bytes" integer, "storage_key" text, "error" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "rendered_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "uq_packets_version" UNIQUE ("meeting_id", "version"), CONSTRAINT "ck_packets_status" CHECK (status IN ('queued', 'rendering', 'ready', 'failed')), CONSTRAINT "PK_c7624712907ae99a6b2e57779e4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_5b847058a82d29dd516007644f" ON "packets" ("meeting_id") `);
    await queryRunner.query(
      `ALTER TABLE "packets" ADD CONSTRAINT "FK_5b847058a82d29dd516007644fa" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "packets" DROP CONSTRAINT "FK_5b847058a82d29dd516007644fa"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_5b847058a82d29dd516007644f"`);
    await queryRunner.query(`DROP TABLE "packets"`);
  }
}
