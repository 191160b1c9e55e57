import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { NoteStatusBadge } from '../../components/Badge';
import { ExportButtons } from '../../components/ExportButtons';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime, Money } from '../../components/Time';
import { formatDate, formatNumber } from '../../format';
import { useAction, useResource } from '../../hooks';
import './secretariat.css';

type Entry = Schemas['PipelineEntryView'];
type PipelineStatus = Entry['status'];
const LIMIT = 25;

function RemovalForm({
  entry,
  onDone,
  onCancel,
}: {
  entry: Entry;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation(['secretariat', 'common']);
  const [reason, setReason] = useState('');
  const remove = useAction(async () => {
    await unwrap(
      api.POST('/api/v1/pipeline/{conceptNoteId}/removal', {
        params: { path: { conceptNoteId: entry.conceptNoteId } },
        body: { reason },
      }),
    );
    onDone();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void remove.run();
  };
  return (
    <form className="sec-inline-form" onSubmit={submit} noValidate>
      <ProblemBanner error={remove.error} shown={['reason']} />
      <Field label={t('pipeline.reason')} error={remove.error?.field('reason')} required>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <div className="actions">
        <button type="submit" className="danger" disabled={remove.busy}>
          {t('pipeline.confirmRemoval')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common:cancel')}
        </button>
      </div>
    </form>
  );
}

export function Pipeline() {
  const { t, i18n } = useTranslation(['secretariat', 'common']);
  const { hasRole } = useSession();
  const canRemove = hasRole('secretariat');
  const [status, setStatus] = useState<PipelineStatus | ''>('');
  const [meeting, setMeeting] = useState('');
  const [page, setPage] = useState(1);
  const [removing, setRemoving] = useState<string>();
  const [removed, setRemoved] = useState<string>();
  const list = useResource(
    () =>
      unwrap(
        api.GET('/api/v1/pipeline', {
          params: {
            query: {
              status: status || undefined,
              meeting: meeting || undefined,
              page,
              limit: LIMIT,
            },
          },
        }),
      ),
    [status, meeting, page],
  );
  const meetings = useResource(
    () => unwrap(api.GET('/api/v1/meetings', { params: { query: { page: 1, limit: 100 } } })),
    [],
  );

  return (
    <Page title={t('pipeline.title')}>
      <p className="muted">{t('pipeline.intro')}</p>
      <div className="card">
        <div className="sec-filters" role="search" aria-label={t('pipeline.filters')}>
          <Field label={t('pipeline.status')}>
            <select
              value={status}
              onChange={(e) => {
                setStatus(e.target.value as PipelineStatus | '');
                setPage(1);
              }}
            >
              <option value="">{t('pipeline.allStatuses')}</option>
              <option value="approved">{t('common:status.approved')}</option>
              <option value="funded">{t('common:status.funded')}</option>
            </select>
          </Field>
          <Field label={t('pipeline.meeting')}>
            <select
              value={meeting}
              onChange={(e) => {
                setMeeting(e.target.value);
                setPage(1);
              }}
            >
              <option value="">{t('pipeline.allMeetings')}</option>
              {(meetings.data?.items ?? []).map((m) => (
                <option key={m.id} value={m.id}>
                  {m.title} ({formatDate(m.startsAt, i18n.language, m.timeZone)})
                </option>
              ))}
            </select>
          </Field>
        </div>
        <ExportButtons
          path="/api/v1/pipeline"
          params={{ status, meeting }}
          name="pipeline"
          label={t('export.label', { what: t('pipeline.title') })}
          csv={t('export.csv')}
          xlsx={t('export.xlsx')}
        />
      </div>
      <ProblemBanner error={meetings.error} />
      {removed ? <Notice>{t('pipeline.removed', { note: removed })}</Notice> : null}
      {list.data ? <ProblemBanner error={list.error} /> : null}
      <Loaded resource={list}>
        {(data) => (
          <>
            <div className="table-wrap">
              <table>
                <caption>{t('pipeline.table')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('pipeline.reference')}</th>
                    <th scope="col">{t('pipeline.noteTitle')}</th>
                    <th scope="col">{t('pipeline.status')}</th>
                    <th scope="col">{t('pipeline.area')}</th>
                    <th scope="col">{t('pipeline.countries')}</th>
                    <th scope="col">{t('pipeline.convening')}</th>
                    <th scope="col" className="num">
                      {t('pipeline.requested')}
                    </th>
                    <th scope="col" className="num">
                      {t('pipeline.funded')}
                    </th>
                    <th scope="col" className="num">
                      {t('pipeline.meanScore')}
                    </th>
                    <th scope="col" className="num">
                      {t('pipeline.reviews')}
                    </th>
                    <th scope="col">{t('pipeline.decided')}</th>
                    <th scope="col">{t('pipeline.fullProgrammeDue')}</th>
                    {canRemove ? <th scope="col">{t('pipeline.action')}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {data.items.length === 0 ? (
                    <tr>
                      <td colSpan={canRemove ? 13 : 12}>{t('pipeline.empty')}</td>
                    </tr>
                  ) : null}
                  {data.items.map((e) => (
                    <tr key={e.conceptNoteId}>
                      <th scope="row">{e.referenceCode ?? '—'}</th>
                      <td>
                        <Link to={`/concept-notes/${e.conceptNoteId}`}>{e.title}</Link>
                      </td>
                      <td>
                        <NoteStatusBadge status={e.status} />
                      </td>
                      <td>{e.primaryThematicAreaCode ?? '—'}</td>
                      <td>{e.countryCodes.join(', ')}</td>
                      <td>{e.conveningOrganizationCode ?? '—'}</td>
                      <td className="num">
                        <Money value={e.requestedTotalUsd} />
                      </td>
                      <td className="num">
                        <Money value={e.fundedTotalUsd} />
                        {e.fundedAmounts.length > 0 ? (
                          <span className="muted">
                            <br />
                            {e.fundedAmounts.map((a) => a.organizationCode).join(', ')}
                          </span>
                        ) : null}
                      </td>
                      <td className="num">
                        {e.meanScore === null ? '—' : formatNumber(e.meanScore, i18n.language, 2)}
                      </td>
                      <td className="num">{e.reviewCount}</td>
                      <td>
                        <DateTime value={e.decidedAt} />
                        {e.meetingTitle ? (
                          <>
                            <br />
                            <span className="muted">{e.meetingTitle}</span>
                          </>
                        ) : null}
                      </td>
                      <td>{e.fullProgrammeDueOn ? formatDate(e.fullProgrammeDueOn, i18n.language) : '—'}</td>
                      {canRemove ? (
                        <td>
                          {e.status === 'approved' ? (
                            removing === e.conceptNoteId ? (
                              <RemovalForm
                                entry={e}
                                onCancel={() => setRemoving(undefined)}
                                onDone={() => {
                                  setRemoving(undefined);
                                  setRemoved(e.referenceCode ?? e.title);
                                  list.reload();
                                }}
                              />
                            ) : (
                              <button
                                type="button"
                                className="danger"
                                aria-label={t('pipeline.removeNamed', { note: e.referenceCode ?? e.title })}
                                onClick={() => {
                                  setRemoved(undefined);
                                  setRemoving(e.conceptNoteId);
                                }}
                              >
                                {t('pipeline.remove')}
                              </button>
                            )
                          ) : null}
                        </td>
                      ) : null}
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
