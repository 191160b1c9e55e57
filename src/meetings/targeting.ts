import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { returnedRows } from '../database/sql';

export interface Retargeted {
  noteId: string;
  fromMeetingId: string | null;
  toMeetingId: string | null;
}

/** Statuses of a submitted note that still waits for its meeting. */
export const AWAITING_MEETING = ['submitted', 'in_review', 'ready_for_committee'];

/**
 * Which meeting a submitted note is considered at (DESIGN §3): the earliest non-cancelled meeting
 * whose cut-off its submission meets. A submission meets a cut-off when it is at or before it, to
 * the millisecond (`cutoff_at >= submitted_at`, in both queries below); a note later than every
 * cut-off waits untargeted. Kept in PostgreSQL, in the transaction that changes a note or a meeting;
 * test/e2e/meetings.e2e-spec.ts checks both sides of the instant at submission, when a meeting is
 * created and when one is rescheduled.
 */
@Injectable()
export class MeetingTargeting {
  /**
   * At submission. The chosen meeting row is share-locked, so the agenda closing (which updates it)
   * waits for this transaction, or this one waits for the closing. A note submitted at or before a
   * cut-off whose closing committed first is put straight on that agenda: it met the cut-off.
   */
  async onSubmission(
    manager: EntityManager,
    noteId: string,
    submittedAt: Date,
  ): Promise<{ meetingId: string | null; lateForClosedAgenda: boolean }> {
    const [meeting] = await manager.query<{ id: string; status: string }[]>(
      `SELECT id, status FROM meetings
        WHERE status IN ('scheduled', 'agenda_closed') AND cutoff_at >= $1
        ORDER BY starts_at, id
        LIMIT 1
        FOR SHARE`,
      [submittedAt],
    );
    // A new submission is targeted afresh, even if an earlier one was removed from an agenda.
    await manager.query(
      'UPDATE concept_notes SET target_meeting_id = $2, removed_from_agenda_at = NULL WHERE id = $1',
      [noteId, meeting?.id ?? null],
    );
    if (meeting?.status === 'agenda_closed') {
      await manager.query(
        `INSERT INTO agenda_items (meeting_id, note_id, revision_id, position, group_label)
         SELECT $1, n.id, r.id, COALESCE((SELECT max(position) FROM agenda_items WHERE meeting_id = $1), 0) + 1, n.primary_thematic_area_code
           FROM concept_notes n JOIN concept_note_revisions r ON r.note_id = n.id AND r.number = n.current_revision
          WHERE n.id = $2
         ON CONFLICT (meeting_id, note_id) DO NOTHING`,
        [meeting.id, noteId],
      );
    }
    return { meetingId: meeting?.id ?? null, lateForClosedAgenda: meeting?.status === 'agenda_closed' };
  }

  /**
   * After meetings change (created, rescheduled, cancelled): every submitted note whose agenda is
   * not fixed yet targets the earliest scheduled meeting whose cut-off it meets. A note the
   * secretariat removed from an agenda is left alone: it comes back only when the secretariat places
   * it (late exception, carry-over) or when it is submitted anew. Returns the notes that moved.
   */
  async retarget(manager: EntityManager): Promise<Retargeted[]> {
    const result: unknown = await manager.query(
      `WITH candidates AS (
         SELECT n.id,
                n.target_meeting_id AS from_id,
                (SELECT m.id FROM meetings m
                  WHERE m.status = 'scheduled' AND m.cutoff_at >= n.submitted_at
                  ORDER BY m.starts_at, m.id LIMIT 1) AS to_id
           FROM concept_notes n
           LEFT JOIN meetings t ON t.id = n.target_meeting_id
          WHERE n.submitted_at IS NOT NULL
            AND n.status = ANY($1)
            AND n.removed_from_agenda_at IS NULL
            AND (n.target_meeting_id IS NULL OR t.status IN ('scheduled', 'cancelled'))
            AND NOT EXISTS (SELECT 1 FROM agenda_items a WHERE a.note_id = n.id AND a.meeting_id = n.target_meeting_id AND a.status = 'listed')
          FOR UPDATE OF n
       )
       UPDATE concept_notes n SET target_meeting_id = c.to_id
         FROM candidates c
        WHERE n.id = c.id AND c.to_id IS DISTINCT FROM c.from_id
       RETURNING n.id AS note_id, c.from_id, c.to_id`,
      [AWAITING_MEETING],
    );
    const moved = returnedRows<{ note_id: string; from_id: string | null; to_id: string | null }>(result);
    return moved.map((r) => ({ noteId: r.note_id, fromMeetingId: r.from_id, toMeetingId: r.to_id }));
  }
}
