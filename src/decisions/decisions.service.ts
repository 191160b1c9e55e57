import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { CommonErrors } from '../common/errors';
import { centsToDecimal, centsToNumber, toCents, type Cents } from '../common/money';
import type { Page } from '../common/pagination';
import { ConceptNoteAccess } from '../concept-notes/concept-note.access';
import { ConceptNote, Revision } from '../concept-notes/concept-note.entity';
import { ConceptNoteMail } from '../concept-notes/concept-note.mail';
import type { NoteContent } from '../concept-notes/concept-note.rules';
import type { ConceptNoteStatus } from '../concept-notes/concept-note.state';
import { ConceptNotesService } from '../concept-notes/concept-notes.service';
import { AgendaItem, Meeting } from '../meetings/meeting.entity';
import { MeetingsService } from '../meetings/meetings.service';
import { NotificationsService } from '../notifications/notifications.service';
import { User } from '../users/user.entity';
import { Decision, type OrganizationAmount } from './decision.entity';
import {
  decisionApplies,
  envelopeCheck,
  fundingAmounts,
  OUTCOME_ACTION,
  outcomeChangeAllowed,
  releaseEnvelopeCheck,
  statusAfter,
  type FundingInput,
  type OrganizationCents,
  type Outcome,
} from './decision.rules';
import { DecisionErrors } from './decisions.errors';
import type {
  CorrectDecisionDto,
  CreateDecisionDto,
  DecisionView,
  ListDecisionsQuery,
  NoteDecisionView,
  ReleaseView,
} from './dto/decision.dto';

/** What an outcome carries besides its rationale: points, or amounts and the full-programme date. */
interface OutcomeFields {
  points: string[];
  amounts: OrganizationAmount[];
  totalAmountUsd: string | null;
  fullProgrammeDueOn: string | null;
  envelopeOverrideReason: string | null;
}

/** Who may read a note's released decisions through the note (DESIGN §1: applicants see outcomes and rationales). */
const NOTE_READERS = [
  'secretariat',
  'committee',
  'lead',
  'team_member',
  'resident_coordinator',
  'rc_office',
  'focal_point',
];

/**
 * The Steering Committee's decisions (DESIGN §3): drafted during the meeting, released together
 * (statuses change and e-mails go out in one transaction), corrected after release with a reason
 * (the earlier decision is kept, superseded). Every write locks the meeting row first, so the
 * funding envelope is checked against everything committed before it, and a release or a
 * correction sees no draft change under it.
 */
