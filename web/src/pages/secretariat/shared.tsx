/**
 * Pieces the secretariat's screens share: the note's header with its sub-navigation, status
 * badges, the pager, the CSV/XLSX export buttons, and time-zone arithmetic for due dates.
 */
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useParams } from 'react-router';
import { api, download, unwrap, type ApiError, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { browserZone } from '../../format';
import { ProblemBanner } from '../../components/Problem';
import { asApiError, useResource, type Resource } from '../../hooks';
import './secretariat.css';

export type Note = Schemas['ConceptNoteView'];
export type NoteStatus = Note['status'];

/** A criteria set's checklist and quality criteria (openapi.json leaves their shape open). */
export interface ScreeningCriterion {
  code: string;
  title: string;
  automatic: boolean;
}
export interface QualityCriteria {
  scale: { min: number; max: number; labels: Record<string, string> };
  criteria: { code: string; title: string; weight: number }[];
}
export function screeningCriteria(set: Schemas['CriteriaSetView']): ScreeningCriterion[] {
  return set.screening as unknown as ScreeningCriterion[];
}
export function qualityCriteria(set: Schemas['CriteriaSetView']): QualityCriteria {
  return set.quality as unknown as QualityCriteria;
}

/** The id in the route (`/concept-notes/:id/…`). */
export function useNoteId(): string {
  const { id } = useParams();
  return id ?? '';
}

export function useNote(id: string): Resource<Note> {
  return useResource(() => unwrap(api.GET('/api/v1/concept-notes/{id}', { params: { path: { id } } })), [id]);
}

/** openapi.json types `page` and `limit` as objects; they are plain numbers on the wire. */
export function pageParams(page: number, limit: number): { page: never; limit: never } {
  return { page: page as never, limit: limit as never };
}

const GOOD: string[] = ['approved', 'funded', 'eligible', 'sent', 'submitted', 'endorsed', 'pass'];
const BAD: string[] = [
  'rejected',
  'ineligible',
  'withdrawn',
  'removed_from_pipeline',
  'failed',
  'returned',
  'fail',
  'cancelled',
  'conflict_declared',
];
const WARN: string[] = ['revision_requested', 'awaiting_endorsement', 'pending', 'sending', 'overdue'];

/** A badge whose words carry the meaning; the colour only repeats it. */
export function Badge({ tone, children }: { tone: string; children: ReactNode }) {
  const kind = GOOD.includes(tone) ? ' ok' : BAD.includes(tone) ? ' bad' : WARN.includes(tone) ? ' warn' : '';
  return <span className={`badge${kind}`}>{children}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Badge tone={status}>{t(`common:status.${status}`)}</Badge>;
}

/** The note screens' shared header: reference, title, status, and the secretariat's tabs for it. */
export function NoteHeader({ note }: { note: Note }) {
  const { t } = useTranslation('secretariat');
  const base = `/concept-notes/${note.id}`;
  const tabs = [
    { to: `${base}/screening`, label: t('noteTabs.screening') },
    { to: `${base}/offline-endorsement`, label: t('noteTabs.offlineEndorsement') },
    { to: `${base}/reviewers`, label: t('noteTabs.reviewers') },
    { to: `${base}/reviews`, label: t('noteTabs.reviews') },
  ];
  return (
    <>
      <div className="card sec-note-head">
        <p className="sec-note-ref">
          <span className="muted">{t('note.reference')}</span>{' '}
          <strong>{note.referenceCode ?? t('note.noReference')}</strong> <StatusBadge status={note.status} />
        </p>
        <h2 className="sec-note-title">{note.title}</h2>
        <p className="muted sec-note-meta">
          {[
            note.scope ? t(`scope.${note.scope}`) : null,
            note.countryCodes.join(', ') || null,
            note.conveningOrganizationCode
              ? t('note.convening', { code: note.conveningOrganizationCode })
              : null,
            note.participatingOrganizations.length > 0
              ? t('note.participating', {
                  codes: note.participatingOrganizations.map((p) => p.organizationCode).join(', '),
                })
              : null,
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
        <p>
          <Link to={base}>{t('note.open')}</Link>
        </p>
      </div>
      <nav aria-label={t('noteTabs.label')}>
        <ul className="tabs">
          {tabs.map((tab) => (
            <li key={tab.to}>
              <NavLink to={tab.to} end>
                {tab.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}

/** Previous / next over a paginated list. */
export function Pager({
  page,
  limit,
  total,
  onPage,
}: {
  page: number;
  limit: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const { t } = useTranslation(['secretariat', 'common']);
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav className="actions" aria-label={t('pager.label')}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('common:previous')}
      </button>
      <span aria-live="polite">
        {t('common:pageOf', { page, pages })} · {t('pager.total', { total })}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('common:next')}
      </button>
    </nav>
  );
}

/** CSV and XLSX downloads of a list the API exports (`?format=csv|xlsx`), with the screen's filters. */
export function ExportButtons({
  path,
  params,
  name,
  what,
}: {
  path: string;
  params: Record<string, string | number | undefined>;
  name: string;
  what: string;
}) {
  const { t } = useTranslation('secretariat');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const run = async (format: 'csv' | 'xlsx') => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params))
      if (value !== undefined && value !== '') query.set(key, String(value));
    query.set('format', format);
    setBusy(true);
    setError(undefined);
    try {
      await download(`${path}?${query.toString()}`, `${name}.${format}`);
    } catch (reason) {
      setError(asApiError(reason));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <div className="actions" role="group" aria-label={t('export.label', { what })}>
        <button type="button" disabled={busy} onClick={() => void run('csv')}>
          {t('export.csv')}
        </button>
        <button type="button" disabled={busy} onClick={() => void run('xlsx')}>
          {t('export.xlsx')}
        </button>
      </div>
      <ProblemBanner error={error} />
    </div>
  );
}

/** A success message announced to screen readers. */
export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

// ---- Instants and time zones ----

/**
 * An instant with its zone's short name ("20 Jan 2027, 17:00 CET"). Intl refuses `timeZoneName`
 * together with `dateStyle`/`timeStyle` (a RangeError in every browser), so the parts are spelt out.
 */
export function formatInstant(value: string | Date, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(language, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(value));
}

/**
 * An instant in the reader's zone and, for meetings and cut-offs, in the meeting's zone too: the
 * shared `<DateTime>` with a formatter that does not throw (see formatInstant).
 */
export function When({ value, meetingZone }: { value: string | null | undefined; meetingZone?: string }) {
  const { i18n, t } = useTranslation();
  const { user } = useSession();
  if (!value) return <>—</>;
  const zone = user?.timeZone ?? browserZone();
  return (
    <time dateTime={value}>
      {formatInstant(value, i18n.language, zone)}
      {meetingZone && meetingZone !== zone ? (
        <span className="muted">
          {' '}
          (
          {t('common:time.meetingZone', {
            time: formatInstant(value, i18n.language, meetingZone),
            zone: meetingZone,
          })}
          )
        </span>
      ) : null}
    </time>
  );
}

// ---- Time zones ----

function offsetMs(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The UTC instant of a wall-clock date and time (`2027-01-20`, `23:59`) in an IANA zone. */
export function zonedToUtc(date: string, time: string, zone: string): string | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const h = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !h) return null;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(h[1]), Number(h[2]));
  let guess = wall - offsetMs(wall, zone);
  guess = wall - offsetMs(guess, zone);
  return new Date(guess).toISOString();
}

/** The calendar date (YYYY-MM-DD) of an instant in a zone. */
export function dateIn(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** A date some days after today, in a zone. */
export function daysFromNow(days: number, zone: string): string {
  return dateIn(new Date(Date.now() + days * 86_400_000), zone);
}
