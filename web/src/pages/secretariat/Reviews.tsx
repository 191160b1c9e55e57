import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { Field } from '../../components/Field';
import { Page, Section } from '../../components/Page';
import { qualityCriteria, type QualityCriteria } from '../../api/criteria';
import { Badge } from '../../components/Badge';
import { ExportButtons } from '../../components/ExportButtons';
import { Notice } from '../../components/Notice';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { formatNumber } from '../../format';
import { useAction, useResource } from '../../hooks';
import { NoteHeader, useNote, useNoteId, type Note } from './shared';

type Summary = Schemas['ReviewSummaryView'];
type Review = Schemas['ReviewView'];
const RECOMMENDATIONS = ['fund', 'approve', 'revise', 'reject'] as const;

function Score({ value, digits = 2 }: { value: number | null | undefined; digits?: number }) {
  const { i18n } = useTranslation();
  return <>{value === null || value === undefined ? '—' : formatNumber(value, i18n.language, digits)}</>;
}

function SummaryFigures({ summary }: { summary: Summary }) {
  const { t } = useTranslation('secretariat');
  return (
    <dl className="sec-kpis">
      <div>
        <dt>{t('reviews.count')}</dt>
        <dd>{summary.count}</dd>
      </div>
      <div>
        <dt>{t('reviews.outstanding')}</dt>
        <dd>{summary.outstanding}</dd>
      </div>
      <div>
        <dt>{t('reviews.mean')}</dt>
        <dd>
          <Score value={summary.mean} />
        </dd>
      </div>
      <div>
        <dt>{t('reviews.median')}</dt>
        <dd>
          <Score value={summary.median} />
        </dd>
      </div>
      <div>
        <dt>{t('reviews.spread')}</dt>
        <dd>
          <Score value={summary.spread} />
        </dd>
      </div>
    </dl>
  );
}

