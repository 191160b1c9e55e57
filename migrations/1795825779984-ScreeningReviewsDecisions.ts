import { MigrationInterface, QueryRunner } from 'typeorm';

export class ScreeningReviewsDecisions1795825779984 implements MigrationInterface {
  name = 'ScreeningReviewsDecisions1795825779984';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "decisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "meeting_id" uuid NOT NULL, "agenda_item_id" uuid NOT NULL, "note_id" uuid NOT NULL, "revision_id" uuid NOT NULL, "outcome" text NOT NULL, "amounts" jsonb NOT NULL DEFAULT '[]', "total_amount_usd" numeric(14,2), "rationale" text NOT NULL, "points" jsonb NOT NULL DEFAULT '[]', "full_programme_due_on" date, "envelope_override_reason" text, "status" text NOT NULL DEFAULT 'draft', "recorded_by_id" uuid NOT NULL, "released_by_id" uuid, "released_at" TIMESTAMP(3) WITH TIME ZONE, "correction_of_id" uuid, "correction_reason" text, "note_status_before" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_decisions_status" CHECK (status IN ('draft', 'released', 'superseded')), CONSTRAINT "ck_decisions_outcome" CHECK (outcome IN ('approved', 'funded', 'revision_requested', 'rejected', 'deferred')), CONSTRAINT "PK_48eee6fa229cd5e43648f6a2ec3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_449b70492ca79d469c415a714f" ON "decisions" ("meeting_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_3f03d91f1f4eee3f6ee1d68f6a" ON "decisions" ("note_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_decisions_draft" ON "decisions" ("meeting_id", "note_id") WHERE status = 'draft'`,
    );
    await queryRunner.query(
      `CREATE TABLE "review_assignments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "note_id" uuid NOT NULL, "revision_id" uuid NOT NULL, "reviewer_id" uuid NOT NULL, "due_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "status" text NOT NULL DEFAULT 'assigned', "conflict_override_reason" text, "conflict_reason" text, "assigned_by_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_review_assignments_status" CHECK (status IN ('assigned', 'submitted', 'conflict_declared', 'cancelled')), CONSTRAINT "PK_57627790f79af37bc6a5e982176" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ec1ca373344f5c6f0e3ffca7c0" ON "review_assignments" ("note_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ba32727b847200cf824fcb68dc" ON "review_assignments" ("reviewer_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_e5f26a8147dfbfffc0302e0abb" ON "review_assignments" ("status") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_review_assignments_open" ON "review_assignments" ("note_id", "revision_id", "reviewer_id") WHERE status IN ('assigned', 'submitted')`,
    );
    await queryRunner.query(
      `CREATE TABLE "reviews" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "assignment_id" uuid NOT NULL, "criteria_set_version" integer NOT NULL, "scores" jsonb NOT NULL DEFAULT '[]', "recommendation" text, "overall_comment" text, "weighted_score" numeric(5,2), "submitted_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_d27a79b26ffcfbf4fc314bf7675" UNIQUE ("assignment_id"), CONSTRAINT "REL_d27a79b26ffcfbf4fc314bf767" UNIQUE ("assignment_id"), CONSTRAINT "PK_231ae565c273ee700b283f15c1d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "screenings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "note_id" uuid NOT NULL, "revision_id" uuid NOT NULL, "criteria_set_version" integer NOT NULL, "checklist" jsonb NOT NULL, "outcome" text NOT NULL, "revision_kind" text, "points" jsonb NOT NULL DEFAULT '[]', "comment" text, "review_again" boolean NOT NULL DEFAULT true, "screened_by_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_screenings_outcome" CHECK (outcome IN ('eligible', 'revision_requested', 'ineligible')), CONSTRAINT "PK_343138765d7d5a69f71b2ff7795" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_15432cb9b3906ae670b9752ecb" ON "screenings" ("note_id") `);
    await queryRunner.query(`ALTER TABLE "concept_notes" ADD "revision_kind" text`);
    await queryRunner.query(`ALTER TABLE "concept_notes" ADD "revision_points" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "concept_notes" ADD "revision_source" text`);
    await queryRunner.query(
      `ALTER TABLE "concept_notes" ADD "revision_requested_at" TIMESTAMP(3) WITH TIME ZONE`,
    );
    await queryRunner.query(`ALTER TABLE "concept_notes" ADD "revision_due_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "concept_notes" ADD "revision_responses" jsonb NOT NULL DEFAULT '[]'`,
    );
    await queryRunner.query(
      `ALTER TABLE "concept_notes" ADD "removed_from_pipeline_at" TIMESTAMP(3) WITH TIME ZONE`,
    );
    await queryRunner.query(`ALTER TABLE "concept_notes" ADD "removal_reason" text`);
    await queryRunner.query(
      `ALTER TABLE "decisions" ADD CONSTRAINT "FK_449b70492ca79d469c415a714f3" FOREIGN KEY ("meeting_id") REFERENCES "meetings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "decisions" ADD CONSTRAINT "FK_f6ee2330f26a5cdf66a597dad0b" FOREIGN KEY ("agenda_item_id") REFERENCES "agenda_items"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "decisions" ADD CONSTRAINT "FK_3f03d91f1f4eee3f6ee1d68f6a3" FOREIGN KEY ("note_id") REFERENCES "concept_notes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "decisions" ADD CONSTRAINT "FK_a3f387f3104e57c559298795b29" FOREIGN KEY ("revision_id") REFERENCES "concept_note_revisions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "review_assignments" ADD CONSTRAINT "FK_ec1ca373344f5c6f0e3ffca7c06" FOREIGN KEY ("note_id") REFERENCES "concept_notes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "review_assignments" ADD CONSTRAINT "FK_eaa9f99772c5bbdf29eae704f13" FOREIGN KEY ("revision_id") REFERENCES "concept_note_revisions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "review_assignments" ADD CONSTRAINT "FK_ba32727b847200cf824fcb68dc1" FOREIGN KEY ("reviewer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "reviews" ADD CONSTRAINT "FK_d27a79b26ffcfbf4fc314bf7675" FOREIGN KEY ("assignment_id") REFERENCES "review_assignments"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "screenings" ADD CONSTRAINT "FK_15432cb9b3906ae670b9752ecb5" FOREIGN KEY ("note_id") REFERENCES "concept_notes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "screenings" ADD CONSTRAINT "FK_5f948d9918f7eb735301a54c146" FOREIGN KEY ("revision_id") REFERENCES "concept_note_revisions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "screenings" DROP CONSTRAINT "FK_5f948d9918f7eb735301a54c146"`);
    await queryRunner.query(`ALTER TABLE "screenings" DROP CONSTRAINT "FK_15432cb9b3906ae670b9752ecb5"`);
    await queryRunner.query(`ALTER TABLE "reviews" DROP CONSTRAINT "FK_d27a79b26ffcfbf4fc314bf7675"`);
    await queryRunner.query(
      `ALTER TABLE "review_assignments" DROP CONSTRAINT "FK_ba32727b847200cf824fcb68dc1"`,
    );
    await queryRunner.query(
      `ALTER TABLE "review_assignments" DROP CONSTRAINT "FK_eaa9f99772c5bbdf29eae704f13"`,
    );
    await queryRunner.query(
      `ALTER TABLE "review_assignments" DROP CONSTRAINT "FK_ec1ca373344f5c6f0e3ffca7c06"`,
    );
    await queryRunner.query(`ALTER TABLE "decisions" DROP CONSTRAINT "FK_a3f387f3104e57c559298795b29"`);
    await queryRunner.query(`ALTER TABLE "decisions" DROP CONSTRAINT "FK_3f03d91f1f4eee3f6ee1d68f6a3"`);
    await queryRunner.query(`ALTER TABLE "decisions" DROP CONSTRAINT "FK_f6ee2330f26a5cdf66a597dad0b"`);
    await queryRunner.query(`ALTER TABLE "decisions" DROP CONSTRAINT "FK_449b70492ca79d469c415a714f3"`);
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP COLUMN "removal_reason"`);
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP COLUMN "removed_from_pipeline_at"`);
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP COLUMN "revision_responses"`);
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP COLUMN "revision_due_at"`);
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP COLUMN "revision_requested_at"`);
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP COLUMN "revision_source"`);
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP COLUMN "revision_points"`);
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP COLUMN "revision_kind"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_15432cb9b3906ae670b9752ecb"`);
    await queryRunner.query(`DROP TABLE "screenings"`);
    await queryRunner.query(`DROP TABLE "reviews"`);
    await queryRunner.query(`DROP INDEX "public"."uq_review_assignments_open"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e5f26a8147dfbfffc0302e0abb"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ba32727b847200cf824fcb68dc"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ec1ca373344f5c6f0e3ffca7c0"`);
    await queryRunner.query(`DROP TABLE "review_assignments"`);
    await queryRunner.query(`DROP INDEX "public"."uq_decisions_draft"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_3f03d91f1f4eee3f6ee1d68f6a"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_449b70492ca79d469c415a714f"`);
    await queryRunner.query(`DROP TABLE "decisions"`);
  }
}
