import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hasRole, type Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { centsToDecimal, centsToNumber, toCents } from '../common/money';
import { skipTake, type Page } from '../common/pagination';
import { ConceptNoteContent } from '../concept-notes/concept-note.content';
import { ConceptNote, Revision } from '../concept-notes/concept-note.entity';
import { ConceptNoteMail } from '../concept-notes/concept-note.mail';
import { NotificationsService } from '../notifications/notifications.service';
import type {
  AgendaItemView,
  AgendaView,
  CancelMeetingDto,
  CreateMeetingDto,
  LateExceptionDto,
  ListMeetingsQuery,
  MeetingView,
  UpdateAgendaItemDto,
  UpdateMeetingDto,
} from './dto/meeting.dto';
import { AgendaItem, Meeting } from './meeting.entity';
import {
  agendaRefusal,
  instantToLocal,
  meetingTimes,
  resubmissionPlacement,
  type AgendaChange,
  type AgendaState,
} from './meeting.rules';
import { MeetingErrors } from './meetings.errors';
import { MeetingScheduler } from './meetings.scheduler';
import { AWAITING_MEETING, MeetingTargeting, type Retargeted } from './targeting';

type Outcome<T> = {
  value: T;
  outbox: string[];
  schedule: { meeting: Meeting; previous?: { cutoffAt: Date; startsAt: Date } }[];
};

/**
 * Steering Committee meetings: scheduling in a time zone, the derived cut-off, re-targeting of
 * submitted notes when meetings change, and the agenda after the cut-off.
 */
