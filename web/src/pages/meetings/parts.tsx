/**
 * Pieces the meeting screens share: the API's shapes, loaders, a time shown in the meeting's zone
 * and in the reader's zone side by side, and status badges that say their status in words.
 */
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { browserZone, intlLocale } from '../../format';

export type Meeting = Schemas['MeetingView'];
export type MeetingKind = Meeting['kind'];
export type MeetingStatus = Meeting['status'];
export type AgendaView = Schemas['AgendaView'];
export type AgendaItem = Schemas['AgendaItemView'];
export type Decision = Schemas['DecisionView'];
export type Outcome = Decision['outcome'];
export type Packet = Schemas['PacketView'];
export type NoteSummary = Schemas['ConceptNoteSummaryView'];
export type ReviewSummary = Schemas['ReviewSummaryView'];

export const KINDS: MeetingKind[] = ['in_person', 'virtual', 'written_procedure'];
export const OUTCOMES: Outcome[] = ['approved', 'funded', 'revision_requested', 'rejected', 'deferred'];

/** The generated client types `page` and `limit` as an empty object (an OpenAPI quirk); they are numbers. */
export function n(value: number): Schemas['Object'] {
  return value as unknown as Schemas['Object'];
}

/** Every meeting, page by page (the API gives at most 100 at a time). */
export async function loadAllMeetings(): Promise<Meeting[]> {
  const all: Meeting[] = [];
  for (let page = 1; page <= 20; page++) {
    const answer = await unwrap(
      api.GET('/api/v1/meetings', { params: { query: { page: n(page), limit: n(100) } } }),
    );
    all.push(...answer.items);
    if (all.length >= answer.total || answer.items.length === 0) break;
  }
  return all;
}

/** A meeting's decisions (up to 100 a page, which covers any agenda). */
export async function loadDecisions(meetingId: string, released = false): Promise<Decision[]> {
  const all: Decision[] = [];
  for (let page = 1; page <= 20; page++) {
    const answer = await unwrap(
      api.GET('/api/v1/meetings/{id}/decisions', {
        params: {
          path: { id: meetingId },
          query: { page: n(page), limit: n(100), ...(released ? { status: 'released' as const } : {}) },
        },
      }),
    );
    all.push(...answer.items);
    if (all.length >= answer.total || answer.items.length === 0) break;
  }
  return all;
}

/** How a note is named on these screens: its reference code, or its title before it has one. */
export function noteName(note: { referenceCode: string | null; title: string }): string {
  return note.referenceCode ?? note.title;
}

/** The same for a decision, which names its note's title `noteTitle`. */
export function decidedName(decision: { referenceCode: string | null; noteTitle: string }): string {
  return decision.referenceCode ?? decision.noteTitle;
}

export function useZone(): string {
  const { user } = useSession();
  return user?.timeZone ?? browserZone();
}

/** A wall-clock date and time in a zone, without a zone name (the screens name the zone themselves). */
export function formatWall(instant: string, language: string, zone: string): string {
  return new Intl.DateTimeFormat(intlLocale(language), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zone,
  }).format(new Date(instant));
}

/** A local date-time as the API writes it (2027-01-27T10:00), formatted as it reads on a wall clock there. */
export function formatLocal(local: string, language: string): string {
  const [date, time = '00:00'] = local.split('T');
  return formatWall(`${date}T${time.slice(0, 5)}:00.000Z`, language, 'UTC');
}

/**
 * An instant on two labelled lines: in the meeting's zone (its own wall clock; `local` when the API
 * gave it) and in the reader's zone. A reader in the meeting's zone sees one line that says so.
 */
export function ZoneTimes({ value, zone, local }: { value: string; zone: string; local?: string }) {
  const { t, i18n } = useTranslation('meetings');
  const mine = useZone();
  const meetingTime = local ? formatLocal(local, i18n.language) : formatWall(value, i18n.language, zone);
  if (mine === zone) {
    return (
      <time dateTime={value} className="zone-times">
        <span className="zone-line">{t('time.bothZones', { time: meetingTime, zone })}</span>
      </time>
    );
  }
  return (
    <time dateTime={value} className="zone-times">
      <span className="zone-line">{t('time.meeting', { time: meetingTime, zone })}</span>
      <span className="zone-line muted">
        {t('time.yours', { time: formatWall(value, i18n.language, mine), zone: mine })}
      </span>
    </time>
  );
}

/**
 * An instant in the reader's zone, the zone named. (Not the shared DateTime: its formatter combines
 * dateStyle with timeZoneName, which Chromium refuses with a RangeError.)
 */
export function When({ value }: { value: string | null | undefined }) {
  const { i18n } = useTranslation('meetings');
  const mine = useZone();
  if (!value) return <>—</>;
  return (
    <time dateTime={value}>
      {formatWall(value, i18n.language, mine)} ({mine})
    </time>
  );
}

const MEETING_BADGE: Record<MeetingStatus, string> = {
  scheduled: '',
  agenda_closed: 'warn',
  held: 'ok',
  cancelled: 'bad',
};

export function MeetingStatusBadge({ status }: { status: MeetingStatus }) {
  const { t } = useTranslation('common');
  return <span className={`badge ${MEETING_BADGE[status]}`}>{t(`meetingStatus.${status}`)}</span>;
}

const NOTE_BADGE: Record<string, string> = {
  ready_for_committee: 'ok',
  approved: 'ok',
  funded: 'ok',
  rejected: 'bad',
  ineligible: 'bad',
  withdrawn: 'bad',
  removed_from_pipeline: 'bad',
  revision_requested: 'warn',
};

export function NoteStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('common');
  return <span className={`badge ${NOTE_BADGE[status] ?? ''}`}>{t(`status.${status}`)}</span>;
}

const DECISION_BADGE: Record<Decision['status'], string> = { draft: 'warn', released: 'ok', superseded: '' };

export function DecisionStatusBadge({ status }: { status: Decision['status'] }) {
  const { t } = useTranslation('meetings');
  return <span className={`badge ${DECISION_BADGE[status]}`}>{t(`decisionStatus.${status}`)}</span>;
}

const PACKET_BADGE: Record<string, string> = {
  queued: 'warn',
  rendering: 'warn',
  ready: 'ok',
  failed: 'bad',
};

export function PacketStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('meetings');
  return <span className={`badge ${PACKET_BADGE[status] ?? ''}`}>{t(`packetStatus.${status}`)}</span>;
}

/** The date six months from today, as a date input takes it (a default for the full-programme date). */
export function monthsFromToday(months: number): string {
  const date = new Date();
  date.setMonth(date.getMonth() + months);
  return date.toISOString().slice(0, 10);
}

/** A fresh Idempotency-Key for one creation. */
export function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
