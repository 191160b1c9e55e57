import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import type { NoteContent } from '../concept-notes/concept-note.rules';
import { ConceptNote, Revision } from '../concept-notes/concept-note.entity';
import type { ConceptNoteStatus } from '../concept-notes/concept-note.state';
import { AgendaItem, Meeting } from '../meetings/meeting.entity';
import {
  Country,
  CriteriaSet,
  GcmObjective,
  Organization,
  ThematicArea,
} from '../reference-data/reference.entity';
import { ReviewsService } from '../reviews/reviews.service';
import { Screening } from '../screening/screening.entity';
import type { NoteRevisionData } from './note-pdf';
import type { RecordedAgendaItem } from './packet.entity';
import type { PacketItem, PacketReviews, PacketSource } from './packet-pdf';

/** An agenda item as listed: what the agenda table prints and the ids the version records. */
interface AgendaRow {
  itemId: string;
  noteId: string;
  revisionId: string;
  position: number;
  groupLabel: string | null;
  lateExceptionReason: string | null;
  noteStatus: ConceptNoteStatus;
  referenceCode: string | null;
  title: string | null;
}

/** Loads, from PostgreSQL, the plain data the PDF renderers take: names resolved, reviewers anonymous. */
@Injectable()
export class PacketDataLoader {
  constructor(private readonly reviews: ReviewsService) {}

  /** A revision's content with the names a reader needs. */
  async revision(
    manager: EntityManager,
    note: ConceptNote,
    revision: Revision | null,
    content: NoteContent,
    organizationList?: Organization[],
  ): Promise<NoteRevisionData> {
    const [countries, area, objectives, organizations] = await Promise.all([
      content.countryCodes.length ? manager.findBy(Country, { code: In(content.countryCodes) }) : [],
      content.primaryThematicAreaCode
        ? manager.findOneBy(ThematicArea, { code: content.primaryThematicAreaCode })
        : null,
      content.gcmObjectiveNumbers.length
        ? manager.findBy(GcmObjective, { number: In(content.gcmObjectiveNumbers) })
        : [],
      organizationList ?? manager.find(Organization),
    ]);
    return {
      ...content,
      referenceCode: note.referenceCode,
      revisionNumber: revision?.number ?? 0,
      frozenAt: revision?.createdAt ?? null,
      status: note.status,
      countryNames: content.countryCodes.map(
        (code) => countries.find((c) => c.code === code)?.names.en ?? code,
      ),
      thematicAreaTitle: area?.title ?? null,
      gcmObjectives: content.gcmObjectiveNumbers.map((number) => ({
        number,
        title: objectives.find((o) => o.number === number)?.title ?? '',
      })),
      organizationNames: Object.fromEntries(organizations.map((o) => [o.code, o.name])),
    };
  }

  /**
   * The meeting's packet as it stands in this transaction: the listed agenda items (the lines the
   * cover and the agenda table print, and the agenda to record with the version), and a source
   * that loads each item's content only when the renderer reaches it. Run it in one REPEATABLE READ
   * transaction that stays open while rendering, so every item is read from the same snapshot as
   * the agenda lines.
   */
  async packet(
    manager: EntityManager,
    meeting: Meeting,
    version: number,
    generatedAt: Date,
  ): Promise<{ source: PacketSource; agenda: RecordedAgendaItem[] }> {
    const lines = await manager.query<AgendaRow[]>(
      `SELECT a.id AS "itemId", a.note_id AS "noteId", a.revision_id AS "revisionId", a.position,
              a.group_label AS "groupLabel", a.late_exception_reason AS "lateExceptionReason",
              n.status AS "noteStatus", n.reference_code AS "referenceCode", r.content->>'title' AS title
         FROM agenda_items a
         JOIN concept_notes n ON n.id = a.note_id
         JOIN concept_note_revisions r ON r.id = a.revision_id
        WHERE a.meeting_id = $1 AND a.status = 'listed'
        ORDER BY a.position, a.created_at, a.id`,
      [meeting.id],
    );
    // Reference data, read once: its size does not depend on the agenda.
    const organizations = await manager.find(Organization);
    const criteriaSets = new Map<number, Promise<CriteriaSet | null>>();
    const criteriaSet = (version: number) => {
      if (!criteriaSets.has(version)) criteriaSets.set(version, manager.findOneBy(CriteriaSet, { version }));
      return criteriaSets.get(version)!;
    };
    const item = (line: AgendaRow) => this.item(manager, line, organizations, criteriaSet);
    return {
      source: {
        meeting: {
          title: meeting.title,
          kind: meeting.kind,
          startsLocal: meeting.startsLocal,
          startsAt: meeting.startsAt,
          timeZone: meeting.timeZone,
          cutoffAt: meeting.cutoffAt,
          location: meeting.location,
          envelopeUsd: meeting.envelopeUsd,
        },
        version,
        generatedAt,
        agenda: lines.map((line) => ({
          position: line.position,
          groupLabel: line.groupLabel,
          noteStatus: line.noteStatus,
          lateExceptionReason: line.lateExceptionReason,
          referenceCode: line.referenceCode,
          title: line.title ?? '',
        })),
        items: (async function* () {
          for (const line of lines) yield await item(line);
        })(),
      },
      agenda: lines.map((line) => ({
        itemId: line.itemId,
        noteId: line.noteId,
        revisionId: line.revisionId,
        position: line.position,
      })),
    };
  }

