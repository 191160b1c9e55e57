import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../auth/session';
import { NoteStatusBadge } from '../../components/Badge';
import { ExportButtons } from '../../components/ExportButtons';
import { Field } from '../../components/Field';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { Countdown, DateTime } from '../../components/Time';
import { useCountryNames } from '../../countries';
import { useNow, useResource } from '../../hooks';
import {
  loadMeetings,
  nextCutoff,
  STATUSES,
  UNSUBMITTED,
  useListJoin,
  useReference,
  type Meeting,
  type NoteStatus,
  type NoteSummary,
  type Reference,
} from './data';
import './notes.css';

const FILTERS = ['status', 'thematicArea', 'country', 'region', 'organization', 'meeting', 'text'] as const;
type FilterName = (typeof FILTERS)[number];
type Filters = Record<FilterName, string>;
const LIMIT = 20;

function readFilters(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Filters;
}

/** The query the API takes: the filters that are set (empty ones left out). */
function apiQuery(filters: Filters) {
  const query: Record<string, string> = {};
  for (const name of FILTERS) if (filters[name].trim()) query[name] = filters[name].trim();
  return query;
}

export function NoteList() {
  const { t } = useTranslation(['notes', 'common']);
  const { hasRole } = useSession();
  const [params, setParams] = useSearchParams();
  const applied = readFilters(params);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const reference = useReference();
  const meetings = useResource(loadMeetings, []);
  const notes = useResource(
    () =>
      unwrap(
        api.GET('/api/v1/concept-notes', {
          params: {
            query: {
              ...(apiQuery(applied) as { status?: NoteStatus }),
              page,
              limit: LIMIT,
            },
          },
        }),
      ),
    [applied, page],
  );
  const mine = hasRole('applicant') && !hasRole('secretariat', 'admin', 'resident_coordinator', 'rc_office');
  const exporter = hasRole('secretariat', 'admin');

  const apply = (filters: Filters) => {
    const next = new URLSearchParams();
    for (const name of FILTERS) if (filters[name].trim()) next.set(name, filters[name].trim());
    setParams(next);
  };
  const goTo = (target: number) => {
    const next = new URLSearchParams(params);
    next.set('page', String(target));
    setParams(next);
  };

  return (
    <Page
      title={mine ? t('list.titleMine') : t('list.title')}
      actions={
        <>
          {hasRole('applicant') ? (
            <Link to="/concept-notes/new" className="button primary">
              {t('list.new')}
            </Link>
          ) : null}
          {exporter ? (
            <ExportButtons
              path="/api/v1/concept-notes"
              params={apiQuery(applied)}
              name="concept-notes"
              csv={t('list.exportCsv')}
              xlsx={t('list.exportXlsx')}
            />
          ) : null}
        </>
      }
    >
      <FilterForm
        key={params.toString()}
        initial={applied}
        reference={reference.data}
        meetings={meetings.data ?? []}
        onApply={apply}
        error={notes.error}
      />
      <Loaded resource={notes}>
        {(answer) => (
          <>
            <ProblemBanner error={notes.data ? notes.error : undefined} shown={[...FILTERS]} />
            {answer.items.length === 0 ? (
              <p className="muted" role="status">
                {t('list.empty')}
              </p>
            ) : (
              <NoteTable
                items={answer.items}
                meetings={meetings.data ?? []}
                showLead={!mine}
                total={answer.total}
              />
            )}
            <Pager
              label={t('list.pagination')}
              page={page}
              total={answer.total}
              limit={LIMIT}
              onPage={goTo}
            />
          </>
        )}
      </Loaded>
    </Page>
  );
}

