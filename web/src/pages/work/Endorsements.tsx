import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { useUser } from '../../auth/session';
import { Badge, ENDORSEMENT_TONE, NoteStatusBadge } from '../../components/Badge';
import { Notice } from '../../components/Notice';
import { Page, Section } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { Countdown, DateTime } from '../../components/Time';
import { useCountryNames } from '../../countries';
import { useNow, useResource } from '../../hooks';
import { formatLength, useIsolate } from './shared';
import './work.css';

type Note = Schemas['ConceptNoteSummaryView'];
type NoteView = Schemas['ConceptNoteView'];
type Meeting = Schemas['MeetingView'];
type CountryEndorsement = Schemas['CountryEndorsementView'];

const PAGE_SIZE = 25;

interface Row {
  note: Note;
  /** The full view, for the per-country endorsements (null when it could not be read). */
  view: NoteView | null;
}

async function loadNotes(page: number) {
  const list = await unwrap(
    api.GET('/api/v1/concept-notes', {
      params: { query: { status: 'awaiting_endorsement', page, limit: PAGE_SIZE } },
    }),
  );
  const views = await Promise.all(
    list.items.map((note) =>
      unwrap(api.GET('/api/v1/concept-notes/{id}', { params: { path: { id: note.id } } })).catch(() => null),
    ),
  );
  // Meetings a note already targets (a note awaiting endorsement usually targets none yet).
  const targetIds = [...new Set(list.items.flatMap((n) => (n.targetMeetingId ? [n.targetMeetingId] : [])))];
  const targets = await Promise.all(
    targetIds.map((id) =>
      unwrap(api.GET('/api/v1/meetings/{id}', { params: { path: { id } } })).catch(() => null),
    ),
  );
  return {
    total: list.total,
    rows: list.items.map((note, i): Row => ({ note, view: views[i] })),
    targets: targets.filter((m): m is Meeting => m !== null),
  };
}

/** The Resident Coordinator's (and the RC office's) list of notes awaiting endorsement in their countries. */
export function EndorsementsPage() {
  const { t } = useTranslation(['work', 'common']);
  const [page, setPage] = useState(1);
  const notes = useResource(() => loadNotes(page), [page]);
  const meetings = useResource(
    () =>
      unwrap(
        api.GET('/api/v1/meetings', {
          params: { query: { status: 'scheduled', upcoming: 'true', limit: 100 } },
        }),
      ),
    [],
  );
  const now = useNow();
  const isolate = useIsolate();
  const countryName = useCountryNames();
  // The earliest meeting whose cut-off is still ahead: an endorsement completed now targets it.
  const next = (meetings.data?.items ?? [])
    .filter((m) => m.status === 'scheduled' && new Date(m.cutoffAt).getTime() > now.getTime())
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];

  return (
    <Page title={t('endorsements.title')}>
      <p>{t('endorsements.intro')}</p>
      {meetings.error ? <ProblemBanner error={meetings.error} /> : null}
      {meetings.data ? (
        next ? (
          <p className="work-next-cutoff">
            {t('endorsements.nextCutoff', { meeting: isolate(next.title) })}{' '}
            <DateTime value={next.cutoffAt} meetingZone={next.timeZone} /> (<Countdown to={next.cutoffAt} />)
          </p>
        ) : (
          <p className="warning">{t('endorsements.noMeeting')}</p>
        )
      ) : null}
      <Loaded resource={notes}>
        {({ rows, total, targets }) => (
          <>
            {notes.error ? <ProblemBanner error={notes.error} /> : null}
            {rows.length === 0 ? (
              <Notice>{t('endorsements.empty')}</Notice>
            ) : (
              <Section title={t('endorsements.listTitle', { total })} id="endorsements-list">
                <div className="table-wrap">
                  <table>
                    <caption className="visually-hidden">{t('endorsements.caption')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('endorsements.col.note')}</th>
                        <th scope="col">{t('endorsements.col.countries')}</th>
                        <th scope="col">{t('endorsements.col.cutoff')}</th>
                        <th scope="col">{t('endorsements.col.status')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((row) => (
                        <NoteRow
                          key={row.note.id}
                          row={row}
                          meeting={targets.find((m) => m.id === row.note.targetMeetingId) ?? next}
                          targeted={targets.some((m) => m.id === row.note.targetMeetingId)}
                          countryName={countryName}
                        />
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pager
                  label={t('endorsements.pages')}
                  page={page}
                  limit={PAGE_SIZE}
                  total={total}
                  onPage={setPage}
                />
              </Section>
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}

function NoteRow({
  row,
  meeting,
  targeted,
  countryName,
}: {
  row: Row;
  meeting?: Meeting;
  targeted: boolean;
  countryName: (code: string) => string;
}) {
  const { t } = useTranslation(['work', 'common']);
  const isolate = useIsolate();
  const { note, view } = row;
  return (
    <tr>
      <td>
        <Link to={`/concept-notes/${note.id}`} className="work-title">
          {note.title}
        </Link>
        <div className="muted">
          {[note.referenceCode, note.conveningOrganizationCode, note.leadName].filter(Boolean).join(' · ')}
        </div>
      </td>
      <td>
        {view ? (
          <CountryStates endorsements={view.endorsements} countryName={countryName} />
        ) : (
          <span className="muted">{note.countryCodes.map(countryName).join(', ')}</span>
        )}
      </td>
      <td>
        {meeting ? (
          <>
            <div>
              {targeted
                ? t('endorsements.targetMeeting', { meeting: isolate(meeting.title) })
                : t('endorsements.nextMeeting', { meeting: isolate(meeting.title) })}
            </div>
            <DateTime value={meeting.cutoffAt} meetingZone={meeting.timeZone} />
            <div>
              <Countdown to={meeting.cutoffAt} />
            </div>
          </>
        ) : (
          <span className="muted">{t('endorsements.noCutoff')}</span>
        )}
      </td>
      <td>
        <NoteStatusBadge status={note.status} />
      </td>
    </tr>
  );
}

function CountryStates({
  endorsements,
  countryName,
}: {
  endorsements: CountryEndorsement[];
  countryName: (code: string) => string;
}) {
  const { t, i18n } = useTranslation('work');
  const user = useUser();
  if (endorsements.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="work-countries">
      {endorsements.map((e) => {
        const mine = user.countryCodes.includes(e.countryCode);
        return (
          <li key={e.countryCode}>
            <span className={mine ? 'work-mine' : undefined}>
              {countryName(e.countryCode)}
              {mine ? ` ${t('endorsements.yourCountry')}` : ''}
            </span>{' '}
            <Badge tone={ENDORSEMENT_TONE[e.state]}>{t(`endorsements.state.${e.state}`)}</Badge>{' '}
            <span className="muted">
              {e.state === 'pending'
                ? e.ageDays < 1
                  ? t('endorsements.pendingToday')
                  : t('endorsements.pendingFor', { age: formatLength(e.ageDays, 'day', i18n.language) })
                : e.ageDays < 1
                  ? t('endorsements.decidedToday', { by: e.by ?? '—' })
                  : t('endorsements.decidedBy', {
                      by: e.by ?? '—',
                      age: formatLength(e.ageDays, 'day', i18n.language),
                    })}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
