import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { api, download, unwrap, type ApiError } from '../../api/client';
import { useUser } from '../../auth/session';
import { NoteStatusBadge } from '../../components/Badge';
import { Page } from '../../components/Page';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { Countdown, DateTime } from '../../components/Time';
import { useCountryNames } from '../../countries';
import { Notice } from '../../components/Notice';
import { useAction, useNow, useResource } from '../../hooks';
import { AttachmentsTab } from './Attachments';
import { CommentsTab } from './Comments';
import {
  EDITABLE,
  loadMeetings,
  nextCutoff,
  organizationName,
  standing,
  UNSUBMITTED,
  useListJoin,
  useReference,
  type Meeting,
  type Note,
  type Reference,
} from './data';
import { EndorsementTab, RcDecisionPanel } from './Endorsement';
import { HistoryTab } from './History';
import { OverviewTab } from './Overview';
import { RevisionsTab } from './Revisions';
import { TeamTab } from './Team';
import './notes.css';

const TABS = ['overview', 'attachments', 'team', 'endorsement', 'comments', 'revisions', 'history'] as const;
type Tab = (typeof TABS)[number];

/** `/concept-notes/:id` */
export function NotePage() {
  const { id = '' } = useParams();
  const note = useResource(
    () => unwrap(api.GET('/api/v1/concept-notes/{id}', { params: { path: { id } } })),
    [id],
  );
  return (
    <Loaded resource={note}>
      {(current) => <NoteScreen note={current} reload={() => note.reload()} error={note.error} />}
    </Loaded>
  );
}

