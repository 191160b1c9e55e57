import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { useUser } from '../../auth/session';
import { Badge, type Tone } from '../../components/Badge';
import { ExportButtons } from '../../components/ExportButtons';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Page, Section } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { calendarDay, formatDate } from '../../format';
import { useAction, useNow, useResource } from '../../hooks';
import './work.css';

type Delegation = Schemas['DelegationView'];

const PAGE_SIZE = 50;
type DelegationState = 'active' | 'upcoming' | 'ended' | 'revoked';

const STATE_TONE: Record<DelegationState, Tone> = {
  active: 'ok',
  upcoming: 'warn',
  ended: '',
  revoked: 'bad',
};

function stateOf(d: Delegation, today: string): DelegationState {
  if (d.revokedAt) return 'revoked';
  if (today < d.startsOn) return 'upcoming';
  if (today > d.endsOn) return 'ended';
  return 'active';
}

/** Acting-RC delegations: the RC names one for a period and revokes it; the secretariat reads them all. */
export function DelegationsPage() {
  const { t, i18n } = useTranslation(['work', 'common']);
  const user = useUser();
  const isRc = user.roles.includes('resident_coordinator');
  const [page, setPage] = useState(1);
  const list = useResource(
    () => unwrap(api.GET('/api/v1/delegations', { params: { query: { page, limit: PAGE_SIZE } } })),
    [page],
  );
  const [created, setCreated] = useState<Delegation | null>(null);

  // People the RC has delegated to or received a delegation from: the usual acting RCs.
  const known = new Map<string, string>();
  for (const d of list.data?.items ?? []) {
    if (d.delegateId !== user.id) known.set(d.delegateId, d.delegateName);
    if (d.residentCoordinatorId !== user.id) known.set(d.residentCoordinatorId, d.residentCoordinatorName);
  }

  return (
    <Page
      title={t('delegations.title')}
      actions={
        user.roles.includes('secretariat') ? (
          <ExportButtons
            path="/api/v1/delegations"
            name="delegations"
            csv={t('delegations.exportCsv')}
            xlsx={t('delegations.exportXlsx')}
          />
        ) : null
      }
    >
      <p>{t('delegations.intro')}</p>
      {isRc ? (
        <Section title={t('delegations.createTitle')} id="delegation-create">
          <CreateDelegation
            known={[...known.entries()]}
            onCreated={(delegation) => {
              setCreated(delegation);
              list.reload();
            }}
          />
          {created ? (
            <Notice>
              {t('delegations.created', {
                name: created.delegateName,
                from: formatDate(created.startsOn, i18n.language),
                to: formatDate(created.endsOn, i18n.language),
              })}
            </Notice>
          ) : null}
        </Section>
      ) : (
        <p className="muted">{t('delegations.readOnly')}</p>
      )}
      <Section title={t('delegations.listTitle')} id="delegation-list">
        <Loaded resource={list}>
          {(answer) => (
            <>
              <DelegationTable items={answer.items} onChanged={() => list.reload()} />
              <Pager
                label={t('delegations.pagination')}
                page={page}
                limit={PAGE_SIZE}
                total={answer.total}
                onPage={setPage}
              />
            </>
          )}
        </Loaded>
      </Section>
    </Page>
  );
}

