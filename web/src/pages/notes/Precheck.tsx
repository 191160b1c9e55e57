import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { ProblemBanner } from '../../components/Problem';
import { useResource } from '../../hooks';
import type { Precheck, PrecheckItem } from './data';

const KNOWN = ['REQUIRED', 'E1', 'E2', 'E3', 'E4', 'BUDGET', 'E5', 'E6', 'E7', 'E8'];

export function CheckName({ code }: { code: string }) {
  const { t } = useTranslation('notes');
  return <>{KNOWN.includes(code) ? t(`precheck.check.${code}`) : code}</>;
}

/** The label of a field the precheck names (`markers.gender.justification`), when the form has one. */
const FIELD_LABEL: Record<string, string> = {
  title: 'fields.title',
  summary: 'fields.summary',
  summaryEn: 'fields.summaryEn',
  scope: 'fields.scope',
  primaryThematicAreaCode: 'fields.primaryThematicArea',
  gcmObjectiveNumbers: 'fields.gcmObjectives',
  conveningOrganizationCode: 'fields.conveningOrganization',
  participatingOrganizations: 'fields.participatingOrganizations',
  totalBudgetUsd: 'fields.totalBudget',
  durationMonths: 'fields.duration',
  'markers.gender': 'form.markerScore.gender',
  'markers.humanRights': 'form.markerScore.humanRights',
  'markers.childSensitivity': 'form.markerScore.childSensitivity',
  'markers.gender.justification': 'form.markerJustification.gender',
  'markers.humanRights.justification': 'form.markerJustification.humanRights',
  'markers.childSensitivity.justification': 'form.markerJustification.childSensitivity',
  beneficiaries: 'fields.beneficiaries',
  theoryOfChange: 'fields.theoryOfChange',
  expectedResults: 'fields.expectedResults',
  sustainability: 'fields.sustainability',
  risks: 'fields.risks',
};

/** A reason as the server wrote it; "<field> is required" names the field as the form labels it. */
function Reason({ text }: { text: string }) {
  const { t } = useTranslation('notes');
  const missing = /^([\w.]+) is required$/.exec(text)?.[1];
  if (missing && FIELD_LABEL[missing])
    return <>{t('precheck.missing', { field: t(FIELD_LABEL[missing]) })}</>;
  return <>{text}</>;
}

/** Failed checks with the server's reasons, one entry per reason. */
export function CheckList({ items }: { items: PrecheckItem[] }) {
  return (
    <ul className="notes-checks">
      {items.map((item) => (
        <li key={item.code}>
          <strong>
            <CheckName code={item.code} />
          </strong>
          {item.reasons.length > 0 ? (
            <ul>
              {item.reasons.map((reason) => (
                <li key={reason}>
                  <Reason text={reason} />
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** The automatic checks on the working copy (GET …/precheck): what blocks the request, and the warnings. */
export function PrecheckPanel({
  noteId,
  auto = false,
  refresh = 0,
}: {
  noteId: string;
  auto?: boolean;
  refresh?: number;
}) {
  const { t } = useTranslation('notes');
  const [runs, setRuns] = useState(auto ? 1 : 0);
  const result = useResource<Precheck | null>(
    () =>
      runs === 0
        ? Promise.resolve(null)
        : unwrap(api.GET('/api/v1/concept-notes/{id}/precheck', { params: { path: { id: noteId } } })),
    [noteId, runs, refresh],
  );
  const data = result.data;
  return (
    <div className="notes-precheck">
      <div className="actions">
        <button type="button" onClick={() => setRuns((n) => n + 1)} disabled={result.loading && runs > 0}>
          {t('precheck.run')}
        </button>
        {result.loading && runs > 0 ? (
          <span className="muted" role="status">
            {t('precheck.running')}
          </span>
        ) : null}
      </div>
      <ProblemBanner error={result.error} />
      {data ? <PrecheckResult result={data} /> : null}
    </div>
  );
}

export function PrecheckResult({ result }: { result: Precheck }) {
  const { t } = useTranslation('notes');
  return (
    <div aria-live="polite">
      {result.ready ? (
        <p className="notice">{t('precheck.ready')}</p>
      ) : (
        <p className="problem">{t('precheck.notReady')}</p>
      )}
      <h3>{t('precheck.blocking')}</h3>
      {result.blocking.length ? (
        <CheckList items={result.blocking} />
      ) : (
        <p className="muted">{t('precheck.noBlocking')}</p>
      )}
      <h3>{t('precheck.warnings')}</h3>
      {result.warnings.length ? (
        <CheckList items={result.warnings} />
      ) : (
        <p className="muted">{t('precheck.noWarnings')}</p>
      )}
      <details>
        <summary>{t('precheck.allChecks')}</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('precheck.check.title')}</th>
                <th scope="col">{t('precheck.outcome')}</th>
                <th scope="col">{t('precheck.severity')}</th>
                <th scope="col">{t('precheck.reasons')}</th>
              </tr>
            </thead>
            <tbody>
              {result.items.map((item) => (
                <tr key={item.code}>
                  <td>
                    <CheckName code={item.code} />
                  </td>
                  <td>
                    <span
                      className={
                        item.outcome === 'pass'
                          ? 'badge ok'
                          : item.outcome === 'fail'
                            ? 'badge bad'
                            : 'badge warn'
                      }
                    >
                      {t(`precheck.outcomes.${item.outcome}`)}
                    </span>
                  </td>
                  <td>{t(`precheck.severities.${item.severity}`)}</td>
                  <td>{item.reasons.join('; ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
