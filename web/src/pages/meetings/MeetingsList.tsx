import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../../auth/session';
import { Page } from '../../components/Page';
import { Loaded } from '../../components/Problem';
import { Countdown } from '../../components/Time';
import { useNow, useResource } from '../../hooks';
import { loadAllMeetings, MeetingStatusBadge, ZoneTimes, type Meeting } from './parts';
import './meetings.css';

/** Steering Committee meetings, upcoming then past, with their cut-offs counting down. */
export function MeetingsList() {
  const { t } = useTranslation(['meetings', 'common']);
  const { hasRole } = useSession();
  const now = useNow(60_000);
  const meetings = useResource(loadAllMeetings, []);
  return (
    <Page
      title={t('list.title')}
      actions={
        hasRole('secretariat') ? (
          <Link className="button primary" to="/meetings/new">
            {t('list.new')}
          </Link>
        ) : null
      }
    >
      <Loaded resource={meetings}>
        {(all) => {
          const upcoming = all.filter((m) => new Date(m.startsAt).getTime() >= now.getTime());
          const past = all.filter((m) => new Date(m.startsAt).getTime() < now.getTime()).reverse();
          return (
            <>
              <MeetingTable id="upcoming" title={t('list.upcoming')} meetings={upcoming} />
              <MeetingTable id="past" title={t('list.past')} meetings={past} />
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}

function MeetingTable({ id, title, meetings }: { id: string; title: string; meetings: Meeting[] }) {
  const { t } = useTranslation(['meetings', 'common']);
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {meetings.length === 0 ? (
        <p className="muted">{t('list.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('fields.title')}</th>
                <th scope="col">{t('fields.kind')}</th>
                <th scope="col">{t('fields.start')}</th>
                <th scope="col">{t('fields.cutoff')}</th>
                <th scope="col">{t('fields.status')}</th>
                <th scope="col" className="num">
                  {t('fields.noteCount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {meetings.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link to={`/meetings/${m.id}`}>{m.title}</Link>
                  </td>
                  <td>{t(`kind.${m.kind}`)}</td>
                  <td>
                    <ZoneTimes value={m.startsAt} zone={m.timeZone} />
                  </td>
                  <td>
                    <ZoneTimes value={m.cutoffAt} zone={m.timeZone} />
                    {m.status === 'scheduled' ? (
                      <span className="zone-line">
                        {t('list.countdown')} <Countdown to={m.cutoffAt} />
                      </span>
                    ) : null}
                  </td>
                  <td>
                    <MeetingStatusBadge status={m.status} />
                  </td>
                  <td className="num">{m.noteCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