function CreateDelegation({
  known,
  onCreated,
}: {
  known: [string, string][];
  onCreated: (d: Delegation) => void;
}) {
  const { t } = useTranslation(['work', 'common']);
  const user = useUser();
  const listId = useId();
  const [delegateId, setDelegateId] = useState('');
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const create = useAction(async () => {
    const delegation = await unwrap(
      api.POST('/api/v1/delegations', { body: { delegateId: delegateId.trim(), startsOn, endsOn } }),
    );
    setDelegateId('');
    setStartsOn('');
    setEndsOn('');
    onCreated(delegation);
    return delegation;
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  return (
    <form onSubmit={submit} noValidate className="narrow">
      <p className="muted">
        {t('delegations.yourId')} <code className="work-id">{user.id}</code>
      </p>
      <ProblemBanner error={create.error} shown={['delegateId', 'startsOn', 'endsOn']} />
      <Field
        label={t('delegations.delegate')}
        hint={t('delegations.delegateHint')}
        error={create.error?.field('delegateId')}
        required
      >
        <input
          value={delegateId}
          onChange={(e) => setDelegateId(e.target.value)}
          list={known.length > 0 ? listId : undefined}
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      {known.length > 0 ? (
        <datalist id={listId}>
          {known.map(([id, name]) => (
            <option key={id} value={id} label={name} />
          ))}
        </datalist>
      ) : null}
      <Field label={t('delegations.startsOn')} error={create.error?.field('startsOn')} required>
        <input type="date" value={startsOn} onChange={(e) => setStartsOn(e.target.value)} />
      </Field>
      <Field
        label={t('delegations.endsOn')}
        hint={t('delegations.endsOnHint')}
        error={create.error?.field('endsOn')}
        required
      >
        <input type="date" value={endsOn} onChange={(e) => setEndsOn(e.target.value)} />
      </Field>
      <button type="submit" className="primary" disabled={create.busy}>
        {t('delegations.create')}
      </button>
    </form>
  );
}

function DelegationTable({ items, onChanged }: { items: Delegation[]; onChanged: () => void }) {
  const { t, i18n } = useTranslation(['work', 'common']);
  const user = useUser();
  const now = useNow();
  const today = calendarDay(now, user.timeZone);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [revoked, setRevoked] = useState<Delegation | null>(null);
  const revoke = useAction(async (id: string) => {
    const done = await unwrap(api.DELETE('/api/v1/delegations/{id}', { params: { path: { id } } }));
    setConfirming(null);
    setRevoked(done);
    onChanged();
    return done;
  });
  if (items.length === 0) return <p>{t('delegations.empty')}</p>;
  const day = (value: string) => formatDate(value, i18n.language);
  return (
    <>
      <ProblemBanner error={revoke.error} />
      {revoked ? <Notice>{t('delegations.revoked', { name: revoked.delegateName })}</Notice> : null}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t('delegations.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('delegations.col.rc')}</th>
              <th scope="col">{t('delegations.col.delegate')}</th>
              <th scope="col">{t('delegations.col.period')}</th>
              <th scope="col">{t('delegations.col.state')}</th>
              <th scope="col">{t('delegations.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => {
              const state = stateOf(d, today);
              const mine = d.residentCoordinatorId === user.id;
              const period = t('delegations.period', { from: day(d.startsOn), to: day(d.endsOn) });
              return (
                <tr key={d.id}>
                  <td>
                    {d.residentCoordinatorName}
                    {mine ? <span className="muted"> {t('delegations.you')}</span> : null}
                  </td>
                  <td>
                    {d.delegateName}
                    {d.delegateId === user.id ? <span className="muted"> {t('delegations.you')}</span> : null}
                  </td>
                  <td>{period}</td>
                  <td>
                    <Badge tone={STATE_TONE[state]}>{t(`delegations.state.${state}`)}</Badge>
                    {d.revokedAt ? (
                      <div className="muted">
                        <DateTime value={d.revokedAt} />
                      </div>
                    ) : null}
                  </td>
                  <td>
                    {mine && state !== 'revoked' && state !== 'ended' ? (
                      confirming === d.id ? (
                        <div className="work-confirm" role="group" aria-label={t('delegations.confirmLabel')}>
                          <span>{t('delegations.confirmQuestion', { name: d.delegateName })}</span>
                          <div className="actions">
                            <button
                              type="button"
                              className="danger"
                              disabled={revoke.busy}
                              onClick={() => void revoke.run(d.id)}
                            >
                              {t('delegations.confirmRevoke')}
                            </button>
                            <button
                              type="button"
                              onClick={() => {
                                setConfirming(null);
                                revoke.clear();
                              }}
                            >
                              {t('common:cancel')}
                            </button>
                          </div>
                        </div>
                      ) : (
                        <button
                          type="button"
                          className="danger"
                          onClick={() => {
                            revoke.clear();
                            setRevoked(null);
                            setConfirming(d.id);
                          }}
                          aria-label={`${t('delegations.revoke')} ${t('delegations.revokeWhich', { name: d.delegateName, period })}`}
                        >
                          {t('delegations.revoke')}
                        </button>
                      )
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
