import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, api, download, unwrap, type Schemas } from '../../api/client';
import { qualityCriteria } from '../../api/criteria';
import { FocusedNotice } from '../../components/Notice';
import { Page, Section } from '../../components/Page';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { Money } from '../../components/Time';
import { useCountryNames } from '../../countries';
import { asApiError, useAction, useResource } from '../../hooks';
import { DueDate, ReviewState } from './Assignments';
import { ConflictForm } from './ConflictForm';
import { ScoringForm, SubmittedReview } from './Scoring';
import { formatLength, myAssignment, useIsolate, type Assignment, type Review } from './shared';
import './work.css';

type NoteView = Schemas['ConceptNoteView'];

interface ReviewData {
  assignment: Assignment;
  note?: NoteView;
  noteError?: ApiError;
  /** The reviewer's own review as saved (state not_started when there is none yet). */
  review?: Review;
  reviewError?: ApiError;
  sets: Schemas['CriteriaSetView'][];
}

async function loadReview(id: string, notFound: string): Promise<ReviewData> {
  const assignment = await myAssignment(id, notFound);
  const readable = assignment.status === 'assigned' || assignment.status === 'submitted';
  const [note, reviews, sets] = await Promise.allSettled([
    readable
      ? unwrap(api.GET('/api/v1/concept-notes/{id}', { params: { path: { id: assignment.noteId } } }))
      : Promise.resolve(undefined),
    readable
      ? unwrap(api.GET('/api/v1/concept-notes/{id}/reviews', { params: { path: { id: assignment.noteId } } }))
      : Promise.resolve(undefined),
    unwrap(api.GET('/api/v1/criteria-sets')),
  ]);
  if (sets.status === 'rejected') throw asApiError(sets.reason);
  return {
    assignment,
    note: note.status === 'fulfilled' ? note.value : undefined,
    noteError: note.status === 'rejected' ? asApiError(note.reason) : undefined,
    review: reviews.status === 'fulfilled' ? reviews.value?.items.find((r) => r.mine) : undefined,
    reviewError: reviews.status === 'rejected' ? asApiError(reviews.reason) : undefined,
    sets: sets.value,
  };
}

/** The scoring form of one assignment (e-mails link here), read-only once the review is submitted. */
export function ReviewPage() {
  const { t } = useTranslation(['work', 'common']);
  const { id = '' } = useParams();
  const notFound = t('review.notFound');
  const isolate = useIsolate();
  const data = useResource(() => loadReview(id, notFound), [id]);
  const title = data.data
    ? t('review.title', { title: isolate(data.data.assignment.noteTitle) })
    : t('review.titleLoading');
  return (
    <Page title={title}>
      <p>
        <Link to="/review-assignments">{t('review.back')}</Link>
      </p>
      <Loaded resource={data}>{(d) => <ReviewScreen data={d} reload={() => data.reload()} />}</Loaded>
    </Page>
  );
}

