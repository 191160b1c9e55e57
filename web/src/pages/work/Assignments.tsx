import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { FocusedNotice } from '../../components/Notice';
import { Page, Section } from '../../components/Page';
import { Loaded } from '../../components/Problem';
import { Countdown, DateTime } from '../../components/Time';
import { formatNumber } from '../../format';
import { useNow, useResource } from '../../hooks';
import { ConflictForm } from './ConflictForm';
import { myAssignments, useIsolate, type Assignment } from './shared';
import './work.css';

/** Reminders start two days before a review is due (as the API's do). */
const DUE_SOON_MS = 2 * 24 * 60 * 60 * 1000;

/** The reviewer's assignments: what is due when, how far their review is, and the way to declare a conflict. */
export function AssignmentsPage() {
  const { t } = useTranslation(['work', 'common']);
  const list = useResource(myAssignments, []);
  const [conflictFor, setConflictFor] = useState<string | null>(null);
  const [declared, setDeclared] = useState<Assignment | null>(null);
  const isolate = useIsolate();

  return (
    <Page title={t('assignments.title')}>
      <p>{t('assignments.intro')}</p>
      {declared ? (
        <FocusedNotice key={declared.id}>
          {t('conflict.declared', { title: isolate(declared.noteTitle) })}
        </FocusedNotice>
      ) : null}
      <Loaded resource={list}>
        {(items) => {
          const open = items.filter((a) => a.status === 'assigned');
          const closed = items.filter((a) => a.status !== 'assigned');
          return (
            <>
              <Section title={t('assignments.openTitle')} id="assignments-open">
                {open.length === 0 ? (
                  <p>{t('assignments.noneOpen')}</p>
                ) : (
                  <AssignmentTable
                    items={open}
                    caption={t('assignments.openTitle')}
                    conflictFor={conflictFor}
                    onConflict={(id) => {
                      setDeclared(null);
                      setConflictFor(id);
                    }}
                    onCancelConflict={() => setConflictFor(null)}
                    onDeclared={(a) => {
                      setConflictFor(null);
                      setDeclared(a);
                      list.reload();
                    }}
                  />
                )}
              </Section>
              {closed.length > 0 ? (
                <Section title={t('assignments.closedTitle')} id="assignments-closed">
                  <AssignmentTable items={closed} caption={t('assignments.closedTitle')} />
                </Section>
              ) : null}
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}

function AssignmentTable({
  items,
  caption,
  conflictFor,
  onConflict,
  onCancelConflict,
  onDeclared,
}: {
  items: Assignment[];
  caption: string;
  conflictFor?: string | null;
  onConflict?: (id: string) => void;
  onCancelConflict?: () => void;
  onDeclared?: (a: Assignment) => void;
}) {
  const { t } = useTranslation(['work', 'common']);
  const actions = !!onConflict;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('assignments.col.note')}</th>
            <th scope="col">{t('assignments.col.due')}</th>
            <th scope="col">{t('assignments.col.assignment')}</th>
            <th scope="col">{t('assignments.col.review')}</th>
            <th scope="col">{t('assignments.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <AssignmentRow
              key={a.id}
              assignment={a}
              actions={actions}
              conflictOpen={conflictFor === a.id}
              onConflict={() => onConflict?.(a.id)}
              onCancelConflict={() => {
                onCancelConflict?.();
                document.getElementById(`conflict-${a.id}`)?.focus();
              }}
              onDeclared={(updated) => onDeclared?.(updated)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AssignmentRow({
  assignment: a,
  actions,
  conflictOpen,
  onConflict,
  onCancelConflict,
  onDeclared,
}: {
  assignment: Assignment;
  actions: boolean;
  conflictOpen: boolean;
  onConflict: () => void;
  onCancelConflict: () => void;
  onDeclared: (a: Assignment) => void;
}) {
  const { t } = useTranslation(['work', 'common']);
  const action =
    a.status !== 'assigned' || a.review.state === 'submitted'
      ? t('assignments.view')
      : a.review.state === 'draft'
        ? t('assignments.continue')
        : t('assignments.start');
  return (
    <>
      <tr>
        <td>
          <span className="work-title">{a.noteTitle}</span>
          <div className="muted">
            {a.referenceCode ? `${a.referenceCode} · ` : ''}
            {t('assignments.noteStatus', { status: t(`common:status.${a.noteStatus}`) })}
          </div>
        </td>
        <td>
          <DueDate assignment={a} />
        </td>
        <td>{t(`assignments.status.${a.status}`)}</td>
        <td>
          <ReviewState assignment={a} />
        </td>
        <td>
          <div className="actions work-row-actions">
            {/* One link per row, named with the note's title (which is plain text beside it). */}
            <Link
              to={`/review-assignments/${a.id}`}
              className={actions ? 'button primary' : 'button'}
              aria-label={`${action}: ${a.noteTitle}`}
            >
              {action}
            </Link>
            {actions ? (
              <button
                type="button"
                id={`conflict-${a.id}`}
                className="danger"
                aria-expanded={conflictOpen}
                aria-label={`${t('conflict.open')}: ${a.noteTitle}`}
                onClick={onConflict}
              >
                {t('conflict.open')}
              </button>
            ) : null}
          </div>
        </td>
      </tr>
      {conflictOpen ? (
        <tr className="work-conflict-row">
          <td colSpan={5}>
            <ConflictForm assignment={a} onDeclared={onDeclared} onCancel={onCancelConflict} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** The due date, with the time left, and "Overdue" or "Due soon" written out (not colour alone). */
export function DueDate({ assignment: a }: { assignment: Assignment }) {
  const { t } = useTranslation('work');
  const now = useNow();
  const left = new Date(a.dueAt).getTime() - now.getTime();
  const open = a.status === 'assigned';
  return (
    <>
      <DateTime value={a.dueAt} />
      {open ? (
        <div>
          {left <= 0 ? (
            <span className="badge bad">{t('assignments.overdue')}</span>
          ) : left <= DUE_SOON_MS ? (
            <span className="badge warn">{t('assignments.dueSoon')}</span>
          ) : null}{' '}
          <Countdown to={a.dueAt} />
        </div>
      ) : null}
    </>
  );
}

export function ReviewState({ assignment: a }: { assignment: Assignment }) {
  const { t, i18n } = useTranslation('work');
  const review = a.review;
  if (review.state === 'submitted') {
    return (
      <>
        <span className="badge ok">{t('reviewState.submitted')}</span>
        {review.weightedScore !== null ? (
          <div>
            {t('review.weightedScoreValue', { score: formatNumber(review.weightedScore, i18n.language, 2) })}
          </div>
        ) : null}
        {review.submittedAt ? (
          <div className="muted">
            <DateTime value={review.submittedAt} />
          </div>
        ) : null}
      </>
    );
  }
  if (review.state === 'draft') {
    return (
      <>
        <span className="badge warn">{t('reviewState.draft')}</span>
        {review.savedAt ? (
          <div className="muted">
            {t('reviewState.savedAt')} <DateTime value={review.savedAt} />
          </div>
        ) : null}
      </>
    );
  }
  return <span className="badge">{t('reviewState.not_started')}</span>;
}