@Injectable()
export class MeetingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly targeting: MeetingTargeting,
    private readonly scheduler: MeetingScheduler,
    private readonly content: ConceptNoteContent,
    private readonly mail: ConceptNoteMail,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, dto: CreateMeetingDto): Promise<MeetingView> {
    const meeting = await this.run(async (manager) => {
      const rules = await this.content.fundRules(manager);
      const times = meetingTimes(dto.startsLocal, dto.timeZone, rules.submissionCutoffWeeks);
      const meeting = await manager.save(
        manager.create(Meeting, {
          title: dto.title,
          kind: dto.kind,
          startsLocal: dto.startsLocal,
          timeZone: dto.timeZone,
          startsAt: times.startsAt,
          cutoffAt: times.cutoffAt,
          location: dto.location ?? null,
          envelopeUsd:
            dto.envelopeUsd === undefined || dto.envelopeUsd === null
              ? null
              : centsToDecimal(toCents(dto.envelopeUsd)),
        }),
      );
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'meeting.created',
        entityType: 'meeting',
        entityId: meeting.id,
        after: this.auditView(meeting),
      });
      const outbox = await this.tellMoved(manager, await this.targeting.retarget(manager));
      return { value: meeting, outbox, schedule: [{ meeting }] };
    });
    return this.get(meeting.id);
  }

  async list(query: ListMeetingsQuery): Promise<Page<MeetingView>> {
    const qb = this.dataSource
      .getRepository(Meeting)
      .createQueryBuilder('m')
      .orderBy('m.startsAt', 'ASC')
      .addOrderBy('m.id', 'ASC');
    if (query.status) qb.andWhere('m.status = :status', { status: query.status });
    if (query.upcoming === 'true') qb.andWhere('m.startsAt >= :now', { now: this.clock.now() });
    const { skip, take } = query.format === 'json' ? skipTake(query) : { skip: 0, take: 10000 };
    const [meetings, total] = await qb.skip(skip).take(take).getManyAndCount();
    return { items: await this.views(meetings), page: query.page, limit: query.limit, total };
  }

  async get(meetingId: string): Promise<MeetingView> {
    const meeting = await this.load(this.dataSource.manager, meetingId);
    return (await this.views([meeting]))[0];
  }

  /** Rescheduling before the cut-off moves its jobs and re-targets notes; after it, the agenda stays. */
  async update(actor: Actor, meetingId: string, dto: UpdateMeetingDto): Promise<MeetingView> {
    await this.run(async (manager) => {
      const meeting = await this.load(manager, meetingId, true);
      if (meeting.status === 'cancelled' || meeting.status === 'held')
        throw MeetingErrors.invalidStatus(meeting.status, 'changed');
      const before = this.auditView(meeting);
      const previous = { cutoffAt: meeting.cutoffAt, startsAt: meeting.startsAt };
      if (dto.title !== undefined) meeting.title = dto.title;
      if (dto.kind !== undefined) meeting.kind = dto.kind;
      if (dto.location !== undefined) meeting.location = dto.location;
      if (dto.envelopeUsd !== undefined)
        meeting.envelopeUsd = dto.envelopeUsd === null ? null : centsToDecimal(toCents(dto.envelopeUsd));
      const rescheduled = dto.startsLocal !== undefined || dto.timeZone !== undefined;
      if (rescheduled) {
        meeting.startsLocal = dto.startsLocal ?? meeting.startsLocal;
        meeting.timeZone = dto.timeZone ?? meeting.timeZone;
        const rules = await this.content.fundRules(manager);
        const times = meetingTimes(meeting.startsLocal, meeting.timeZone, rules.submissionCutoffWeeks);
        meeting.startsAt = times.startsAt;
        // After the agenda closed, the cut-off that closed it stays: the agenda is kept as it is.
        if (meeting.status === 'scheduled') meeting.cutoffAt = times.cutoffAt;
      }
      const saved = await manager.save(meeting);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: rescheduled ? 'meeting.rescheduled' : 'meeting.updated',
        entityType: 'meeting',
        entityId: meeting.id,
        before,
        after: this.auditView(saved),
      });
      const outbox = rescheduled ? await this.tellMoved(manager, await this.targeting.retarget(manager)) : [];
      return { value: saved, outbox, schedule: rescheduled ? [{ meeting: saved, previous }] : [] };
    });
    return this.get(meetingId);
  }

  /**
   * Before the cut-off, its notes move to the next meeting whose cut-off they meet. After it, the
   * listed items are carried over to the next meeting with no cut-off check.
   */
  async cancel(actor: Actor, meetingId: string, dto: CancelMeetingDto): Promise<MeetingView> {
    await this.run(async (manager) => {
      const meeting = await this.load(manager, meetingId, true);
      if (meeting.status === 'cancelled' || meeting.status === 'held')
        throw MeetingErrors.invalidStatus(meeting.status, 'cancelled');
      const wasClosed = meeting.status === 'agenda_closed';
      const before = this.auditView(meeting);
      meeting.status = 'cancelled';
      meeting.cancelledAt = this.clock.now();
      meeting.cancellationReason = dto.reason;
      const saved = await manager.save(meeting);
      let outbox: string[] = [];
      if (wasClosed) {
        const next = await this.nextMeeting(manager, meeting);
        if (!next) throw MeetingErrors.noNextMeeting();
        const items = await manager.findBy(AgendaItem, { meetingId, status: 'listed' });
        const moved: Retargeted[] = [];
        for (const item of items) {
          await this.carryOver(manager, item, next, `Meeting cancelled: ${dto.reason}`);
          moved.push({ noteId: item.noteId, fromMeetingId: meetingId, toMeetingId: next.id });
        }
        outbox = await this.tellMoved(manager, moved);
      } else {
        outbox = await this.tellMoved(manager, await this.targeting.retarget(manager));
      }
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'meeting.cancelled',
        entityType: 'meeting',
        entityId: meetingId,
        before,
        after: this.auditView(saved),
      });
      return {
        value: saved,
        outbox,
        schedule: [{ meeting: saved, previous: { cutoffAt: saved.cutoffAt, startsAt: saved.startsAt } }],
      };
    });
    return this.get(meetingId);
  }

  async markHeld(actor: Actor | null, meetingId: string): Promise<MeetingView> {
    await this.run(async (manager) => {
      const meeting = await this.load(manager, meetingId, true);
      if (meeting.status !== 'agenda_closed')
        throw MeetingErrors.invalidStatus(meeting.status, 'marked held');
      meeting.status = 'held';
      meeting.heldAt = this.clock.now();
      await manager.save(meeting);
      await this.audit.record(manager, {
        actorId: actor?.id ?? null,
        action: 'meeting.held',
        entityType: 'meeting',
        entityId: meetingId,
        before: { status: 'agenda_closed' },
        after: { status: 'held' },
      });
      return { value: meeting, outbox: [], schedule: [] };
    });
    return this.get(meetingId);
  }

  async undoHeld(actor: Actor, meetingId: string): Promise<MeetingView> {
    await this.run(async (manager) => {
      const meeting = await this.load(manager, meetingId, true);
      if (meeting.status !== 'held') throw MeetingErrors.invalidStatus(meeting.status, 'set back from held');
      meeting.status = 'agenda_closed';
      meeting.heldAt = null;
      await manager.save(meeting);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'meeting.held_undone',
        entityType: 'meeting',
        entityId: meetingId,
        before: { status: 'held' },
        after: { status: 'agenda_closed' },
      });
      return { value: meeting, outbox: [], schedule: [] };
    });
    return this.get(meetingId);
  }

  /** The secretariat and the committee see every agenda; a team sees its own notes' items. */
  async agenda(actor: Actor, meetingId: string): Promise<AgendaView> {
    const manager = this.dataSource.manager;
    const meeting = await this.load(manager, meetingId);
    const everything = hasRole(actor, 'secretariat', 'steering_committee');
    const items = await manager.find(AgendaItem, {
      where: { meetingId },
      order: { position: 'ASC', createdAt: 'ASC' },
    });
    const targeted =
      meeting.status === 'scheduled'
        ? await manager.find(ConceptNote, {
            where: { targetMeetingId: meetingId, status: In(AWAITING_MEETING) },
            order: { submittedAt: 'ASC' },
          })
        : [];
    const teamNotes = async () =>
      new Set(
        (
          await manager.query<{ note_id: string }[]>(
            'SELECT note_id FROM concept_note_members WHERE user_id = $1',
            [actor.id],
          )
        ).map((r) => r.note_id),
      );
    const visibleNotes = everything ? null : await teamNotes();
    const ownNotes = hasRole(actor, 'secretariat') ? null : (visibleNotes ?? (await teamNotes()));
    const view = (await this.views([meeting]))[0];
    return {
      meeting: view,
      items: await this.itemViews(
        manager,
        items.filter((i) => !visibleNotes || visibleNotes.has(i.noteId)),
        // The secretariat's assessment is written for the committee: teams do not read it.
        { assessment: everything },
      ),
      // Before the cut-off the list is provisional: the secretariat's, and each team's own notes.
      targeted: this.targetedViews(targeted).filter((t) => (ownNotes ? ownNotes.has(t.conceptNoteId) : true)),
    };
  }

  /** A note added after the cut-off, with a reason printed wherever the agenda is. */
  async addLateException(actor: Actor, meetingId: string, dto: LateExceptionDto): Promise<AgendaItemView> {
    const item = await this.run(async (manager) => {
      const meeting = await this.load(manager, meetingId, true);
      await this.mayChange(manager, meeting, 'late_exception', 'given late exceptions');
      const note = await manager.findOne(ConceptNote, {
        where: { id: dto.conceptNoteId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!note) throw MeetingErrors.noteNotEligible('is not a concept note');
      if (!['submitted', 'in_review', 'ready_for_committee', 'approved'].includes(note.status)) {
        throw MeetingErrors.noteNotEligible(`a note in status ${note.status} cannot be placed on an agenda`);
      }
      // A note removed from this agenda may be placed on it again: its item comes back, listed last.
      const earlier = await manager.findOneBy(AgendaItem, { meetingId, noteId: note.id });
      if (earlier && earlier.status !== 'removed') throw MeetingErrors.alreadyOnAgenda();
      const revision = await manager.findOneByOrFail(Revision, {
        noteId: note.id,
        number: note.currentRevision,
      });
      const position = ((await manager.maximum(AgendaItem, 'position', { meetingId })) ?? 0) + 1;
      const item = await manager.save(
        Object.assign(earlier ?? manager.create(AgendaItem, { meetingId, noteId: note.id }), {
          revisionId: revision.id,
          position,
          groupLabel: note.primaryThematicAreaCode,
          status: 'listed' as const,
          statusReason: null,
          lateExceptionReason: dto.reason,
        }),
      );
      note.targetMeetingId = meetingId;
      // Placed by the secretariat: a removal from an earlier agenda no longer holds it back.
      note.removedFromAgendaAt = null;
      await manager.save(note);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'agenda.late_exception',
        entityType: 'meeting',
        entityId: meetingId,
        after: { noteId: note.id, reason: dto.reason, itemId: item.id, placedAgain: earlier !== null },
      });
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.placed_on_agenda',
        entityType: 'concept_note',
        entityId: note.id,
        after: { meetingId, reason: dto.reason },
      });
      const outbox = await this.mail.send(
        manager,
        note,
        await this.followers(manager, note),
        'placed_on_agenda',
        // An item removed and placed again tells the team again.
        `placed-${item.id}-${this.clock.now().getTime()}`,
        { ...meetingMailFields(meeting), reason: dto.reason },
      );
      return { value: item, outbox, schedule: [] };
    });
    return (await this.itemViews(this.dataSource.manager, [item]))[0];
  }

  /** Order, group, carry over to the next meeting, remove (with a reason), or write the assessment. */
  async updateItem(
    actor: Actor,
    meetingId: string,
    itemId: string,
    dto: UpdateAgendaItemDto,
  ): Promise<AgendaItemView> {
    const item = await this.run(async (manager) => {
      const meeting = await this.load(manager, meetingId, true);
      const item = /^[0-9a-f-]{36}$/i.test(itemId)
        ? await manager.findOneBy(AgendaItem, { id: itemId, meetingId })
        : null;
      if (!item) throw MeetingErrors.itemNotFound();
      // Writing the assessment is not arranging the agenda: it stays open after the packet is issued.
      const arranging =
        (dto.position !== undefined && dto.position !== item.position) ||
        (dto.groupLabel !== undefined && dto.groupLabel !== item.groupLabel) ||
        (dto.status !== undefined && dto.status !== item.status);
      await this.mayChange(manager, meeting, arranging ? 'arrange' : 'assessment', 'changed');
      const before = { ...item };
      if (dto.position !== undefined) item.position = dto.position;
      if (dto.groupLabel !== undefined) item.groupLabel = dto.groupLabel;
      if (dto.assessmentSummary !== undefined) item.assessmentSummary = dto.assessmentSummary;
      if (dto.assessmentRecommendation !== undefined)
        item.assessmentRecommendation = dto.assessmentRecommendation;
      let outbox: string[] = [];
      if (dto.status && dto.status !== item.status) {
        // A listed item may be carried over or removed; a removed one may still be carried over.
        const allowed =
          item.status === 'listed' || (item.status === 'removed' && dto.status === 'carried_over');
        if (!allowed) throw MeetingErrors.invalidStatus(`${item.status} item on a`, 'changed back');
        if (!dto.reason) throw MeetingErrors.reasonRequired();
        if (dto.status === 'carried_over') {
          const next = await this.nextMeeting(manager, meeting);
          if (!next) throw MeetingErrors.noNextMeeting();
          await this.carryOver(manager, item, next, dto.reason);
          outbox = await this.tellMoved(manager, [
            { noteId: item.noteId, fromMeetingId: meetingId, toMeetingId: next.id },
          ]);
        } else {
          outbox = await this.remove(manager, meeting, item, dto.reason);
        }
      }
      const saved = await manager.save(item);
      await this.audit.record(manager, {
        actorId: actor.id,
        action:
          dto.status === 'carried_over'
            ? 'agenda.item_carried_over'
            : dto.status === 'removed'
              ? 'agenda.item_removed'
              : 'agenda.item_updated',
        entityType: 'meeting',
        entityId: meetingId,
        before: {
          itemId,
          position: before.position,
          groupLabel: before.groupLabel,
          status: before.status,
          assessmentSummary: before.assessmentSummary,
          assessmentRecommendation: before.assessmentRecommendation,
        },
        after: {
          itemId,
          position: saved.position,
          groupLabel: saved.groupLabel,
          status: saved.status,
          assessmentSummary: saved.assessmentSummary,
          assessmentRecommendation: saved.assessmentRecommendation,
          reason: dto.reason ?? null,
        },
      });
      return { value: saved, outbox, schedule: [] };
    });
    return (await this.itemViews(this.dataSource.manager, [item]))[0];
  }

  /** The first meeting after this one that still takes agenda items. */
  async nextMeeting(manager: EntityManager, after: Meeting): Promise<Meeting | null> {
    return manager
      .createQueryBuilder(Meeting, 'm')
      .where(`m.status IN ('scheduled', 'agenda_closed') AND m.id <> :id AND m.startsAt > :startsAt`, {
        id: after.id,
        startsAt: after.startsAt,
      })
      .orderBy('m.startsAt', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .getOne();
  }

  /** Moves an item to `next` (no cut-off check): the old item says so, the new one says where from. */
  async carryOver(manager: EntityManager, item: AgendaItem, next: Meeting, reason: string): Promise<void> {
    item.status = 'carried_over';
    item.statusReason = reason;
    await manager.save(item);
    const position = ((await manager.maximum(AgendaItem, 'position', { meetingId: next.id })) ?? 0) + 1;
    await manager
      .createQueryBuilder()
      .insert()
      .into(AgendaItem)
      .values({
        meetingId: next.id,
        noteId: item.noteId,
        revisionId: item.revisionId,
        position,
        groupLabel: item.groupLabel,
        carriedFromMeetingId: item.meetingId,
      })
      .orIgnore()
      .execute();
    // Carried by the secretariat (or by a deferral or a cancellation): placed, no longer held back.
    await manager.query(
      'UPDATE concept_notes SET target_meeting_id = $2, removed_from_agenda_at = NULL WHERE id = $1',
      [item.noteId, next.id],
    );
  }

  /**
   * Removal sticks (DESIGN §3 "After the agenda closes"): the note no longer targets this meeting and
   * is not targeted again automatically when meetings change; the secretariat may place it on an
   * agenda again (late exception) or carry the item over. Its team and the RCs and RC office of its
   * countries are told, with the reason.
   */
  private async remove(
    manager: EntityManager,
    meeting: Meeting,
    item: AgendaItem,
    reason: string,
  ): Promise<string[]> {
    item.status = 'removed';
    item.statusReason = reason;
    await manager.query(
      `UPDATE concept_notes SET target_meeting_id = NULL, removed_from_agenda_at = $3
        WHERE id = $1 AND target_meeting_id = $2`,
      [item.noteId, meeting.id, this.clock.now()],
    );
    const note = await manager.findOneByOrFail(ConceptNote, { id: item.noteId });
    return this.mail.send(
      manager,
      note,
      await this.followers(manager, note),
      'removed_from_agenda',
      `removed-${item.id}`,
      { ...meetingMailFields(meeting), reason },
    );
  }

  /**
   * A technical revision resubmitted (ScreeningService.resubmit, in its transaction): the note keeps
   * its submission time and meeting (DESIGN §3) and takes its place there on the new revision, as
   * resubmissionPlacement says. Returns the meeting it will be considered at (null while it waits
   * for one) and, when it had to go on to the next, the meeting it came from.
   */
  async placeResubmitted(
    manager: EntityManager,
    actor: Actor,
    note: ConceptNote,
    revisionId: string,
  ): Promise<{ meeting: Meeting | null; movedFrom: Meeting | null }> {
    // No meeting (after every cut-off, or removed from an agenda): it waits as it did before.
    if (!note.targetMeetingId) return { meeting: null, movedFrom: null };
    // Shared with the closing's update of the meeting row: either the closing committed first and the
    // note joins its agenda here, or the closing waits for this transaction and lists the note itself.
    const meeting = await manager.findOneOrFail(Meeting, {
      where: { id: note.targetMeetingId },
      lock: { mode: 'pessimistic_read' },
    });
    const placement = resubmissionPlacement({
      status: meeting.status,
      packetIssued: await this.packetIssued(manager, meeting.id),
    });
    if (placement !== 'next_meeting') {
      await this.listResubmitted(manager, meeting.id, note.id, revisionId, placement === 'join_agenda');
      if (placement === 'join_agenda') {
        await this.audit.record(manager, {
          actorId: actor.id,
          action: 'agenda.resubmission_listed',
          entityType: 'meeting',
          entityId: meeting.id,
          after: { noteId: note.id, revisionId },
        });
      }
      return { meeting, movedFrom: null };
    }
    const why =
      meeting.status === 'held'
        ? 'the meeting was held'
        : meeting.status === 'cancelled'
          ? 'the meeting was cancelled'
          : 'the packet was issued';
    const reason = `Technical revision resubmitted after ${why}`;
    const next = await this.nextMeeting(manager, meeting);
    const listed = await manager.findOneBy(AgendaItem, {
      meetingId: meeting.id,
      noteId: note.id,
      status: 'listed',
    });
    if (listed) {
      listed.status = 'carried_over';
      listed.statusReason = next ? reason : `${reason} (no later meeting scheduled yet)`;
      await manager.save(listed);
    }
    // Like a deferral: onto the next meeting with no cut-off check, or, with none yet, untargeted
    // until one is created (MeetingTargeting.retarget: its cut-off is after the submission).
    if (next) await this.listResubmitted(manager, next.id, note.id, revisionId, true, meeting.id);
    await manager.query('UPDATE concept_notes SET target_meeting_id = $2 WHERE id = $1', [
      note.id,
      next?.id ?? null,
    ]);
    await this.audit.record(manager, {
      actorId: actor.id,
      action: 'agenda.resubmission_moved',
      entityType: 'meeting',
      entityId: meeting.id,
      after: { noteId: note.id, revisionId, toMeetingId: next?.id ?? null, reason },
    });
    return { meeting: next, movedFrom: meeting };
  }

  /**
   * Lists a resubmitted note on a meeting's agenda on its new revision (`insert`), or moves an item
   * already listed there to that revision; an item carried over or removed from it stays as it is.
   */
  private async listResubmitted(
    manager: EntityManager,
    meetingId: string,
    noteId: string,
    revisionId: string,
    insert: boolean,
    carriedFromMeetingId: string | null = null,
  ): Promise<void> {
    if (!insert) {
      await manager.query(
        `UPDATE agenda_items SET revision_id = $3, updated_at = now()
          WHERE meeting_id = $1 AND note_id = $2 AND status = 'listed'`,
        [meetingId, noteId, revisionId],
      );
      return;
    }
    await manager.query(
      `INSERT INTO agenda_items (meeting_id, note_id, revision_id, position, group_label, carried_from_meeting_id)
         SELECT $1, n.id, $3, COALESCE((SELECT max(position) FROM agenda_items WHERE meeting_id = $1), 0) + 1,
                n.primary_thematic_area_code, $4
           FROM concept_notes n WHERE n.id = $2
         ON CONFLICT (meeting_id, note_id) DO UPDATE SET revision_id = EXCLUDED.revision_id, updated_at = now()
          WHERE agenda_items.status = 'listed'`,
      [meetingId, noteId, revisionId, carriedFromMeetingId],
    );
  }

  /** Refuses (409) a change to the agenda that the meeting's state or its issued packet forbids. */
  private async mayChange(
    manager: EntityManager,
    meeting: Meeting,
    change: AgendaChange,
    action: string,
  ): Promise<void> {
    const state: AgendaState = {
      status: meeting.status,
      kind: meeting.kind,
      packetIssued: await this.packetIssued(manager, meeting.id),
    };
    const refusal = agendaRefusal(state, change);
    if (refusal === 'agenda_not_closed') throw MeetingErrors.agendaNotClosed();
    if (refusal === 'meeting_status') throw MeetingErrors.invalidStatus(meeting.status, action);
    if (refusal === 'packet_issued') throw MeetingErrors.packetIssued();
  }

  /**
   * Whether a version of the meeting's packet has been issued (rendered and sent: status `ready`).
   * Read straight from the packets table, which the packets domain owns.
   */
  private async packetIssued(manager: EntityManager, meetingId: string): Promise<boolean> {
    const [row] = await manager.query<{ issued: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM packets WHERE meeting_id = $1 AND status = 'ready') AS issued`,
      [meetingId],
    );
    return row.issued;
  }

  /** Who hears of a change to a note's place on an agenda: its team, and the RCs and RC office of its countries. */
  private async followers(manager: EntityManager, note: ConceptNote) {
    return [
      ...(await this.mail.team(manager, note.id)),
      ...(await this.mail.countryOfficials(manager, note.countryCodes)),
    ];
  }

  /** Tells each moved note's team where it will now be considered. */
  private async tellMoved(manager: EntityManager, moved: Retargeted[]): Promise<string[]> {
    if (moved.length === 0) return [];
    const meetingIds = [
      ...new Set(
        moved.flatMap((m) => [m.fromMeetingId, m.toMeetingId]).filter((id): id is string => Boolean(id)),
      ),
    ];
    const meetings = meetingIds.length ? await manager.findBy(Meeting, { id: In(meetingIds) }) : [];
    const byId = new Map(meetings.map((m) => [m.id, m]));
    const moves = new Map(moved.map((m) => [m.noteId, m]));
    const notes = await manager.findBy(ConceptNote, { id: In([...moves.keys()]) });
    return this.mail.sendToTeams(
      manager,
      notes,
      'note_retargeted',
      `retargeted-${this.clock.now().getTime()}`,
      (note) => {
        const move = moves.get(note.id)!;
        const to = move.toMeetingId ? byId.get(move.toMeetingId) : undefined;
        const from = move.fromMeetingId ? byId.get(move.fromMeetingId) : undefined;
        return { previousMeetingTitle: from?.title ?? null, ...meetingMailFields(to ?? null) };
      },
    );
  }

  /** Runs a change in one transaction, then sends its e-mails and schedules its jobs. */
  private async run<T>(step: (manager: EntityManager) => Promise<Outcome<T>>): Promise<T> {
    const outcome = await this.dataSource.transaction(step);
    await this.notifications.dispatch(outcome.outbox);
    for (const { meeting, previous } of outcome.schedule) await this.scheduler.schedule(meeting, previous);
    return outcome.value;
  }

  private async load(manager: EntityManager, meetingId: string, lock = false): Promise<Meeting> {
    const meeting = /^[0-9a-f-]{36}$/i.test(meetingId)
      ? await manager.findOne(Meeting, {
          where: { id: meetingId },
          ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        })
      : null;
    if (!meeting) throw MeetingErrors.notFound();
    return meeting;
  }

  private auditView(meeting: Meeting) {
    return {
      title: meeting.title,
      kind: meeting.kind,
      startsLocal: meeting.startsLocal,
      timeZone: meeting.timeZone,
      startsAt: meeting.startsAt.toISOString(),
      cutoffAt: meeting.cutoffAt.toISOString(),
      status: meeting.status,
      location: meeting.location,
      envelopeUsd: meeting.envelopeUsd,
    };
  }

  async views(meetings: Meeting[]): Promise<MeetingView[]> {
    const ids = meetings.map((m) => m.id);
    const counts = ids.length
      ? await this.dataSource.query<{ meeting_id: string; count: string }[]>(
          `SELECT meeting_id, count(*) AS count FROM (
             SELECT target_meeting_id AS meeting_id, id FROM concept_notes WHERE target_meeting_id = ANY($1) AND status = ANY($2)
             UNION
             SELECT meeting_id, note_id FROM agenda_items WHERE meeting_id = ANY($1) AND status = 'listed'
           ) x GROUP BY meeting_id`,
          [ids, AWAITING_MEETING],
        )
      : [];
    return meetings.map((m) => ({
      id: m.id,
      title: m.title,
      kind: m.kind,
      startsLocal: m.startsLocal,
      timeZone: m.timeZone,
      startsAt: m.startsAt.toISOString(),
      cutoffAt: m.cutoffAt.toISOString(),
      cutoffLocal: instantToLocal(m.cutoffAt, m.timeZone),
      location: m.location,
      status: m.status,
      envelopeUsd: m.envelopeUsd === null ? null : centsToNumber(toCents(m.envelopeUsd)),
      agendaClosedAt: m.agendaClosedAt?.toISOString() ?? null,
      heldAt: m.heldAt?.toISOString() ?? null,
      cancelledAt: m.cancelledAt?.toISOString() ?? null,
      cancellationReason: m.cancellationReason,
      noteCount: Number(counts.find((c) => c.meeting_id === m.id)?.count ?? 0),
      version: m.version,
    }));
  }

  private async itemViews(
    manager: EntityManager,
    items: AgendaItem[],
    shown: { assessment: boolean } = { assessment: true },
  ): Promise<AgendaItemView[]> {
    const notes = items.length
      ? await manager.findBy(ConceptNote, { id: In(items.map((i) => i.noteId)) })
      : [];
    const revisions = items.length
      ? await manager.findBy(Revision, { id: In(items.map((i) => i.revisionId)) })
      : [];
    return items.map((item) => {
      const note = notes.find((n) => n.id === item.noteId)!;
      return {
        id: item.id,
        conceptNoteId: item.noteId,
        referenceCode: note.referenceCode,
        title: note.title,
        noteStatus: note.status,
        revision: revisions.find((r) => r.id === item.revisionId)?.number ?? 0,
        position: item.position,
        groupLabel: item.groupLabel,
        status: item.status,
        statusReason: item.statusReason,
        lateExceptionReason: item.lateExceptionReason,
        carriedFromMeetingId: item.carriedFromMeetingId,
        assessmentSummary: shown.assessment ? item.assessmentSummary : null,
        assessmentRecommendation: shown.assessment ? item.assessmentRecommendation : null,
        notReady:
          item.status === 'listed' && note.status !== 'ready_for_committee' && note.status !== 'approved',
      };
    });
  }

  private targetedViews(notes: ConceptNote[]): AgendaItemView[] {
    return notes.map((note, index) => ({
      id: note.id,
      conceptNoteId: note.id,
      referenceCode: note.referenceCode,
      title: note.title,
      noteStatus: note.status,
      revision: note.currentRevision,
      position: index + 1,
      groupLabel: note.primaryThematicAreaCode,
      status: 'listed',
      statusReason: null,
      lateExceptionReason: null,
      carriedFromMeetingId: null,
      assessmentSummary: null,
      assessmentRecommendation: null,
      notReady: note.status !== 'ready_for_committee',
    }));
  }
}

/** A meeting as e-mails name it: title, start instant, and its own wall-clock time and zone. */
export function meetingMailFields(meeting: Meeting | null): {
  meetingTitle: string | null;
  meetingStartsAt: string | null;
  meetingLocal: string | null;
} {
  return {
    meetingTitle: meeting?.title ?? null,
    meetingStartsAt: meeting?.startsAt.toISOString() ?? null,
    meetingLocal: meeting ? `${meeting.startsLocal.replace('T', ' ')} ${meeting.timeZone}` : null,
  };
}