function ReviewScreen({ data, reload }: { data: ReviewData; reload: () => void }) {
  const { t } = useTranslation(['work', 'common']);
  const { assignment, note } = data;
  const [submitted, setSubmitted] = useState<Review | null>(null);
  const [conflictOpen, setConflictOpen] = useState(false);
  const [justDeclared, setJustDeclared] = useState(false);

  const review = submitted ?? data.review;
  const newest = [...data.sets].sort((a, b) => b.version - a.version)[0];
  const set =
    review?.criteriaSetVersion != null
      ? (data.sets.find((s) => s.version === review.criteriaSetVersion) ?? newest)
      : newest;
  const quality = set ? qualityCriteria(set) : undefined;
  const version = set?.version ?? null;
  const isSubmitted = review?.state === 'submitted' || assignment.status === 'submitted';

  return (
    <>
      <Section title={t('review.assignmentTitle')} id="review-assignment">
        <dl className="facts">
          <dt>{t('review.due')}</dt>
          <dd>
            <DueDate assignment={assignment} />
          </dd>
          <dt>{t('review.assignmentStatus')}</dt>
          <dd>{t(`assignments.status.${assignment.status}`)}</dd>
          <dt>{t('review.myReview')}</dt>
          <dd>
            <ReviewState assignment={assignment} />
          </dd>
        </dl>
      </Section>

      {assignment.status === 'conflict_declared' ? (
        justDeclared ? (
          <FocusedNotice className="warning">
            {t('review.conflictDeclared', { reason: assignment.conflictReason ?? '—' })}
          </FocusedNotice>
        ) : (
          <p className="warning">
            {t('review.conflictDeclared', { reason: assignment.conflictReason ?? '—' })}
          </p>
        )
      ) : null}
      {assignment.status === 'cancelled' ? <p className="warning">{t('review.cancelled')}</p> : null}

      {data.noteError ? <ProblemBanner error={data.noteError} /> : null}
      {note ? <NoteFacts note={note} /> : null}

      {data.reviewError && !isSubmitted ? <ProblemBanner error={data.reviewError} /> : null}

      {!quality || quality.criteria.length === 0 ? (
        <p className="problem" role="alert">
          {t('review.noCriteria')}
        </p>
      ) : isSubmitted ? (
        <>
          {submitted ? <FocusedNotice>{t('review.submittedNotice')}</FocusedNotice> : null}
          <SubmittedReview
            quality={quality}
            version={version}
            review={review}
            weightedScore={review?.weightedScore ?? assignment.review.weightedScore}
            submittedAt={review?.submittedAt ?? assignment.review.submittedAt}
          />
        </>
      ) : assignment.status === 'assigned' ? (
        <>
          {note && note.status !== 'in_review' ? (
            <p className="warning">
              {t('review.notInReview', { status: t(`common:status.${note.status}`) })}
            </p>
          ) : null}
          <ScoringForm
            assignment={assignment}
            quality={quality}
            version={version}
            review={review}
            onSaved={reload}
            onSubmitted={(result) => {
              setSubmitted(result);
              reload();
            }}
          />
          <Section title={t('conflict.title')} id="review-conflict">
            <p>{t('conflict.intro')}</p>
            <button
              type="button"
              className="danger"
              id="review-conflict-open"
              aria-expanded={conflictOpen}
              onClick={() => setConflictOpen(true)}
            >
              {t('conflict.open')}
            </button>
            {conflictOpen ? (
              <ConflictForm
                assignment={assignment}
                onDeclared={() => {
                  setConflictOpen(false);
                  setJustDeclared(true);
                  reload();
                }}
                onCancel={() => {
                  setConflictOpen(false);
                  document.getElementById('review-conflict-open')?.focus();
                }}
              />
            ) : null}
          </Section>
        </>
      ) : null}
    </>
  );
}

