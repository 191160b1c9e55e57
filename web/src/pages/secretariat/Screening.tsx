import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { Field, FieldSet } from '../../components/Field';
import { Page, Section } from '../../components/Page';
import { screeningCriteria, type ScreeningCriterion } from '../../api/criteria';
import { Badge, NoteStatusBadge } from '../../components/Badge';
import { Notice } from '../../components/Notice';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { useAction, useResource } from '../../hooks';
import { NoteHeader, toneOf, useNote, useNoteId, type Note } from './shared';

type Result = Schemas['ChecklistItemDto']['result'];
type Outcome = Schemas['ScreeningDto']['outcome'];
type Kind = NonNullable<Schemas['ScreeningDto']['revisionKind']>;
type Precheck = Schemas['PrecheckView'];
type ScreeningView = Schemas['ScreeningView'];

const RESULTS: Result[] = ['pass', 'fail', 'n.a.'];
const OUTCOMES: Outcome[] = ['eligible', 'revision_requested', 'ineligible'];
const KINDS: Kind[] = ['technical', 'substantive'];
const resultKey = (r: Result) => (r === 'n.a.' ? 'na' : r);

interface Row {
  result: Result | '';
  comment: string;
}

/** What the automatic check says of a criterion (a pending check counts as failed, as on the server). */
function prefill(criteria: ScreeningCriterion[], precheck: Precheck): Record<string, Row> {
  const rows: Record<string, Row> = {};
  for (const c of criteria) {
    const item = c.automatic ? precheck.items.find((i) => i.code === c.code) : undefined;
    rows[c.code] = item
      ? { result: item.outcome === 'pass' ? 'pass' : 'fail', comment: item.reasons.join('; ') }
      : { result: '', comment: '' };
  }
  return rows;
}

