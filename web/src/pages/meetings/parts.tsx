/**
 * Pieces the meeting screens share: the API's shapes, loaders, a time shown in the meeting's zone
 * and in the reader's zone side by side, and status badges that say their status in words.
 */
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { Badge, type Tone } from '../../components/Badge';
import { useZone } from '../../components/Time';
import { formatWallClock } from '../../format';

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

/** Every meeting, page by page (the API gives at most 100 at a time). */
export async function loadAllMeetings(): Promise<Meeting[]> {
  const all: Meeting[] = [];
  for (let page = 1; page <= 20; page++) {
    const answer = await unwrap(api.GET('/api/v1/meetings', { params: { query: { page, limit: 100 } } }));
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
          query: { page, limit: 100, ...(released ? { status: 'released' as const } : {}) },
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

/** A local date-time as the API writes it (2027-01-27T10:00), formatted as it reads on a wall clock there. */
function formatLocal(local: string, language: string): string {
  const [date, time = '00:00'] = local.split('T');
  return formatWallClock(`${date}T${time.slice(0, 5)}:00.000Z`, language, 'UTC');
}

/**
 * An instant on two labelled lines: in the meeting's zone (its own wall clock; `local` when the API
 * gave it) and in the reader's zone. A reader in the meeting's zone sees one line that says so.
 */
export function ZoneTimes({ value, zone, local }: { value: string; zone: string; local?: string }) {
  const { t, i18n } = useTranslation('meetings');
  const mine = useZone();
  const meetingTime = local ? formatLocal(local, i18n.language) : formatWallClock(value, i18n.language, zone);
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
        {t('time.yours', { time: formatWallClock(value, i18n.language, mine), zone: mine })}
      </span>
    </time>
  );
}

const MEETING_TONE: Record<MeetingStatus, Tone> = {
  scheduled: '',
  agenda_closed: 'warn',
  held: 'ok',
  cancelled: 'bad',
};

export function MeetingStatusBadge({ status }: { status: MeetingStatus }) {
  const { t } = useTranslation('common');
  return <Badge tone={MEETING_TONE[status]}>{t(`meetingStatus.${status}`)}</Badge>;
}

const DECISION_TONE: Record<Decision['status'], Tone> = { draft: 'warn', released: 'ok', superseded: '' };

export function DecisionStatusBadge({ status }: { status: Decision['status'] }) {
  const { t } = useTranslation('meetings');
  return <Badge tone={DECISION_TONE[status]}>{t(`decisionStatus.${status}`)}</Badge>;
}

const PACKET_TONE: Record<string, Tone> = {
  queued: 'warn',
  rendering: 'warn',
  ready: 'ok',
  failed: 'bad',
};

export function PacketStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('meetings');
  return <Badge tone={PACKET_TONE[status] ?? ''}>{t(`packetStatus.${status}`)}</Badge>;
}

/** A fresh Idempotency-Key for one creation. */
export function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
