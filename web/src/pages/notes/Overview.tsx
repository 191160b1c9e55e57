import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useUser } from '../../auth/session';
import { Field } from '../../components/Field';
import { ProblemBanner } from '../../components/Problem';
import { Money } from '../../components/Time';
import { useAction } from '../../hooks';
import { LANGUAGE_NAMES, type Language } from '../../i18n';
import {
  MARKERS,
  NARRATIVE,
  organizationName,
  standing,
  useListJoin,
  WITHDRAWABLE,
  type Note,
  type Reference,
} from './data';

export function OverviewTab({
  note,
  reference,
  onChanged,
}: {
  note: Note;
  reference: Reference | undefined;
  onChanged: () => void;
}) {
  const { t } = useTranslation(['notes', 'common']);
  const user = useUser();
  const me = standing(note, user);
  const join = useListJoin();
  const area = reference?.areas.find((a) => a.code === note.primaryThematicAreaCode);
  const mismatch = note.totalBudgetUsd !== null && note.totalBudgetUsd !== note.sharesTotalUsd;
  return (
    <>
      <section className="card" aria-labelledby="overview-summary">
        <h2 id="overview-summary">{t('fields.summary')}</h2>
        <pre className="wrap" lang={note.language}>
          {note.summary || '—'}
        </pre>
        {note.language !== 'en' ? (
          <>
            <h3>{t('fields.summaryEn')}</h3>
            <pre className="wrap" lang="en">
              {note.summaryEn || '—'}
            </pre>
          </>
        ) : null}
        <dl className="facts notes-facts-spaced">
          <dt>{t('fields.language')}</dt>
          <dd>{LANGUAGE_NAMES[note.language as Language] ?? note.language}</dd>
          <dt>{t('fields.primaryThematicArea')}</dt>
          <dd>{area ? `${area.code} — ${area.title}` : (note.primaryThematicAreaCode ?? '—')}</dd>
          <dt>{t('fields.gcmObjectives')}</dt>
          <dd>
            {note.gcmObjectiveNumbers.length ? (
              <ul className="notes-plain">
                {note.gcmObjectiveNumbers.map((n) => (
                  <li key={n}>
                    {t('form.objective', {
                      number: n,
                      title: reference?.objectives.find((o) => o.number === n)?.title ?? '',
                    })}
                  </li>
                ))}
              </ul>
            ) : (
              '—'
            )}
          </dd>
          <dt>{t('fields.implementingPartners')}</dt>
          <dd>{join(note.implementingPartners) || '—'}</dd>
          <dt>{t('fields.duration')}</dt>
          <dd>{note.durationMonths ?? '—'}</dd>
          <dt>{t('fields.template')}</dt>
          <dd>
            {note.template ? note.template.filename : <span className="muted">{t('view.noTemplate')}</span>}
          </dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="overview-budget">
        <h2 id="overview-budget">{t('view.budget')}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('view.organization')}</th>
                <th scope="col" className="num">
                  {t('view.directCosts')}
                </th>
                <th scope="col" className="num">
                  {t('view.indirectCosts')}
                </th>
                <th scope="col" className="num">
                  {t('view.shareTotal')}
                </th>
              </tr>
            </thead>
            <tbody>
              {note.participatingOrganizations.map((p) => (
                <tr key={p.organizationCode}>
                  <th scope="row">{organizationName(reference, p.organizationCode)}</th>
                  <td className="num">
                    <Money value={p.directCostsUsd} />
                  </td>
                  <td className="num">
                    <Money value={p.indirectSupportCostsUsd} />
                  </td>
                  <td className="num">
                    <Money value={p.totalUsd} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  {t('view.sharesTotal')}
                </th>
                <td className="num">
                  <Money value={note.sharesTotalUsd} />
                </td>
              </tr>
              <tr>
                <th scope="row" colSpan={3}>
                  {t('fields.totalBudget')}
                </th>
                <td className="num">
                  <Money value={note.totalBudgetUsd} />
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
        {mismatch ? (
          <p className="warning" role="note">
            {t('view.budgetMismatch')}
          </p>
        ) : null}
      </section>

      <section className="card" aria-labelledby="overview-markers">
        <h2 id="overview-markers">{t('form.sectionMarkers')}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('view.marker')}</th>
                <th scope="col">{t('view.score')}</th>
                <th scope="col">{t('view.justification')}</th>
              </tr>
            </thead>
            <tbody>
              {MARKERS.map((name) => {
                const marker = note.markers[name];
                return (
                  <tr key={name}>
                    <th scope="row">{t(`marker.${name}`)}</th>
                    <td>{marker.marker === null ? '—' : t(`markerScore.${marker.marker}`)}</td>
                    <td>
                      <pre className="wrap">{marker.justification || '—'}</pre>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="overview-narrative">
        <h2 id="overview-narrative">{t('form.sectionNarrative')}</h2>
        {NARRATIVE.map((name) => (
          <div key={name}>
            <h3>{t(`fields.${name}`)}</h3>
            <pre className="wrap" lang={note.language}>
              {note[name] || '—'}
            </pre>
          </div>
        ))}
      </section>

      {me.lead && WITHDRAWABLE.includes(note.status) ? <Withdraw note={note} onChanged={onChanged} /> : null}
    </>
  );
}

function Withdraw({ note, onChanged }: { note: Note; onChanged: () => void }) {
  const { t } = useTranslation('notes');
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const withdraw = useAction(async () => {
    await unwrap(
      api.POST('/api/v1/concept-notes/{id}/withdraw', {
        params: { path: { id: note.id } },
        body: { reason },
      }),
    );
    onChanged();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void withdraw.run();
  };
  return (
    <section className="card" aria-labelledby="withdraw-title">
      <h2 id="withdraw-title">{t('withdraw.title')}</h2>
      {!open ? (
        <button type="button" className="danger" onClick={() => setOpen(true)}>
          {t('withdraw.open')}
        </button>
      ) : (
        <form onSubmit={submit} noValidate className="narrow">
          <p>{t('withdraw.explain')}</p>
          <ProblemBanner error={withdraw.error} shown={['reason']} />
          <Field label={t('withdraw.reason')} error={withdraw.error?.field('reason')} required>
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <div className="actions">
            <button type="submit" className="danger" disabled={withdraw.busy}>
              {t('withdraw.confirm')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('common:cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
