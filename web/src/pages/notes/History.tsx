import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { Loaded } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { useCountryNames } from '../../countries';
import { useResource } from '../../hooks';
import { useListJoin, type HistoryEntry, type Note } from './data';

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '—';
}

export function HistoryTab({ note }: { note: Note }) {
  const { t } = useTranslation('notes');
  const history = useResource(
    () => unwrap(api.GET('/api/v1/concept-notes/{id}/history', { params: { path: { id: note.id } } })),
    [note.id, note.version, note.status],
  );
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">{t('history.title')}</h2>
      <Loaded resource={history}>
        {(entries) =>
          entries.length === 0 ? (
            <p className="muted">{t('history.none')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('history.when')}</th>
                    <th scope="col">{t('history.what')}</th>
                    <th scope="col">{t('history.who')}</th>
                    <th scope="col">{t('history.details')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...entries].reverse().map((entry, index) => (
                    <tr key={`${entry.at}-${index}`}>
                      <td>
                        <DateTime value={entry.at} />
                      </td>
                      <td>{t(`history.actions.${entry.action}`, { defaultValue: entry.action })}</td>
                      <td>{entry.actorName ?? t('history.system')}</td>
                      <td>
                        <Details entry={entry} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </section>
  );
}

function Details({ entry }: { entry: HistoryEntry }) {
  const { t } = useTranslation(['notes', 'common']);
  const countryName = useCountryNames();
  const join = useListJoin();
  const details = entry.details as Record<string, unknown> | null;
  if (!details || Object.keys(details).length === 0) return <>—</>;
  // The secretariat's view: the whole before and after of the audit record.
  if ('before' in details || 'after' in details) {
    return (
      <details>
        <summary>{t('history.showRecord')}</summary>
        <pre className="wrap notes-json">{JSON.stringify(details, null, 2)}</pre>
      </details>
    );
  }
  return (
    <dl className="facts notes-compact">
      {Object.entries(details).map(([key, value]) => (
        <div key={key} className="notes-pair">
          <dt>{t(`history.keys.${key}`, { defaultValue: key })}</dt>
          <dd>
            {key === 'status' && typeof value === 'string'
              ? t(`common:status.${value}`, { defaultValue: value })
              : key === 'countryCodes' && Array.isArray(value)
                ? join(value.map((c) => countryName(String(c))))
                : show(value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}