@Injectable()
export class DecisionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConceptNoteAccess,
    private readonly meetings: MeetingsService,
    private readonly mail: ConceptNoteMail,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** Records (or replaces) the draft decision on one agenda item. Nothing is e-mailed for a draft. */
  async draft(actor: Actor, meetingId: string, dto: CreateDecisionDto): Promise<DecisionView> {
    const saved = await this.dataSource.transaction(async (manager) => {
      const meeting = await this.lockMeeting(manager, meetingId);
      assertDeciding(meeting);
      const note = await manager.findOneBy(ConceptNote, { id: dto.conceptNoteId });
      if (!note) throw DecisionErrors.invalid('conceptNoteId', 'is not a concept note');
      const item = await manager.findOneBy(AgendaItem, { meetingId, noteId: note.id });
      if (!item || item.status !== 'listed') throw DecisionErrors.notOnAgenda();
      if (await manager.existsBy(Decision, { meetingId, noteId: note.id, status: 'released' }))
        throw DecisionErrors.alreadyReleased();
      if (!decisionApplies(dto.outcome, note.status))
        throw DecisionErrors.notApplicable(dto.outcome, note.status);
      ConceptNotesService.allow(await this.access.of(manager, actor, note), OUTCOME_ACTION[dto.outcome]);

      const fields = await this.outcomeFields(manager, item.revisionId, dto.outcome, dto, null);
      const existing = await manager.findOneBy(Decision, { meetingId, noteId: note.id, status: 'draft' });
      if (dto.outcome === 'funded') {
        await this.checkEnvelope(
          manager,
          meeting,
          toCents(fields.totalAmountUsd!),
          fields.envelopeOverrideReason,
          existing ? [existing.id] : [],
        );
      }
      const before = existing ? auditView(existing) : null;
      const decision =
        existing ?? manager.create(Decision, { meetingId, noteId: note.id, status: 'draft' as const });
      Object.assign(decision, {
        agendaItemId: item.id,
        revisionId: item.revisionId,
        outcome: dto.outcome,
        rationale: dto.rationale,
        ...fields,
        recordedById: actor.id,
      });
      const saved = await manager.save(decision);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: existing ? 'decision.replaced' : 'decision.drafted',
        entityType: 'decision',
        entityId: saved.id,
        before,
        after: auditView(saved),
      });
      return saved;
    });
    return (await this.views(this.dataSource.manager, [saved]))[0];
  }

  /** Discards a draft (say, of a note withdrawn meanwhile, which would stop the release). Audited with its content. */
  async discard(actor: Actor, meetingId: string, decisionId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.lockMeeting(manager, meetingId);
      const decision = await manager.findOneBy(Decision, { id: decisionId, meetingId });
      if (!decision) throw DecisionErrors.notFound();
      if (decision.status !== 'draft') throw DecisionErrors.notDraft();
      await manager.delete(Decision, { id: decisionId, status: 'draft' });
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'decision.discarded',
        entityType: 'decision',
        entityId: decisionId,
        before: auditView(decision),
      });
    });
  }

  /** The meeting's decisions (drafts, released and superseded), in agenda order. */
  async list(meetingId: string, query: ListDecisionsQuery): Promise<Page<DecisionView>> {
    const manager = this.dataSource.manager;
    if (!(await manager.existsBy(Meeting, { id: meetingId }))) throw DecisionErrors.meetingNotFound();
    const qb = manager
      .createQueryBuilder(Decision, 'd')
      .leftJoin(AgendaItem, 'a', 'a.id = d.agenda_item_id')
      .where('d.meeting_id = :meetingId', { meetingId })
      .orderBy('a.position', 'ASC')
      .addOrderBy('d.created_at', 'ASC')
      .addOrderBy('d.id', 'ASC');
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    const limit = query.format === 'json' ? query.limit : 10000;
    const offset = query.format === 'json' ? (query.page - 1) * query.limit : 0;
    const [decisions, total] = await qb.offset(offset).limit(limit).getManyAndCount();
    return { items: await this.views(manager, decisions), page: query.page, limit: query.limit, total };
  }

  /**
   * Releases every draft of the meeting in one transaction: each note is locked and its transition
   * checked and applied; if any draft cannot apply, nothing is released (409 naming the note).
   */
  async release(actor: Actor, meetingId: string): Promise<ReleaseView> {
    const { released, outbox } = await this.dataSource.transaction(async (manager) => {
      const meeting = await this.lockMeeting(manager, meetingId);
      assertDeciding(meeting);
      const drafts = await manager.find(Decision, {
        where: { meetingId, status: 'draft' },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      if (drafts.length === 0) throw DecisionErrors.noDrafts();
      await this.recheckEnvelope(manager, meeting, drafts);
      const now = this.clock.now();
      const next = drafts.some((d) => d.outcome === 'deferred')
        ? await this.meetings.nextMeeting(manager, meeting)
        : null;
      const outbox: string[] = [];
      for (const decision of drafts) {
        const access = await this.access.load(manager, actor, decision.noteId, { lock: true });
        const note = access.note;
        const item = await manager.findOneBy(AgendaItem, { id: decision.agendaItemId });
        if (!item || item.status !== 'listed')
          throw DecisionErrors.cannotRelease(note, 'is no longer listed on the agenda');
        if (!decisionApplies(decision.outcome, note.status))
          throw DecisionErrors.cannotRelease(
            note,
            `is ${note.status.replace(/_/g, ' ')} and cannot be ${decision.outcome.replace(/_/g, ' ')}`,
          );
        const to = ConceptNotesService.allow(access, OUTCOME_ACTION[decision.outcome]);
        const before = note.status;
        await this.apply(manager, item, note, decision, to, next, now);

        decision.status = 'released';
        decision.releasedById = actor.id;
        decision.releasedAt = now;
        decision.noteStatusBefore = before;
        await manager.save(decision);
        await this.audit.record(manager, {
          actorId: actor.id,
          action: 'decision.released',
          entityType: 'decision',
          entityId: decision.id,
          before: { status: 'draft' },
          after: { status: 'released', outcome: decision.outcome, noteId: note.id, meetingId },
        });
        await this.audit.record(manager, {
          actorId: actor.id,
          action: 'concept_note.decided',
          entityType: 'concept_note',
          entityId: note.id,
          before: { status: before },
          after: {
            status: note.status,
            outcome: decision.outcome,
            decisionId: decision.id,
            meetingId,
            targetMeetingId: note.targetMeetingId,
          },
        });
        outbox.push(...(await this.notify(manager, meeting, note, decision, 'decision_released')));
      }
      return { released: drafts, outbox };
    });
    await this.notifications.dispatch(outbox);
    return { meetingId, released: await this.views(this.dataSource.manager, released) };
  }

  /**
   * Corrects a released decision: a new released decision replaces it (kept, superseded) with a
   * reason. The outcome may change only among approved, funded and rejected, and only while the note
   * is still where the decision left it; the note's status then follows.
   */
  async correct(actor: Actor, decisionId: string, dto: CorrectDecisionDto): Promise<DecisionView> {
    const { correction, outbox } = await this.dataSource.transaction(async (manager) => {
      const found = await manager.findOneBy(Decision, { id: decisionId });
      if (!found) throw DecisionErrors.notFound();
      const meeting = await this.lockMeeting(manager, found.meetingId);
      const previous = await manager.findOneOrFail(Decision, {
        where: { id: decisionId },
        lock: { mode: 'pessimistic_write' },
      });
      if (previous.status !== 'released') throw DecisionErrors.notReleased(previous.status);
      const access = await this.access.load(manager, actor, previous.noteId, { lock: true });
      const note = access.note;
      const outcome = dto.outcome ?? previous.outcome;
      const statusBefore = (previous.noteStatusBefore ?? note.status) as ConceptNoteStatus;
      if (!outcomeChangeAllowed(previous.outcome, outcome))
        throw DecisionErrors.outcomeNotCorrectable(previous.outcome, outcome);
      if (!decisionApplies(outcome, statusBefore)) throw DecisionErrors.notApplicable(outcome, statusBefore);
      const fields = await this.outcomeFields(manager, previous.revisionId, outcome, dto, previous);
      const produced = statusAfter(previous.outcome, statusBefore);
      const pointsChanged =
        outcome === 'revision_requested' && JSON.stringify(fields.points) !== JSON.stringify(previous.points);
      if ((outcome !== previous.outcome || pointsChanged) && note.status !== produced)
        throw DecisionErrors.noteMovedOn(note.status, produced);
      if (outcome === 'funded') {
        await this.checkEnvelope(
          manager,
          meeting,
          toCents(fields.totalAmountUsd!),
          fields.envelopeOverrideReason,
          [previous.id],
        );
      }

      const before = { decisionId: previous.id, ...auditView(previous) };
      previous.status = 'superseded';
      await manager.save(previous);
      const now = this.clock.now();
      const correction = await manager.save(
        manager.create(Decision, {
          meetingId: previous.meetingId,
          agendaItemId: previous.agendaItemId,
          noteId: previous.noteId,
          revisionId: previous.revisionId,
          outcome,
          rationale: dto.rationale ?? previous.rationale,
          ...fields,
          status: 'released',
          recordedById: actor.id,
          releasedById: actor.id,
          releasedAt: now,
          correctionOfId: previous.id,
          correctionReason: dto.reason,
          noteStatusBefore: previous.noteStatusBefore,
        }),
      );
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'decision.corrected',
        entityType: 'decision',
        entityId: correction.id,
        before,
        after: { reason: dto.reason, ...auditView(correction) },
      });
      if (outcome !== previous.outcome || pointsChanged) {
        const from = note.status;
        note.status = statusAfter(outcome, statusBefore);
        if (pointsChanged) note.revisionPoints = fields.points;
        await manager.save(note);
        await this.audit.record(manager, {
          actorId: actor.id,
          action: 'concept_note.decision_corrected',
          entityType: 'concept_note',
          entityId: note.id,
          before: { status: from, outcome: previous.outcome, decisionId: previous.id },
          after: { status: note.status, outcome, decisionId: correction.id, reason: dto.reason },
        });
      }
      const outbox = await this.notify(manager, meeting, note, correction, 'decision_corrected', {
        correctionReason: dto.reason,
      });
      return { correction, outbox };
    });
    await this.notifications.dispatch(outbox);
    return (await this.views(this.dataSource.manager, [correction]))[0];
  }

  /** A note's released decisions (and the ones corrections superseded), for whoever reads the note. */
  async forNote(actor: Actor, noteId: string): Promise<NoteDecisionView[]> {
    const manager = this.dataSource.manager;
    const access = await this.access.load(manager, actor, noteId);
    if (!access.kinds.some((kind) => NOTE_READERS.includes(kind)))
      throw CommonErrors.forbidden('Reviewers do not read the committee’s decisions');
    const decisions = await manager.find(Decision, {
      where: { noteId, status: In(['released', 'superseded']) },
      order: { releasedAt: 'ASC', createdAt: 'ASC' },
    });
    const meetings = await this.byId(
      manager,
      Meeting,
      decisions.map((d) => d.meetingId),
    );
    return decisions.map((d) => noteDecisionView(d, meetings.get(d.meetingId)?.title ?? ''));
  }

  /** Changes the note (and the agenda, for a deferral) as the released decision says. */
  private async apply(
    manager: EntityManager,
    item: AgendaItem,
    note: ConceptNote,
    decision: Decision,
    to: ConceptNoteStatus,
    next: Meeting | null,
    now: Date,
  ): Promise<void> {
    if (decision.outcome === 'deferred') {
      // The revision and its reviews stay; the item goes to the next meeting with no cut-off check.
      const reason = `Deferred by the Steering Committee: ${decision.rationale}`;
      if (next) {
        await this.meetings.carryOver(manager, item, next, reason);
        note.targetMeetingId = next.id;
      } else {
        item.status = 'carried_over';
        item.statusReason = `${reason} (no later meeting scheduled yet)`;
        await manager.save(item);
        // Targeted again when the next meeting is created (its cut-off is after the submission).
        await manager.update(ConceptNote, { id: note.id }, { targetMeetingId: null });
        note.targetMeetingId = null;
      }
      return;
    }
    note.status = to;
    if (decision.outcome === 'revision_requested') {
      note.revisionKind = 'substantive';
      note.revisionPoints = decision.points;
      note.revisionSource = 'committee';
      note.revisionRequestedAt = now;
      note.revisionDueAt = null;
      note.revisionResponses = [];
    }
    await manager.save(note);
  }

  /** The decision_released / decision_corrected e-mail to the team and the RCs and RC office of its countries. */
  private async notify(
    manager: EntityManager,
    meeting: Meeting,
    note: ConceptNote,
    decision: Decision,
    template: 'decision_released' | 'decision_corrected',
    extra: Record<string, unknown> = {},
  ): Promise<string[]> {
    const recipients = [
      ...(await this.mail.team(manager, note.id)),
      ...(await this.mail.countryOfficials(manager, note.countryCodes)),
    ];
    return this.mail.send(manager, note, recipients, template, `decision-${decision.id}`, {
      meetingTitle: meeting.title,
      approved: decision.outcome === 'approved',
      funded: decision.outcome === 'funded',
      revisionRequested: decision.outcome === 'revision_requested',
      rejected: decision.outcome === 'rejected',
      deferred: decision.outcome === 'deferred',
      rationale: decision.rationale,
      points: decision.points,
      amounts: amountsView(decision.amounts),
      totalAmountUsd:
        decision.totalAmountUsd === null ? null : centsToNumber(toCents(decision.totalAmountUsd)),
      fullProgrammeDueOn: decision.fullProgrammeDueOn,
      ...extra,
    });
  }

  /**
   * Checks what goes with the outcome and works out the amounts of a funding decision from the
   * revision's budget shares. `previous`: the decision a correction replaces (its values stand
   * where the correction gives none).
   */
  private async outcomeFields(
    manager: EntityManager,
    revisionId: string,
    outcome: Outcome,
    dto: CreateDecisionDto | CorrectDecisionDto,
    previous: Decision | null,
  ): Promise<OutcomeFields> {
    const problems: { field: string; message: string }[] = [];
    const same = previous?.outcome === outcome ? previous : null;
    if (outcome !== 'funded') {
      for (const field of [
        'amountsUsd',
        'totalAmountUsd',
        'fullProgrammeDueOn',
        'envelopeOverrideReason',
      ] as const)
        if (dto[field] !== undefined) problems.push({ field, message: 'is only for a funding decision' });
    }
    if (outcome !== 'revision_requested' && dto.points?.length)
      problems.push({ field: 'points', message: 'are only for a revision request' });
    const points = outcome === 'revision_requested' ? (dto.points ?? same?.points ?? []) : [];
    if (outcome === 'revision_requested' && points.length === 0)
      problems.push({ field: 'points', message: 'must list at least one point to revise' });
    const dueOn = outcome === 'funded' ? (dto.fullProgrammeDueOn ?? same?.fullProgrammeDueOn ?? null) : null;
    if (outcome === 'funded' && dueOn === null)
      problems.push({ field: 'fullProgrammeDueOn', message: 'is required for a funding decision' });
    if (
      dto.fullProgrammeDueOn !== undefined &&
      dto.fullProgrammeDueOn < this.clock.now().toISOString().slice(0, 10)
    )
      problems.push({ field: 'fullProgrammeDueOn', message: 'must not be in the past' });
    if (problems.length) throw CommonErrors.validation(problems);

    if (outcome !== 'funded')
      return {
        points,
        amounts: [],
        totalAmountUsd: null,
        fullProgrammeDueOn: null,
        envelopeOverrideReason: null,
      };

    let input: FundingInput;
    if (dto.amountsUsd) {
      input = {
        kind: 'explicit',
        amounts: dto.amountsUsd.map((a) => ({
          organizationCode: a.organizationCode,
          cents: toCents(a.amountUsd),
        })),
        ...(dto.totalAmountUsd !== undefined ? { totalCents: toCents(dto.totalAmountUsd) } : {}),
      };
    } else if (dto.totalAmountUsd !== undefined) {
      input = { kind: 'total', totalCents: toCents(dto.totalAmountUsd) };
    } else if (same) {
      // A correction that does not touch the amounts keeps them.
      input = {
        kind: 'explicit',
        amounts: same.amounts.map((a) => ({
          organizationCode: a.organizationCode,
          cents: toCents(a.amountUsd),
        })),
      };
    } else {
      input = { kind: 'whole' };
    }
    const funding = fundingAmounts(await this.shares(manager, revisionId), input);
    if (!funding.ok) throw DecisionErrors.invalid(funding.field, funding.message);
    return {
      points,
      amounts: funding.amounts.map((a) => ({
        organizationCode: a.organizationCode,
        amountUsd: centsToDecimal(a.cents),
      })),
      totalAmountUsd: centsToDecimal(funding.totalCents),
      fullProgrammeDueOn: dueOn,
      envelopeOverrideReason: dto.envelopeOverrideReason ?? same?.envelopeOverrideReason ?? null,
    };
  }

  /** The budget shares (direct plus indirect costs) of the revision decided on, in the note's order. */
  private async shares(manager: EntityManager, revisionId: string): Promise<OrganizationCents[]> {
    const revision = await manager.findOneByOrFail(Revision, { id: revisionId });
    const content = revision.content as unknown as Partial<NoteContent>;
    return (content.participatingOrganizations ?? []).map((s) => ({
      organizationCode: s.organizationCode,
      cents: toCents(s.totalUsd),
    }));
  }

  /** Funded amounts of the meeting's draft and released decisions, leaving out `except`. */
  private async committed(manager: EntityManager, meetingId: string, except: string[]): Promise<Cents> {
    const [row] = await manager.query<{ total: string }[]>(
      `SELECT COALESCE(sum(total_amount_usd), 0)::text AS total
         FROM decisions
        WHERE meeting_id = $1 AND outcome = 'funded' AND status IN ('draft', 'released')
          AND NOT (id = ANY($2::uuid[]))`,
      [meetingId, except],
    );
    return toCents(row.total);
  }

  /** 409 DECISION.OVER_ENVELOPE when funding `newCents` takes the meeting over its envelope without a reason. */
  private async checkEnvelope(
    manager: EntityManager,
    meeting: Meeting,
    newCents: Cents,
    overrideReason: string | null,
    except: string[],
  ): Promise<void> {
    if (meeting.envelopeUsd === null) return;
    const envelope = toCents(meeting.envelopeUsd);
    const committed = await this.committed(manager, meeting.id, except);
    const check = envelopeCheck(envelope, committed, newCents);
    if (!check.within && !overrideReason)
      throw DecisionErrors.overEnvelope(envelope, committed, newCents, check.overByCents);
  }

  /**
   * The envelope may have been lowered since the drafts: at release, the funding drafted without an
   * override reason must still fit with what the meeting has released (decision.rules
   * `releaseEnvelopeCheck`); a reason on one draft excuses that draft only.
   */
  private async recheckEnvelope(manager: EntityManager, meeting: Meeting, drafts: Decision[]): Promise<void> {
    const funded = drafts.filter((d) => d.outcome === 'funded');
    if (meeting.envelopeUsd === null || funded.length === 0) return;
    const envelope = toCents(meeting.envelopeUsd);
    const released = await this.committed(
      manager,
      meeting.id,
      drafts.map((d) => d.id),
    );
    const check = releaseEnvelopeCheck(
      envelope,
      released,
      funded.map((d) => ({
        cents: toCents(d.totalAmountUsd ?? '0'),
        envelopeOverrideReason: d.envelopeOverrideReason,
      })),
    );
    if (check.within) return;
    const unexplained = funded.filter((d) => !d.envelopeOverrideReason);
    const notes = await this.byId(
      manager,
      ConceptNote,
      unexplained.map((d) => d.noteId),
    );
    throw DecisionErrors.overEnvelopeAtRelease(
      envelope,
      released,
      unexplained.reduce((sum, d) => sum + toCents(d.totalAmountUsd ?? '0'), 0n),
      check.overByCents,
      unexplained.map((d) => notes.get(d.noteId)).filter((n): n is ConceptNote => n !== undefined),
    );
  }

  private async lockMeeting(manager: EntityManager, meetingId: string): Promise<Meeting> {
    const meeting = await manager.findOne(Meeting, {
      where: { id: meetingId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!meeting) throw DecisionErrors.meetingNotFound();
    return meeting;
  }

  private async byId<T extends { id: string }>(
    manager: EntityManager,
    entity: new () => T,
    ids: string[],
  ): Promise<Map<string, T>> {
    const unique = [...new Set(ids)];
    const rows = unique.length ? await manager.findBy(entity, { id: In(unique) } as never) : [];
    return new Map(rows.map((row) => [row.id, row]));
  }

  async views(manager: EntityManager, decisions: Decision[]): Promise<DecisionView[]> {
    const notes = await this.byId(
      manager,
      ConceptNote,
      decisions.map((d) => d.noteId),
    );
    const meetings = await this.byId(
      manager,
      Meeting,
      decisions.map((d) => d.meetingId),
    );
    const revisions = await this.byId(
      manager,
      Revision,
      decisions.map((d) => d.revisionId),
    );
    const people = await this.byId(
      manager,
      User,
      decisions.flatMap((d) => [d.recordedById, d.releasedById]).filter((id): id is string => id !== null),
    );
    return decisions.map((d) => {
      const note = notes.get(d.noteId);
      return {
        ...noteDecisionView(d, meetings.get(d.meetingId)?.title ?? ''),
        conceptNoteId: d.noteId,
        referenceCode: note?.referenceCode ?? null,
        noteTitle: note?.title ?? '',
        noteStatus: note?.status ?? '',
        revision: revisions.get(d.revisionId)?.number ?? 0,
        agendaItemId: d.agendaItemId,
        envelopeOverrideReason: d.envelopeOverrideReason,
        recordedById: d.recordedById,
        recordedByName: people.get(d.recordedById)?.name ?? '',
        releasedById: d.releasedById,
        releasedByName: d.releasedById ? (people.get(d.releasedById)?.name ?? null) : null,
        noteStatusBefore: d.noteStatusBefore,
        createdAt: d.createdAt.toISOString(),
      };
    });
  }
}

/** Decisions are recorded once the agenda is closed (or between sessions, by written procedure). */
function assertDeciding(meeting: Meeting): void {
  const open =
    meeting.status === 'agenda_closed' ||
    meeting.status === 'held' ||
    (meeting.kind === 'written_procedure' && meeting.status === 'scheduled');
  if (!open) throw DecisionErrors.meetingNotDeciding(meeting.status);
}

function amountsView(amounts: OrganizationAmount[]): { organizationCode: string; amountUsd: number }[] {
  return amounts.map((a) => ({
    organizationCode: a.organizationCode,
    amountUsd: centsToNumber(toCents(a.amountUsd)),
  }));
}

function noteDecisionView(d: Decision, meetingTitle: string): NoteDecisionView {
  return {
    id: d.id,
    meetingId: d.meetingId,
    meetingTitle,
    outcome: d.outcome,
    rationale: d.rationale,
    points: d.points,
    amounts: amountsView(d.amounts),
    totalAmountUsd: d.totalAmountUsd === null ? null : centsToNumber(toCents(d.totalAmountUsd)),
    fullProgrammeDueOn: d.fullProgrammeDueOn,
    status: d.status,
    releasedAt: d.releasedAt?.toISOString() ?? null,
    correctionOfId: d.correctionOfId,
    correctionReason: d.correctionReason,
  };
}

function auditView(d: Decision) {
  return {
    meetingId: d.meetingId,
    noteId: d.noteId,
    outcome: d.outcome,
    status: d.status,
    rationale: d.rationale,
    points: d.points,
    amounts: d.amounts,
    totalAmountUsd: d.totalAmountUsd,
    fullProgrammeDueOn: d.fullProgrammeDueOn,
    envelopeOverrideReason: d.envelopeOverrideReason,
  };
}
