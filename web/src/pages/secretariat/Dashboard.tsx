import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { Page, Section } from '../../components/Page';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { Countdown, DateTime, Money } from '../../components/Time';
import { formatNumber } from '../../format';
import { useNow, useResource } from '../../hooks';
import './secretariat.css';

type Stats = Schemas['StatsView'];
type Meeting = Schemas['MeetingView'];

/** A count with a bar beside it (the bar only repeats the number, which is always written). */
function CountCell({ value, max }: { value: number; max: number }) {
  const { i18n } = useTranslation();
  const width = max > 0 ? Math.round((value / max) * 4 * 100) / 100 : 0;
  return (
    <td className="num">
      <span className="sec-bar-cell">
        <span className="sec-bar" style={{ inlineSize: `${width}rem` }} aria-hidden="true" />
        {formatNumber(value, i18n.language, 0)}
      </span>
    </td>
  );
}

/** A card with a table of counts by one dimension, a bar beside each, "none" when it is empty. */
function CountTable({
  caption,
  heading,
  rows,
}: {
  caption: string;
  heading: string;
  rows: { key: string; label: ReactNode; count: number }[];
}) {
  const { t } = useTranslation(['secretariat', 'common']);
  const max = Math.max(0, ...rows.map((row) => row.count));
  return (
    <div className="card table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{heading}</th>
            <th scope="col" className="num">
              {t('dashboard.notes')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={2}>{t('common:none')}</td>
            </tr>
          ) : null}
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.label}</th>
              <CountCell value={row.count} max={max} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NextDates({ meetings }: { meetings: Meeting[] }) {
  const { t } = useTranslation(['secretariat', 'common']);
  const now = useNow();
  const live = meetings.filter((m) => m.status !== 'cancelled');
  const nextMeeting = live.find((m) => new Date(m.startsAt).getTime() >= now.getTime());
  const nextCutoff = live.find(
    (m) => m.status === 'scheduled' && new Date(m.cutoffAt).getTime() >= now.getTime(),
  );
  return (
    <div className="grid">
      <Section title={t('dashboard.nextCutoff')} id="next-cutoff">
        {nextCutoff ? (
          <dl className="facts">
            <dt>{t('dashboard.meeting')}</dt>
            <dd>{nextCutoff.title}</dd>
            <dt>{t('dashboard.cutoff')}</dt>
            <dd>
              <DateTime value={nextCutoff.cutoffAt} meetingZone={nextCutoff.timeZone} />
            </dd>
            <dt>{t('dashboard.timeLeft')}</dt>
            <dd>
              <Countdown to={nextCutoff.cutoffAt} />
            </dd>
          </dl>
        ) : (
          <p>{t('dashboard.noCutoff')}</p>
        )}
      </Section>
      <Section title={t('dashboard.nextMeeting')} id="next-meeting">
        {nextMeeting ? (
          <dl className="facts">
            <dt>{t('dashboard.meeting')}</dt>
            <dd>
              <Link to={`/meetings/${nextMeeting.id}`}>{nextMeeting.title}</Link>
            </dd>
            <dt>{t('dashboard.starts')}</dt>
            <dd>
              <DateTime value={nextMeeting.startsAt} meetingZone={nextMeeting.timeZone} />
            </dd>
            <dt>{t('dashboard.timeLeft')}</dt>
            <dd>
              <Countdown to={nextMeeting.startsAt} />
            </dd>
            <dt>{t('dashboard.meetingStatus')}</dt>
            <dd>{t(`common:meetingStatus.${nextMeeting.status}`)}</dd>
            {nextMeeting.location ? (
              <>
                <dt>{t('dashboard.location')}</dt>
                <dd>{nextMeeting.location}</dd>
              </>
            ) : null}
            <dt>{t('dashboard.notesForIt')}</dt>
            <dd>{nextMeeting.noteCount}</dd>
          </dl>
        ) : (
          <p>{t('dashboard.noMeeting')}</p>
        )}
      </Section>
    </div>
  );
}