function FilterForm({
  initial,
  reference,
  meetings,
  onApply,
  error,
}: {
  initial: Filters;
  reference: Reference | undefined;
  meetings: Meeting[];
  onApply: (filters: Filters) => void;
  error: ReturnType<typeof useResource>['error'];
}) {
  const { t } = useTranslation(['notes', 'common']);
  const [filters, setFilters] = useState<Filters>(initial);
  const set = (name: FilterName, value: string) => setFilters((f) => ({ ...f, [name]: value }));
  const regions = new Map<string, string>();
  for (const c of reference?.countries ?? []) {
    regions.set(c.regionCode, c.regionName);
    regions.set(c.subregionCode, c.subregionName);
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(filters);
  };
  const clear = () => {
    const empty = Object.fromEntries(FILTERS.map((f) => [f, ''])) as Filters;
    setFilters(empty);
    onApply(empty);
  };
  return (
    <form className="card notes-filters" onSubmit={submit} aria-label={t('list.filters')} role="search">
      <div className="grid">
        <Field label={t('list.filterText')} error={error?.field('text')}>
          <input type="search" value={filters.text} onChange={(e) => set('text', e.target.value)} />
        </Field>
        <Field label={t('list.filterStatus')} error={error?.field('status')}>
          <select value={filters.status} onChange={(e) => set('status', e.target.value)}>
            <option value="">{t('list.any')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`common:status.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('list.filterThematicArea')} error={error?.field('thematicArea')}>
          <select value={filters.thematicArea} onChange={(e) => set('thematicArea', e.target.value)}>
            <option value="">{t('list.any')}</option>
            {(reference?.areas ?? []).map((a) => (
              <option key={a.code} value={a.code}>
                {a.code} — {a.title}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('list.filterCountry')} error={error?.field('country')}>
          <select value={filters.country} onChange={(e) => set('country', e.target.value)}>
            <option value="">{t('list.any')}</option>
            {(reference?.countries ?? []).map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('list.filterRegion')} error={error?.field('region')}>
          <select value={filters.region} onChange={(e) => set('region', e.target.value)}>
            <option value="">{t('list.any')}</option>
            {[...regions.entries()]
              .sort((a, b) => a[1].localeCompare(b[1]))
              .map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
          </select>
        </Field>
        <Field label={t('list.filterOrganization')} error={error?.field('organization')}>
          <select value={filters.organization} onChange={(e) => set('organization', e.target.value)}>
            <option value="">{t('list.any')}</option>
            {(reference?.organizations ?? []).map((o) => (
              <option key={o.code} value={o.code}>
                {o.code} — {o.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('list.filterMeeting')} error={error?.field('meeting')}>
          <select value={filters.meeting} onChange={(e) => set('meeting', e.target.value)}>
            <option value="">{t('list.any')}</option>
            {meetings.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title} ({m.startsLocal.slice(0, 10)})
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          {t('list.apply')}
        </button>
        <button type="button" onClick={clear}>
          {t('list.clear')}
        </button>
      </div>
    </form>
  );
}

function NoteTable({
  items,
  meetings,
  showLead,
  total,
}: {
  items: NoteSummary[];
  meetings: Meeting[];
  showLead: boolean;
  total: number;
}) {
  const { t } = useTranslation(['notes', 'common']);
  const now = useNow();
  const upcoming = nextCutoff(meetings, now);
  const join = useListJoin();
  const countryName = useCountryNames();
  return (
    <div className="table-wrap">
      <table>
        <caption>{t('list.caption', { total })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('fields.reference')}</th>
            <th scope="col">{t('fields.title')}</th>
            <th scope="col">{t('fields.status')}</th>
            <th scope="col">{t('fields.countries')}</th>
            {showLead ? <th scope="col">{t('fields.lead')}</th> : null}
            <th scope="col">{t('fields.targetMeeting')}</th>
            <th scope="col">{t('fields.cutoff')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((note) => {
            const target = note.targetMeetingId
              ? meetings.find((m) => m.id === note.targetMeetingId)
              : undefined;
            const waiting = !note.targetMeetingId && UNSUBMITTED.includes(note.status) ? upcoming : undefined;
            const meeting = target ?? waiting;
            return (
              <tr key={note.id}>
                <td className="notes-nowrap">
                  {note.referenceCode ?? <span className="muted">{t('view.noReference')}</span>}
                </td>
                <td>
                  <Link to={`/concept-notes/${note.id}`}>{note.title}</Link>
                </td>
                <td>
                  <NoteStatusBadge status={note.status} />
                </td>
                <td>{join(note.countryCodes.map(countryName)) || '—'}</td>
                {showLead ? <td>{note.leadName}</td> : null}
                <td>
                  {target ? (
                    target.title
                  ) : note.targetMeetingId ? (
                    <span className="muted">{t('view.meetingUnknown')}</span>
                  ) : waiting ? (
                    <>
                      <span className="muted">{t('list.nextMeeting')}</span> {waiting.title}
                    </>
                  ) : (
                    <span className="muted">{t('view.notTargeted')}</span>
                  )}
                </td>
                <td>
                  {meeting ? (
                    <div className="notes-cutoff">
                      <Countdown to={meeting.cutoffAt} />
                      <DateTime value={meeting.cutoffAt} meetingZone={meeting.timeZone} />
                    </div>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