function NoteFacts({ note }: { note: NoteView }) {
  const { t, i18n } = useTranslation(['work', 'common']);
  const countryName = useCountryNames();
  const areas = useResource(() => unwrap(api.GET('/api/v1/thematic-areas')), []);
  const area = areas.data?.find((a) => a.code === note.primaryThematicAreaCode);
  const pdf = useAction(() =>
    download(`/api/v1/concept-notes/${note.id}/pdf`, `${note.referenceCode ?? 'concept-note'}.pdf`),
  );
  const template = useAction((attachment: { id: string; filename: string }) =>
    download(`/api/v1/concept-notes/${note.id}/attachments/${attachment.id}`, attachment.filename),
  );
  const markers = [
    ['gender', note.markers.gender],
    ['humanRights', note.markers.humanRights],
    ['childSensitivity', note.markers.childSensitivity],
  ] as const;
  const narrative = [
    ['beneficiaries', note.beneficiaries],
    ['theoryOfChange', note.theoryOfChange],
    ['expectedResults', note.expectedResults],
    ['sustainability', note.sustainability],
    ['risks', note.risks],
  ] as const;
  return (
    <Section title={t('review.noteTitle')} id="review-note">
      <dl className="facts">
        <dt>{t('note.title')}</dt>
        <dd>{note.title}</dd>
        <dt>{t('note.reference')}</dt>
        <dd>{note.referenceCode ?? '—'}</dd>
        <dt>{t('note.status')}</dt>
        <dd>{t(`common:status.${note.status}`)}</dd>
        <dt>{t('note.scope')}</dt>
        <dd>{note.scope ? t(`note.scopes.${note.scope}`) : '—'}</dd>
        <dt>{t('note.countries')}</dt>
        <dd>{note.countryCodes.length ? note.countryCodes.map(countryName).join(', ') : '—'}</dd>
        <dt>{t('note.thematicArea')}</dt>
        <dd>
          {note.primaryThematicAreaCode
            ? `${note.primaryThematicAreaCode}${area ? ` — ${area.title}` : ''}`
            : '—'}
        </dd>
        <dt>{t('note.objectives')}</dt>
        <dd>{note.gcmObjectiveNumbers.length ? note.gcmObjectiveNumbers.join(', ') : '—'}</dd>
        <dt>{t('note.convening')}</dt>
        <dd>{note.conveningOrganizationCode ?? '—'}</dd>
        <dt>{t('note.participating')}</dt>
        <dd>
          {note.participatingOrganizations.length ? (
            <ul className="work-plain">
              {note.participatingOrganizations.map((o) => (
                <li key={o.organizationCode}>
                  {o.organizationCode}: <Money value={o.totalUsd} />
                </li>
              ))}
            </ul>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('note.budget')}</dt>
        <dd>
          <Money value={note.totalBudgetUsd ?? note.sharesTotalUsd} />
        </dd>
        <dt>{t('note.duration')}</dt>
        <dd>{note.durationMonths ? formatLength(note.durationMonths, 'month', i18n.language) : '—'}</dd>
        <dt>{t('note.markers')}</dt>
        <dd>
          {markers
            .map(([key, m]) =>
              t('note.markerValue', { marker: t(`note.marker.${key}`), value: m.marker ?? '—' }),
            )
            .join(' · ')}
        </dd>
        {note.implementingPartners.length ? (
          <>
            <dt>{t('note.partners')}</dt>
            <dd>{note.implementingPartners.join(', ')}</dd>
          </>
        ) : null}
      </dl>
      <h3>{t('note.summary')}</h3>
      <p className="wrap work-text" lang={note.language} dir="auto">
        {note.summary || '—'}
      </p>
      {note.summaryEn ? (
        <>
          <h3>{t('note.summaryEn')}</h3>
          <p className="wrap work-text" lang="en" dir="auto">
            {note.summaryEn}
          </p>
        </>
      ) : null}
      <details className="work-details">
        <summary>{t('note.more')}</summary>
        {narrative.map(([key, text]) => (
          <div key={key}>
            <h3>{t(`note.${key}`)}</h3>
            <p className="wrap work-text" lang={note.language} dir="auto">
              {text || '—'}
            </p>
          </div>
        ))}
        <h3>{t('note.markerJustifications')}</h3>
        <dl className="facts">
          {markers.map(([key, m]) => (
            <MarkerFact key={key} label={t(`note.marker.${key}`)} value={m.justification} />
          ))}
        </dl>
      </details>
      <ProblemBanner error={pdf.error ?? template.error} />
      <div className="actions">
        <button type="button" onClick={() => void pdf.run()} disabled={pdf.busy}>
          {t('note.downloadPdf')}
        </button>
        {note.template ? (
          <button
            type="button"
            onClick={() => note.template && void template.run(note.template)}
            disabled={template.busy}
          >
            {t('note.downloadTemplate', { name: note.template.filename })}
          </button>
        ) : null}
      </div>
    </Section>
  );
}

function MarkerFact({ label, value }: { label: string; value: string | null }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className="wrap" dir="auto">
        {value || '—'}
      </dd>
    </>
  );
}
