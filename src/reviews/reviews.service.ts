import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hasRole, type Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { skipTake } from '../common/pagination';
import { CommonErrors } from '../common/errors';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ConceptNoteAccess } from '../concept-notes/concept-note.access';
import { ConceptNoteContent } from '../concept-notes/concept-note.content';
import { ConceptNote, ParticipatingOrganization, Revision } from '../concept-notes/concept-note.entity';
import { ConceptNoteMail } from '../concept-notes/concept-note.mail';
import type { ConceptNoteStatus } from '../concept-notes/concept-note.state';
import { ConceptNotesService } from '../concept-notes/concept-notes.service';
import type { ConceptNoteView } from '../concept-notes/dto/concept-note.view';
import { returnedRows } from '../database/sql';
import { Meeting } from '../meetings/meeting.entity';
import { NotificationsService, type OutgoingEmail } from '../notifications/notifications.service';
import { CriteriaSet } from '../reference-data/reference.entity';
import { User } from '../users/user.entity';
import type {
  AssignmentView,
  CloseReviewsDto,
  CreateAssignmentDto,
  CriterionMeanView,
  DeclareConflictDto,
  ListMyAssignmentsQuery,
  MyAssignmentPage,
  MyAssignmentView,
  ReviewerSuggestionView,
  ReviewExportRow,
  ReviewListView,
  ReviewState,
  ReviewSummaryView,
  ReviewView,
  SaveReviewDto,
} from './dto/review.dto';
import { Review, ReviewAssignment, type AssignmentStatus } from './review.entity';
import {
  anonymousLabel,
  atLoadCap,
  conflictOverrideText,
  criterionMeans,
  dueReminder,
  DUE_SOON_WINDOW_MS,
  isConflicted,
  RECOMMENDATIONS,
  reviewProblems,
  suggest,
  summary,
  weightedScore,
  type Recommendation,
} from './review.rules';
import { ReviewErrors } from './reviews.errors';

/** One assignment of a note's current review round, with its reviewer and review. */
interface Entry {
  assignment: ReviewAssignment;
  reviewer: User | undefined;
  review: Review | null;
  /** "Reviewer A"…, for submitted reviews in the order they came in; null otherwise. */
  label: string | null;
}

interface Round {
  revisionNumber: number | null;
  entries: Entry[];
}

const isSubmitted = (entry: Entry): boolean =>
  entry.assignment.status === 'submitted' && entry.review?.submittedAt != null;

/** The actor's own assignment in the round (one at most is assigned or submitted). */
const ownEntry = (round: Round, actor: Actor): Entry | undefined =>
  round.entries.find(
    (e) => e.assignment.reviewerId === actor.id && ['assigned', 'submitted'].includes(e.assignment.status),
  );

const stateOf = (review: Review | null): ReviewState =>
  !review ? 'not_started' : review.submittedAt ? 'submitted' : 'draft';

const scoreOf = (review: Review | null): number | null =>
  review?.weightedScore == null ? null : Number(review.weightedScore);

/**
 * Review assignment and review (DESIGN §2, §3): the secretariat assigns reviewers to a note in review
 * (refusing conflicted ones unless it overrides with a reason), reviewers score it against the
 * criteria set they started with, and the secretariat closes the reviews once the fund's minimum is
 * in (or earlier, with a reason). Reviewers see only their assignments, and others' reviews only
 * anonymized and only after submitting their own; the committee sees the anonymized summary.
 */
