import { MigrationInterface, QueryRunner } from 'typeorm';

export class ConceptNotesAndEndorsements1795824749988 implements MigrationInterface {
  name = 'ConceptNotesAndEndorsements1795824749988';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "concept_notes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference_code" text, "status" text NOT NULL DEFAULT 'draft', "title" text NOT NULL DEFAULT '', "summary" text NOT NULL DEFAULT '', "summary_en" text, "language" text NOT NULL DEFAULT 'en', "scope" text, "country_codes" text array NOT NULL DEFAULT '{}', "primary_thematic_area_code" text, "gcm_objective_numbers" integer array NOT NULL DEFAULT '{}', "convening_organization_code" text, "implementing_partners" text array NOT NULL DEFAULT '{}', "duration_months" integer, "total_budget_usd" numeric(14,2), "gender_marker" integer, "gender_justification" text, "human_rights_marker" integer, "human_rights_justification" text, "child_sensitivity_marker" integer, "child_sensitivity_justification" text, "beneficiaries" text, "theory_of_change" text, "expected_results" text, "sustainability" text, "risks" text, "template_attachment_id" uuid, "lead_user_id" uuid NOT NULL, "current_revision" integer NOT NULL DEFAULT '0', "endorsement_requested_at" TIMESTAMP(3) WITH TIME ZONE, "signed_off_by_id" uuid, "signed_off_at" TIMESTAMP(3) WITH TIME ZONE, "signed_off_hash" text, "submitted_at" TIMESTAMP(3) WITH TIME ZONE, "withdrawn_at" TIMESTAMP(3) WITH TIME ZONE, "withdrawal_reason" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_ae6f8463964bfaf82ce35ef7a64" UNIQUE ("reference_code"), CONSTRAINT "ck_concept_notes_markers" CHECK ((gender_marker BETWEEN 0 AND 3) AND (human_rights_marker BETWEEN 0 AND 3) AND (child_sensitivity_marker BETWEEN 0 AND 3)), CONSTRAINT "ck_concept_notes_status" CHECK (status IN ('draft', 'awaiting_endorsement', 'submitted', 'revision_requested', 'in_review', 'ready_for_committee', 'approved', 'funded', 'rejected', 'ineligible', 'removed_from_pipeline', 'withdrawn')), CONSTRAINT "PK_3162fb188a1229e47ec47c28ce5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_e742be51a9278fceb9e045ff1d" ON "concept_notes" ("status") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_06ef27a7437b74ef454ba6a3b1" ON "concept_notes" ("convening_organization_code") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_a3d75029db2abcad9940019236" ON "concept_notes" ("lead_user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_185d6a904b38657f3002e8847f" ON "concept_notes" ("submitted_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_7b8359b0166d078a6be25e0a7c" ON "concept_notes" ("updated_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "concept_note_organizations" ("note_id" uuid NOT NULL, "organization_code" text NOT NULL, "position" integer NOT NULL, "direct_costs_usd" numeric(14,2) NOT NULL, "indirect_support_costs_usd" numeric(14,2) NOT NULL, CONSTRAINT "PK_856c89790d1eb254e1ab85145ce" PRIMARY KEY ("note_id", "organization_code"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_9b5870ef17cf6ac4c47c100783" ON "concept_note_organizations" ("organization_code") `,
    );
    await queryRunner.query(
      `CREATE TABLE "concept_note_members" ("note_id" uuid NOT NULL, "user_id" uuid NOT NULL, "added_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ab435f217c476db1ac22febbdb1" PRIMARY KEY ("note_id", "user_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_a67d4f2c38d853b59982e7c582" ON "concept_note_members" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "concept_note_revisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "note_id" uuid NOT NULL, "number" integer NOT NULL, "content" jsonb NOT NULL, "content_hash" text NOT NULL, "created_by_id" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_revisions_note_number" UNIQUE ("note_id", "number"), CONSTRAINT "PK_83c144487abed57aaa11c3c2b30" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "reference_counters" ("year" integer NOT NULL, "last" integer NOT NULL, CONSTRAINT "PK_d3f15305259a907cc69d4df1c46" PRIMARY KEY ("year"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "attachments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "note_id" uuid NOT NULL, "kind" text NOT NULL, "filename" text NOT NULL, "content_type" text NOT NULL, "size_bytes" bigint NOT NULL, "sha256" text NOT NULL, "storage_key" text NOT NULL, "uploaded_by_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5e1f050bcff31e3084a1d662412" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_ed5d063daa36e150057dcc7f31" ON "attachments" ("note_id") `);
    await queryRunner.query(
      `CREATE TABLE "comments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "note_id" uuid NOT NULL, "parent_id" uuid, "author_id" uuid NOT NULL, "visibility" text NOT NULL, "body" text NOT NULL, "needs_answer" boolean NOT NULL DEFAULT false, "reply_by" TIMESTAMP(3) WITH TIME ZONE, "answered_at" TIMESTAMP(3) WITH TIME ZONE, "attachment_ids" uuid array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8bf68bc960f2b69e818bdb90dcb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_dc1a7ebdc26f80e37e2a36ef17" ON "comments" ("note_id") `);
    await queryRunner.query(
      `CREATE TABLE "endorsements" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "note_id" uuid NOT NULL, "revision_id" uuid NOT NULL, "country_code" character(3) NOT NULL, "decision" text NOT NULL, "kind" text NOT NULL, "endorser_id" uuid NOT NULL, "on_behalf_of_id" uuid, "comment" text, "letter_attachment_id" uuid, "reason" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "withdrawn_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_c7a21592bc1b39fabf5ba56f738" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_450b3ab5775ea18fac8cb6b33a" ON "endorsements" ("note_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_endorsements_country" ON "endorsements" ("revision_id", "country_code") WHERE decision = 'endorsed' AND withdrawn_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "delegations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "resident_coordinator_id" uuid NOT NULL, "delegate_id" uuid NOT NULL, "starts_on" date NOT NULL, "ends_on" date NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_01f9fbbc9b3bf52236a4e951b19" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_35d9841f41f436148a247f5e80" ON "delegations" ("resident_coordinator_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_343ec2641e2831522ca623b7d8" ON "delegations" ("delegate_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "concept_notes" ADD CONSTRAINT "FK_a3d75029db2abcad99400192369" FOREIGN KEY ("lead_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "concept_note_organizations" ADD CONSTRAINT "FK_693e9c69eba18bafea9dc30a397" FOREIGN KEY ("note_id") REFERENCES "concept_notes"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "concept_note_members" ADD CONSTRAINT "FK_f66ba46216482559bf78d7e0850" FOREIGN KEY ("note_id") REFERENCES "concept_notes"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "concept_note_members" ADD CONSTRAINT "FK_a67d4f2c38d853b59982e7c5824" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "concept_note_revisions" ADD CONSTRAINT "FK_b49aa85d06eb4325d6614774409" FOREIGN KEY ("note_id") REFERENCES "concept_notes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "attachments" ADD CONSTRAINT "FK_ed5d063daa36e150057dcc7f318" FOREIGN KEY ("note_id") REFERENCES "concept_notes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "comments" ADD CONSTRAINT "FK_dc1a7ebdc26f80e37e2a36ef179" FOREIGN KEY ("note_id") REFERENCES "concept_notes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "comments" ADD CONSTRAINT "FK_e6d38899c31997c45d128a8973b" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "endorsements" ADD CONSTRAINT "FK_450b3ab5775ea18fac8cb6b33a1" FOREIGN KEY ("note_id") REFERENCES "concept_notes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "endorsements" ADD CONSTRAINT "FK_26ef5f5240941e0cbacf5ff8b2b" FOREIGN KEY ("revision_id") REFERENCES "concept_note_revisions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "endorsements" ADD CONSTRAINT "FK_2a2923c1633684eff9273b7b25d" FOREIGN KEY ("endorser_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "endorsements" ADD CONSTRAINT "FK_0b2f3ce7a455fac6284b4a611fa" FOREIGN KEY ("on_behalf_of_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "delegations" ADD CONSTRAINT "FK_35d9841f41f436148a247f5e803" FOREIGN KEY ("resident_coordinator_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "delegations" ADD CONSTRAINT "FK_343ec2641e2831522ca623b7d80" FOREIGN KEY ("delegate_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Revisions are immutable snapshots: the database refuses changes (refuse_change() comes from the initial schema).
    await queryRunner.query(
      `CREATE TRIGGER "concept_note_revisions_immutable" BEFORE UPDATE OR DELETE ON "concept_note_revisions" FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "concept_note_revisions_no_truncate" BEFORE TRUNCATE ON "concept_note_revisions" FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "concept_note_revisions_no_truncate" ON "concept_note_revisions"`);
    await queryRunner.query(`DROP TRIGGER "concept_note_revisions_immutable" ON "concept_note_revisions"`);
    await queryRunner.query(`ALTER TABLE "delegations" DROP CONSTRAINT "FK_343ec2641e2831522ca623b7d80"`);
    await queryRunner.query(`ALTER TABLE "delegations" DROP CONSTRAINT "FK_35d9841f41f436148a247f5e803"`);
    await queryRunner.query(`ALTER TABLE "endorsements" DROP CONSTRAINT "FK_0b2f3ce7a455fac6284b4a611fa"`);
    await queryRunner.query(`ALTER TABLE "endorsements" DROP CONSTRAINT "FK_2a2923c1633684eff9273b7b25d"`);
    await queryRunner.query(`ALTER TABLE "endorsements" DROP CONSTRAINT "FK_26ef5f5240941e0cbacf5ff8b2b"`);
    await queryRunner.query(`ALTER TABLE "endorsements" DROP CONSTRAINT "FK_450b3ab5775ea18fac8cb6b33a1"`);
    await queryRunner.query(`ALTER TABLE "comments" DROP CONSTRAINT "FK_e6d38899c31997c45d128a8973b"`);
    await queryRunner.query(`ALTER TABLE "comments" DROP CONSTRAINT "FK_dc1a7ebdc26f80e37e2a36ef179"`);
    await queryRunner.query(`ALTER TABLE "attachments" DROP CONSTRAINT "FK_ed5d063daa36e150057dcc7f318"`);
    await queryRunner.query(
      `ALTER TABLE "concept_note_revisions" DROP CONSTRAINT "FK_b49aa85d06eb4325d6614774409"`,
    );
    await queryRunner.query(
      `ALTER TABLE "concept_note_members" DROP CONSTRAINT "FK_a67d4f2c38d853b59982e7c5824"`,
    );
    await queryRunner.query(
      `ALTER TABLE "concept_note_members" DROP CONSTRAINT "FK_f66ba46216482559bf78d7e0850"`,
    );
    await queryRunner.query(
      `ALTER TABLE "concept_note_organizations" DROP CONSTRAINT "FK_693e9c69eba18bafea9dc30a397"`,
    );
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP CONSTRAINT "FK_a3d75029db2abcad99400192369"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_343ec2641e2831522ca623b7d8"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_35d9841f41f436148a247f5e80"`);
    await queryRunner.query(`DROP TABLE "delegations"`);
    await queryRunner.query(`DROP INDEX "public"."uq_endorsements_country"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_450b3ab5775ea18fac8cb6b33a"`);
    await queryRunner.query(`DROP TABLE "endorsements"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_dc1a7ebdc26f80e37e2a36ef17"`);
    await queryRunner.query(`DROP TABLE "comments"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ed5d063daa36e150057dcc7f31"`);
    await queryRunner.query(`DROP TABLE "attachments"`);
    await queryRunner.query(`DROP TABLE "reference_counters"`);
    await queryRunner.query(`DROP TABLE "concept_note_revisions"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a67d4f2c38d853b59982e7c582"`);
    await queryRunner.query(`DROP TABLE "concept_note_members"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9b5870ef17cf6ac4c47c100783"`);
    await queryRunner.query(`DROP TABLE "concept_note_organizations"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_7b8359b0166d078a6be25e0a7c"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_185d6a904b38657f3002e8847f"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a3d75029db2abcad9940019236"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_06ef27a7437b74ef454ba6a3b1"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e742be51a9278fceb9e045ff1d"`);
    await queryRunner.query(`DROP TABLE "concept_notes"`);
  }
}
