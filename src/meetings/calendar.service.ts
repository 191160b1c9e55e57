import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createEvents, type EventAttributes } from 'ics';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { sha256Hex } from '../common/canonical-json';
import { CommonErrors } from '../common/errors';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { User } from '../users/user.entity';
import { Meeting } from './meeting.entity';

const CUTOFF_EVENT_MINUTES = 30;
const MEETING_EVENT_HOURS = 3;

/** A per-user iCalendar feed of meetings and their cut-offs, read with a rotatable token. */
@Injectable()
export class CalendarService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new token; the previous one stops working. Only its hash is kept. */
  async rotate(actor: Actor): Promise<{ token: string; url: string }> {
    const token = randomBytes(32).toString('base64url');
    await this.dataSource.transaction(async (manager) => {
      await manager.update(User, { id: actor.id }, { calendarTokenHash: sha256Hex(token) });
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'calendar.token_rotated',
        entityType: 'user',
        entityId: actor.id,
      });
    });
    return { token, url: `${this.config.publicUrl}/api/v1/calendar.ics?token=${token}` };
  }

  async feed(token: string | undefined): Promise<string> {
    const user =
      token && /^[A-Za-z0-9_-]{20,100}$/.test(token)
        ? await this.dataSource
            .getRepository(User)
            .createQueryBuilder('u')
            .where('u.calendarTokenHash = :hash AND u.active', { hash: sha256Hex(token) })
            .getOne()
        : null;
    if (!user) throw CommonErrors.unauthenticated('The calendar token is unknown or was replaced');
    const meetings = await this.dataSource.getRepository(Meeting).find({
      where: { status: In(['scheduled', 'agenda_closed', 'held', 'cancelled']) },
      order: { startsAt: 'ASC' },
    });
    const domain = new URL(this.config.publicUrl).hostname;
    const events: EventAttributes[] = meetings.flatMap((m) => {
      const status = m.status === 'cancelled' ? ('CANCELLED' as const) : ('CONFIRMED' as const);
      const meeting: EventAttributes = {
        uid: `meeting-${m.id}@${domain}`,
        title: m.title,
        start: m.startsAt.getTime(),
        startInputType: 'utc',
        startOutputType: 'utc',
        duration: { hours: MEETING_EVENT_HOURS },
        location: m.location ?? undefined,
        description: `Steering Committee meeting (${m.kind.replace('_', ' ')}), ${m.startsLocal.replace('T', ' ')} ${m.timeZone}. Submission cut-off: ${m.cutoffAt.toISOString()}.`,
        url: `${this.config.publicUrl}/meetings/${m.id}`,
        status,
        sequence: m.version,
      };
      const cutoff: EventAttributes = {
        uid: `cutoff-${m.id}@${domain}`,
        title: `Submission cut-off: ${m.title}`,
        start: m.cutoffAt.getTime(),
        startInputType: 'utc',
        startOutputType: 'utc',
        duration: { minutes: CUTOFF_EVENT_MINUTES },
        description:
          'Concept notes submitted (fully endorsed) at or before this instant are considered at the meeting.',
        status,
        sequence: m.version,
      };
      return [meeting, cutoff];
    });
    if (events.length === 0) return emptyCalendar();
    const { error, value } = createEvents(events, {
      productId: 'migration-mptf/concept-notes',
      calName: 'Migration MPTF Steering Committee',
    });
    if (error || !value) throw error ?? new Error('calendar could not be written');
    return value;
  }
}

function emptyCalendar(): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:migration-mptf/concept-notes',
    'X-WR-CALNAME:Migration MPTF Steering Committee',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}
