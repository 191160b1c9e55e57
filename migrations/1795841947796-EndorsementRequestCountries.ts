import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * endorsement_request_countries: the countries of a note an endorsement request (for a regional or
 * global note, its submission) covered; the RCs and RC office of a country see the note only from
 * then on (ConceptNoteAccess). Until now one instant per note (endorsement_requested_at) opened it
 * to the officials of every listed country, including a country added to a returned draft.
 *
 * Existing notes: every request froze a revision, so the countries the revisions list are the ones
 * requests covered, each first covered when the first such revision was frozen.
 */
export class EndorsementRequestCountries1795841947796 implements MigrationInterface {
  name = 'EndorsementRequestCountries1795841947796';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "endorsement_request_countries" ("note_id" uuid NOT NULL, "country_code" character(3) NOT NULL, "first_requested_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_4b6d6afcae85ac22637eb582c02" PRIMARY KEY ("note_id", "country_code"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "endorsement_request_countries" ADD CONSTRAINT "FK_2c349b82412c195114ba35416f8" FOREIGN KEY ("note_id") REFERENCES "concept_notes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `INSERT INTO "endorsement_request_countries" ("note_id", "country_code", "first_requested_at")
       SELECT r.note_id, c.code, min(r.created_at)
         FROM concept_note_revisions r
         JOIN concept_notes n ON n.id = r.note_id
         CROSS JOIN LATERAL jsonb_array_elements_text(
           CASE WHEN jsonb_typeof(r.content -> 'countryCodes') = 'array' THEN r.content -> 'countryCodes' ELSE '[]' END
         ) AS c(code)
        WHERE n.endorsement_requested_at IS NOT NULL
           OR (n.scope IN ('regional', 'global') AND n.submitted_at IS NOT NULL)
        GROUP BY r.note_id, c.code`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "endorsement_request_countries" DROP CONSTRAINT "FK_2c349b82412c195114ba35416f8"`,
    );
    await queryRunner.query(`DROP TABLE "endorsement_request_countries"`);
  }
}
