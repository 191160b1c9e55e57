import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type ApiError } from '../../api/client';
import { useUser } from '../../auth/session';
import { Badge, ENDORSEMENT_TONE } from '../../components/Badge';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { useCountryNames } from '../../countries';
import { useAction } from '../../hooks';
import { EDITABLE, useListJoin, standing, type Note, type PrecheckItem, type Reference } from './data';
import { CheckList, PrecheckPanel } from './Precheck';

/** The failed checks a 422 refusal of the endorsement request (or submission) carries. */
function refusedChecks(error: ApiError | undefined): PrecheckItem[] {
  const blocking = (error?.problem as { blocking?: unknown } | undefined)?.blocking;
  return Array.isArray(blocking) ? (blocking as PrecheckItem[]) : [];
}

export function EndorsementTab({
  note,
  reference,
  onChanged,
}: {
  note: Note;
  reference: Reference | undefined;
  onChanged: () => void;
}) {
  const { t } = useTranslation('notes');
  const user = useUser();
  const me = standing(note, user);
  const [message, setMessage] = useState<string | null>(null);
  const countryRoute = note.scope === 'national' || note.scope === 'multi_country';
  const focalRoute = note.scope === 'regional' || note.scope === 'global';
  const focalPoint =
    focalRoute &&
    (reference?.organizations
      .find((o) => o.code === note.conveningOrganizationCode)
      ?.focalPointUserIds.includes(user.id) ??
      false);

  const act = useAction(
    async (
      path: 'endorsement-requests' | 'endorsement-requests/recall' | 'sign-off' | 'submit',
      done: string,
    ) => {
      const params = { params: { path: { id: note.id } } };
      if (path === 'endorsement-requests')
        await unwrap(api.POST('/api/v1/concept-notes/{id}/endorsement-requests', params));
      else if (path === 'endorsement-requests/recall')
        await unwrap(api.POST('/api/v1/concept-notes/{id}/endorsement-requests/recall', params));
      else if (path === 'sign-off') await unwrap(api.POST('/api/v1/concept-notes/{id}/sign-off', params));
      else await unwrap(api.POST('/api/v1/concept-notes/{id}/submit', params));
      setMessage(done);
      onChanged();
    },
  );
  const run = (path: Parameters<typeof act.run>[0], done: string) => {
    setMessage(null);
    void act.run(path, done);
  };
  const blocking = refusedChecks(act.error);

  return (
    <>
      <section className="card" aria-labelledby="endorsement-title">
        <h2 id="endorsement-title">{t('endorsement.title')}</h2>
        <p>
          {countryRoute
            ? t('endorsement.countryRoute')
            : focalRoute
              ? t('endorsement.focalRoute')
              : t('endorsement.noScope')}
        </p>
        {message ? <Notice>{message}</Notice> : null}
        {/* A 422 refusal lists the failed checks (the server's reasons, one by one); any other refusal, its message. */}
        {blocking.length ? null : <ProblemBanner error={act.error} />}
        {blocking.length ? (
          <div className="problem" role="alert">
            <strong>{t('endorsement.refusedChecks')}</strong>
            <CheckList items={blocking} />
          </div>
        ) : null}

        {me.lead && !focalRoute ? (
          <div className="actions">
            {EDITABLE.includes(note.status) ? (
              <button
                type="button"
                className="primary"
                disabled={act.busy}
                onClick={() => run('endorsement-requests', t('endorsement.requested'))}
              >
                {t('endorsement.request')}
              </button>
            ) : null}
            {note.status === 'awaiting_endorsement' ? (
              <button
                type="button"
                disabled={act.busy}
                onClick={() => run('endorsement-requests/recall', t('endorsement.recalled'))}
              >
                {t('endorsement.recall')}
              </button>
            ) : null}
          </div>
        ) : null}

        {focalRoute ? (
          <>
            <p>
              {note.signedOffAt ? (
                <>
                  <span className="badge ok">{t('endorsement.signedOff')}</span>{' '}
                  <DateTime value={note.signedOffAt} />
                </>
              ) : (
                <span className="badge warn">{t('endorsement.notSignedOff')}</span>
              )}
            </p>
            {EDITABLE.includes(note.status) ? (
              <div className="actions">
                {focalPoint ? (
                  <button
                    type="button"
                    disabled={act.busy}
                    onClick={() => run('sign-off', t('endorsement.signedOffDone'))}
                  >
                    {t('endorsement.signOff')}
                  </button>
                ) : null}
                {me.lead ? (
                  <button
                    type="button"
                    className="primary"
                    disabled={act.busy}
                    onClick={() => run('submit', t('endorsement.submitted'))}
                  >
                    {t('endorsement.submit')}
                  </button>
                ) : null}
              </div>
            ) : null}
          </>
        ) : null}

        {countryRoute ? <CountryTable note={note} /> : null}
      </section>

      {EDITABLE.includes(note.status) && (me.member || me.secretariat) ? (
        <section className="card" aria-labelledby="precheck-title">
          <h2 id="precheck-title">{t('precheck.title')}</h2>
          <p className="muted">{t('precheck.explain')}</p>
          <PrecheckPanel noteId={note.id} refresh={note.version} auto />
        </section>
      ) : null}
    </>
  );
}