function ScreeningForm({
  note,
  criteria,
  precheck,
  screenedBefore,
  onDone,
}: {
  note: Note;
  criteria: ScreeningCriterion[];
  precheck: Precheck;
  screenedBefore: boolean;
  onDone: (view: ScreeningView) => void;
}) {
  const { t } = useTranslation(['secretariat', 'common']);
  const [initial] = useState(() => prefill(criteria, precheck));
  const [rows, setRows] = useState<Record<string, Row>>(initial);
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [kind, setKind] = useState<Kind | ''>('');
  const [points, setPoints] = useState<string[]>(['']);
  const [comment, setComment] = useState('');
  const [reviewAgain, setReviewAgain] = useState(true);
  const [checked, setChecked] = useState(false);

  const unanswered = criteria.filter((c) => !rows[c.code]?.result).map((c) => c.code);
  const save = useAction(async () => {
    const revision = outcome === 'revision_requested';
    const view = await unwrap(
      api.POST('/api/v1/concept-notes/{id}/screening', {
        params: { path: { id: note.id } },
        body: {
          // Automatic criteria left as the check found them are completed by the server from the revision.
          checklist: criteria
            .filter(
              (c) =>
                !c.automatic ||
                rows[c.code].result !== initial[c.code].result ||
                rows[c.code].comment.trim() !== initial[c.code].comment.trim(),
            )
            .map((c) => ({
              code: c.code,
              result: rows[c.code].result as Result,
              comment: rows[c.code].comment.trim() || null,
            })),
          outcome: outcome as Outcome,
          ...(revision
            ? { revisionKind: kind || undefined, points: points.map((p) => p.trim()).filter(Boolean) }
            : {}),
          comment: comment.trim() || null,
          // Only an eligible re-screening may skip the review (the checkbox shows then); otherwise true.
          reviewAgain: outcome === 'eligible' && screenedBefore ? reviewAgain : true,
        },
      }),
    );
    onDone(view);
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (unanswered.length > 0 || !outcome) return;
    void save.run();
  };
  const setRow = (code: string, change: Partial<Row>) =>
    setRows((current) => ({ ...current, [code]: { ...current[code], ...change } }));
  const warnings = precheck.items.filter((i) => i.outcome !== 'pass' && i.severity !== 'info');

  return (
    <form onSubmit={submit} noValidate>
      {warnings.length > 0 ? (
        <div className="warning" role="note" aria-labelledby="precheck-warnings">
          <strong id="precheck-warnings">{t('screening.precheckWarnings')}</strong>
          <ul>
            {warnings.map((w) => (
              <li key={w.code}>
                <strong>{w.code}</strong> ({t(`screening.severity.${w.severity}`)}):{' '}
                {w.reasons.join('; ') || t(`screening.check.${w.outcome}`)}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="notice">{t('screening.precheckClean')}</p>
      )}

      <Section title={t('screening.checklist')} id="checklist">
        <p className="muted">{t('screening.checklistHint')}</p>
        <div className="actions">
          <button
            type="button"
            onClick={() =>
              setRows((current) =>
                Object.fromEntries(
                  Object.entries(current).map(([code, row]) => [code, { ...row, result: 'pass' }]),
                ),
              )
            }
          >
            {t('screening.allPass')}
          </button>
        </div>
        {criteria.map((c) => {
          const row = rows[c.code];
          const error = checked && !row.result ? t('screening.chooseResult') : undefined;
          return (
            <fieldset
              key={c.code}
              className={`sec-criterion${error ? ' field-invalid' : ''}`}
              aria-describedby={error ? `criterion-${c.code}-error` : undefined}
            >
              <legend>
                {c.code} — {c.title}
              </legend>
              {c.automatic ? (
                <p className="sec-auto">
                  <Badge>{t('screening.automatic')}</Badge>{' '}
                  {t('screening.automaticFound', {
                    result: t(`screening.result.${resultKey(initial[c.code].result || 'fail')}`),
                  })}
                </p>
              ) : null}
              <div className="sec-choices">
                {RESULTS.map((r) => (
                  <label key={r}>
                    <input
                      type="radio"
                      name={`result-${c.code}`}
                      value={r}
                      checked={row.result === r}
                      onChange={() => setRow(c.code, { result: r })}
                    />
                    {t(`screening.result.${resultKey(r)}`)}
                  </label>
                ))}
              </div>
              {error ? (
                <div className="field-error" id={`criterion-${c.code}-error`} role="alert">
                  {error}
                </div>
              ) : null}
              <Field label={t('screening.commentOn', { code: c.code })}>
                <textarea value={row.comment} onChange={(e) => setRow(c.code, { comment: e.target.value })} />
              </Field>
            </fieldset>
          );
        })}
      </Section>

      <Section title={t('screening.outcomeTitle')} id="outcome">
        <FieldSet
          legend={t('screening.outcome')}
          error={
            save.error?.field('outcome') ?? (checked && !outcome ? t('screening.chooseOutcome') : undefined)
          }
        >
          {OUTCOMES.map((o) => (
            <label key={o}>
              <input
                type="radio"
                name="outcome"
                value={o}
                checked={outcome === o}
                onChange={() => setOutcome(o)}
              />
              {t(`screening.outcomes.${o}`)}
            </label>
          ))}
        </FieldSet>

        {outcome === 'revision_requested' ? (
          <>
            <FieldSet legend={t('screening.revisionKind')} error={save.error?.field('revisionKind')}>
              {KINDS.map((k) => (
                <label key={k}>
                  <input
                    type="radio"
                    name="revisionKind"
                    value={k}
                    checked={kind === k}
                    onChange={() => setKind(k)}
                  />
                  {t(`screening.kinds.${k}`)}
                </label>
              ))}
              <p className="field-hint">{t('screening.kindHint')}</p>
            </FieldSet>
            <FieldSet legend={t('screening.points')} error={save.error?.field('points')}>
              <ol className="sec-points">
                {points.map((point, index) => (
                  <li key={index}>
                    <Field label={t('screening.point', { number: index + 1 })}>
                      <textarea
                        value={point}
                        onChange={(e) =>
                          setPoints((current) => current.map((p, i) => (i === index ? e.target.value : p)))
                        }
                      />
                    </Field>
                    {points.length > 1 ? (
                      <div className="actions">
                        <button
                          type="button"
                          className="danger"
                          onClick={() => setPoints((current) => current.filter((_, i) => i !== index))}
                        >
                          {t('screening.removePoint', { number: index + 1 })}
                        </button>
                      </div>
                    ) : null}
                  </li>
                ))}
              </ol>
              <div className="actions">
                <button type="button" onClick={() => setPoints((current) => [...current, ''])}>
                  {t('screening.addPoint')}
                </button>
              </div>
            </FieldSet>
          </>
        ) : null}

        {outcome === 'eligible' && screenedBefore ? (
          <FieldSet legend={t('screening.reviewAgainLegend')} error={save.error?.field('reviewAgain')}>
            <label>
              <input
                type="checkbox"
                checked={reviewAgain}
                onChange={(e) => setReviewAgain(e.target.checked)}
              />
              {t('screening.reviewAgain')}
            </label>
          </FieldSet>
        ) : null}

        <Field
          label={t('screening.feedback')}
          hint={t('screening.feedbackHint')}
          error={save.error?.field('comment')}
        >
          <textarea value={comment} onChange={(e) => setComment(e.target.value)} />
        </Field>

        {checked && unanswered.length > 0 ? (
          <p className="problem" role="alert">
            {t('screening.unanswered', { codes: unanswered.join(', ') })}
          </p>
        ) : null}
        <ProblemBanner
          error={save.error}
          shown={['outcome', 'revisionKind', 'points', 'comment', 'reviewAgain']}
        />
        <button type="submit" className="primary" disabled={save.busy}>
          {t('screening.submit')}
        </button>
      </Section>
    </form>
  );
}

function History({ screenings, criteria }: { screenings: ScreeningView[]; criteria: ScreeningCriterion[] }) {
  const { t } = useTranslation(['secretariat', 'common']);
  if (screenings.length === 0) return <p className="muted">{t('screening.noHistory')}</p>;
  return (
    <>
      {screenings.map((s) => (
        <div key={s.id} className="card">
          <dl className="facts">
            <dt>{t('screening.revision')}</dt>
            <dd>{s.revision}</dd>
            <dt>{t('screening.outcome')}</dt>
            <dd>
              <Badge tone={toneOf(s.outcome)}>{t(`screening.outcomes.${s.outcome}`)}</Badge>
              {s.revisionKind ? ` (${t(`screening.kinds.${s.revisionKind}`)})` : ''}
            </dd>
            <dt>{t('screening.resultingStatus')}</dt>
            <dd>
              <NoteStatusBadge status={s.resultingStatus} />
            </dd>
            <dt>{t('screening.screenedAt')}</dt>
            <dd>
              <DateTime value={s.createdAt} />
              {s.screenedBy ? ` — ${s.screenedBy.name}` : ''}
            </dd>
            {s.dueAt ? (
              <>
                <dt>{t('screening.dueAt')}</dt>
                <dd>
                  <DateTime value={s.dueAt} />
                </dd>
              </>
            ) : null}
            {s.comment ? (
              <>
                <dt>{t('screening.feedback')}</dt>
                <dd>
                  <pre className="wrap">{s.comment}</pre>
                </dd>
              </>
            ) : null}
          </dl>
          {s.points.length > 0 ? (
            <>
              <h3>{t('screening.points')}</h3>
              <ol>
                {s.points.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ol>
            </>
          ) : null}
          <div className="table-wrap">
            <table>
              <caption>{t('screening.checklistOf', { revision: s.revision })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('screening.criterion')}</th>
                  <th scope="col">{t('screening.resultColumn')}</th>
                  <th scope="col">{t('screening.commentColumn')}</th>
                </tr>
              </thead>
              <tbody>
                {s.checklist.map((entry) => (
                  <tr key={entry.code}>
                    <th scope="row">
                      {entry.code} — {entry.title || criteria.find((c) => c.code === entry.code)?.title}
                    </th>
                    <td>
                      <Badge tone={toneOf(entry.result)}>
                        {t(`screening.result.${resultKey(entry.result)}`)}
                      </Badge>
                      {entry.automatic ? ` (${t('screening.automatic')})` : ''}
                    </td>
                    <td>{entry.comment ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
    </>
  );
}

export function Screening() {
  const { t } = useTranslation(['secretariat', 'common']);
  const id = useNoteId();
  const note = useNote(id);
  const sets = useResource(() => unwrap(api.GET('/api/v1/criteria-sets')), []);
  const precheck = useResource(
    () => unwrap(api.GET('/api/v1/concept-notes/{id}/precheck', { params: { path: { id } } })),
    [id],
  );
  const history = useResource(
    () => unwrap(api.GET('/api/v1/concept-notes/{id}/screening', { params: { path: { id } } })),
    [id],
  );
  const [done, setDone] = useState<ScreeningView>();
  const criteria = sets.data?.[0] ? screeningCriteria(sets.data[0]) : [];

  return (
    <Page title={t('screening.title')}>
      <Loaded resource={note}>
        {(n) => (
          <>
            <NoteHeader note={n} />
            {done ? (
              <Notice>
                {t('screening.done', {
                  outcome: t(`screening.outcomes.${done.outcome}`),
                  status: t(`common:status.${done.resultingStatus}`),
                })}{' '}
                {done.resultingStatus === 'in_review' ? (
                  <Link to={`/concept-notes/${n.id}/reviewers`}>{t('screening.toReviewers')}</Link>
                ) : null}
              </Notice>
            ) : null}
            {n.status === 'submitted' ? (
              <Loaded resource={sets}>
                {(list) =>
                  list.length === 0 ? (
                    <p className="problem">{t('screening.noCriteria')}</p>
                  ) : (
                    <Loaded resource={precheck}>
                      {(p) => (
                        <Loaded resource={history}>
                          {(h) => (
                            <ScreeningForm
                              key={`${n.id}-${n.version}`}
                              note={n}
                              criteria={criteria}
                              precheck={p}
                              screenedBefore={h.length > 0}
                              onDone={(view) => {
                                setDone(view);
                                note.reload();
                                history.reload();
                                precheck.reload();
                              }}
                            />
                          )}
                        </Loaded>
                      )}
                    </Loaded>
                  )
                }
              </Loaded>
            ) : done ? null : (
              <p className="warning">
                {t('screening.notSubmitted', { status: t(`common:status.${n.status}`) })}
              </p>
            )}
            <Section title={t('screening.history')} id="screening-history">
              <Loaded resource={history}>{(h) => <History screenings={h} criteria={criteria} />}</Loaded>
            </Section>
          </>
        )}
      </Loaded>
    </Page>
  );
}
