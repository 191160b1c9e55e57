import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditService } from '../audit/audit.service';
import { AuditEvent } from '../audit/audit-event.entity';
import type { Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { ConceptNoteAccess } from '../concept-notes/concept-note.access';
import { ConceptNoteContent } from '../concept-notes/concept-note.content';
import { ConceptNote, Revision } from '../concept-notes/concept-note.entity';
import { ConceptNoteMail } from '../concept-notes/concept-note.mail';
import { ConceptNoteRevisions } from '../concept-notes/concept-note.revisions';
import { precheck, type NoteContent } from '../concept-notes/concept-note.rules';
import type { ConceptNoteStatus } from '../concept-notes/concept-note.state';
import { ConceptNoteErrors } from '../concept-notes/concept-notes.errors';
import { ConceptNotesService } from '../concept-notes/concept-notes.service';
import type { ConceptNoteView } from '../concept-notes/dto/concept-note.view';
import { meetingMailFields, MeetingsService } from '../meetings/meetings.service';
import { NotificationsService } from '../notifications/notifications.service';
import { CriteriaSet, type FundRules } from '../reference-data/reference.entity';
import { User } from '../users/user.entity';
import type { RevisionResponsesDto, ScreeningDto } from './dto/screening.dto';
import type { RevisionRequestView, ScreeningView } from './dto/screening.view';
import { Screening } from './screening.entity';
import { ScreeningErrors } from './screening.errors';
import {
  completeChecklist,
  resultingStatus,
  screeningAction,
  technicalRevisionDue,
  type AutomaticCheck,
} from './screening.rules';
import { coverCountries } from '../concept-notes/requested-countries';

const SCREENED = 'concept_note.screened';

/**
 * Screening (DESIGN §3): the secretariat checks a submitted note against the screening criteria and
 * finds it eligible (→ review, or straight to the committee when its earlier reviews stand),
 * ineligible (final), or asks for a revision. A technical revision is fixed by the lead and
 * resubmitted here with its submission time and meeting; a substantive one goes through endorsement
 * again (EndorsementsService). Every action locks the note row and changes its status with a
 * conditional update, so of two concurrent screenings one wins and the other answers 409.
 */
@Injectable()
export class ScreeningService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConceptNoteAccess,
    private readonly content: ConceptNoteContent,
    private readonly notes: ConceptNotesService,
    private readonly revisions: ConceptNoteRevisions,
    private readonly mail: ConceptNoteMail,
    private readonly meetings: MeetingsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  async screen(actor: Actor, noteId: string, dto: ScreeningDto): Promise<ScreeningView> {
    const { screening, dueAt, outbox } = await this.dataSource.transaction(async (manager) => {
      const access = await this.access.load(manager, actor, noteId, { lock: true });
      const note = access.note;
      const reviewAgain = dto.reviewAgain ?? true;
      const action = screeningAction(dto.outcome, reviewAgain);
      const to = ConceptNotesService.allow(access, action);
      // request_revision also serves the committee (from ready_for_committee); screening is of submitted notes.
      if (note.status !== 'submitted') throw ConceptNoteErrors.invalidTransition(action, note.status);
      checkOutcomeFields(dto, reviewAgain);

      const criteria = await this.latestCriteria(manager);
      const revision = await this.revisions.current(manager, note);
      if (!revision) throw ConceptNoteErrors.revisionNotFound();
      const rules = await this.content.fundRules(manager);
      const completed = completeChecklist(
        criteria.screening,
        dto.checklist,
        await this.automaticChecks(manager, note, revision, rules),
      );
      if (!completed.ok) throw ScreeningErrors.checklist(completed);
      if (!reviewAgain) {
        const submitted = await this.submittedReviews(manager, note.id);
        if (submitted < rules.minimumSubmittedReviews)
          throw ScreeningErrors.tooFewReviews(submitted, rules.minimumSubmittedReviews);
      }

      const now = this.clock.now();
      const revisionRequested = dto.outcome === 'revision_requested';
      const technical = revisionRequested && dto.revisionKind === 'technical';
      const dueAt = technical ? technicalRevisionDue(now, rules.technicalRevisionDays) : null;
      const points = revisionRequested ? (dto.points ?? []) : [];
      const comment = dto.comment?.trim() ? dto.comment.trim() : null;
      const screening = await manager.save(
        manager.create(Screening, {
          noteId: note.id,
          revisionId: revision.id,
          criteriaSetVersion: criteria.version,
          checklist: completed.checklist,
          outcome: dto.outcome,
          revisionKind: revisionRequested ? (dto.revisionKind ?? null) : null,
          points,
          comment,
          reviewAgain,
          screenedById: actor.id,
        }),
      );
      await this.changeStatus(manager, note, 'submitted', {
        status: to,
        ...(revisionRequested
          ? {
              revisionKind: dto.revisionKind,
              revisionPoints: points,
              revisionSource: 'screening' as const,
              revisionRequestedAt: now,
              revisionDueAt: dueAt,
              revisionResponses: [],
            }
          : {}),
      });
      await this.audit.record(manager, {
        actorId: actor.id,
        action: SCREENED,
        entityType: 'concept_note',
        entityId: note.id,
        before: { status: note.status },
        after: {
          status: to,
          screeningId: screening.id,
          outcome: dto.outcome,
          revision: revision.number,
          criteriaSetVersion: criteria.version,
          kind: screening.revisionKind,
          points,
          revisionDueAt: dueAt?.toISOString() ?? null,
          reviewAgain,
          comment,
        },
      });
      const recipients = [
        ...(await this.mail.team(manager, note.id)),
        ...(await this.mail.countryOfficials(manager, note.countryCodes)),
      ];
      const outbox = await this.mail.send(
        manager,
        note,
        recipients,
        'screening_outcome',
        `screening-${screening.id}`,
        {
          eligible: dto.outcome === 'eligible',
          revisionRequested,
          ineligible: dto.outcome === 'ineligible',
          revisionKind: screening.revisionKind,
          technical,
          substantive: revisionRequested && dto.revisionKind === 'substantive',
          points,
          dueAt: dueAt?.toISOString() ?? null,
          comment,
        },
      );
      return { screening, dueAt, outbox };
    });
    await this.notifications.dispatch(outbox);
    const [view] = await this.views(
      this.dataSource.manager,
      [screening],
      true,
      new Map([[screening.id, dueAt]]),
    );
    return view;
  }

  /** The screenings of a note, newest first. Only the secretariat sees its per-criterion notes and who screened. */
  async list(actor: Actor, noteId: string): Promise<ScreeningView[]> {
    const manager = this.dataSource.manager;
    const access = await this.access.load(manager, actor, noteId);
    const screenings = await manager.find(Screening, {
      where: { noteId },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
    return this.views(manager, screenings, access.secretariat, await this.dueDates(manager, noteId));
  }

  /** The open revision request (screening or committee) with the team's answers so far. */
  async revisionRequest(actor: Actor, noteId: string): Promise<RevisionRequestView> {
    const { note } = await this.access.load(this.dataSource.manager, actor, noteId);
    if (!ConceptNoteRevisions.hasOpenRequest(note)) throw ScreeningErrors.revisionRequestNotFound();
    return requestView(note);
  }

  /** The team answers each numbered point of the open revision request, in order. */
  async answer(actor: Actor, noteId: string, dto: RevisionResponsesDto): Promise<RevisionRequestView> {
    return this.dataSource.transaction(async (manager) => {
      const access = await this.access.load(manager, actor, noteId, { lock: true });
      // The team answers while it may edit the working copy (revision_requested, or draft after a return).
      ConceptNotesService.allow(access, 'edit');
      const note = access.note;
      if (!ConceptNoteRevisions.hasOpenRequest(note)) throw ScreeningErrors.noRevisionRequest();
      if (dto.responses.length !== note.revisionPoints.length) {
        throw ScreeningErrors.responsesCount(note.revisionPoints.length, dto.responses.length);
      }
      const before = note.revisionResponses;
      note.revisionResponses = dto.responses;
      const saved = await manager.save(note);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.revision_answered',
        entityType: 'concept_note',
        entityId: note.id,
        before: { responses: before },
        after: { responses: dto.responses, points: note.revisionPoints.length },
      });
      return requestView(saved);
    });
  }

  /**
   * A technical revision goes back as it was submitted: a new revision of the working copy, the same
   * submission time and meeting, no new endorsement. If that meeting's agenda closed meanwhile, the
   * note joins it, or goes on to the next meeting when it can no longer be considered there
   * (MeetingsService.placeResubmitted). The request and its answers stay in the audit trail; the
   * team, the RCs and RC office of its countries and the secretariat are told where it stands.
   */
  async resubmit(actor: Actor, noteId: string): Promise<ConceptNoteView> {
    const outbox = await this.dataSource.transaction(async (manager) => {
      const access = await this.access.load(manager, actor, noteId, { lock: true });
      const note = access.note;
      const to = ConceptNotesService.allow(access, 'resubmit_technical');
      if (!ConceptNoteRevisions.hasOpenRequest(note)) throw ScreeningErrors.noRevisionRequest();
      if (note.revisionKind !== 'technical') throw ScreeningErrors.substantiveRevision();
      ConceptNoteRevisions.requireAnswers(note);
      const revision = await this.revisions.freeze(manager, actor, note);
      const request = ConceptNoteRevisions.closeRequest(note);
      await this.changeStatus(manager, note, 'revision_requested', {
        status: to,
        currentRevision: note.currentRevision,
        revisionKind: null,
        revisionSource: null,
        revisionPoints: [],
        revisionResponses: [],
        revisionRequestedAt: null,
        revisionDueAt: null,
      });
      // A country the fix added is now submitted for: its RC and RC office see the note from here on.
      await coverCountries(manager, note, this.clock.now());
      const { meeting, movedFrom } = await this.meetings.placeResubmitted(manager, actor, note, revision.id);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.resubmitted',
        entityType: 'concept_note',
        entityId: note.id,
        before: { status: 'revision_requested', revisionRequest: request },
        after: {
          status: to,
          kind: 'technical',
          revision: revision.number,
          submittedAt: note.submittedAt?.toISOString() ?? null,
          targetMeetingId: meeting?.id ?? null,
          ...(movedFrom ? { movedFromMeetingId: movedFrom.id } : {}),
          late: request?.dueAt ? this.clock.now().getTime() > Date.parse(request.dueAt) : false,
        },
      });
      const recipients = [
        ...(await this.mail.team(manager, note.id)),
        ...(await this.mail.countryOfficials(manager, note.countryCodes)),
        ...(await this.mail.secretariat(manager)),
      ];
      return this.mail.send(manager, note, recipients, 'note_resubmitted', `resubmitted-${revision.number}`, {
        submittedAt: note.submittedAt?.toISOString() ?? null,
        ...meetingMailFields(meeting),
        previousMeetingTitle: movedFrom?.title ?? null,
      });
    });
    await this.notifications.dispatch(outbox);
    const fresh = await this.dataSource.manager.findOneByOrFail(ConceptNote, { id: noteId });
    return this.notes.view(this.dataSource.manager, fresh);
  }

  /** The status change itself: conditional on the status read under the lock (a lost race answers 409). */
  private async changeStatus(
    manager: EntityManager,
    note: ConceptNote,
    from: ConceptNoteStatus,
    fields: QueryDeepPartialEntity<ConceptNote>,
  ): Promise<void> {
    const result = await manager
      .createQueryBuilder()
      .update(ConceptNote)
      .set(fields)
      .where('id = :id AND status = :from', { id: note.id, from })
      .execute();
    if (result.affected !== 1) throw ConceptNoteErrors.concurrentChange();
  }

  private async latestCriteria(manager: EntityManager): Promise<CriteriaSet> {
    const [latest] = await manager.find(CriteriaSet, { order: { version: 'DESC' }, take: 1 });
    if (!latest) throw ScreeningErrors.noCriteria();
    return latest;
  }

  /**
   * The automatic criteria on the screened revision. E1 looks at the route the note came by: the
   * endorsements of the latest endorsed revision (a technical fix keeps them) or a focal point's
   * sign-off of a frozen revision.
   */
  private async automaticChecks(
    manager: EntityManager,
    note: ConceptNote,
    revision: Revision,
    rules: FundRules,
  ): Promise<AutomaticCheck[]> {
    const endorsed = await manager.query<{ country_code: string }[]>(
      `SELECT e.country_code
         FROM endorsements e JOIN concept_note_revisions r ON r.id = e.revision_id
        WHERE e.note_id = $1 AND e.decision = 'endorsed' AND e.withdrawn_at IS NULL
          AND r.number = (SELECT max(r2.number)
                            FROM endorsements e2 JOIN concept_note_revisions r2 ON r2.id = e2.revision_id
                           WHERE e2.note_id = $1 AND e2.decision = 'endorsed' AND e2.withdrawn_at IS NULL)`,
      [note.id],
    );
    const signedOff = note.signedOffHash
      ? (await manager.countBy(Revision, { noteId: note.id, contentHash: note.signedOffHash })) > 0
      : false;
    const result = precheck(revision.content as unknown as NoteContent, {
      rules,
      areaOfObjective: await this.content.areaOfObjective(manager),
      signedOff,
      endorsedCountries: endorsed.map((e) => e.country_code),
    });
    return result.items.map((item) => ({ code: item.code, outcome: item.outcome, reasons: item.reasons }));
  }

  /** Submitted reviews of the note from earlier rounds (they stand when it is not reviewed again). */
  private async submittedReviews(manager: EntityManager, noteId: string): Promise<number> {
    const [row] = await manager.query<{ n: number }[]>(
      `SELECT count(*)::int AS n
         FROM reviews r JOIN review_assignments a ON a.id = r.assignment_id
        WHERE a.note_id = $1 AND a.status = 'submitted' AND r.submitted_at IS NOT NULL`,
      [noteId],
    );
    return row.n;
  }

  /** Due dates of technical revisions, as each screening recorded them in the audit trail. */
  private async dueDates(manager: EntityManager, noteId: string): Promise<Map<string, Date | null>> {
    const events = await manager.findBy(AuditEvent, {
      entityType: 'concept_note',
      entityId: noteId,
      action: SCREENED,
    });
    return new Map(
      events.map((e) => {
        const after = (e.after ?? {}) as { screeningId?: string; revisionDueAt?: string | null };
        return [after.screeningId ?? '', after.revisionDueAt ? new Date(after.revisionDueAt) : null];
      }),
    );
  }

  private async views(
    manager: EntityManager,
    screenings: Screening[],
    secretariat: boolean,
    dueDates: Map<string, Date | null>,
  ): Promise<ScreeningView[]> {
    if (screenings.length === 0) return [];
    const revisions = await manager.findBy(Revision, {
      id: In([...new Set(screenings.map((s) => s.revisionId))]),
    });
    const sets = await manager.findBy(CriteriaSet, {
      version: In([...new Set(screenings.map((s) => s.criteriaSetVersion))]),
    });
    const people = secretariat
      ? await manager.findBy(User, { id: In([...new Set(screenings.map((s) => s.screenedById))]) })
      : [];
    return screenings.map((s) => {
      const set = sets.find((c) => c.version === s.criteriaSetVersion);
      const screener = people.find((u) => u.id === s.screenedById);
      return {
        id: s.id,
        revision: revisions.find((r) => r.id === s.revisionId)?.number ?? 0,
        criteriaSetVersion: s.criteriaSetVersion,
        outcome: s.outcome,
        resultingStatus: resultingStatus(s.outcome, s.reviewAgain),
        revisionKind: s.revisionKind,
        points: s.points,
        dueAt: dueDates.get(s.id)?.toISOString() ?? null,
        comment: s.comment,
        reviewAgain: secretariat ? s.reviewAgain : null,
        checklist: s.checklist.map((entry) => ({
          code: entry.code,
          title: set?.screening.find((c) => c.code === entry.code)?.title ?? entry.code,
          result: entry.result,
          automatic: entry.automatic,
          comment: secretariat ? entry.comment : null,
        })),
        screenedBy: secretariat ? { id: s.screenedById, name: screener?.name ?? '' } : null,
        createdAt: s.createdAt.toISOString(),
      };
    });
  }
}

/** Kind and points go with a revision request only; keeping the earlier reviews with an eligible note only. */
function checkOutcomeFields(dto: ScreeningDto, reviewAgain: boolean): void {
  if (dto.outcome === 'revision_requested') {
    if (!dto.revisionKind) throw ScreeningErrors.revisionKindRequired();
    if (!dto.points || dto.points.length === 0) throw ScreeningErrors.pointsRequired();
  } else {
    if (dto.revisionKind !== undefined) throw ScreeningErrors.onlyForRevision('revisionKind');
    if (dto.points !== undefined && dto.points.length > 0) throw ScreeningErrors.onlyForRevision('points');
  }
  if (!reviewAgain && dto.outcome !== 'eligible') throw ScreeningErrors.reviewAgainOnlyWhenEligible();
}

function requestView(note: ConceptNote): RevisionRequestView {
  return {
    kind: note.revisionKind,
    source: note.revisionSource,
    points: note.revisionPoints,
    responses: note.revisionResponses,
    unanswered: ConceptNoteRevisions.unansweredPoints(note),
    requestedAt: note.revisionRequestedAt!.toISOString(),
    dueAt: note.revisionDueAt?.toISOString() ?? null,
  };
}