function NoteScreen({
  note,
  reload,
  error,
}: {
  note: Note;
  reload: () => void;
  error: ApiError | undefined;
}) {
  const { t } = useTranslation(['notes', 'common']);
  const user = useUser();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab') as Tab | null;
  const reference = useReference();
  const meetings = useResource(loadMeetings, []);
  const me = standing(note, user);
  // Reviewers and committee members read the note itself, not the team's threads or its history.
  const threads = user.roles.some((r) => r !== 'reviewer' && r !== 'steering_committee');
  const tabs = TABS.filter((name) => threads || (name !== 'comments' && name !== 'history'));
  const pdf = useAction(() =>
    download(`/api/v1/concept-notes/${note.id}/pdf`, `${note.referenceCode ?? 'concept-note'}.pdf`),
  );
  const [rcMessage, setRcMessage] = useState<string | null>(null);
  const tab: Tab = requested && (tabs as string[]).includes(requested) ? requested : 'overview';
  const saved = (location.state as { saved?: boolean } | null)?.saved === true;

  return (
    <Page
      title={note.title}
      actions={
        <>
          {me.member && EDITABLE.includes(note.status) ? (
            <Link to={`/concept-notes/${note.id}/edit`} className="button primary">
              {t('view.edit')}
            </Link>
          ) : null}
          <button type="button" onClick={() => void pdf.run()} disabled={pdf.busy}>
            {t('view.pdf')}
          </button>
        </>
      }
    >
      {saved ? <Notice>{t('form.saved')}</Notice> : null}
      <ProblemBanner error={pdf.error} />
      <ProblemBanner error={error} />
      <KeyFacts note={note} reference={reference.data} meetings={meetings.data} />
      {me.secretariat ? <SecretariatLinks note={note} /> : null}
      {me.official && (note.status === 'awaiting_endorsement' || rcMessage) ? (
        <RcDecisionPanel note={note} onChanged={reload} message={rcMessage} onMessage={setRcMessage} />
      ) : null}
      <nav aria-label={t('view.sections')}>
        <ul className="tabs">
          {tabs.map((name) => (
            <li key={name}>
              <Link
                to={`?tab=${name}`}
                aria-current={tab === name ? 'page' : undefined}
                className={tab === name ? 'active' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  setParams({ tab: name }, { replace: true });
                }}
              >
                {t(`view.tab.${name}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div id="note-tab">
        {tab === 'overview' ? (
          <OverviewTab note={note} reference={reference.data} onChanged={reload} />
        ) : null}
        {tab === 'attachments' ? <AttachmentsTab note={note} onChanged={reload} /> : null}
        {tab === 'team' ? <TeamTab note={note} onChanged={reload} /> : null}
        {tab === 'endorsement' ? (
          <EndorsementTab note={note} reference={reference.data} onChanged={reload} />
        ) : null}
        {tab === 'comments' ? <CommentsTab note={note} /> : null}
        {tab === 'revisions' ? <RevisionsTab note={note} /> : null}
        {tab === 'history' ? <HistoryTab note={note} /> : null}
      </div>
    </Page>
  );
}

function KeyFacts({
  note,
  reference,
  meetings,
}: {
  note: Note;
  reference: Reference | undefined;
  meetings: Meeting[] | undefined;
}) {
  const { t } = useTranslation(['notes', 'common']);
  const now = useNow();
  const join = useListJoin();
  const countryName = useCountryNames();
  const target = note.targetMeetingId ? meetings?.find((m) => m.id === note.targetMeetingId) : undefined;
  const upcoming =
    !note.targetMeetingId && UNSUBMITTED.includes(note.status) && meetings
      ? nextCutoff(meetings, now)
      : undefined;
  const meeting = target ?? upcoming;
  return (
    <section className="card" aria-labelledby="facts-title">
      <h2 id="facts-title">{t('view.keyFacts')}</h2>
      <dl className="facts">
        <dt>{t('fields.reference')}</dt>
        <dd>{note.referenceCode ?? <span className="muted">{t('view.noReference')}</span>}</dd>
        <dt>{t('fields.status')}</dt>
        <dd>
          <NoteStatusBadge status={note.status} />
        </dd>
        <dt>{t('fields.scope')}</dt>
        <dd>{note.scope ? t(`scope.${note.scope}`) : '—'}</dd>
        <dt>{t('fields.countries')}</dt>
        <dd>{join(note.countryCodes.map(countryName)) || '—'}</dd>
        <dt>{t('fields.conveningOrganization')}</dt>
        <dd>{organizationName(reference, note.conveningOrganizationCode)}</dd>
        <dt>{t('fields.lead')}</dt>
        <dd>
          {note.lead.name} ({note.lead.email})
        </dd>
        <dt>{t('fields.targetMeeting')}</dt>
        <dd>
          {target ? (
            target.title
          ) : note.targetMeetingId ? (
            <span className="muted">{t('view.meetingUnknown')}</span>
          ) : upcoming ? (
            <>
              <span className="muted">{t('view.notTargeted')}</span> {t('list.nextMeeting')} {upcoming.title}
            </>
          ) : (
            <span className="muted">{t('view.notTargeted')}</span>
          )}
        </dd>
        <dt>{t('fields.cutoff')}</dt>
        <dd>
          {meeting ? (
            <span className="notes-cutoff">
              <Countdown to={meeting.cutoffAt} />{' '}
              <DateTime value={meeting.cutoffAt} meetingZone={meeting.timeZone} />
            </span>
          ) : (
            '—'
          )}
        </dd>
        {meeting ? (
          <>
            <dt>{t('view.meetingStarts')}</dt>
            <dd>
              <DateTime value={meeting.startsAt} meetingZone={meeting.timeZone} />
            </dd>
          </>
        ) : null}
        <dt>{t('fields.submittedAt')}</dt>
        <dd>
          <DateTime value={note.submittedAt} />
        </dd>
        <dt>{t('fields.revision')}</dt>
        <dd>{note.currentRevision || '—'}</dd>
        <dt>{t('fields.updatedAt')}</dt>
        <dd>
          <DateTime value={note.updatedAt} />
        </dd>
        {note.withdrawnAt ? (
          <>
            <dt>{t('fields.withdrawnAt')}</dt>
            <dd>
              <DateTime value={note.withdrawnAt} /> — {note.withdrawalReason}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

/** Links to the secretariat's screens (built elsewhere), when the note's status makes them meaningful. */
function SecretariatLinks({ note }: { note: Note }) {
  const { t } = useTranslation('notes');
  const screened = [
    'submitted',
    'revision_requested',
    'in_review',
    'ready_for_committee',
    'approved',
    'funded',
    'rejected',
    'ineligible',
  ].includes(note.status);
  const reviewing = note.status === 'in_review';
  const reviewed = ['in_review', 'ready_for_committee', 'approved', 'funded', 'rejected'].includes(
    note.status,
  );
  const offline =
    note.status === 'awaiting_endorsement' && (note.scope === 'national' || note.scope === 'multi_country');
  if (!screened && !reviewing && !reviewed && !offline) return null;
  return (
    <nav className="card" aria-labelledby="secretariat-links">
      <h2 id="secretariat-links">{t('view.secretariatTitle')}</h2>
      <ul className="notes-links">
        {screened ? (
          <li>
            <Link to={`/concept-notes/${note.id}/screening`}>{t('view.screening')}</Link>
          </li>
        ) : null}
        {reviewing ? (
          <li>
            <Link to={`/concept-notes/${note.id}/reviewers`}>{t('view.reviewers')}</Link>
          </li>
        ) : null}
        {reviewed ? (
          <li>
            <Link to={`/concept-notes/${note.id}/reviews`}>{t('view.reviews')}</Link>
          </li>
        ) : null}
        {offline ? (
          <li>
            <Link to={`/concept-notes/${note.id}/offline-endorsement`}>{t('view.offlineEndorsement')}</Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
