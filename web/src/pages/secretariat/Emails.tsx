import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { Badge } from '../../components/Badge';
import { ExportButtons } from '../../components/ExportButtons';
import { Field } from '../../components/Field';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { LANGUAGE_NAMES, type Language } from '../../i18n';
import { useResource } from '../../hooks';
import { toneOf } from './shared';
import { EMAIL_TEMPLATES } from './email-templates';

type Notification = Schemas['NotificationView'];
type Status = Notification['status'];
const STATUSES: Status[] = ['pending', 'sending', 'sent', 'failed'];
const LIMIT = 50;

/** The e-mail templates the system sends (templates/email/<locale>/), offered as suggestions. */

interface Filters {
  status: Status | '';
  recipient: string;
  template: string;
  subjectId: string;
}
const EMPTY: Filters = { status: '', recipient: '', template: '', subjectId: '' };

function Subject({ n }: { n: Notification }) {
  const { t } = useTranslation('secretariat');
  if (!n.subjectType || !n.subjectId) return <>—</>;
  const label = t(`emails.subjects.${n.subjectType}`, { defaultValue: n.subjectType });
  if (n.subjectType === 'concept_note') return <Link to={`/concept-notes/${n.subjectId}`}>{label}</Link>;
  if (n.subjectType === 'meeting') return <Link to={`/meetings/${n.subjectId}`}>{label}</Link>;
  return <>{label}</>;
}

export function Emails() {
  const { t } = useTranslation(['secretariat', 'common']);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const query = {
    status: filters.status || undefined,
    recipient: filters.recipient.trim() || undefined,
    template: filters.template.trim() || undefined,
    subjectId: filters.subjectId.trim() || undefined,
  };
  const list = useResource(
    () => unwrap(api.GET('/api/v1/notifications', { params: { query: { ...query, page, limit: LIMIT } } })),
    [query, page],
  );
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    setPage(1);
  };
  const set = (change: Partial<Filters>) => setDraft((current) => ({ ...current, ...change }));

  return (
    <Page title={t('emails.title')}>
      <form className="card" onSubmit={apply} role="search" aria-label={t('emails.filters')}>
        <div className="sec-filters">
          <Field label={t('emails.status')} error={list.error?.field('status')}>
            <select value={draft.status} onChange={(e) => set({ status: e.target.value as Status | '' })}>
              <option value="">{t('emails.allStatuses')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`emails.statuses.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('emails.recipient')} error={list.error?.field('recipient')}>
            <input
              type="search"
              value={draft.recipient}
              onChange={(e) => set({ recipient: e.target.value })}
            />
          </Field>
          <Field label={t('emails.template')} error={list.error?.field('template')}>
            <input
              type="search"
              list="sec-email-templates"
              value={draft.template}
              onChange={(e) => set({ template: e.target.value })}
            />
          </Field>
          <Field
            label={t('emails.subjectId')}
            hint={t('emails.subjectIdHint')}
            error={list.error?.field('subjectId')}
          >
            <input value={draft.subjectId} onChange={(e) => set({ subjectId: e.target.value })} />
          </Field>
        </div>
        <datalist id="sec-email-templates">
          {EMAIL_TEMPLATES.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <div className="actions">
          <button type="submit" className="primary">
            {t('emails.apply')}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setPage(1);
            }}
          >
            {t('emails.reset')}
          </button>
        </div>
        <ExportButtons
          path="/api/v1/notifications"
          params={query}
          name="emails"
          label={t('export.label', { what: t('emails.title') })}
          csv={t('export.csv')}
          xlsx={t('export.xlsx')}
        />
      </form>
      {list.data ? (
        <ProblemBanner error={list.error} shown={['status', 'recipient', 'template', 'subjectId']} />
      ) : null}
      <Loaded resource={list}>
        {(data) => (
          <>
            <div className="table-wrap">
              <table>
                <caption>{t('emails.table')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('emails.created')}</th>
                    <th scope="col">{t('emails.recipient')}</th>
                    <th scope="col">{t('emails.template')}</th>
                    <th scope="col">{t('emails.language')}</th>
                    <th scope="col">{t('emails.status')}</th>
                    <th scope="col" className="num">
                      {t('emails.attempts')}
                    </th>
                    <th scope="col">{t('emails.sent')}</th>
                    <th scope="col">{t('emails.about')}</th>
                    <th scope="col">{t('emails.lastError')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.length === 0 ? (
                    <tr>
                      <td colSpan={9}>{t('emails.empty')}</td>
                    </tr>
                  ) : null}
                  {data.items.map((n) => (
                    <tr key={n.id}>
                      <td>
                        <DateTime value={n.createdAt} />
                      </td>
                      <td>{n.recipientEmail}</td>
                      <td>
                        <code>{n.template}</code>
                      </td>
                      <td lang={n.locale}>{LANGUAGE_NAMES[n.locale as Language] ?? n.locale}</td>
                      <td>
                        <Badge tone={toneOf(n.status)}>{t(`emails.statuses.${n.status}`)}</Badge>
                      </td>
                      <td className="num">{n.attempts}</td>
                      <td>
                        <DateTime value={n.sentAt} />
                      </td>
                      <td>
                        <Subject n={n} />
                      </td>
                      <td>{n.lastError ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              label={t('pager.label')}
              page={data.page}
              limit={data.limit}
              total={data.total}
              onPage={setPage}
              summary={t('pager.total', { total: data.total })}
            />
          </>
        )}
      </Loaded>
    </Page>
  );
}
