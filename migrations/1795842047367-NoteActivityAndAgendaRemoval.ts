import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Concept notes:
 * - last_activity_at: the last change to the note by the application clock (the cut-off reminders'
 *   "active in the last 90 days"); existing notes start from their updated_at;
 * - removed_from_agenda_at: set when the secretariat removes the note from an agenda, so that it is
 *   no longer targeted automatically.
 */
export class NoteActivityAndAgendaRemoval1795842047367 implements MigrationInterface {
  name = 'NoteActivityAndAgendaRemoval1795842047367';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "concept_notes" ADD "removed_from_agenda_at" TIMESTAMP(3) WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "concept_notes" ADD "last_activity_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now()`,
    );
    await queryRunner.query(`UPDATE "concept_notes" SET "last_activity_at" = "updated_at"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP COLUMN "last_activity_at"`);
    await queryRunner.query(`ALTER TABLE "concept_notes" DROP COLUMN "removed_from_agenda_at"`);
  }
}
