import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { QualityCriteria, QualityCriterion } from '../../api/criteria';
import { Field, FieldSet } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Section } from '../../components/Page';
import { ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { formatNumber } from '../../format';
import { useAction } from '../../hooks';
import {
  RECOMMENDATIONS,
  scaleValues,
  useIsolate,
  type Assignment,
  type Recommendation,
  type Review,
} from './shared';

interface Entry {
  score?: number;
  comment: string;
}

/** A criterion's weight as its share of all the weights ("20 %"). */
function useWeight(quality: QualityCriteria) {
  const { i18n } = useTranslation();
  const total = quality.criteria.reduce((sum, c) => sum + c.weight, 0);
  const format = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 });
  return (c: QualityCriterion) => (total > 0 ? format.format(c.weight / total) : String(c.weight));
}

/** A scale value with its label ("Good (3)"). */
function useScaleLabel(quality: QualityCriteria) {
  const { t } = useTranslation('work');
  const isolate = useIsolate();
  return (value: number) => {
    const label = quality.scale.labels[String(value)];
    return label ? t('review.scaleOption', { label: isolate(label), value }) : String(value);
  };
}

function join(...messages: (string | undefined)[]): string | undefined {
  const present = messages.filter((m): m is string => !!m);
  return present.length > 0 ? [...new Set(present)].join('; ') : undefined;
}

/**
 * The scoring form: a score on the scale and a comment per quality criterion, a recommendation and
 * an overall comment. "Save draft" keeps a partial review; "Submit review" sends it for good. The
 * server's refusals are shown next to the control they are about.
 */
export function ScoringForm({
  assignment,
  quality,
  version,
  review,
  onSaved,
  onSubmitted,
}: {
  assignment: Assignment;
  quality: QualityCriteria;
  version: number | null;
  review?: Review;
  /** After a draft is saved (to refresh what the page says of it). */
  onSaved: () => void;
  onSubmitted: (review: Review) => void;
}) {
  const { t } = useTranslation(['work', 'common']);
  const weight = useWeight(quality);
  const scaleLabel = useScaleLabel(quality);
  const isolate = useIsolate();
  const values = scaleValues(quality.scale);
  const [entries, setEntries] = useState<Record<string, Entry>>(() =>
    Object.fromEntries(
      quality.criteria.map((c) => {
        const saved = review?.scores.find((s) => s.code === c.code);
        return [c.code, { score: saved?.score, comment: saved?.comment ?? '' }];
      }),
    ),
  );
  const [recommendation, setRecommendation] = useState<Recommendation | null>(review?.recommendation ?? null);
  const [overall, setOverall] = useState(review?.overallComment ?? '');
  /** The criteria sent with the last request, in order: the server names a score by its index there. */
  const [sent, setSent] = useState<string[]>([]);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);

  const save = useAction(async (submit: boolean) => {
    const scored = quality.criteria.filter((c) => entries[c.code]?.score !== undefined);
    setSent(scored.map((c) => c.code));
    setSavedAt(null);
    const result = await unwrap(
      api.PUT('/api/v1/review-assignments/{id}/review', {
        params: { path: { id: assignment.id } },
        body: {
          scores: scored.map((c) => ({
            code: c.code,
            score: entries[c.code].score as number,
            comment: entries[c.code].comment.trim() || null,
          })),
          recommendation,
          overallComment: overall.trim() || null,
          submit,
        },
      }),
    );
    setDirty(false);
    if (submit) onSubmitted(result);
    else {
      setSavedAt(new Date().toISOString());
      onSaved();
    }
    return result;
  });

  const update = (code: string, change: Partial<Entry>) => {
    setEntries((previous) => ({ ...previous, [code]: { ...previous[code], ...change } }));
    setDirty(true);
    setSavedAt(null);
  };

  const error = save.error;
  const scoresMessage = error?.exactField('scores');
  const scoredCount = quality.criteria.filter((c) => entries[c.code]?.score !== undefined).length;

  return (
    <form onSubmit={(event) => event.preventDefault()} noValidate aria-label={t('review.formLabel')}>
      <section className="card" aria-labelledby="scoring-title">
        <h2 id="scoring-title">{t('review.criteriaTitle')}</h2>
        <p>
          {t('review.scaleIntro', {
            scale: isolate(values.map((v) => scaleLabel(v)).join(', ')),
          })}
          {version !== null ? (
            <span className="muted"> {t('review.criteriaVersion', { version })}</span>
          ) : null}
        </p>
        <p className="muted" aria-live="polite">
          {t('review.progress', { scored: scoredCount, total: quality.criteria.length })}
        </p>
        {scoresMessage ? (
          <p className="field-error" role="alert">
            {scoresMessage}
          </p>
        ) : null}
        {quality.criteria.map((c) => {
          const index = sent.indexOf(c.code);
          const entry = entries[c.code] ?? { comment: '' };
          const unscored = entry.score === undefined;
          const scoreError =
            join(
              index >= 0 ? error?.field(`scores.${index}.score`) : undefined,
              index >= 0 ? error?.field(`scores.${index}.code`) : undefined,
              index >= 0 ? error?.exactField(`scores.${index}`) : undefined,
            ) ?? (scoresMessage && unscored ? t('review.notScored') : undefined);
          const commentError = index >= 0 ? error?.field(`scores.${index}.comment`) : undefined;
          return (
            <FieldSet
              key={c.code}
              legend={t('review.criterionLegend', { code: c.code, title: isolate(c.title) })}
              error={scoreError}
            >
              <p className="muted work-weight">{t('review.weight', { weight: weight(c) })}</p>
              {c.description ? (
                <p className="work-text" dir="auto">
                  {c.description}
                </p>
              ) : null}
              <div className="work-scale">
                {values.map((v) => (
                  <label key={v}>
                    <input
                      type="radio"
                      name={`score-${c.code}`}
                      value={v}
                      checked={entry.score === v}
                      onChange={() => update(c.code, { score: v })}
                    />
                    {scaleLabel(v)}
                  </label>
                ))}
              </div>
              <Field
                label={t('review.commentOn', { code: c.code })}
                error={commentError}
                hint={unscored && entry.comment.trim() ? t('review.commentNeedsScore') : undefined}
              >
                <textarea
                  value={entry.comment}
                  maxLength={5000}
                  onChange={(e) => update(c.code, { comment: e.target.value })}
                />
              </Field>
            </FieldSet>
          );
        })}
      </section>

      <Section title={t('review.conclusionTitle')} id="review-conclusion">
        <FieldSet legend={t('review.recommendation')} error={error?.field('recommendation')}>
          <div className="work-scale">
            {RECOMMENDATIONS.map((r) => (
              <label key={r}>
                <input
                  type="radio"
                  name="recommendation"
                  value={r}
                  checked={recommendation === r}
                  onChange={() => {
                    setRecommendation(r);
                    setDirty(true);
                    setSavedAt(null);
                  }}
                />
                {t(`recommendation.${r}`)}
              </label>
            ))}
          </div>
        </FieldSet>
        <Field label={t('review.overallComment')} error={error?.field('overallComment')}>
          <textarea
            value={overall}
            maxLength={10000}
            onChange={(e) => {
              setOverall(e.target.value);
              setDirty(true);
              setSavedAt(null);
            }}
          />
        </Field>
      </Section>

      <section className="card work-submit" aria-label={t('review.actionsLabel')}>
        <ProblemBanner error={error} shown={['scores', 'recommendation', 'overallComment']} />
        {savedAt ? (
          <Notice>
            {t('review.draftSaved')} <DateTime value={savedAt} />
          </Notice>
        ) : dirty ? (
          <p className="muted" role="status">
            {t('review.unsaved')}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" onClick={() => void save.run(false)} disabled={save.busy}>
            {t('review.saveDraft')}
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void save.run(true)}
            disabled={save.busy}
            aria-describedby="submit-final"
          >
            {t('review.submit')}
          </button>
          {save.busy ? (
            <span role="status" className="muted">
              {t('review.saving')}
            </span>
          ) : null}
        </div>
        <p className="muted" id="submit-final">
          {t('review.submitFinal')}
        </p>
      </section>
    </form>
  );
}