function StatsTables({ stats, areas }: { stats: Stats; areas: Schemas['ThematicAreaView'][] }) {
  const { t, i18n } = useTranslation(['secretariat', 'common']);
  const areaTitle = (code: string) => areas.find((a) => a.code === code)?.title;
  return (
    <>
      <Section title={t('dashboard.funding')} id="funding">
        <dl className="sec-kpis">
          <div>
            <dt>{t('dashboard.requested')}</dt>
            <dd>
              <Money value={stats.funding.requestedUsd} />
            </dd>
          </div>
          <div>
            <dt>{t('dashboard.requestedNotes')}</dt>
            <dd>{formatNumber(stats.funding.requestedNotes, i18n.language, 0)}</dd>
          </div>
          <div>
            <dt>{t('dashboard.allocated')}</dt>
            <dd>
              <Money value={stats.funding.allocatedUsd} />
            </dd>
          </div>
          <div>
            <dt>{t('dashboard.fundedNotes')}</dt>
            <dd>{formatNumber(stats.funding.fundedNotes, i18n.language, 0)}</dd>
          </div>
        </dl>
      </Section>
      <div className="grid sec-grid">
        <CountTable
          caption={t('dashboard.byStatus')}
          heading={t('dashboard.status')}
          rows={stats.byStatus.map((row) => ({
            key: row.status,
            label: <Link to={`/concept-notes?status=${row.status}`}>{t(`common:status.${row.status}`)}</Link>,
            count: row.count,
          }))}
        />
        <CountTable
          caption={t('dashboard.byThematicArea')}
          heading={t('dashboard.thematicArea')}
          rows={stats.byThematicArea.map((row) => ({
            key: row.thematicAreaCode,
            label: (
              <>
                {row.thematicAreaCode}
                {areaTitle(row.thematicAreaCode) ? (
                  <span className="sec-area-title"> {areaTitle(row.thematicAreaCode)}</span>
                ) : null}
              </>
            ),
            count: row.count,
          }))}
        />
        <CountTable
          caption={t('dashboard.byRegion')}
          heading={t('dashboard.region')}
          rows={stats.byRegion.map((row) => ({
            key: row.regionCode,
            label: row.regionName,
            count: row.count,
          }))}
        />
        <CountTable
          caption={t('dashboard.backlog')}
          heading={t('dashboard.daysWaiting')}
          rows={stats.endorsementBacklog.map((row) => ({
            key: row.bucket,
            label: t('dashboard.days', { range: row.bucket }),
            count: row.count,
          }))}
        />
      </div>
      <div className="card table-wrap">
        <table>
          <caption>{t('dashboard.byOrganization')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dashboard.organization')}</th>
              <th scope="col" className="num">
                {t('dashboard.convening')}
              </th>
              <th scope="col" className="num">
                {t('dashboard.participating')}
              </th>
            </tr>
          </thead>
          <tbody>
            {stats.byOrganization.length === 0 ? (
              <tr>
                <td colSpan={3}>{t('common:none')}</td>
              </tr>
            ) : null}
            {stats.byOrganization.map((row) => (
              <tr key={row.organizationCode}>
                <th scope="row">{row.organizationCode}</th>
                <td className="num">{row.convening}</td>
                <td className="num">{row.participating}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card table-wrap">
        <table>
          <caption>
            {t('dashboard.overdueReviews')} ({stats.overdueReviews.count})
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('dashboard.note')}</th>
              <th scope="col">{t('dashboard.due')}</th>
              <th scope="col" className="num">
                {t('dashboard.daysOverdue')}
              </th>
            </tr>
          </thead>
          <tbody>
            {stats.overdueReviews.items.length === 0 ? (
              <tr>
                <td colSpan={3}>{t('dashboard.noOverdue')}</td>
              </tr>
            ) : null}
            {stats.overdueReviews.items.map((row) => (
              <tr key={row.assignmentId}>
                <td>
                  <Link to={`/concept-notes/${row.conceptNoteId}/reviewers`}>
                    {row.referenceCode ?? row.conceptNoteId}
                  </Link>
                </td>
                <td>
                  <DateTime value={row.dueAt} />
                </td>
                <td className="num">{row.daysOverdue}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card table-wrap">
        <table>
          <caption>{t('dashboard.byMeeting')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dashboard.meeting')}</th>
              <th scope="col">{t('dashboard.starts')}</th>
              <th scope="col">{t('dashboard.meetingStatus')}</th>
              <th scope="col" className="num">
                {t('dashboard.agendaItems')}
              </th>
              <th scope="col" className="num">
                {t('dashboard.targeted')}
              </th>
              <th scope="col" className="num">
                {t('dashboard.decisionsApproved')}
              </th>
              <th scope="col" className="num">
                {t('dashboard.decisionsFunded')}
              </th>
              <th scope="col" className="num">
                {t('dashboard.fundedUsd')}
              </th>
              <th scope="col" className="num">
                {t('dashboard.envelope')}
              </th>
            </tr>
          </thead>
          <tbody>
            {stats.byMeeting.length === 0 ? (
              <tr>
                <td colSpan={9}>{t('common:none')}</td>
              </tr>
            ) : null}
            {stats.byMeeting.map((row) => (
              <tr key={row.meetingId}>
                <th scope="row">
                  <Link to={`/meetings/${row.meetingId}`}>{row.title}</Link>
                </th>
                <td>
                  <DateTime value={row.startsAt} />
                </td>
                <td>{t(`common:meetingStatus.${row.status}`, { defaultValue: row.status })}</td>
                <td className="num">{row.agendaItems}</td>
                <td className="num">{row.targeted}</td>
                <td className="num">{row.decisions.approved}</td>
                <td className="num">{row.decisions.funded}</td>
                <td className="num">
                  <Money value={row.fundedUsd} />
                </td>
                <td className="num">
                  <Money value={row.envelopeUsd} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        {t('dashboard.generatedAt')} <DateTime value={stats.generatedAt} />
      </p>
    </>
  );
}

export function Dashboard() {
  const { t } = useTranslation('secretariat');
  const stats = useResource(() => unwrap(api.GET('/api/v1/stats')), []);
  const meetings = useResource(
    () =>
      unwrap(api.GET('/api/v1/meetings', { params: { query: { upcoming: 'true', page: 1, limit: 100 } } })),
    [],
  );
  const areas = useResource(() => unwrap(api.GET('/api/v1/thematic-areas')), []);
  return (
    <Page
      title={t('dashboard.title')}
      actions={
        <Link className="button" to="/concept-notes?status=submitted">
          {t('dashboard.toScreen')}
        </Link>
      }
    >
      <Loaded resource={meetings}>{(page) => <NextDates meetings={page.items} />}</Loaded>
      <Loaded resource={stats}>
        {(data) => (
          <>
            <AttentionList stats={data} />
            <StatsTables stats={data} areas={areas.data ?? []} />
          </>
        )}
      </Loaded>
      <ProblemBanner error={areas.error} />
    </Page>
  );
}

/** What needs the secretariat now: notes to screen, notes in review, notes ready for the committee. */
function AttentionList({ stats }: { stats: Stats }) {
  const { t } = useTranslation(['secretariat', 'common']);
  const count = (status: string) => stats.byStatus.find((s) => s.status === status)?.count ?? 0;
  const statuses = ['submitted', 'in_review', 'ready_for_committee', 'awaiting_endorsement'] as const;
  return (
    <Section title={t('dashboard.attention')} id="attention">
      <ul className="sec-checks">
        {statuses.map((status) => (
          <li key={status}>
            <Link to={`/concept-notes?status=${status}`}>
              {t('dashboard.notesCount', { status: t(`common:status.${status}`), total: count(status) })}
            </Link>
          </li>
        ))}
      </ul>
    </Section>
  );
}
