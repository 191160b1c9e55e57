import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { useUser } from '../../auth/session';
import { Badge } from '../../components/Badge';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Page, Section } from '../../components/Page';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { calendarDay, formatNumber, zonedToUtc } from '../../format';
import { useAction, useResource } from '../../hooks';
import { NoteHeader, toneOf, useNote, useNoteId, type Note } from './shared';

type Assignment = Schemas['AssignmentView'];
type Suggestion = Schemas['ReviewerSuggestionView'];
type Review = Schemas['ReviewView'];

/** The organizations of a note that make a reviewer conflicted (convening and participating). */
function noteOrganizations(note: Note): string[] {
  return [
    ...new Set(
      [
        note.conveningOrganizationCode,
        ...note.participatingOrganizations.map((p) => p.organizationCode),
      ].filter((c): c is string => !!c),
    ),
  ];
}

function Suggestions({
  suggestions,
  busy,
  onAssign,
}: {
  suggestions: Suggestion[];
  busy: boolean;
  onAssign: (s: Suggestion) => void;
}) {
  const { t } = useTranslation(['secretariat', 'common']);
  return (
    <div className="table-wrap">
      <table>
        <caption>{t('reviewers.suggested')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reviewers.reviewer')}</th>
            <th scope="col">{t('reviewers.organization')}</th>
            <th scope="col">{t('reviewers.thematicAreas')}</th>
            <th scope="col">{t('reviewers.expertise')}</th>
            <th scope="col" className="num">
              {t('reviewers.load')}
            </th>
            <th scope="col">{t('reviewers.action')}</th>
          </tr>
        </thead>
        <tbody>
          {suggestions.length === 0 ? (
            <tr>
              <td colSpan={6}>{t('reviewers.noSuggestions')}</td>
            </tr>
          ) : null}
          {suggestions.map((s) => (
            <tr key={s.id}>
              <th scope="row">
                {s.name}
                <br />
                <span className="muted">{s.email}</span>
              </th>
              <td>{s.organizationCode ?? '—'}</td>
              <td>{s.thematicAreaCodes.join(', ') || '—'}</td>
              <td>
                {s.expertise ? (
                  <Badge tone="ok">{t('reviewers.expertYes')}</Badge>
                ) : (
                  <Badge>{t('reviewers.expertNo')}</Badge>
                )}
              </td>
              <td className="num">{s.openAssignments}</td>
              <td>
                <button
                  type="button"
                  className="primary"
                  disabled={busy}
                  aria-label={t('reviewers.assignNamed', { name: s.name })}
                  onClick={() => onAssign(s)}
                >
                  {t('reviewers.assign')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The manual pick among every active reviewer; a conflicted one is refused unless overridden with a reason. */
function ManualPick({
  note,
  dueAt,
  taken,
  onAssigned,
}: {
  note: Note;
  dueAt: () => string | null;
  taken: string[];
  onAssigned: (a: Assignment) => void;
}) {
  const { t } = useTranslation(['secretariat', 'common']);
  const reviewers = useResource(
    () =>
      unwrap(
        api.GET('/api/v1/users', {
          params: { query: { role: 'reviewer', active: 'true', page: 1, limit: 100 } },
        }),
      ),
    [],
  );
  const [reviewerId, setReviewerId] = useState('');
  const [reason, setReason] = useState('');
  const [picked, setPicked] = useState(true);
  const organizations = noteOrganizations(note);
  // Set once the server refuses the reviewer as conflicted; cleared when another reviewer is chosen.
  const [conflicted, setConflicted] = useState(false);
  const assign = useAction(async (override: boolean) => {
    const due = dueAt();
    if (!due) return;
    try {
      const assignment = await unwrap(
        api.POST('/api/v1/concept-notes/{id}/review-assignments', {
          params: { path: { id: note.id } },
          body: { reviewerId, dueAt: due, ...(override ? { conflictOverrideReason: reason } : {}) },
        }),
      );
      setReviewerId('');
      setReason('');
      setConflicted(false);
      onAssigned(assignment);
    } catch (failure) {
      if (failure instanceof ApiError && failure.problem.code === 'REVIEW.CONFLICTED') setConflicted(true);
      throw failure;
    }
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPicked(!!reviewerId);
    if (!reviewerId) return;
    void assign.run(conflicted);
  };
  return (
    <form onSubmit={submit} noValidate className="narrow">
      <Loaded resource={reviewers}>
        {(page) => (
          <Field
            label={t('reviewers.reviewer')}
            error={assign.error?.field('reviewerId') ?? (picked ? undefined : t('reviewers.choose'))}
            required
          >
            <select
              value={reviewerId}
              onChange={(e) => {
                setReviewerId(e.target.value);
                setPicked(true);
                setConflicted(false);
                assign.clear();
              }}
            >
              <option value="">{t('reviewers.choosePlaceholder')}</option>
              {page.items
                .filter((u) => !taken.includes(u.id))
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {`${u.name} (${[u.organizationCode ?? '—', ...u.thematicAreaCodes].join(', ')})` +
                      (u.organizationCode && organizations.includes(u.organizationCode)
                        ? ` — ${t('reviewers.sameOrganization')}`
                        : '')}
                  </option>
                ))}
            </select>
          </Field>
        )}
      </Loaded>
      <ProblemBanner error={assign.error} shown={['reviewerId', 'conflictOverrideReason']} />
      {conflicted ? (
        <>
          <Field
            label={t('reviewers.overrideReason')}
            hint={t('reviewers.overrideHint')}
            error={assign.error?.field('conflictOverrideReason')}
            required
          >
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <button type="submit" className="danger" disabled={assign.busy}>
            {t('reviewers.assignOverride')}
          </button>
        </>
      ) : (
        <button type="submit" className="primary" disabled={assign.busy}>
          {t('reviewers.assignSelected')}
        </button>
      )}
    </form>
  );
}

function CurrentAssignments({ reviews, revision }: { reviews: Review[]; revision: number | null }) {
  const { t, i18n } = useTranslation(['secretariat', 'common']);
  return (
    <div className="table-wrap">
      <table>
        <caption>
          {t('reviewers.current')}
          {revision !== null ? ` — ${t('reviewers.revision', { revision })}` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('reviewers.reviewer')}</th>
            <th scope="col">{t('reviewers.organization')}</th>
            <th scope="col">{t('reviewers.due')}</th>
            <th scope="col">{t('reviewers.assignmentStatus')}</th>
            <th scope="col">{t('reviewers.reviewState')}</th>
            <th scope="col" className="num">
              {t('reviewers.weightedScore')}
            </th>
            <th scope="col">{t('reviewers.override')}</th>
          </tr>
        </thead>
        <tbody>
          {reviews.length === 0 ? (
            <tr>
              <td colSpan={7}>{t('reviewers.noAssignments')}</td>
            </tr>
          ) : null}
          {reviews.map((r, index) => (
            <tr key={r.assignmentId ?? index}>
              <th scope="row">{r.reviewer?.name ?? r.label ?? '—'}</th>
              <td>{r.reviewer?.organizationCode ?? '—'}</td>
              <td>
                <DateTime value={r.dueAt} />
              </td>
              <td>
                {r.assignmentStatus ? (
                  <Badge tone={toneOf(r.assignmentStatus)}>
                    {t(`reviewers.assignmentStatuses.${r.assignmentStatus}`)}
                  </Badge>
                ) : (
                  '—'
                )}
              </td>
              <td>{t(`reviewers.reviewStates.${r.state}`)}</td>
              <td className="num">
                {r.weightedScore !== null ? formatNumber(r.weightedScore, i18n.language, 2) : '—'}
              </td>
              <td>{r.conflictOverrideReason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Reviewers() {
  const { t } = useTranslation(['secretariat', 'common']);
  const user = useUser();
  const id = useNoteId();
  const note = useNote(id);
  const suggestions = useResource(
    () =>
      unwrap(
        api.GET('/api/v1/concept-notes/{id}/review-assignments/suggestions', { params: { path: { id } } }),
      ),
    [id],
  );
  const reviews = useResource(
    () =>
      unwrap(
        api.GET('/api/v1/concept-notes/{id}/reviews', {
          params: { path: { id }, query: { format: 'json' } },
        }),
      ),
    [id],
  );
  const [dueDate, setDueDate] = useState(() => calendarDay(new Date(), user.timeZone, { days: 21 }));
  const [dueMissing, setDueMissing] = useState(false);
  const [assigned, setAssigned] = useState<Assignment>();
  const [manualOpen, setManualOpen] = useState(false);

  const dueAt = (): string | null => {
    const instant = zonedToUtc(dueDate, '23:59', user.timeZone);
    setDueMissing(!instant);
    return instant;
  };
  const done = (assignment: Assignment) => {
    setAssigned(assignment);
    suggestions.reload();
    reviews.reload();
  };
  const assign = useAction(async (s: Suggestion) => {
    setAssigned(undefined);
    const due = dueAt();
    if (!due) return;
    done(
      await unwrap(
        api.POST('/api/v1/concept-notes/{id}/review-assignments', {
          params: { path: { id } },
          body: { reviewerId: s.id, dueAt: due },
        }),
      ),
    );
  });
  const taken = (reviews.data?.items ?? [])
    .filter((r) => r.assignmentStatus && r.assignmentStatus !== 'cancelled')
    .flatMap((r) => (r.reviewer ? [r.reviewer.id] : []));

  return (
    <Page title={t('reviewers.title')}>
      <Loaded resource={note}>
        {(n) => (
          <>
            <NoteHeader note={n} />
            {n.status !== 'in_review' ? (
              <p className="warning">
                {t('reviewers.notInReview', { status: t(`common:status.${n.status}`) })}
              </p>
            ) : null}
            {assigned ? (
              <Notice>
                {t('reviewers.assigned', { name: assigned.reviewer.name })}{' '}
                <DateTime value={assigned.dueAt} />
                {assigned.conflictOverrideReason ? ` — ${t('reviewers.overridden')}` : ''}
              </Notice>
            ) : null}

            <Section title={t('reviewers.assignTitle')} id="assign">
              <div className="sec-due">
                <Field
                  label={t('reviewers.dueDate')}
                  hint={t('reviewers.dueHint', { zone: user.timeZone })}
                  error={assign.error?.field('dueAt') ?? (dueMissing ? t('reviewers.chooseDue') : undefined)}
                >
                  <input type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
                </Field>
              </div>
              <p className="muted">{t('reviewers.suggestedHint')}</p>
              <ProblemBanner error={assign.error} shown={['dueAt']} />
              <Loaded resource={suggestions}>
                {(list) => (
                  <Suggestions suggestions={list} busy={assign.busy} onAssign={(s) => void assign.run(s)} />
                )}
              </Loaded>
              <details
                className="sec-details"
                open={manualOpen}
                onToggle={(e) => setManualOpen(e.currentTarget.open)}
              >
                <summary>{t('reviewers.manual')}</summary>
                <p className="muted">{t('reviewers.manualHint')}</p>
                {manualOpen ? <ManualPick note={n} dueAt={dueAt} taken={taken} onAssigned={done} /> : null}
              </details>
            </Section>

            <Section title={t('reviewers.currentTitle')} id="current">
              <Loaded resource={reviews}>
                {(list) => <CurrentAssignments reviews={list.items} revision={list.revisionNumber} />}
              </Loaded>
              <p>
                <Link to={`/concept-notes/${n.id}/reviews`}>{t('reviewers.toReviews')}</Link>
              </p>
            </Section>
          </>
        )}
      </Loaded>
    </Page>
  );
}