export function CountryTable({ note }: { note: Note }) {
  const { t } = useTranslation('notes');
  const countryName = useCountryNames();
  // Before endorsement is asked for, every country is trivially pending: nothing to show yet.
  if (note.endorsements.length === 0) return null;
  if (EDITABLE.includes(note.status) && note.endorsements.every((e) => e.state === 'pending')) return null;
  return (
    <div className="table-wrap">
      <table>
        <caption>{t('endorsement.byCountry')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('fields.country')}</th>
            <th scope="col">{t('fields.status')}</th>
            <th scope="col">{t('endorsement.by')}</th>
            <th scope="col">{t('endorsement.at')}</th>
            <th scope="col">{t('endorsement.comment')}</th>
            <th scope="col" className="num">
              {t('endorsement.age')}
            </th>
          </tr>
        </thead>
        <tbody>
          {note.endorsements.map((e) => (
            <tr key={e.countryCode}>
              <th scope="row">{countryName(e.countryCode)}</th>
              <td>
                <Badge tone={ENDORSEMENT_TONE[e.state]}>{t(`endorsement.state.${e.state}`)}</Badge>
                {e.kind && e.kind !== 'resident_coordinator' ? (
                  <span className="muted"> ({t(`endorsement.kind.${e.kind}`)})</span>
                ) : null}
              </td>
              <td>{e.by ?? '—'}</td>
              <td>{e.at ? <DateTime value={e.at} /> : '—'}</td>
              <td>{e.comment || '—'}</td>
              <td className="num">{e.ageDays}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A Resident Coordinator (or RC office member acting for one) deciding on a note awaiting their
 * endorsement: endorse or return it with a comment, or withdraw their endorsement before submission.
 */
export function RcDecisionPanel({
  note,
  onChanged,
  message,
  onMessage,
}: {
  note: Note;
  onChanged: () => void;
  message: string | null;
  onMessage: (message: string | null) => void;
}) {
  const { t } = useTranslation('notes');
  const user = useUser();
  const me = standing(note, user);
  const [comment, setComment] = useState('');
  // Decided: the form stays hidden while the note reloads (no second click on a stale screen).
  const [decided, setDecided] = useState(false);
  const states = new Map(note.endorsements.map((e) => [e.countryCode, e.state]));
  const endorsedMine = me.myCountries.filter((c) => states.get(c) === 'endorsed');
  const pendingMine = me.myCountries.filter((c) => states.get(c) !== 'endorsed');
  const awaiting = note.status === 'awaiting_endorsement';
  // An acting RC (under a delegation) may cover countries that are not in their own profile.
  const canDecide = awaiting && !decided && (pendingMine.length > 0 || me.myCountries.length === 0);
  const join = useListJoin();
  const countryName = useCountryNames();
  const names = (codes: string[]) => join(codes.map(countryName));

  const decide = useAction(async (decision: 'endorse' | 'return') => {
    const answer = await unwrap(
      api.POST('/api/v1/concept-notes/{id}/endorsements', {
        params: { path: { id: note.id } },
        body: { decision, ...(comment.trim() ? { comment } : {}) },
      }),
    );
    setComment('');
    setDecided(true);
    onMessage(
      decision === 'return'
        ? t('rc.returnedDone')
        : answer.status === 'submitted'
          ? t('rc.endorsedSubmitted')
          : t('rc.endorsedDone'),
    );
    onChanged();
  });
  const withdraw = useAction(async () => {
    await unwrap(
      api.DELETE('/api/v1/concept-notes/{id}/endorsements/mine', { params: { path: { id: note.id } } }),
    );
    setDecided(false);
    onMessage(t('rc.withdrawnDone'));
    onChanged();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onMessage(null);
    void decide.run('endorse');
  };

  return (
    <section className="card notes-rc" aria-labelledby="rc-title">
      <h2 id="rc-title">{t('rc.title')}</h2>
      {message ? <Notice>{message}</Notice> : null}
      <ProblemBanner error={withdraw.error} />
      {canDecide ? (
        <form onSubmit={submit} noValidate className="narrow">
          <p>
            {pendingMine.length ? t('rc.youDecideFor', { countries: names(pendingMine) }) : t('rc.youDecide')}
          </p>
          <ProblemBanner error={decide.error} shown={['comment']} />
          <Field label={t('rc.comment')} hint={t('rc.commentHint')} error={decide.error?.field('comment')}>
            <textarea value={comment} onChange={(e) => setComment(e.target.value)} />
          </Field>
          <div className="actions">
            <button type="submit" className="primary" disabled={decide.busy}>
              {t('rc.endorse')}
            </button>
            <button
              type="button"
              className="danger"
              disabled={decide.busy}
              onClick={() => {
                onMessage(null);
                void decide.run('return');
              }}
            >
              {t('rc.return')}
            </button>
          </div>
        </form>
      ) : null}
      {awaiting && endorsedMine.length > 0 ? (
        <div className="actions">
          <span>{t('rc.youEndorsed', { countries: names(endorsedMine) })}</span>
          <button
            type="button"
            disabled={withdraw.busy}
            onClick={() => {
              onMessage(null);
              void withdraw.run();
            }}
          >
            {t('rc.withdraw')}
          </button>
        </div>
      ) : null}
      {awaiting ? <CountryTable note={note} /> : null}
    </section>
  );
}