  /** One agenda item's section: the revision it is considered on, that revision's screening, the reviews. */
  private async item(
    manager: EntityManager,
    line: AgendaRow,
    organizations: Organization[],
    criteriaSet: (version: number) => Promise<CriteriaSet | null>,
  ): Promise<PacketItem> {
    const [item, note, revision] = await Promise.all([
      manager.findOneByOrFail(AgendaItem, { id: line.itemId }),
      manager.findOneByOrFail(ConceptNote, { id: line.noteId }),
      manager.findOneByOrFail(Revision, { id: line.revisionId }),
    ]);
    // The screening of the revision on the agenda (a later revision may have been screened since).
    const screening = await manager.findOne(Screening, {
      where: { noteId: note.id, revisionId: revision.id },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
    const screeningCriteria = screening ? await criteriaSet(screening.criteriaSetVersion) : null;
    const criterionTitle = (code: string) =>
      screeningCriteria?.screening.find((c) => c.code === code)?.title ?? code;
    return {
      position: line.position,
      groupLabel: line.groupLabel,
      noteStatus: line.noteStatus,
      lateExceptionReason: line.lateExceptionReason,
      assessment: { summary: item.assessmentSummary, recommendation: item.assessmentRecommendation },
      note: await this.revision(
        manager,
        note,
        revision,
        revision.content as unknown as NoteContent,
        organizations,
      ),
      screening: screening
        ? {
            outcome: screening.outcome,
            revisionKind: screening.revisionKind,
            points: screening.points,
            screenedAt: screening.createdAt,
            checklist: screening.checklist.map((c) => ({
              code: c.code,
              criterion: criterionTitle(c.code),
              result: c.result,
              comment: c.comment,
            })),
          }
        : null,
      reviews: await this.reviewSummary(manager, note.id),
    };
  }

  /** The anonymized review summary, each comment with the weighted score of its review. */
  private async reviewSummary(manager: EntityManager, noteId: string): Promise<PacketReviews | null> {
    const summary = await this.reviews.summaryOf(manager, noteId);
    if (summary.count === 0 && summary.outstanding === 0) return null;
    const scores = await this.weightedScores(manager, noteId, summary.revisionNumber);
    if (scores.length !== summary.comments.length) {
      throw new Error(
        `Review summary of note ${noteId} has ${summary.comments.length} comments for ${scores.length} scores`,
      );
    }
    return {
      count: summary.count,
      mean: summary.mean,
      median: summary.median,
      spread: summary.spread,
      perCriterion: summary.perCriterion.map((c) => ({ code: c.code, criterion: c.title, mean: c.mean })),
      closedEarlyReason: await this.closedEarlyReason(manager, noteId),
      comments: summary.comments.map((c, index) => ({
        weightedScore: scores[index],
        recommendation: c.recommendation,
        overallComment: c.overallComment,
        criterionComments: c.criterionComments,
      })),
    };
  }

  /**
   * The weighted scores of the submitted reviews of the note's review round (the revision the
   * summary is of), in the order the summary labels them: by submission time, then review id (as
   * ReviewsService orders its round). Only the scores are read: no reviewer, no assignment.
   */
  private async weightedScores(
    manager: EntityManager,
    noteId: string,
    revisionNumber: number | null,
  ): Promise<(number | null)[]> {
    if (revisionNumber === null) return [];
    const rows = await manager.query<{ weightedScore: string | null }[]>(
      `SELECT rv.weighted_score AS "weightedScore"
         FROM review_assignments a
         JOIN concept_note_revisions r ON r.id = a.revision_id
         JOIN reviews rv ON rv.assignment_id = a.id
        WHERE a.note_id = $1 AND r.number = $2 AND a.status = 'submitted' AND rv.submitted_at IS NOT NULL
        ORDER BY rv.submitted_at, rv.id`,
      [noteId, revisionNumber],
    );
    return rows.map((row) => (row.weightedScore === null ? null : Number(row.weightedScore)));
  }

  private async closedEarlyReason(manager: EntityManager, noteId: string): Promise<string | null> {
    const [event] = await manager.query<{ reason: string | null }[]>(
      `SELECT after->>'reason' AS reason FROM audit_events
        WHERE entity_type = 'concept_note' AND entity_id = $1 AND action = 'concept_note.reviews_closed'
        ORDER BY id DESC LIMIT 1`,
      [noteId],
    );
    return event?.reason ?? null;
  }
}
