/**
 * Meetings with a closed agenda for the packet tests, built through the real routes: notes
 * drafted, endorsed (so submitted and targeted at the meeting), the agenda closed by the cut-off
 * service at the cut-off instant; and waits on the packet's status.
 */
import { CutoffService } from '../src/meetings/cutoff.service';
import { readyDraft } from './factories';
import { actor, http, type HttpAnswer, type TestClock, type TestSystem } from './harness';
import type { ReceivedMail } from './smtp-receiver';

export type SignedIn = Awaited<ReturnType<typeof actor>>;

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Setup steps must work; a failure names the answer instead of failing later for an unclear reason. */
export function must(answer: HttpAnswer, status = 200): HttpAnswer {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer;
}

export interface ClosedMeeting {
  id: string;
  startsAt: Date;
  cutoffAt: Date;
  notes: { id: string; referenceCode: string; title: string }[];
  itemIds: string[];
}

/**
 * A meeting starting `inDays` after the clock (UTC, so dates read plainly), with one endorsed note
 * per title led by `lead`, its agenda closed at the cut-off (the clock is left there).
 */
export async function closedMeeting(
  system: TestSystem,
  clock: TestClock,
  people: { secretariat: SignedIn; lead: SignedIn; rc: SignedIn },
  options: { titles?: string[]; inDays?: number; kind?: string; country?: string } = {},
): Promise<ClosedMeeting> {
  const { secretariat, lead, rc } = people;
  const startsLocal = new Date(clock.now().getTime() + (options.inDays ?? 60) * DAY_MS)
    .toISOString()
    .slice(0, 16);
  const meeting = must(
    await http(system, 'POST', '/api/v1/meetings', {
      token: secretariat.token,
      body: {
        title: `Steering Committee ${startsLocal.slice(0, 10)}`,
        kind: options.kind ?? 'in_person',
        startsLocal,
        timeZone: 'UTC',
      },
    }),
    201,
  ).body as { id: string; startsAt: string; cutoffAt: string };
  const notes: ClosedMeeting['notes'] = [];
  for (const title of options.titles ?? []) {
    const id = await readyDraft(system, lead.token, {
      title,
      scope: 'national',
      countryCodes: [options.country ?? 'SRB'],
    });
    must(
      await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsement-requests`, { token: lead.token }),
    );
    const endorsed = must(
      await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsements`, {
        token: rc.token,
        body: { decision: 'endorse' },
      }),
    );
    if (endorsed.body.targetMeetingId !== meeting.id) {
      throw new Error(`note targets ${endorsed.body.targetMeetingId}, not the new meeting ${meeting.id}`);
    }
    notes.push({ id, referenceCode: endorsed.body.referenceCode as string, title });
  }
  clock.set(meeting.cutoffAt);
  const closed = await (system.worker ?? system.app)
    .get(CutoffService)
    .closeAgenda(meeting.id, Date.parse(meeting.cutoffAt));
  if (closed !== 'closed') throw new Error(`agenda of ${meeting.id} not closed`);
  const agenda = must(
    await http(system, 'GET', `/api/v1/meetings/${meeting.id}/agenda`, { token: secretariat.token }),
  );
  const items = agenda.body.items as { id: string; conceptNoteId: string }[];
  return {
    id: meeting.id,
    startsAt: new Date(meeting.startsAt),
    cutoffAt: new Date(meeting.cutoffAt),
    notes,
    itemIds: notes.map((note) => items.find((i) => i.conceptNoteId === note.id)!.id),
  };
}

export interface PacketRow {
  id: string;
  version: number;
  status: string;
  requestedById: string | null;
  agenda: { itemId: string; noteId: string; revisionId: string; position: number }[];
  error: string | null;
}

/** The meeting's packet versions as stored, oldest first. */
export async function packetRows(system: TestSystem, meetingId: string): Promise<PacketRow[]> {
  return system.dataSource.query<PacketRow[]>(
    `SELECT id, version, status, requested_by_id AS "requestedById", agenda, error
       FROM packets WHERE meeting_id = $1 ORDER BY version`,
    [meetingId],
  );
}

/** Polls until the packet is ready (a wait, not a timing assertion); a failed render throws. */
export async function waitForPacket(system: TestSystem, packetId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await system.dataSource.query<{ status: string; error: string | null }[]>(
      'SELECT status, error FROM packets WHERE id = $1',
      [packetId],
    );
    if (row?.status === 'ready') return;
    if (row?.status === 'failed') throw new Error(`packet ${packetId} failed: ${row.error}`);
    if (Date.now() > deadline)
      throw new Error(`packet ${packetId} still ${row?.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The packet e-mails of a packet version, once the outbox says every one of them was sent: the
 * outbox rows, by recipient, and the messages the SMTP receiver got for them.
 */
export async function packetMails(
  system: TestSystem,
  packetId: string,
): Promise<{ recipients: string[]; messages: ReceivedMail[] }> {
  const deadline = Date.now() + 20_000;
  let rows: { id: string; status: string; email: string }[] = [];
  for (;;) {
    rows = await system.dataSource.query(
      `SELECT id, status, recipient_email AS email FROM notifications
        WHERE template = 'packet_issued' AND dedupe_key LIKE $1 ORDER BY recipient_email`,
      [`packet:${packetId}:%`],
    );
    if (rows.every((r) => r.status === 'sent')) break;
    if (Date.now() > deadline) throw new Error(`packet e-mails not all sent: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const ids = rows.map((r) => r.id);
  const header = (m: ReceivedMail) => {
    const value = m.headers.get('x-mptf-notification');
    return typeof value === 'string' ? value : '';
  };
  await system.smtp.waitFor((messages) => ids.every((id) => messages.some((m) => header(m) === id)));
  return {
    recipients: rows.map((r) => r.email),
    messages: system.smtp.messages.filter((m) => ids.includes(header(m))),
  };
}
