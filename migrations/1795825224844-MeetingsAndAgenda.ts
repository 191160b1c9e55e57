import { MigrationInterface, QueryRunner } from 'typeorm';

export class MeetingsAndAgenda1795825224844 implements MigrationInterface {
  name = 'MeetingsAndAgenda1795825224844';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "meetings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "title" text NOT NULL, "kind" text NOT NULL, "starts_local" text NOT NULL, "time_zone" text NOT NULL, "starts_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "cutoff_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "location" text, "status" text NOT NULL DEFAULT 'scheduled', "envelope_usd" numeric(14,2), "agenda_closed_at" TIMESTAMP(3) WITH TIME ZONE, "held_at" TIMESTAMP(3) WITH TIME ZONE, "cancelled_at" TIMESTAMP(3) WITH TIME ZONE, "cancellation_reason" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_meetings_kind" CHECK (kind IN ('in_person', 'virtual', 'written_procedure')), CONSTRAINT "ck_meetings_status" CHECK (status IN ('scheduled', 'agenda_closed', 'held', 'cancelled')), CONSTRAINT "PK_aa73be861afa77eb4ed31f3ed57" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_505a9ff3f8a8452cb9f252841a" ON "meetings" ("starts_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_b1ac9f0a27803404f2e7b76baf" ON "meetings" ("cutoff_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_d18be740055cddc6b157c36ea6" ON "meetings" ("status") `);
    await queryRunner.query(
      `CREATE TABLE "agenda_items" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "meeting_id" uuid NOT NULL, "note_id" uuid NOT NULL, "revision_id" uuid NOT NULL, "position" integer NOT NULL, "group_label" text, "status" text NOT NULL DEFAULT 'listed', "status_reason" text, "late_exception_reason" text, "carried_from_meeting_id" uuid, "assessment_summary" text, "assessment_recommendation" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_agenda_items_note" UNIQUE ("meeting_id", "note_id"), CONSTRAINT "ck_agenda_items_status" CHECK (status IN ('listed', 'carried_over', 'removed')), CONSTRAINT "PK_7274c40301175b4b4b347820d0c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_c58f166b8bff4fd19c5353cd31" ON "agenda_items" ("meeting_id") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_dd3d2fbcbbc75dae361e41369e" ON "agenda_items" ("note_id") `);
    await queryRunner.query(`ALTER TABLE "users" ADD "calendar_token_hash" text`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "UQ_c68366cc506f3932fc0dfb55b4f" UNIQUE ("calendar_token_hash")`,
    );
    await queryRunner.query(`ALTER TABLE "concept_notes" ADD "target_meeting_id" uuid`);
    await queryRunner.query(
      `CREATE INDEX "IDX_8c3829e06ab90810f9aaf1d5b1" ON "concept_notes" ("target_meeting_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "agenda_items" ADD CONSTRAINT "FK_c58f166b8bff4fd19c5353cd310" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "agenda_items" ADD CONSTRAINT "FK_dd3d2fbcbbc75dae361e41369e5" FOREIGN KEY ("note_id") REFERENCES "concept_notes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "agenda_items" ADD CONSTRAINT "FK_4a52a4203437da0acf03921aa71" FOREIGN KEY ("revision_id") REFERENCES "concept_note_revisions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "concept_notes" ADD CONSTRAINT "FK_8c3829e06ab90810f9aaf1d5b1d" FOREIGN KEY ("target_meeting_id") REFERENCES "meetings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP CONSTRAINT "FK_8c3829e06ab90810f9aaf1d5b1d"`);
    await queryRunner.query(`ALTER TABLE "agenda_items" DROP CONSTRAINT "FK_4a52a4203437da0acf03921aa71"`);
    await queryRunner.query(`ALTER TABLE "agenda_items" DROP CONSTRAINT "FK_dd3d2fbcbbc75dae361e41369e5"`);
    await queryRunner.query(`ALTER TABLE "agenda_items" DROP CONSTRAINT "FK_c58f166b8bff4fd19c5353cd310"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_8c3829e06ab90810f9aaf1d5b1"`);
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP COLUMN "target_meeting_id"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "UQ_c68366cc506f3932fc0dfb55b4f"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "calendar_token_hash"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_dd3d2fbcbbc75dae361e41369e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_c58f166b8bff4fd19c5353cd31"`);
    await queryRunner.query(`DROP TABLE "agenda_items"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_d18be740055cddc6b157c36ea6"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_b1ac9f0a27803404f2e7b76baf"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_505a9ff3f8a8452cb9f252841a"`);
    await queryRunner.query(`DROP TABLE "meetings"`);
  }
}
