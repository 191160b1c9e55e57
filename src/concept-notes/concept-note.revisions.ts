import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/roles';
import { CommonErrors } from '../common/errors';
import { ConceptNoteContent } from './concept-note.content';
import { ConceptNote, Revision } from './concept-note.entity';
import { contentHash } from './concept-note.rules';
import { ConceptNotesService } from './concept-notes.service';
import { ConceptNoteErrors } from './concept-notes.errors';

/** An open revision request (from screening or the committee), as the audit trail keeps it once answered. */
export interface RevisionRequestRecord {
  kind: 'technical' | 'substantive' | null;
  source: 'screening' | 'committee' | null;
  points: string[];
  responses: string[];
  requestedAt: string | null;
  dueAt: string | null;
}

export const RevisionRequestErrors = {
  pointsUnanswered: (unanswered: number[]) =>
    CommonErrors.conflict(
      'CONCEPT_NOTE.POINTS_UNANSWERED',
      `Answer every point of the revision request first (unanswered: ${unanswered.join(', ')})`,
      { unanswered },
    ),
};

/**
 * Revisions shared by the routes that send a note (back) to the Fund: the endorsement request and
 * the regional submission (EndorsementsService) and the technical resubmission (ScreeningService).
 */
@Injectable()
export class ConceptNoteRevisions {
  constructor(
    private readonly content: ConceptNoteContent,
    private readonly notes: ConceptNotesService,
  ) {}

  /**
   * Freezes the working copy as a revision, after a passing precheck (422 otherwise); an unchanged
   * working copy keeps the latest revision (and its endorsements) — except in answer to a revision
   * request, which always makes a new revision, to be endorsed or signed off again.
   */
  async freeze(manager: EntityManager, actor: Actor, note: ConceptNote): Promise<Revision> {
    const working = await this.content.read(manager, note);
    const check = await this.notes.evaluate(manager, note, working);
    if (check.blocking.length > 0) throw ConceptNoteErrors.precheckFailed(check.blocking);
    const hash = contentHash(working);
    const latest = await this.current(manager, note);
    if (latest && latest.contentHash === hash && note.status !== 'revision_requested') return latest;
    const revision = await manager.save(
      manager.create(Revision, {
        noteId: note.id,
        number: note.currentRevision + 1,
        content: working as unknown as Record<string, unknown>,
        contentHash: hash,
        createdById: actor.id,
      }),
    );
    note.currentRevision = revision.number;
    return revision;
  }

  async current(manager: EntityManager, note: ConceptNote): Promise<Revision | null> {
    return note.currentRevision
      ? manager.findOneBy(Revision, { noteId: note.id, number: note.currentRevision })
      : null;
  }

  /** Is a revision request (screening or committee) waiting for the team's answers and resubmission? */
  static hasOpenRequest(note: ConceptNote): boolean {
    return note.revisionRequestedAt !== null;
  }

  /** Numbers (1-based) of the points of the open request that have no non-blank answer yet. */
  static unansweredPoints(note: ConceptNote): number[] {
    if (!ConceptNoteRevisions.hasOpenRequest(note)) return [];
    return note.revisionPoints
      .map((_, i) => i + 1)
      .filter((n) => (note.revisionResponses[n - 1] ?? '').trim() === '');
  }

  /** 409 CONCEPT_NOTE.POINTS_UNANSWERED while a point of the open revision request has no answer. */
  static requireAnswers(note: ConceptNote): void {
    const unanswered = ConceptNoteRevisions.unansweredPoints(note);
    if (unanswered.length > 0) throw RevisionRequestErrors.pointsUnanswered(unanswered);
  }

  static requestRecord(note: ConceptNote): RevisionRequestRecord {
    return {
      kind: note.revisionKind,
      source: note.revisionSource,
      points: note.revisionPoints,
      responses: note.revisionResponses,
      requestedAt: note.revisionRequestedAt?.toISOString() ?? null,
      dueAt: note.revisionDueAt?.toISOString() ?? null,
    };
  }

  /**
   * The resubmission answers the request: clears its fields on the entity (the caller saves it) and
   * returns what they held, for the audit event; null when no request was open.
   */
  static closeRequest(note: ConceptNote): RevisionRequestRecord | null {
    if (!ConceptNoteRevisions.hasOpenRequest(note)) return null;
    const record = ConceptNoteRevisions.requestRecord(note);
    note.revisionKind = null;
    note.revisionSource = null;
    note.revisionPoints = [];
    note.revisionResponses = [];
    note.revisionRequestedAt = null;
    note.revisionDueAt = null;
    return record;
  }
}
