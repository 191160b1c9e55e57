import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes the notes list and a note's page need at 100,000 notes (bench/api.ts):
 * - endorsements(revision_id): a note's page reads every record of its current revision (the partial
 *   unique index serves only current endorsements), a sequential scan of all endorsements before;
 * - ix_concept_notes_search: a trigram index on the expression the list's text search matches
 *   (title, summary and reference code; NOTE_SEARCH_TEXT), so `ILIKE '%word%'` and its count read
 *   the matching notes only. pg_trgm is a trusted extension: the database owner may create it.
 */
export class ConceptNoteListIndexes1795828302250 implements MigrationInterface {
  name = 'ConceptNoteListIndexes1795828302250';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_26ef5f5240941e0cbacf5ff8b2" ON "endorsements" ("revision_id") `,
    );
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE INDEX "ix_concept_notes_search" ON "concept_notes" USING gin ((title || ' ' || summary || ' ' || coalesce(reference_code, '')) gin_trgm_ops)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_concept_notes_search"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_26ef5f5240941e0cbacf5ff8b2"`);
  }
}