function ReviewTable({ reviews }: { reviews: Review[] }) {
  const { t } = useTranslation(['secretariat', 'common']);
  return (
    <div className="table-wrap">
      <table>
        <caption>{t('reviews.table')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reviews.label')}</th>
            <th scope="col">{t('reviews.reviewer')}</th>
            <th scope="col">{t('reviews.state')}</th>
            <th scope="col" className="num">
              {t('reviews.weightedScore')}
            </th>
            <th scope="col">{t('reviews.recommendation')}</th>
            <th scope="col">{t('reviews.submittedAt')}</th>
            <th scope="col">{t('reviews.due')}</th>
          </tr>
        </thead>
        <tbody>
          {reviews.length === 0 ? (
            <tr>
              <td colSpan={7}>{t('reviews.none')}</td>
            </tr>
          ) : null}
          {reviews.map((r, index) => (
            <tr key={r.assignmentId ?? index}>
              <th scope="row">{r.label ?? '—'}</th>
              <td>
                {r.reviewer ? `${r.reviewer.name} (${r.reviewer.organizationCode ?? '—'})` : '—'}
                {r.conflictOverrideReason ? (
                  <>
                    <br />
                    <Badge tone="warn">{t('reviews.overridden')}</Badge>{' '}
                    <span className="muted">{r.conflictOverrideReason}</span>
                  </>
                ) : null}
              </td>
              <td>
                <Badge tone={r.state === 'submitted' ? 'ok' : r.assignmentStatus === 'assigned' ? '' : 'bad'}>
                  {t(`reviewers.reviewStates.${r.state}`)}
                </Badge>
                {r.assignmentStatus && r.assignmentStatus !== 'submitted' && r.assignmentStatus !== 'assigned'
                  ? ` (${t(`reviewers.assignmentStatuses.${r.assignmentStatus}`)})`
                  : ''}
              </td>
              <td className="num">
                <Score value={r.weightedScore} />
              </td>
              <td>{r.recommendation ? t(`reviews.recommendations.${r.recommendation}`) : '—'}</td>
              <td>
                <DateTime value={r.submittedAt} />
              </td>
              <td>
                <DateTime value={r.dueAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReviewDetails({ reviews, quality }: { reviews: Review[]; quality: QualityCriteria | undefined }) {
  const { t } = useTranslation('secretariat');
  const shown = reviews.filter((r) => r.scores.length > 0 || r.overallComment);
  if (shown.length === 0) return null;
  const title = (code: string) => quality?.criteria.find((c) => c.code === code)?.title ?? '';
  return (
    <>
      {shown.map((r, index) => {
        const who = r.label ?? r.reviewer?.name ?? String(index + 1);
        return (
          <details key={r.assignmentId ?? index} className="sec-details">
            <summary>
              {t('reviews.scoresOf', { who: r.reviewer ? `${who} — ${r.reviewer.name}` : who })}
            </summary>
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{t('reviews.scoresOf', { who })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('reviews.criterion')}</th>
                    <th scope="col" className="num">
                      {t('reviews.score')}
                    </th>
                    <th scope="col">{t('reviews.comment')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.scores.map((s) => (
                    <tr key={s.code}>
                      <th scope="row">
                        {s.code} {title(s.code)}
                      </th>
                      <td className="num">
                        {s.score}
                        {quality?.scale.labels[String(s.score)]
                          ? ` (${quality.scale.labels[String(s.score)]})`
                          : ''}
                      </td>
                      <td>{s.comment ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {r.overallComment ? (
              <p>
                <strong>{t('reviews.overallComment')}</strong> {r.overallComment}
              </p>
            ) : null}
          </details>
        );
      })}
    </>
  );
}

function CriterionMeans({ summary, quality }: { summary: Summary; quality: QualityCriteria | undefined }) {
  const { t } = useTranslation('secretariat');
  return (
    <div className="table-wrap">
      <table>
        <caption>
          {t('reviews.perCriterion')}
          {quality ? ` (${t('reviews.scale', { min: quality.scale.min, max: quality.scale.max })})` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('reviews.criterion')}</th>
            <th scope="col" className="num">
              {t('reviews.weight')}
            </th>
            <th scope="col" className="num">
              {t('reviews.criterionMean')}
            </th>
          </tr>
        </thead>
        <tbody>
          {summary.perCriterion.map((c) => (
            <tr key={c.code}>
              <th scope="row">
                {c.code} — {c.title}
              </th>
              <td className="num">{c.weight}</td>
              <td className="num">
                <Score value={c.mean} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Recommendations({ summary }: { summary: Summary }) {
  const { t } = useTranslation('secretariat');
  return (
    <div className="table-wrap">
      <table>
        <caption>{t('reviews.recommendationsTable')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reviews.recommendation')}</th>
            <th scope="col" className="num">
              {t('reviews.count')}
            </th>
          </tr>
        </thead>
        <tbody>
          {RECOMMENDATIONS.map((r) => (
            <tr key={r}>
              <th scope="row">{t(`reviews.recommendations.${r}`)}</th>
              <td className="num">{summary.recommendations[r]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CloseReviews({
  note,
  submitted,
  minimum,
  onClosed,
}: {
  note: Note;
  submitted: number;
  minimum: number | undefined;
  onClosed: (status: string) => void;
}) {
  const { t } = useTranslation(['secretariat', 'common']);
  const [reason, setReason] = useState('');
  const close = useAction(async () => {
    const closed = await unwrap(
      api.POST('/api/v1/concept-notes/{id}/reviews/close', {
        params: { path: { id: note.id } },
        body: reason.trim() ? { reason } : {},
      }),
    );
    onClosed(closed.status);
  });
  const early = minimum !== undefined && submitted < minimum;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void close.run();
  };
  return (
    <form onSubmit={submit} noValidate className="narrow">
      <p>
        {minimum !== undefined
          ? t('reviews.closeStatus', { submitted, minimum })
          : t('reviews.closeStatusNoMinimum', { submitted })}
      </p>
      <ProblemBanner error={close.error} shown={['reason']} />
      <Field
        label={t('reviews.closeReason')}
        hint={early ? t('reviews.closeReasonRequired') : t('reviews.closeReasonOptional')}
        error={close.error?.field('reason')}
        required={early}
      >
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <button type="submit" className="primary" disabled={close.busy}>
        {t('reviews.close')}
      </button>
    </form>
  );
}

export function Reviews() {
  const { t } = useTranslation(['secretariat', 'common']);
  const id = useNoteId();
  const note = useNote(id);
  const reviews = useResource(
    () =>
      unwrap(
        api.GET('/api/v1/concept-notes/{id}/reviews', {
          params: { path: { id }, query: { format: 'json' } },
        }),
      ),
    [id],
  );
  const summary = useResource(
    () => unwrap(api.GET('/api/v1/concept-notes/{id}/review-summary', { params: { path: { id } } })),
    [id],
  );
  const sets = useResource(() => unwrap(api.GET('/api/v1/criteria-sets')), []);
  const rules = useResource(() => unwrap(api.GET('/api/v1/fund-rules')), []);
  const [closed, setClosed] = useState<string>();
  const quality = sets.data?.[0] ? qualityCriteria(sets.data[0]) : undefined;

  return (
    <Page title={t('reviews.title')}>
      <Loaded resource={note}>
        {(n) => (
          <>
            <NoteHeader note={n} />
            {closed ? <Notice>{t('reviews.closed', { status: t(`common:status.${closed}`) })}</Notice> : null}
            <Section title={t('reviews.summaryTitle')} id="summary">
              <Loaded resource={summary}>
                {(s) => (
                  <>
                    <SummaryFigures summary={s} />
                    {s.conflictOverrides.text ? <p className="warning">{s.conflictOverrides.text}</p> : null}
                    <div className="grid">
                      <CriterionMeans summary={s} quality={quality} />
                      <Recommendations summary={s} />
                    </div>
                  </>
                )}
              </Loaded>
            </Section>
            <Section title={t('reviews.individual')} id="individual">
              <Loaded resource={reviews}>
                {(list) => (
                  <>
                    {list.revisionNumber !== null ? (
                      <p className="muted">{t('reviewers.revision', { revision: list.revisionNumber })}</p>
                    ) : null}
                    <ReviewTable reviews={list.items} />
                    <ReviewDetails reviews={list.items} quality={quality} />
                  </>
                )}
              </Loaded>
              <ExportButtons
                path={`/api/v1/concept-notes/${id}/reviews`}
                name={`reviews-${n.referenceCode ?? id}`}
                label={t('export.label', { what: t('reviews.table') })}
                csv={t('export.csv')}
                xlsx={t('export.xlsx')}
              />
              <p>
                <Link to={`/concept-notes/${n.id}/reviewers`}>{t('reviews.toReviewers')}</Link>
              </p>
            </Section>
            {n.status === 'in_review' ? (
              <Section title={t('reviews.closeTitle')} id="close">
                <CloseReviews
                  note={n}
                  submitted={summary.data?.count ?? 0}
                  minimum={rules.data?.rules.minimumSubmittedReviews}
                  onClosed={(status) => {
                    setClosed(status);
                    note.reload();
                    reviews.reload();
                    summary.reload();
                  }}
                />
              </Section>
            ) : null}
          </>
        )}
      </Loaded>
    </Page>
  );
}
