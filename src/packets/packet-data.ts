import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import type { NoteContent } from '../concept-notes/concept-note.rules';
import { ConceptNote, Revision } from '../concept-notes/concept-note.entity';
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
import type { PacketData, PacketItem, PacketReviews, PacketScreening } from './packet-pdf';

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
  ): Promise<NoteRevisionData> {
    const [countries, area, objectives, organizations] = await Promise.all([
      content.countryCodes.length ? manager.findBy(Country, { code: In(content.countryCodes) }) : [],
      content.primaryThematicAreaCode
        ? manager.findOneBy(ThematicArea, { code: content.primaryThematicAreaCode })
        : null,
      content.gcmObjectiveNumbers.length
        ? manager.findBy(GcmObjective, { number: In(content.gcmObjectiveNumbers) })
        : [],
      manager.find(Organization),
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

  async packet(
    manager: EntityManager,
    meeting: Meeting,
    version: number,
    generatedAt: Date,
  ): Promise<PacketData> {
    const items = await manager.find(AgendaItem, {
      where: { meetingId: meeting.id, status: 'listed' },
      order: { position: 'ASC', createdAt: 'ASC' },
    });
    const notes = items.length
      ? await manager.findBy(ConceptNote, { id: In(items.map((i) => i.noteId)) })
      : [];
    const revisions = items.length
      ? await manager.findBy(Revision, { id: In(items.map((i) => i.revisionId)) })
      : [];
    const [criteriaSet] = await manager.find(CriteriaSet, { order: { version: 'DESC' }, take: 1 });
    const criterionTitle = (code: string) =>
      criteriaSet?.screening.find((c) => c.code === code)?.title ?? code;
    const packetItems: PacketItem[] = [];
    for (const item of items) {
      const note = notes.find((n) => n.id === item.noteId)!;
      const revision = revisions.find((r) => r.id === item.revisionId) ?? null;
      const screening = await manager.findOne(Screening, {
        where: { noteId: note.id },
        order: { createdAt: 'DESC' },
      });
      const summary = await this.reviews.summaryOf(manager, note.id);
      const reviews: PacketReviews | null =
        summary.count > 0 || summary.outstanding > 0
          ? {
              count: summary.count,
              mean: summary.mean,
              median: summary.median,
              spread: summary.spread,
              perCriterion: summary.perCriterion.map((c) => ({
                code: c.code,
                criterion: c.title,
                mean: c.mean,
              })),
              closedEarlyReason: await this.closedEarlyReason(manager, note.id),
              comments: summary.comments.map((c) => ({
                weightedScore: null,
                recommendation: c.recommendation,
                overallComment: c.overallComment,
                criterionComments: c.criterionComments,
              })),
            }
          : null;
      const screened: PacketScreening | null = screening
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
        : null;
      packetItems.push({
        position: item.position,
        groupLabel: item.groupLabel,
        noteStatus: note.status,
        lateExceptionReason: item.lateExceptionReason,
        assessment: { summary: item.assessmentSummary, recommendation: item.assessmentRecommendation },
        note: await this.revision(manager, note, revision, revision!.content as unknown as NoteContent),
        screening: screened,
        reviews,
      });
    }
    return {
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
      items: packetItems,
    };
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
