import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { NoteStatusBadge } from '../../components/Badge';
import { Field } from '../../components/Field';
import { Section } from '../../components/Page';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { Money } from '../../components/Time';
import { formatNumber } from '../../format';
import { useAction, useResource } from '../../hooks';
import {
  DecisionStatusBadge,
  noteName,
  type AgendaItem,
  type AgendaView,
  type Decision,
  type NoteSummary,
} from './parts';

interface Group {
  label: string | null;
  items: AgendaItem[];
}

/** Listed items by group, groups in the order their first item comes, items in agenda order. */
function groupItems(items: AgendaItem[]): Group[] {
  const groups: Group[] = [];
  for (const item of items) {
    let group = groups.find((g) => g.label === item.groupLabel);
    if (!group) {
      group = { label: item.groupLabel, items: [] };
      groups.push(group);
    }
    group.items.push(item);
  }
  return groups;
}

/** The agenda: items grouped and ordered; the secretariat reorders, assesses, carries over or removes. */
export function AgendaSection({
  view,
  manage,
  committee,
  decisions,
  onChanged,
}: {
  view: AgendaView;
  manage: boolean;
  committee: boolean;
  decisions: Decision[];
  onChanged: () => void;
}) {
  const { t } = useTranslation(['meetings', 'common']);
  const meeting = view.meeting;
  const areas = useResource(() => unwrap(api.GET('/api/v1/thematic-areas')), []);
  const listed = view.items.filter((i) => i.status === 'listed');
  const others = view.items.filter((i) => i.status !== 'listed');
  const groups = groupItems(listed);
  const order = groups.flatMap((g) => g.items);
  const move = useAction(async (item: AgendaItem, by: -1 | 1) => {
    const group = groups.find((g) => g.items.includes(item))!;
    const at = group.items.indexOf(item);
    const swapWith = group.items[at + by];
    if (!swapWith) return;
    // Renumbered 1…n in the order shown (groups one after the other), so positions stay unique.
    const next = order.map((i) => (i === item ? swapWith : i === swapWith ? item : i));
    try {
      for (const [index, entry] of next.entries()) {
        if (entry.position === index + 1) continue;
        await unwrap(
          api.PATCH('/api/v1/meetings/{id}/agenda/{itemId}', {
            params: { path: { id: meeting.id, itemId: entry.id } },
            body: { position: index + 1 },
          }),
        );
      }
    } finally {
      // Whatever was saved before a refusal shows as it now is.
      onChanged();
    }
  });
  const groupTitle = (label: string | null) => {
    if (!label) return t('agenda.noGroup');
    const area = areas.data?.find((a) => a.code === label);
    return area ? `${label} — ${area.title}` : label;
  };
  const decisionOf = (item: AgendaItem) =>
    decisions.find((d) => d.conceptNoteId === item.conceptNoteId && d.status !== 'superseded');
  const numberOf = new Map(order.map((item, index) => [item.id, index + 1]));
  return (
    <Section title={t('agenda.title')} id="agenda">
      {meeting.status === 'scheduled' ? (
        <p className="muted">
          {meeting.kind === 'written_procedure' ? t('agenda.writtenProcedure') : t('agenda.beforeCutoff')}
        </p>
      ) : null}
      {meeting.status === 'cancelled' ? <p className="muted">{t('agenda.cancelled')}</p> : null}
      <ProblemBanner error={move.error} />
      {listed.length === 0 ? (
        <p>{t('agenda.empty')}</p>
      ) : (
        groups.map((group) => (
          <section
            key={group.label ?? ''}
            className="agenda-group"
            aria-label={t('agenda.group', { group: groupTitle(group.label) })}
          >
            <h3>{groupTitle(group.label)}</h3>
            <ol className="agenda-items">
              {group.items.map((item, index) => (
                <li key={item.id}>
                  <AgendaItemCard
                    item={item}
                    number={numberOf.get(item.id) ?? index + 1}
                    meetingId={meeting.id}
                    manage={manage && meeting.status !== 'cancelled'}
                    committee={committee}
                    decision={decisionOf(item)}
                    onChanged={onChanged}
                    mover={
                      manage && meeting.status !== 'cancelled' ? (
                        <div className="actions">
                          <button
                            type="button"
                            disabled={index === 0 || move.busy}
                            aria-label={t('agenda.moveUp', { note: noteName(item) })}
                            onClick={() => void move.run(item, -1)}
                          >
                            {t('agenda.up')}
                          </button>
                          <button
                            type="button"
                            disabled={index === group.items.length - 1 || move.busy}
                            aria-label={t('agenda.moveDown', { note: noteName(item) })}
                            onClick={() => void move.run(item, 1)}
                          >
                            {t('agenda.down')}
                          </button>
                        </div>
                      ) : null
                    }
                  />
                </li>
              ))}
            </ol>
          </section>
        ))
      )}
      {others.length > 0 ? (
        <>
          <h3>{t('agenda.others')}</h3>
          <ul className="agenda-others">
            {others.map((item) => (
              <li key={item.id}>
                <Link to={`/concept-notes/${item.conceptNoteId}`}>
                  {noteName(item)}
                  {item.referenceCode ? ` — ${item.title}` : ''}
                </Link>{' '}
                <span className="badge">{t(`itemStatus.${item.status}`)}</span>
                {item.statusReason ? (
                  <span className="zone-line">{t('agenda.reason', { reason: item.statusReason })}</span>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Section>
  );
}

function AgendaItemCard({
  item,
  number,
  meetingId,
  manage,
  committee,
  decision,
  onChanged,
  mover,
}: {
  item: AgendaItem;
  number: number;
  meetingId: string;
  manage: boolean;
  committee: boolean;
  decision?: Decision;
  onChanged: () => void;
  mover: ReactNode;
}) {
  const { t } = useTranslation(['meetings', 'common']);
  const headingId = useId();
  const [showReviews, setShowReviews] = useState(false);
  return (
    <article className="agenda-item" aria-labelledby={headingId}>
      <h4 id={headingId}>
        <span className="agenda-number">{number}.</span>{' '}
        <Link to={`/concept-notes/${item.conceptNoteId}`}>
          {noteName(item)}
          {item.referenceCode ? ` — ${item.title}` : ''}
        </Link>
      </h4>
      <p className="badges">
        <NoteStatusBadge status={item.noteStatus} />{' '}
        <span className="badge">{t('agenda.revision', { revision: item.revision })}</span>
        {item.notReady && decision?.status !== 'released' ? (
          <>
            {' '}
            <span className="badge bad">{t('agenda.notReady')}</span>
          </>
        ) : null}
        {item.lateExceptionReason ? (
          <>
            {' '}
            <span className="badge warn">{t('agenda.late')}</span>
          </>
        ) : null}
        {item.carriedFromMeetingId ? (
          <>
            {' '}
            <Link className="badge" to={`/meetings/${item.carriedFromMeetingId}`}>
              {t('agenda.carriedFrom')}
            </Link>
          </>
        ) : null}
      </p>
      {item.lateExceptionReason ? (
        <p>
          <strong>{t('agenda.lateReason')}</strong> <span dir="auto">{item.lateExceptionReason}</span>
        </p>
      ) : null}
      {decision ? (
        <p>
          <strong>{t('agenda.decision')}</strong> {t(`outcome.${decision.outcome}`)}{' '}
          <DecisionStatusBadge status={decision.status} />
          {decision.totalAmountUsd !== null ? (
            <>
              {' '}
              <Money value={decision.totalAmountUsd} />
            </>
          ) : null}
        </p>
      ) : null}
      <h5>{t('agenda.assessment')}</h5>
      {item.assessmentSummary || item.assessmentRecommendation ? (
        <div className="assessment">
          {item.assessmentSummary ? (
            <pre className="wrap" dir="auto">
              {item.assessmentSummary}
            </pre>
          ) : null}
          {item.assessmentRecommendation ? (
            <p>
              <strong>{t('agenda.recommendation')}</strong>{' '}
              <span dir="auto">{item.assessmentRecommendation}</span>
            </p>
          ) : null}
        </div>
      ) : (
        <p className="muted">{t('agenda.noAssessment')}</p>
      )}
      {committee ? (
        <>
          <NoteSummaryBlock noteId={item.conceptNoteId} />
          <h5>{t('review.title')}</h5>
          <ReviewSummaryBlock noteId={item.conceptNoteId} />
        </>
      ) : null}
      {manage ? (
        <>
          {mover}
          <details className="item-details" onToggle={(e) => setShowReviews(e.currentTarget.open)}>
            <summary>{t('review.show')}</summary>
            {showReviews ? <ReviewSummaryBlock noteId={item.conceptNoteId} /> : null}
          </details>
          <details className="item-details">
            <summary>{t('item.editAssessment')}</summary>
            <ItemEditor item={item} meetingId={meetingId} onSaved={onChanged} />
          </details>
          <details className="item-details">
            <summary>{t('item.move')}</summary>
            <ItemStatusForm item={item} meetingId={meetingId} onDone={onChanged} />
          </details>
        </>
      ) : null}
    </article>
  );
}

/** Group label and the secretariat's consolidated assessment of one item. */
function ItemEditor({
  item,
  meetingId,
  onSaved,
}: {
  item: AgendaItem;
  meetingId: string;
  onSaved: () => void;
}) {
  const { t } = useTranslation(['meetings', 'common']);
  const [group, setGroup] = useState(item.groupLabel ?? '');
  const [summary, setSummary] = useState(item.assessmentSummary ?? '');
  const [recommendation, setRecommendation] = useState(item.assessmentRecommendation ?? '');
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    await unwrap(
      api.PATCH('/api/v1/meetings/{id}/agenda/{itemId}', {
        params: { path: { id: meetingId, itemId: item.id } },
        body: {
          groupLabel: group.trim() === '' ? null : group.trim(),
          assessmentSummary: summary.trim() === '' ? null : summary,
          assessmentRecommendation: recommendation.trim() === '' ? null : recommendation,
        },
      }),
    );
    setSaved(true);
    onSaved();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void save.run();
  };
  return (
    <form onSubmit={submit} noValidate className="subform" aria-label={t('item.editAssessment')}>
      <ProblemBanner
        error={save.error}
        shown={['groupLabel', 'assessmentSummary', 'assessmentRecommendation']}
      />
      <Field label={t('item.group')} hint={t('item.groupHint')} error={save.error?.field('groupLabel')}>
        <input value={group} onChange={(e) => setGroup(e.target.value)} maxLength={200} />
      </Field>
      <Field label={t('item.summary')} error={save.error?.field('assessmentSummary')}>
        <textarea value={summary} onChange={(e) => setSummary(e.target.value)} maxLength={20000} />
      </Field>
      <Field label={t('item.recommendation')} error={save.error?.field('assessmentRecommendation')}>
        <textarea
          value={recommendation}
          onChange={(e) => setRecommendation(e.target.value)}
          maxLength={5000}
        />
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy}>
          {t('item.save')}
        </button>
        {saved ? (
          <span className="notice" role="status">
            {t('item.saved')}
          </span>
        ) : null}
      </div>
    </form>
  );
}

/** Carry an item over to the next meeting, or remove it, with a reason. */
function ItemStatusForm({
  item,
  meetingId,
  onDone,
}: {
  item: AgendaItem;
  meetingId: string;
  onDone: () => void;
}) {
  const { t } = useTranslation(['meetings', 'common']);
  const [status, setStatus] = useState<'carried_over' | 'removed'>('carried_over');
  const [reason, setReason] = useState('');
  const apply = useAction(async () => {
    await unwrap(
      api.PATCH('/api/v1/meetings/{id}/agenda/{itemId}', {
        params: { path: { id: meetingId, itemId: item.id } },
        body: { status, reason },
      }),
    );
    onDone();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void apply.run();
  };
  return (
    <form onSubmit={submit} noValidate className="subform" aria-label={t('item.move')}>
      <ProblemBanner error={apply.error} shown={['status', 'reason']} />
      <Field label={t('item.action')} error={apply.error?.field('status')}>
        <select value={status} onChange={(e) => setStatus(e.target.value as 'carried_over' | 'removed')}>
          <option value="carried_over">{t('item.carryOver')}</option>
          <option value="removed">{t('item.remove')}</option>
        </select>
      </Field>
      <Field label={t('item.reason')} error={apply.error?.field('reason')} required>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
      </Field>
      <div className="actions">
        <button type="submit" className="danger" disabled={apply.busy}>
          {t('item.apply')}
        </button>
      </div>
    </form>
  );
}

const CANDIDATE_STATUSES = ['ready_for_committee', 'approved', 'in_review', 'submitted'] as const;

/** A note placed on the agenda after the cut-off, with a reason (audited, printed in the packet). */
export function LateException({ view, onAdded }: { view: AgendaView; onAdded: () => void }) {
  const { t } = useTranslation(['meetings', 'common']);
  const meeting = view.meeting;
  const onAgenda = new Set(view.items.map((i) => i.conceptNoteId));
  const candidates = useResource(async () => {
    const pages = await Promise.all(
      CANDIDATE_STATUSES.map((status) =>
        unwrap(api.GET('/api/v1/concept-notes', { params: { query: { status, limit: 100 } } })),
      ),
    );
    return pages.flatMap((p) => p.items);
  }, [meeting.id, view.items.length]);
  const [noteId, setNoteId] = useState('');
  const [reason, setReason] = useState('');
  const [added, setAdded] = useState<string>();
  const add = useAction(async () => {
    const item = await unwrap(
      api.POST('/api/v1/meetings/{id}/agenda', {
        params: { path: { id: meeting.id } },
        body: { conceptNoteId: noteId, reason },
      }),
    );
    setAdded(noteName(item));
    setNoteId('');
    setReason('');
    onAdded();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAdded(undefined);
    void add.run();
  };
  const open =
    meeting.status === 'agenda_closed' ||
    (meeting.kind === 'written_procedure' && meeting.status === 'scheduled');
  const options: NoteSummary[] = (candidates.data ?? []).filter((note) => !onAgenda.has(note.id));
  return (
    <Section title={t('late.title')} id="late">
      <p className="muted">{open ? t('late.hint') : t('late.notYet')}</p>
      <form onSubmit={submit} noValidate className="narrow" aria-label={t('late.title')}>
        <ProblemBanner error={add.error ?? candidates.error} shown={['conceptNoteId', 'reason']} />
        <Field label={t('late.note')} error={add.error?.field('conceptNoteId')} required>
          <select value={noteId} onChange={(e) => setNoteId(e.target.value)}>
            <option value="">{candidates.loading ? t('common:loading') : t('late.choose')}</option>
            {options.map((note) => (
              <option key={note.id} value={note.id}>
                {note.referenceCode ? `${note.referenceCode} — ${note.title}` : note.title} (
                {t(`common:status.${note.status}`)})
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={t('late.reason')}
          hint={t('late.reasonHint')}
          error={add.error?.field('reason')}
          required
        >
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={add.busy}>
            {t('late.add')}
          </button>
          {added ? (
            <span className="notice" role="status">
              {t('late.added', { note: added })}
            </span>
          ) : null}
        </div>
      </form>
    </Section>
  );
}

/** For the committee: the note's summary and key facts. */
function NoteSummaryBlock({ noteId }: { noteId: string }) {
  const { t } = useTranslation(['meetings', 'common']);
  const note = useResource(
    () => unwrap(api.GET('/api/v1/concept-notes/{id}', { params: { path: { id: noteId } } })),
    [noteId],
  );
  return (
    <>
      <h5>{t('note.summary')}</h5>
      <Loaded resource={note}>
        {(data) => (
          <div className="note-summary">
            <dl className="facts">
              <dt>{t('note.convening')}</dt>
              <dd>{data.conveningOrganizationCode ?? '—'}</dd>
              <dt>{t('note.participating')}</dt>
              <dd>{data.participatingOrganizations.map((p) => p.organizationCode).join(', ') || '—'}</dd>
              <dt>{t('note.countries')}</dt>
              <dd>{data.countryCodes.join(', ') || '—'}</dd>
              <dt>{t('note.budget')}</dt>
              <dd>
                <Money value={data.totalBudgetUsd} />
              </dd>
              <dt>{t('note.duration')}</dt>
              <dd>{data.durationMonths ? t('note.months', { months: data.durationMonths }) : '—'}</dd>
            </dl>
            {data.summary ? (
              <pre className="wrap" lang={data.language}>
                {data.summary}
              </pre>
            ) : (
              <p className="muted">—</p>
            )}
            {data.summaryEn && data.language !== 'en' ? (
              <>
                <h6>{t('note.summaryEn')}</h6>
                <pre className="wrap" lang="en">
                  {data.summaryEn}
                </pre>
              </>
            ) : null}
          </div>
        )}
      </Loaded>
    </>
  );
}

const RECOMMENDATIONS = ['fund', 'approve', 'revise', 'reject'] as const;

/** The anonymized review summary: figures, per-criterion means, comments under labels. */
export function ReviewSummaryBlock({ noteId }: { noteId: string }) {
  const { t, i18n } = useTranslation(['meetings', 'common']);
  const summary = useResource(
    () => unwrap(api.GET('/api/v1/concept-notes/{id}/review-summary', { params: { path: { id: noteId } } })),
    [noteId],
  );
  const num = (value: number | null) => (value === null ? '—' : formatNumber(value, i18n.language));
  return (
    <Loaded resource={summary}>
      {(s: Schemas['ReviewSummaryView']) => (
        <div className="review-summary">
          <dl className="facts">
            <dt>{t('review.count')}</dt>
            <dd>
              {s.count}
              {s.outstanding > 0 ? ` ${t('review.outstanding', { number: s.outstanding })}` : ''}
            </dd>
            <dt>{t('review.mean')}</dt>
            <dd>{num(s.mean)}</dd>
            <dt>{t('review.median')}</dt>
            <dd>{num(s.median)}</dd>
            <dt>{t('review.spread')}</dt>
            <dd>{num(s.spread)}</dd>
            <dt>{t('review.recommendations')}</dt>
            <dd>
              {RECOMMENDATIONS.map((r) =>
                t('review.recommendationCount', {
                  label: t(`review.recommendation.${r}`),
                  number: s.recommendations[r],
                }),
              ).join(' · ')}
            </dd>
          </dl>
          {s.conflictOverrides.count > 0 ? (
            <div className="warning">
              <p>{t('review.overrides', { number: s.conflictOverrides.count })}</p>
              <ul>
                {s.conflictOverrides.reasons.map((reason) => (
                  <li key={reason} dir="auto">
                    {reason}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {s.count > 0 && s.perCriterion.length > 0 ? (
            <div className="table-wrap">
              <table>
                <caption>{t('review.perCriterion')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('review.criterion')}</th>
                    <th scope="col" className="num">
                      {t('review.weight')}
                    </th>
                    <th scope="col" className="num">
                      {t('review.criterionMean')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {s.perCriterion.map((c) => (
                    <tr key={c.code}>
                      <td>
                        {c.code} — {c.title}
                      </td>
                      <td className="num">{num(c.weight)}</td>
                      <td className="num">{num(c.mean)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {s.comments.length > 0 ? (
            <ul className="review-comments">
              {s.comments.map((c) => (
                <li key={c.label}>
                  <strong>{c.label}</strong>
                  {c.recommendation ? ` — ${t(`review.recommendation.${c.recommendation}`)}` : ''}
                  {c.overallComment ? (
                    <pre className="wrap" dir="auto">
                      {c.overallComment}
                    </pre>
                  ) : null}
                  {c.criterionComments.length > 0 ? (
                    <ul>
                      {c.criterionComments.map((cc) => (
                        <li key={cc.code}>
                          <strong>{cc.code}:</strong> <span dir="auto">{cc.comment}</span>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('review.noComments')}</p>
          )}
        </div>
      )}
    </Loaded>
  );
}