/** A submitted review, read-only, with its weighted score. */
export function SubmittedReview({
  quality,
  version,
  review,
  weightedScore,
  submittedAt,
}: {
  quality: QualityCriteria;
  version: number | null;
  review?: Review;
  weightedScore: number | null | undefined;
  submittedAt: string | null | undefined;
}) {
  const { t, i18n } = useTranslation(['work', 'common']);
  const weight = useWeight(quality);
  const scaleLabel = useScaleLabel(quality);
  const isolate = useIsolate();
  return (
    <Section title={t('review.submittedTitle')} id="review-submitted">
      <dl className="facts">
        <dt>{t('review.weightedScore')}</dt>
        <dd className="work-score">
          {weightedScore != null
            ? t('review.weightedScoreValue', { score: formatNumber(weightedScore, i18n.language, 2) })
            : '—'}
        </dd>
        <dt>{t('review.submittedAt')}</dt>
        <dd>
          <DateTime value={submittedAt} />
        </dd>
        <dt>{t('review.recommendation')}</dt>
        <dd>{review?.recommendation ? t(`recommendation.${review.recommendation}`) : '—'}</dd>
        {version !== null ? (
          <>
            <dt>{t('review.criteriaSet')}</dt>
            <dd>{version}</dd>
          </>
        ) : null}
      </dl>
      {review ? (
        <>
          <div className="table-wrap">
            <table>
              <caption>{t('review.scoresCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('review.col.criterion')}</th>
                  <th scope="col" className="num">
                    {t('review.col.weight')}
                  </th>
                  <th scope="col">{t('review.col.score')}</th>
                  <th scope="col">{t('review.col.comment')}</th>
                </tr>
              </thead>
              <tbody>
                {quality.criteria.map((c) => {
                  const score = review.scores.find((s) => s.code === c.code);
                  return (
                    <tr key={c.code}>
                      <th scope="row">
                        {t('review.criterionLegend', { code: c.code, title: isolate(c.title) })}
                      </th>
                      <td className="num">{weight(c)}</td>
                      <td>{score ? scaleLabel(score.score) : '—'}</td>
                      <td className="wrap" dir="auto">
                        {score?.comment || '—'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <h3>{t('review.overallComment')}</h3>
          <p className="wrap work-text" dir="auto">
            {review.overallComment || '—'}
          </p>
        </>
      ) : null}
    </Section>
  );
}