@Injectable()
export class ReviewsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConceptNoteAccess,
    private readonly notes: ConceptNotesService,
    private readonly content: ConceptNoteContent,
    private readonly mail: ConceptNoteMail,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async assign(actor: Actor, noteId: string, dto: CreateAssignmentDto): Promise<AssignmentView> {
    const { view, outbox } = await this.dataSource.transaction(async (manager) => {
      // The note's row lock makes assignments to one note apply one after the other.
      const { note } = await this.access.load(manager, actor, noteId, { lock: true });
      if (note.status !== 'in_review') throw ReviewErrors.notInReview(note.status);
      const dueAt = new Date(dto.dueAt);
      if (dueAt.getTime() <= this.clock.now().getTime()) throw ReviewErrors.dueInThePast();
      // The reviewer's row lock makes assignments of one reviewer (to any note) apply one after the
      // other, so two of them at once cannot both slip under the cap; it also waits for a deactivation.
      const reviewer = await manager.findOne(User, {
        where: { id: dto.reviewerId },
        lock: { mode: 'for_no_key_update' },
      });
      if (!reviewer?.active || !reviewer.roles.includes('reviewer')) throw ReviewErrors.notAReviewer();
      const earlier = await manager.findBy(ReviewAssignment, {
        noteId,
        reviewerId: reviewer.id,
        status: In(['assigned', 'submitted', 'conflict_declared'] satisfies AssignmentStatus[]),
      });
      if (earlier.some((a) => a.status === 'conflict_declared')) throw ReviewErrors.conflictDeclared();
      if (earlier.length > 0) throw ReviewErrors.alreadyAssigned();
      const conflicted = isConflicted(
        reviewer.organizationCode,
        note.conveningOrganizationCode,
        await this.organizationsOf(manager, noteId),
      );
      if (conflicted && !dto.conflictOverrideReason) throw ReviewErrors.conflicted(reviewer.organizationCode);
      const load = (await this.openLoads(manager, reviewer.id)).get(reviewer.id) ?? 0;
      const cap = this.config.reviewerMaxOpenAssignments;
      const overloaded = atLoadCap(load, cap);
      if (overloaded && !dto.loadOverrideReason) throw ReviewErrors.loadCapReached(reviewer.name, load, cap);

      const revision = await manager.findOneByOrFail(Revision, { noteId, number: note.currentRevision });
      const assignment = await manager.save(
        manager.create(ReviewAssignment, {
          noteId,
          revisionId: revision.id,
          reviewerId: reviewer.id,
          dueAt,
          status: 'assigned',
          // A reason given for a reviewer who is not conflicted overrides nothing.
          conflictOverrideReason: conflicted ? dto.conflictOverrideReason : null,
          loadOverrideReason: overloaded ? dto.loadOverrideReason : null,
          assignedById: actor.id,
        }),
      );
      const details = {
        assignmentId: assignment.id,
        reviewerId: reviewer.id,
        revision: revision.number,
        dueAt: dueAt.toISOString(),
      };
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'review.assigned',
        entityType: 'concept_note',
        entityId: noteId,
        after: {
          ...details,
          conflictOverrideReason: assignment.conflictOverrideReason,
          loadOverrideReason: assignment.loadOverrideReason,
        },
      });
      if (conflicted) {
        await this.audit.record(manager, {
          actorId: actor.id,
          action: 'review.conflict_overridden',
          entityType: 'concept_note',
          entityId: noteId,
          after: {
            ...details,
            organizationCode: reviewer.organizationCode,
            reason: assignment.conflictOverrideReason,
          },
        });
      }
      if (overloaded) {
        await this.audit.record(manager, {
          actorId: actor.id,
          action: 'review.load_cap_overridden',
          entityType: 'concept_note',
          entityId: noteId,
          after: {
            ...details,
            openAssignments: load,
            maxOpenAssignments: cap,
            reason: assignment.loadOverrideReason,
          },
        });
      }
      const outbox = await this.mail.send(
        manager,
        note,
        [reviewer],
        'review_assigned',
        `assigned-${assignment.id}`,
        { reviewUrl: this.reviewUrl(assignment.id), dueAt: dueAt.toISOString() },
      );
      return { view: assignmentView(assignment, reviewer, revision.number), outbox };
    });
    await this.notifications.dispatch(outbox);
    return view;
  }

  /** Reviewers for a note, ranked by the suggestion rule (review.rules `suggest`). */
  async suggestions(actor: Actor, noteId: string): Promise<ReviewerSuggestionView[]> {
    const manager = this.dataSource.manager;
    const { note } = await this.access.load(manager, actor, noteId);
    const [organizations, reviewers, loads, taken] = await Promise.all([
      this.organizationsOf(manager, noteId),
      manager.createQueryBuilder(User, 'u').where(`u.active AND 'reviewer' = ANY(u.roles)`).getMany(),
      this.openLoads(manager),
      manager.query<{ reviewer_id: string }[]>(
        `SELECT DISTINCT reviewer_id FROM review_assignments
          WHERE note_id = $1 AND status IN ('assigned', 'submitted', 'conflict_declared')`,
        [noteId],
      ),
    ]);
    const ranked = suggest(
      reviewers.map((user) => ({
        id: user.id,
        name: user.name,
        email: user.email,
        organizationCode: user.organizationCode,
        thematicAreaCodes: user.thematicAreaCodes,
        openAssignments: loads.get(user.id) ?? 0,
      })),
      {
        primaryThematicAreaCode: note.primaryThematicAreaCode,
        conveningOrganizationCode: note.conveningOrganizationCode,
        participatingOrganizationCodes: organizations,
        assignedReviewerIds: taken.map((row) => row.reviewer_id),
        maxOpenAssignments: this.config.reviewerMaxOpenAssignments,
      },
    );
    return ranked.map(
      ({ id, name, email, organizationCode, thematicAreaCodes, expertise, openAssignments }) => ({
        id,
        name,
        email,
        organizationCode,
        thematicAreaCodes: [...thematicAreaCodes],
        expertise,
        openAssignments,
      }),
    );
  }

  /** The reviewer's own assignments, soonest due first. */
  async mine(actor: Actor, query: ListMyAssignmentsQuery): Promise<MyAssignmentPage> {
    const { skip, take } = skipTake(query);
    const where = `a.reviewer_id = $1 AND ($2::text IS NULL OR a.status = $2)`;
    const params = [actor.id, query.status ?? null];
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query<MyAssignmentRow[]>(
        `SELECT a.id, a.note_id, n.title, n.reference_code, n.status AS note_status, a.due_at, a.status,
                a.conflict_reason, r.id AS review_id, r.weighted_score, r.submitted_at, r.updated_at AS saved_at
           FROM review_assignments a
           JOIN concept_notes n ON n.id = a.note_id
           LEFT JOIN reviews r ON r.assignment_id = a.id
          WHERE ${where}
          ORDER BY a.due_at, a.id
          LIMIT $3 OFFSET $4`,
        [...params, take, skip],
      ),
      this.dataSource.query<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM review_assignments a WHERE ${where}`,
        params,
      ),
    ]);
    return { items: rows.map(myAssignmentView), page: query.page, limit: query.limit, total };
  }

  /** The assigned reviewer declares a conflict of interest: the assignment ends and the secretariat hears. */
  async declareConflict(
    actor: Actor,
    assignmentId: string,
    dto: DeclareConflictDto,
  ): Promise<MyAssignmentView> {
    const { view, outbox } = await this.dataSource.transaction(async (manager) => {
      const assignment = await this.ownOpenAssignment(manager, actor, assignmentId);
      const note = await manager.findOneByOrFail(ConceptNote, { id: assignment.noteId });
      assignment.status = 'conflict_declared';
      assignment.conflictReason = dto.reason;
      await manager.save(assignment);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'review.conflict_declared',
        entityType: 'concept_note',
        entityId: note.id,
        before: { assignmentId, status: 'assigned' },
        after: { assignmentId, status: assignment.status, reason: dto.reason },
      });
      const outbox = await this.mail.send(
        manager,
        note,
        await this.mail.secretariat(manager),
        'review_conflict_declared',
        `conflict-${assignment.id}`,
        { reviewerName: actor.name, reason: dto.reason },
      );
      const review = await manager.findOneBy(Review, { assignmentId });
      return { view: myAssignmentView(assignmentRow(assignment, note, review)), outbox };
    });
    await this.notifications.dispatch(outbox);
    return view;
  }

  /**
   * Saves the reviewer's draft, or submits it: every criterion of the review's criteria set scored,
   * a recommendation given, the weighted score computed. A submitted review never changes.
   */
  async saveReview(actor: Actor, assignmentId: string, dto: SaveReviewDto): Promise<ReviewView> {
    const noteId = await this.dataSource.transaction(async (manager) => {
      const assignment = await this.ownOpenAssignment(manager, actor, assignmentId);
      const note = await manager.findOneByOrFail(ConceptNote, { id: assignment.noteId });
      if (note.status !== 'in_review') throw ReviewErrors.notInReview(note.status);
      const existing = await manager.findOneBy(Review, { assignmentId });
      // A review keeps the criteria set version it was started with.
      const set = existing
        ? await manager.findOneByOrFail(CriteriaSet, { version: existing.criteriaSetVersion })
        : await latestCriteriaSet(manager);
      const { criteria, scale } = set.quality;
      const submit = dto.submit === true;
      const problems = reviewProblems(dto, criteria, scale, submit);
      if (problems.length > 0) throw ReviewErrors.invalidReview(problems);

      const order = new Map(criteria.map((c, i) => [c.code, i]));
      const review = existing ?? manager.create(Review, { assignmentId, criteriaSetVersion: set.version });
      review.scores = [...dto.scores]
        .sort((a, b) => order.get(a.code)! - order.get(b.code)!)
        .map((s) => ({ code: s.code, score: s.score, comment: s.comment || null }));
      review.recommendation = dto.recommendation ?? null;
      review.overallComment = dto.overallComment || null;
      if (submit) {
        review.weightedScore = weightedScore(review.scores, criteria, scale).toFixed(2);
        review.submittedAt = this.clock.now();
        assignment.status = 'submitted';
        await manager.save(assignment);
      }
      await manager.save(review);
      if (submit) {
        await this.audit.record(manager, {
          actorId: actor.id,
          action: 'review.submitted',
          entityType: 'concept_note',
          entityId: note.id,
          after: {
            assignmentId,
            criteriaSetVersion: review.criteriaSetVersion,
            weightedScore: Number(review.weightedScore),
            recommendation: review.recommendation,
          },
        });
      }
      return note.id;
    });
    const round = await this.round(this.dataSource.manager, noteId);
    const own = round.entries.find((e) => e.assignment.id === assignmentId);
    if (!own) throw ReviewErrors.assignmentNotFound();
    return ownReviewView(own);
  }

  /**
   * The reviews of a note: all of them, named, for the secretariat; for a reviewer their own, and
   * once it is submitted the other submitted reviews under a label. Anyone else may not.
   */
  async list(actor: Actor, noteId: string): Promise<ReviewListView> {
    const manager = this.dataSource.manager;
    const access = await this.access.load(manager, actor, noteId);
    const round = await this.round(manager, noteId);
    const base = { noteId, revisionNumber: round.revisionNumber };
    if (access.secretariat) return { ...base, items: round.entries.map((e) => fullReviewView(e, actor.id)) };
    if (!access.kinds.includes('reviewer')) throw ReviewErrors.reviewsForbidden();
    const own = ownEntry(round, actor);
    if (!own) return { ...base, items: [] };
    if (!isSubmitted(own)) return { ...base, items: [ownReviewView(own)] };
    return {
      ...base,
      items: round.entries
        .filter(isSubmitted)
        .map((entry) => (entry === own ? ownReviewView(entry) : anonymousReviewView(entry))),
    };
  }

  /** The secretariat's export: one row per review and criterion. */
  async exportRows(actor: Actor, noteId: string): Promise<ReviewExportRow[]> {
    const manager = this.dataSource.manager;
    const access = await this.access.load(manager, actor, noteId);
    if (!access.secretariat) throw ReviewErrors.exportForbidden();
    const round = await this.round(manager, noteId);
    const versions = [
      ...new Set(round.entries.flatMap((e) => (e.review ? [e.review.criteriaSetVersion] : []))),
    ];
    const sets = versions.length ? await manager.findBy(CriteriaSet, { version: In(versions) }) : [];
    return round.entries.flatMap((entry) => {
      const review = entry.review;
      if (!review) return [];
      const set = sets.find((s) => s.version === review.criteriaSetVersion);
      return review.scores.map((score) => ({
        reviewer: entry.reviewer?.name ?? '',
        organizationCode: entry.reviewer?.organizationCode ?? null,
        label: entry.label,
        state: stateOf(review),
        criteriaSetVersion: review.criteriaSetVersion,
        criterion: score.code,
        criterionTitle: set?.quality.criteria.find((c) => c.code === score.code)?.title ?? '',
        score: score.score,
        comment: score.comment,
        weightedScore: scoreOf(review),
        recommendation: review.recommendation,
        submittedAt: review.submittedAt?.toISOString() ?? null,
      }));
    });
  }

  /** The anonymized summary: for the secretariat, the committee, and a reviewer who has submitted. */
  async summary(actor: Actor, noteId: string): Promise<ReviewSummaryView> {
    const manager = this.dataSource.manager;
    const access = await this.access.load(manager, actor, noteId);
    const round = await this.round(manager, noteId);
    if (!access.secretariat && !access.kinds.includes('committee')) {
      if (!access.kinds.includes('reviewer')) {
        throw ReviewErrors.summaryForbidden(
          'The review summary is for the secretariat, the committee and reviewers',
        );
      }
      const own = ownEntry(round, actor);
      if (!own || !isSubmitted(own)) {
        throw ReviewErrors.summaryForbidden('Submit your own review before reading the others');
      }
    }
    return this.summarize(manager, noteId, round);
  }

  /**
   * The anonymized summary of a note's current review round, without a scope check: for callers that
   * did theirs (the meeting packet).
   */
  async summaryOf(manager: EntityManager, noteId: string): Promise<ReviewSummaryView> {
    return this.summarize(manager, noteId, await this.round(manager, noteId));
  }

  /**
   * The anonymized figures of a round. Its reviews may have been scored against different criteria
   * set versions (each keeps the version it was begun with): every weighted score is 0–100 under its
   * own version, so count, mean, median and spread take them all; per-criterion means pool only the
   * versions in which a criterion and the scale are the same (review.rules `criterionMeans`).
   */
  private async summarize(manager: EntityManager, noteId: string, round: Round): Promise<ReviewSummaryView> {
    const submitted = round.entries.filter(isSubmitted);
    const versions = [...new Set(submitted.map((e) => e.review!.criteriaSetVersion))].sort((a, b) => b - a);
    const sets = versions.length
      ? await manager.find(CriteriaSet, { where: { version: In(versions) }, order: { version: 'DESC' } })
      : [await latestCriteriaSet(manager)];
    // The weighted-score figures only: the per-criterion means are criterionMeans', version by version.
    const figures = summary(
      submitted.map((e) => ({ weightedScore: scoreOf(e.review)!, scores: e.review!.scores })),
      [],
    );
    const perCriterion = criterionMeans(
      submitted.map((e) => ({ criteriaSetVersion: e.review!.criteriaSetVersion, scores: e.review!.scores })),
      sets.map((set) => ({ version: set.version, scale: set.quality.scale, criteria: set.quality.criteria })),
    );
    const recommendations = Object.fromEntries(RECOMMENDATIONS.map((r) => [r, 0])) as Record<
      Recommendation,
      number
    >;
    for (const entry of submitted) {
      const recommendation = entry.review!.recommendation;
      if (recommendation) recommendations[recommendation] += 1;
    }
    const reasons = round.entries
      .filter(
        (e) => e.assignment.conflictOverrideReason && ['assigned', 'submitted'].includes(e.assignment.status),
      )
      .map((e) => e.assignment.conflictOverrideReason!);
    return {
      noteId,
      revisionNumber: round.revisionNumber,
      count: figures.count,
      outstanding: round.entries.filter((e) => e.assignment.status === 'assigned').length,
      mean: figures.mean,
      median: figures.median,
      spread: figures.spread,
      criteriaSetVersions: versions,
      perCriterion: perCriterion.map((c): CriterionMeanView => ({
        code: c.code,
        title: c.title,
        weight: c.weight,
        scale: c.scale,
        criteriaSetVersions: c.criteriaSetVersions,
        count: c.count,
        mean: c.mean,
      })),
      recommendations,
      comments: submitted.map((e) => ({
        label: e.label!,
        criteriaSetVersion: e.review!.criteriaSetVersion,
        recommendation: e.review!.recommendation,
        overallComment: e.review!.overallComment,
        criterionComments: e.review!.scores.flatMap((s) =>
          s.comment ? [{ code: s.code, comment: s.comment }] : [],
        ),
      })),
      conflictOverrides: { count: reasons.length, reasons, text: conflictOverrideText(reasons) },
    };
  }

  /**
   * Closes the reviews: the note goes to ready_for_committee once the fund's minimum of submitted
   * reviews is in, or earlier with a reason; assignments still open are cancelled. The team and the
   * RCs and RC office of its countries are told of the new status (DESIGN §3 "Status e-mails"), and
   * of the meeting it goes to, with nothing of the reviews themselves: no count, score or reason.
   */
  async close(actor: Actor, noteId: string, dto: CloseReviewsDto): Promise<ConceptNoteView> {
    const { note, outbox } = await this.dataSource.transaction(async (manager) => {
      const access = await this.access.load(manager, actor, noteId, { lock: true });
      const to = ConceptNotesService.allow(access, 'close_reviews');
      const note = access.note;
      const { minimumSubmittedReviews: minimum } = await this.content.fundRules(manager);
      const [{ submitted }] = await manager.query<{ submitted: number }[]>(
        `SELECT count(*)::int AS submitted
           FROM review_assignments a JOIN concept_note_revisions r ON r.id = a.revision_id
          WHERE a.note_id = $1 AND r.number = $2 AND a.status = 'submitted'`,
        [noteId, note.currentRevision],
      );
      if (submitted < minimum && !dto.reason) throw ReviewErrors.reasonRequired(submitted, minimum);
      const from: ConceptNoteStatus = note.status;
      note.status = to;
      await manager.save(note);
      const cancelled = returnedRows<{ id: string }>(
        await manager.query(
          `UPDATE review_assignments SET status = 'cancelled', updated_at = $2
            WHERE note_id = $1 AND status = 'assigned'
          RETURNING id`,
          [noteId, this.clock.now()],
        ),
      ).map((row) => row.id);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.reviews_closed',
        entityType: 'concept_note',
        entityId: noteId,
        before: { status: from },
        after: {
          status: to,
          submittedReviews: submitted,
          minimumSubmittedReviews: minimum,
          reason: dto.reason ?? null,
          cancelledAssignmentIds: cancelled,
        },
      });
      const meeting = note.targetMeetingId
        ? await manager.findOneBy(Meeting, { id: note.targetMeetingId })
        : null;
      const outbox = await this.mail.send(
        manager,
        note,
        [
          ...(await this.mail.team(manager, noteId)),
          ...(await this.mail.countryOfficials(manager, note.countryCodes)),
        ],
        'reviews_closed',
        // Once per review round: a note reviewed again after a revision is closed again.
        `reviews-closed-r${note.currentRevision}`,
        {
          meetingTitle: meeting?.title ?? null,
          meetingStartsAt: meeting?.startsAt.toISOString() ?? null,
          meetingLocal: meeting ? `${meeting.startsLocal.replace('T', ' ')} ${meeting.timeZone}` : null,
        },
      );
      return { note, outbox };
    });
    await this.notifications.dispatch(outbox);
    const fresh = await this.dataSource.manager.findOneByOrFail(ConceptNote, { id: note.id });
    return this.notes.view(this.dataSource.manager, fresh);
  }

  /**
   * Reminds reviewers of open assignments on notes in review: once within two days before the due
   * date, once when it has passed. Each e-mail has a dedupe key per assignment and due date, so any
   * number of runs, on any number of workers, sends each once.
   */
  async remindDue(): Promise<number> {
    const now = this.clock.now();
    const outbox = await this.dataSource.transaction(async (manager) => {
      const assignments = await manager
        .createQueryBuilder(ReviewAssignment, 'a')
        .innerJoin(ConceptNote, 'n', `n.id = a.note_id AND n.status = 'in_review'`)
        .where(`a.status = 'assigned' AND a.due_at <= :horizon`, {
          horizon: new Date(now.getTime() + DUE_SOON_WINDOW_MS),
        })
        .orderBy('a.due_at')
        .getMany();
      if (assignments.length === 0) return [];
      const [notes, reviewers] = await Promise.all([
        manager.findBy(ConceptNote, { id: In([...new Set(assignments.map((a) => a.noteId))]) }),
        manager.findBy(User, { id: In([...new Set(assignments.map((a) => a.reviewerId))]), active: true }),
      ]);
      const emails: OutgoingEmail[] = [];
      for (const assignment of assignments) {
        const reminder = dueReminder(assignment.dueAt, now);
        const reviewer = reviewers.find((u) => u.id === assignment.reviewerId);
        const note = notes.find((n) => n.id === assignment.noteId)!;
        if (!reminder || !reviewer) continue;
        const [template, key] =
          reminder === 'due_soon'
            ? ['review_due_soon', 'review-due-soon']
            : ['review_overdue', 'review-overdue'];
        // Written out rather than through ConceptNoteMail.send, whose dedupe key is per note and event:
        // a reminder is once per assignment and due date.
        emails.push({
          to: {
            email: reviewer.email,
            userId: reviewer.id,
            locale: reviewer.locale,
            timeZone: reviewer.timeZone,
          },
          template,
          payload: {
            recipientName: reviewer.name,
            noteTitle: note.title,
            referenceCode: note.referenceCode,
            noteUrl: this.mail.noteUrl(note.id),
            reviewUrl: this.reviewUrl(assignment.id),
            dueAt: assignment.dueAt.toISOString(),
          },
          dedupeKey: `${key}:${assignment.id}:${assignment.dueAt.getTime()}`,
          subject: { type: 'concept_note', id: note.id },
        });
      }
      return this.notifications.record(manager, emails);
    });
    await this.notifications.dispatch(outbox);
    return outbox.length;
  }

  private reviewUrl(assignmentId: string): string {
    return `${this.config.publicUrl}/review-assignments/${assignmentId}`;
  }

  /** The assignment, locked, if it is the actor's and still open; 404 outside one's scope, 403 for the secretariat. */
  private async ownOpenAssignment(
    manager: EntityManager,
    actor: Actor,
    assignmentId: string,
  ): Promise<ReviewAssignment> {
    const assignment = await manager
      .createQueryBuilder(ReviewAssignment, 'a')
      .where('a.id = :assignmentId', { assignmentId })
      .setLock('pessimistic_write')
      .getOne();
    if (!assignment) throw ReviewErrors.assignmentNotFound();
    if (assignment.reviewerId !== actor.id) {
      throw hasRole(actor, 'secretariat')
        ? ReviewErrors.notYours()
        : CommonErrors.outOfScope('Review assignment');
    }
    if (assignment.status === 'submitted') throw ReviewErrors.submitted();
    if (assignment.status !== 'assigned') throw ReviewErrors.assignmentClosed(assignment.status);
    return assignment;
  }

  private async organizationsOf(manager: EntityManager, noteId: string): Promise<string[]> {
    const rows = await manager.findBy(ParticipatingOrganization, { noteId });
    return rows.map((row) => row.organizationCode);
  }

  /** Reviews each reviewer (or the one given) still has to do, on notes in review. */
  private async openLoads(
    manager: EntityManager,
    reviewerId: string | null = null,
  ): Promise<Map<string, number>> {
    const rows = await manager.query<{ reviewer_id: string; n: number }[]>(
      `SELECT a.reviewer_id, count(*)::int AS n
         FROM review_assignments a JOIN concept_notes n ON n.id = a.note_id
        WHERE a.status = 'assigned' AND n.status = 'in_review' AND ($1::uuid IS NULL OR a.reviewer_id = $1)
        GROUP BY a.reviewer_id`,
      [reviewerId],
    );
    return new Map(rows.map((row) => [row.reviewer_id, row.n]));
  }

  /**
   * The note's current review round: the assignments of the latest revision that has any (a note
   * re-screened without new reviews keeps its earlier ones), with reviewers, reviews and labels;
   * submitted reviews first, in label order.
   */
  private async round(manager: EntityManager, noteId: string): Promise<Round> {
    const [latest] = await manager.query<{ id: string; number: number }[]>(
      `SELECT r.id, r.number
         FROM review_assignments a JOIN concept_note_revisions r ON r.id = a.revision_id
        WHERE a.note_id = $1
        ORDER BY r.number DESC
        LIMIT 1`,
      [noteId],
    );
    if (!latest) return { revisionNumber: null, entries: [] };
    const assignments = await manager.find(ReviewAssignment, {
      where: { noteId, revisionId: latest.id },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const ids = assignments.map((a) => a.id);
    const [reviews, reviewers] = await Promise.all([
      manager.findBy(Review, { assignmentId: In(ids) }),
      manager.findBy(User, { id: In([...new Set(assignments.map((a) => a.reviewerId))]) }),
    ]);
    const entries: Entry[] = assignments.map((assignment) => ({
      assignment,
      reviewer: reviewers.find((u) => u.id === assignment.reviewerId),
      review: reviews.find((r) => r.assignmentId === assignment.id) ?? null,
      label: null,
    }));
    // Submitted reviews first, labelled in the order they came in; then the rest, in assignment order.
    const submitted = entries
      .filter(isSubmitted)
      .sort(
        (a, b) =>
          a.review!.submittedAt!.getTime() - b.review!.submittedAt!.getTime() ||
          (a.review!.id < b.review!.id ? -1 : 1),
      );
    submitted.forEach((entry, index) => (entry.label = anonymousLabel(index)));
    return {
      revisionNumber: latest.number,
      entries: [...submitted, ...entries.filter((e) => !isSubmitted(e))],
    };
  }
}

async function latestCriteriaSet(manager: EntityManager): Promise<CriteriaSet> {
  const [set] = await manager.find(CriteriaSet, { order: { version: 'DESC' }, take: 1 });
  return set;
}

function assignmentView(
  assignment: ReviewAssignment,
  reviewer: User,
  revisionNumber: number,
): AssignmentView {
  return {
    id: assignment.id,
    noteId: assignment.noteId,
    revisionNumber,
    reviewer: { id: reviewer.id, name: reviewer.name, organizationCode: reviewer.organizationCode },
    dueAt: assignment.dueAt.toISOString(),
    status: assignment.status,
    conflictOverrideReason: assignment.conflictOverrideReason,
    loadOverrideReason: assignment.loadOverrideReason,
    assignedAt: assignment.createdAt.toISOString(),
  };
}

interface MyAssignmentRow {
  id: string;
  note_id: string;
  title: string;
  reference_code: string | null;
  note_status: ConceptNoteStatus;
  due_at: Date;
  status: AssignmentStatus;
  conflict_reason: string | null;
  review_id: string | null;
  weighted_score: string | null;
  submitted_at: Date | null;
  saved_at: Date | null;
}

function assignmentRow(
  assignment: ReviewAssignment,
  note: ConceptNote,
  review: Review | null,
): MyAssignmentRow {
  return {
    id: assignment.id,
    note_id: note.id,
    title: note.title,
    reference_code: note.referenceCode,
    note_status: note.status,
    due_at: assignment.dueAt,
    status: assignment.status,
    conflict_reason: assignment.conflictReason,
    review_id: review?.id ?? null,
    weighted_score: review?.weightedScore ?? null,
    submitted_at: review?.submittedAt ?? null,
    saved_at: review?.updatedAt ?? null,
  };
}

function myAssignmentView(row: MyAssignmentRow): MyAssignmentView {
  return {
    id: row.id,
    noteId: row.note_id,
    noteTitle: row.title,
    referenceCode: row.reference_code,
    noteStatus: row.note_status,
    dueAt: row.due_at.toISOString(),
    status: row.status,
    conflictReason: row.conflict_reason,
    review: {
      state: !row.review_id ? 'not_started' : row.submitted_at ? 'submitted' : 'draft',
      weightedScore: row.weighted_score === null ? null : Number(row.weighted_score),
      submittedAt: row.submitted_at?.toISOString() ?? null,
      savedAt: row.saved_at?.toISOString() ?? null,
    },
  };
}

/** What anyone allowed to see a review sees of it. */
function reviewContent(entry: Entry) {
  const review = entry.review;
  return {
    label: entry.label,
    state: stateOf(review),
    criteriaSetVersion: review?.criteriaSetVersion ?? null,
    scores: (review?.scores ?? []).map((s) => ({ code: s.code, score: s.score, comment: s.comment ?? null })),
    recommendation: review?.recommendation ?? null,
    overallComment: review?.overallComment ?? null,
    weightedScore: scoreOf(review),
  };
}

/** Another reviewer's submitted review: its label and content, no id, name or time. */
function anonymousReviewView(entry: Entry): ReviewView {
  return { ...reviewContent(entry), mine: false };
}

function ownReviewView(entry: Entry): ReviewView {
  return {
    ...reviewContent(entry),
    mine: true,
    assignmentId: entry.assignment.id,
    assignmentStatus: entry.assignment.status,
    dueAt: entry.assignment.dueAt.toISOString(),
    submittedAt: entry.review?.submittedAt?.toISOString() ?? null,
  };
}

function fullReviewView(entry: Entry, actorId: string): ReviewView {
  return {
    ...ownReviewView(entry),
    mine: entry.assignment.reviewerId === actorId,
    reviewer: {
      id: entry.assignment.reviewerId,
      name: entry.reviewer?.name ?? '',
      organizationCode: entry.reviewer?.organizationCode ?? null,
    },
    conflictOverrideReason: entry.assignment.conflictOverrideReason,
  };
}
