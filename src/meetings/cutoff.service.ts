import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, LessThanOrEqual } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ConceptNoteContent } from '../concept-notes/concept-note.content';
import { ConceptNote } from '../concept-notes/concept-note.entity';
import { ConceptNoteMail } from '../concept-notes/concept-note.mail';
import { returnedRows } from '../database/sql';
import { NotificationsService } from '../notifications/notifications.service';
import { User } from '../users/user.entity';
import { AgendaItem, Meeting } from './meeting.entity';
import { reminders } from './meeting.rules';
import { MeetingScheduler } from './meetings.scheduler';
import { MeetingsService } from './meetings.service';
import { AWAITING_MEETING } from './targeting';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What happens at and before a cut-off, run by the worker. PostgreSQL is the truth: a job only
 * wakes this up, and every step is safe to run twice (a conditional update closes an agenda once;
 * each reminder's dedupe key in the outbox sends it to each person once).
 */
@Injectable()
export class CutoffService {
  private readonly logger = new Logger(CutoffService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly meetings: MeetingsService,
    private readonly scheduler: MeetingScheduler,
    private readonly content: ConceptNoteContent,
    private readonly mail: ConceptNoteMail,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Closes the agenda of a meeting whose cut-off has come: one conditional update of the meeting
   * and its agenda rows in one transaction, so it happens once whatever the number of workers.
   */
  async closeAgenda(meetingId: string, cutoffMs: number): Promise<'closed' | 'skipped'> {
    // A timer may fire a hair early: wait for the cut-off rather than miss it.
    const early = cutoffMs - this.clock.now().getTime();
    if (early > 0 && early < 10_000) await new Promise((resolve) => setTimeout(resolve, early));
    const outbox = await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const closed = returnedRows<{ id: string }>(
        await manager.query(
          `UPDATE meetings SET status = 'agenda_closed', agenda_closed_at = $3, version = version + 1, updated_at = $3
            WHERE id = $1 AND status = 'scheduled' AND cutoff_at = $2 AND cutoff_at <= $3
          RETURNING id`,
          [meetingId, new Date(cutoffMs), now],
        ),
      );
      if (closed.length === 0) return null;
      const meeting = await manager.findOneByOrFail(Meeting, { id: meetingId });
      const listed = returnedRows<{ note_id: string }>(
        await manager.query(
          `INSERT INTO agenda_items (meeting_id, note_id, revision_id, position, group_label)
           SELECT $1, n.id, r.id,
                  COALESCE((SELECT max(position) FROM agenda_items WHERE meeting_id = $1), 0)
                    + row_number() OVER (ORDER BY n.primary_thematic_area_code NULLS LAST, n.submitted_at, n.id),
                  n.primary_thematic_area_code
             FROM concept_notes n
             JOIN concept_note_revisions r ON r.note_id = n.id AND r.number = n.current_revision
            WHERE n.target_meeting_id = $1 AND n.status = ANY($2)
           ON CONFLICT (meeting_id, note_id) DO NOTHING
           RETURNING note_id`,
          [meetingId, AWAITING_MEETING],
        ),
      );
      await this.audit.record(manager, {
        actorId: null,
        action: 'meeting.agenda_closed',
        entityType: 'meeting',
        entityId: meetingId,
        before: { status: 'scheduled' },
        after: { status: 'agenda_closed', cutoffAt: meeting.cutoffAt.toISOString(), items: listed.length },
      });
      return this.agendaMails(manager, meeting, now);
    });
    if (outbox === null) return 'skipped';
    await this.notifications.dispatch(outbox);
    this.logger.log({ meetingId, lagMs: this.clock.now().getTime() - cutoffMs }, 'agenda closed');
    return 'closed';
  }

  /** The agenda to the secretariat, a confirmation to each team, and a notice to notes that missed it. */
  private async agendaMails(manager: EntityManager, meeting: Meeting, now: Date): Promise<string[]> {
    const items = await manager.find(AgendaItem, {
      where: { meetingId: meeting.id, status: 'listed' },
      order: { position: 'ASC' },
    });
    const notes = items.length
      ? await manager.findBy(ConceptNote, { id: In(items.map((i) => i.noteId)) })
      : [];
    const meetingLocal = `${meeting.startsLocal.replace('T', ' ')} ${meeting.timeZone}`;
    const outbox: string[] = [];
    const secretariat = await this.mail.secretariat(manager);
    outbox.push(
      ...(await this.notifications.record(
        manager,
        secretariat.map((user) => ({
          to: { email: user.email, userId: user.id, locale: user.locale, timeZone: user.timeZone },
          template: 'agenda_closed',
          payload: {
            recipientName: user.name,
            meetingTitle: meeting.title,
            meetingStartsAt: meeting.startsAt.toISOString(),
            meetingLocal,
            meetingUrl: `${this.config.publicUrl}/meetings/${meeting.id}`,
            count: items.length,
            items: items.map((item) => {
              const note = notes.find((n) => n.id === item.noteId)!;
              return { referenceCode: note.referenceCode, title: note.title, group: item.groupLabel };
            }),
          },
          dedupeKey: `agenda_closed:${meeting.id}:${meeting.cutoffAt.getTime()}:${user.id}`,
          subject: { type: 'meeting', id: meeting.id },
        })),
      )),
    );
    outbox.push(
      ...(await this.mail.sendToTeams(manager, notes, 'agenda_confirmation', `agenda-${meeting.id}`, () => ({
        meetingTitle: meeting.title,
        meetingStartsAt: meeting.startsAt.toISOString(),
        meetingLocal,
      }))),
    );
    // Notes still being drafted or endorsed, active lately, missed this cut-off.
    const rules = await this.content.fundRules(manager);
    const missed = await manager
      .createQueryBuilder(ConceptNote, 'n')
      .where(`n.status IN ('draft', 'awaiting_endorsement') AND n.lastActivityAt >= :since`, {
        since: new Date(now.getTime() - rules.idleDraftDaysForReminders * DAY_MS),
      })
      .getMany();
    const next = await this.meetings.nextMeeting(manager, meeting);
    outbox.push(
      ...(await this.mail.sendToTeams(
        manager,
        missed,
        'missed_cutoff',
        `missed-${meeting.id}-${meeting.cutoffAt.getTime()}`,
        () => ({
          meetingTitle: meeting.title,
          nextMeetingTitle: next?.status === 'scheduled' ? next.title : null,
          nextCutoffAt: next?.status === 'scheduled' ? next.cutoffAt.toISOString() : null,
        }),
      )),
    );
    return outbox;
  }

  /**
   * Reminders `offset` before a meeting's cut-off: teams of unsubmitted notes active lately, RCs
   * with endorsements pending, and (at the configured day) the secretariat's backlog list.
   */
  async remind(meetingId: string, cutoffMs: number, offset: string): Promise<number> {
    const outbox = await this.dataSource.transaction(async (manager) => {
      const meeting = await manager.findOneBy(Meeting, { id: meetingId });
      if (!meeting || meeting.status !== 'scheduled' || meeting.cutoffAt.getTime() !== cutoffMs) return [];
      const now = this.clock.now();
      if (now.getTime() >= cutoffMs) return [];
      const rules = await this.content.fundRules(manager);
      const reminder = reminders(meeting.cutoffAt, this.config.cutoffReminderOffsets).find(
        (r) => r.offset === offset,
      );
      const days = reminder?.days ?? Math.ceil((cutoffMs - now.getTime()) / DAY_MS);
      const key = (kind: string, userId: string) => `${kind}:${meetingId}:${cutoffMs}:${offset}:${userId}`;
      const base = { meetingTitle: meeting.title, cutoffAt: meeting.cutoffAt.toISOString(), days };
      const outbox: string[] = [];

      const unsubmitted = await manager
        .createQueryBuilder(ConceptNote, 'n')
        .where(`n.status IN ('draft', 'awaiting_endorsement') AND n.lastActivityAt >= :since`, {
          since: new Date(now.getTime() - rules.idleDraftDaysForReminders * DAY_MS),
        })
        .orderBy('n.createdAt')
        .getMany();
      const byMember = new Map<string, { user: User; notes: ConceptNote[] }>();
      const teams = await this.mail.teams(
        manager,
        unsubmitted.map((n) => n.id),
      );
      for (const note of unsubmitted) {
        for (const user of teams.get(note.id) ?? []) {
          const entry = byMember.get(user.id) ?? { user, notes: [] };
          entry.notes.push(note);
          byMember.set(user.id, entry);
        }
      }
      for (const { user, notes } of byMember.values()) {
        outbox.push(
          ...(await this.notifications.record(manager, [
            {
              to: { email: user.email, userId: user.id, locale: user.locale, timeZone: user.timeZone },
              template: 'cutoff_reminder',
              payload: {
                recipientName: user.name,
                ...base,
                notes: notes.map((n) => ({
                  title: n.title,
                  url: this.mail.noteUrl(n.id),
                  awaitingEndorsement: n.status === 'awaiting_endorsement',
                })),
              },
              dedupeKey: key('cutoff_reminder', user.id),
              subject: { type: 'meeting', id: meetingId },
            },
          ])),
        );
      }

      const pending = await this.pendingEndorsements(manager);
      const byRc = new Map<
        string,
        { user: User; notes: { title: string; url: string; countries: string; leadName: string }[] }
      >();
      for (const item of pending) {
        // The RCs of the pending countries and whoever acts for one, with the countries they answer for.
        const officials = await this.mail.officialsCovering(manager, item.pendingCountries, [
          'resident_coordinator',
        ]);
        for (const { user: rc, countryCodes } of officials) {
          const entry = byRc.get(rc.id) ?? { user: rc, notes: [] };
          entry.notes.push({
            title: item.note.title,
            url: this.mail.noteUrl(item.note.id),
            countries: countryCodes.join(', '),
            leadName: item.leadName,
          });
          byRc.set(rc.id, entry);
        }
      }
      for (const { user, notes } of byRc.values()) {
        outbox.push(
          ...(await this.notifications.record(manager, [
            {
              to: { email: user.email, userId: user.id, locale: user.locale, timeZone: user.timeZone },
              template: 'endorsement_reminder',
              payload: { recipientName: user.name, ...base, notes },
              dedupeKey: key('endorsement_reminder', user.id),
              subject: { type: 'meeting', id: meetingId },
            },
          ])),
        );
      }

      if (days === rules.endorsementBacklogAlertDaysBeforeCutoff && pending.length > 0) {
        const secretariat = await this.mail.secretariat(manager);
        outbox.push(
          ...(await this.notifications.record(
            manager,
            secretariat.map((user) => ({
              to: { email: user.email, userId: user.id, locale: user.locale, timeZone: user.timeZone },
              template: 'endorsement_backlog',
              payload: {
                recipientName: user.name,
                ...base,
                count: pending.length,
                notes: pending.map((p) => ({
                  title: p.note.title,
                  url: this.mail.noteUrl(p.note.id),
                  leadName: p.leadName,
                  pendingCountries: p.pendingCountries.join(', '),
                  ageDays: Math.floor(
                    (now.getTime() - (p.note.endorsementRequestedAt ?? now).getTime()) / DAY_MS,
                  ),
                })),
              },
              dedupeKey: key('endorsement_backlog', user.id),
              subject: { type: 'meeting', id: meetingId },
            })),
          )),
        );
      }
      return outbox;
    });
    await this.notifications.dispatch(outbox);
    return outbox.length;
  }

  /** Notes awaiting endorsement with the countries still uncovered on their current revision. */
  private async pendingEndorsements(manager: EntityManager) {
    const rows = await manager.query<{ id: string; pending: string[]; lead_name: string }[]>(
      `SELECT n.id, u.name AS lead_name,
              ARRAY(SELECT c FROM unnest(n.country_codes) c
                     WHERE NOT EXISTS (SELECT 1 FROM endorsements e JOIN concept_note_revisions r ON r.id = e.revision_id
                                        WHERE r.note_id = n.id AND r.number = n.current_revision AND e.country_code = c
                                          AND e.decision = 'endorsed' AND e.withdrawn_at IS NULL)) AS pending
         FROM concept_notes n JOIN users u ON u.id = n.lead_user_id
        WHERE n.status = 'awaiting_endorsement'
        ORDER BY n.endorsement_requested_at`,
    );
    const notes = rows.length ? await manager.findBy(ConceptNote, { id: In(rows.map((r) => r.id)) }) : [];
    return rows
      .map((r) => ({
        note: notes.find((n) => n.id === r.id)!,
        pendingCountries: r.pending,
        leadName: r.lead_name,
      }))
      .filter((r) => r.pendingCountries.length > 0);
  }

  /** A meeting becomes held a day after its start unless the secretariat said so earlier. */
  async markHeldIfDue(meetingId: string, startsMs: number): Promise<'held' | 'skipped'> {
    const meeting = await this.dataSource.getRepository(Meeting).findOneBy({ id: meetingId });
    if (!meeting || meeting.status !== 'agenda_closed' || meeting.startsAt.getTime() !== startsMs)
      return 'skipped';
    if (this.clock.now().getTime() < startsMs + DAY_MS) return 'skipped';
    await this.meetings.markHeld(null, meetingId).catch(() => undefined);
    return 'held';
  }

  /**
   * Re-creates every future job from PostgreSQL (after a Redis flush or restore) and runs what
   * came due while no worker ran: closings and held marks now, reminders of the last day through
   * jobs without delay. Safe on every replica at once.
   */
  async reconcile(): Promise<{ scheduled: number; closed: number }> {
    const now = this.clock.now();
    const repository = this.dataSource.getRepository(Meeting);
    const due = await repository.find({ where: { status: 'scheduled', cutoffAt: LessThanOrEqual(now) } });
    let closed = 0;
    for (const meeting of due) {
      if ((await this.closeAgenda(meeting.id, meeting.cutoffAt.getTime())) === 'closed') closed += 1;
    }
    const open = await repository.find({ where: { status: In(['scheduled', 'agenda_closed']) } });
    let scheduled = 0;
    for (const meeting of open) {
      if (meeting.status === 'agenda_closed' && now.getTime() >= meeting.startsAt.getTime() + DAY_MS) {
        await this.markHeldIfDue(meeting.id, meeting.startsAt.getTime());
        continue;
      }
      await this.scheduler.schedule(meeting);
      scheduled += 1;
    }
    return { scheduled, closed };
  }
}
