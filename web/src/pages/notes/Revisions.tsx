import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { useCountryNames } from '../../countries';
import { formatMoney } from '../../format';
import { useAction, useResource } from '../../hooks';
import { useListJoin, type Note, type Revision } from './data';

type Change = Schemas['FieldChangeView'];

/** The label key of each field a comparison may list. */
const FIELD_LABELS: Record<Change['field'], string> = {
  title: 'fields.title',
  summary: 'fields.summary',
  summaryEn: 'fields.summaryEn',
  language: 'fields.language',
  scope: 'fields.scope',
  countryCodes: 'fields.countries',
  primaryThematicAreaCode: 'fields.primaryThematicArea',
  gcmObjectiveNumbers: 'fields.gcmObjectives',
  conveningOrganizationCode: 'fields.conveningOrganization',
  participatingOrganizations: 'fields.participatingOrganizations',
  totalBudgetUsd: 'fields.totalBudget',
  implementingPartners: 'fields.implementingPartners',
  durationMonths: 'fields.duration',
  markers: 'form.sectionMarkers',
  beneficiaries: 'fields.beneficiaries',
  theoryOfChange: 'fields.theoryOfChange',
  expectedResults: 'fields.expectedResults',
  sustainability: 'fields.sustainability',
  risks: 'fields.risks',
  template: 'fields.template',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function RevisionsTab({ note }: { note: Note }) {
  const { t } = useTranslation('notes');
  const revisions = useResource(
    () => unwrap(api.GET('/api/v1/concept-notes/{id}/revisions', { params: { path: { id: note.id } } })),
    [note.id, note.currentRevision],
  );
  return (
    <section className="card" aria-labelledby="revisions-title">
      <h2 id="revisions-title">{t('revisions.title')}</h2>
      <Loaded resource={revisions}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">{t('revisions.none')}</p>
          ) : (
            <>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col" className="num">
                        {t('revisions.number')}
                      </th>
                      <th scope="col">{t('revisions.frozenAt')}</th>
                      <th scope="col">{t('fields.title')}</th>
                      <th scope="col">{t('revisions.hash')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((r) => (
                      <tr key={r.id}>
                        <td className="num">{r.number}</td>
                        <td>
                          <DateTime value={r.createdAt} />
                        </td>
                        <td>{text((r.content as Record<string, unknown>).title)}</td>
                        <td>
                          <code title={r.contentHash}>{r.contentHash.slice(0, 12)}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {list.length >= 2 ? (
                <Compare note={note} revisions={list} />
              ) : (
                <p className="muted">{t('revisions.onlyOne')}</p>
              )}
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function Compare({ note, revisions }: { note: Note; revisions: Revision[] }) {
  const { t } = useTranslation('notes');
  const numbers = revisions.map((r) => r.number);
  const [a, setA] = useState(numbers[numbers.length - 2]);
  const [b, setB] = useState(numbers[numbers.length - 1]);
  const [result, setResult] = useState<Schemas['RevisionComparisonView'] | null>(null);
  const compare = useAction(async () => {
    const answer = await unwrap(
      api.GET('/api/v1/concept-notes/{id}/revisions/{a}/compare/{b}', {
        params: { path: { id: note.id, a, b } },
      }),
    );
    setResult(answer);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void compare.run();
  };
  return (
    <>
      <form onSubmit={submit} noValidate className="notes-compare">
        <h3>{t('revisions.compareTitle')}</h3>
        <ProblemBanner error={compare.error} shown={['a', 'b']} />
        <div className="notes-row">
          <Field label={t('revisions.from')} error={compare.error?.field('a')}>
            <select value={a} onChange={(e) => setA(Number(e.target.value))}>
              {numbers.map((n) => (
                <option key={n} value={n}>
                  {t('revisions.option', { number: n })}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('revisions.to')} error={compare.error?.field('b')}>
            <select value={b} onChange={(e) => setB(Number(e.target.value))}>
              {numbers.map((n) => (
                <option key={n} value={n}>
                  {t('revisions.option', { number: n })}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <button type="submit" className="primary" disabled={compare.busy}>
          {t('revisions.compare')}
        </button>
      </form>
      {result ? (
        result.changes.length === 0 ? (
          <Notice>{t('revisions.same', { from: result.from, to: result.to })}</Notice>
        ) : (
          <div className="table-wrap" aria-live="polite">
            <table className="notes-diff">
              <caption>{t('revisions.changes', { from: result.from, to: result.to })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('revisions.field')}</th>
                  <th scope="col">{t('revisions.option', { number: result.from })}</th>
                  <th scope="col">{t('revisions.option', { number: result.to })}</th>
                </tr>
              </thead>
              <tbody>
                {result.changes.map((change) => (
                  <tr key={change.field}>
                    <th scope="row">{t(FIELD_LABELS[change.field])}</th>
                    <td className="diff-before">
                      <Value field={change.field} value={change.before} />
                    </td>
                    <td className="diff-after">
                      <Value field={change.field} value={change.after} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
    </>
  );
}

/** One field's value in a revision, readable (codes named, shares and markers one per line). */
function Value({ field, value }: { field: Change['field']; value: unknown }) {
  const { t, i18n } = useTranslation('notes');
  const join = useListJoin();
  const countryName = useCountryNames();
  const money = (amount: unknown) =>
    typeof amount === 'string' || typeof amount === 'number'
      ? formatMoney(amount, i18n.language)
      : text(amount);
  let content: ReactNode;
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    content = '—';
  } else if (field === 'countryCodes' && Array.isArray(value)) {
    content = join(value.map((c) => countryName(String(c))));
  } else if (field === 'scope' && typeof value === 'string') {
    content = t(`scope.${value}`);
  } else if (field === 'participatingOrganizations' && Array.isArray(value)) {
    content = (
      <ul className="notes-plain">
        {value.filter(isRecord).map((share) => (
          <li key={text(share.organizationCode)}>
            {t('revisions.share', {
              organization: text(share.organizationCode),
              direct: money(share.directCostsUsd),
              indirect: money(share.indirectSupportCostsUsd),
              total: money(share.totalUsd),
            })}
          </li>
        ))}
      </ul>
    );
  } else if (field === 'markers' && isRecord(value)) {
    content = (
      <ul className="notes-plain">
        {Object.entries(value).map(([name, marker]) => (
          <li key={name}>
            {t(`marker.${name}`)}:{' '}
            {isRecord(marker) ? `${text(marker.marker)} — ${text(marker.justification)}` : text(marker)}
          </li>
        ))}
      </ul>
    );
  } else if (field === 'totalBudgetUsd') {
    content = money(value);
  } else if (field === 'template' && isRecord(value)) {
    content = text(value.filename);
  } else if (Array.isArray(value)) {
    content = value.map(text).join(', ');
  } else {
    content = text(value);
  }
  return <div className="notes-value">{content}</div>;
}
