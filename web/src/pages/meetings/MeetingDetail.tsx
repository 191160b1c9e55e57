import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../auth/session';
import { NoteStatusBadge } from '../../components/Badge';
import { Field } from '../../components/Field';
import { Page, Section } from '../../components/Page';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { Countdown, DateTime, Money } from '../../components/Time';
import { useAction, useResource } from '../../hooks';
import { AgendaSection, LateException } from './Agenda';
import { DecisionsSection } from './Decisions';
import { PacketSection } from './Packet';
import { loadDecisions, MeetingStatusBadge, noteName, ZoneTimes, type Meeting } from './parts';
import './meetings.css';

/**
 * /meetings/:id. The secretariat keeps the meeting, its agenda, its decisions and its packet here;
 * Steering Committee members read the same page: agenda with summaries and review summaries,
 * released decisions, the packet.
 */
export function MeetingDetail() {
  const { id = '' } = useParams();
  const { t } = useTranslation(['meetings', 'common']);
  const { hasRole } = useSession();
  const manage = hasRole('secretariat');
  const committee = hasRole('steering_committee');
  const agenda = useResource(
    () => unwrap(api.GET('/api/v1/meetings/{id}/agenda', { params: { path: { id } } })),
    [id],
  );
  const decisions = useResource(
    () => (manage || committee ? loadDecisions(id, !manage) : Promise.resolve([])),
    [id, manage, committee],
  );
  const refresh = () => {
    agenda.reload();
    decisions.reload();
  };
  const meeting = agenda.data?.meeting;
  return (
    <Page
      title={meeting?.title ?? t('detail.title')}
      actions={
        <Link to="/meetings" className="button">
          {t('detail.allMeetings')}
        </Link>
      }
    >
      <Loaded resource={agenda}>
        {(view) => (
          <>
            <Facts meeting={view.meeting} manage={manage} onChanged={refresh} />
            {manage && view.meeting.status === 'scheduled' ? <TargetedNotes meetingId={id} /> : null}
            <AgendaSection
              view={view}
              manage={manage}
              committee={committee && !manage}
              decisions={decisions.data ?? []}
              onChanged={refresh}
            />
            {manage && view.meeting.status !== 'cancelled' ? (
              <LateException view={view} onAdded={refresh} />
            ) : null}
            {manage || committee ? (
              <Loaded resource={decisions}>
                {(list) => (
                  <DecisionsSection
                    meeting={view.meeting}
                    items={view.items}
                    decisions={list}
                    manage={manage}
                    onChanged={refresh}
                  />
                )}
              </Loaded>
            ) : null}
            {manage || committee ? <PacketSection meeting={view.meeting} manage={manage} /> : null}
          </>
        )}
      </Loaded>
    </Page>
  );
}

/** The meeting's facts and, for the secretariat, edit, held / undo and cancel. */
function Facts({ meeting, manage, onChanged }: { meeting: Meeting; manage: boolean; onChanged: () => void }) {
  const { t } = useTranslation(['meetings', 'common']);
  const held = useAction(async () => {
    await unwrap(api.POST('/api/v1/meetings/{id}/held', { params: { path: { id: meeting.id } } }));
    onChanged();
  });
  const undo = useAction(async () => {
    await unwrap(api.DELETE('/api/v1/meetings/{id}/held', { params: { path: { id: meeting.id } } }));
    onChanged();
  });
  const open = meeting.status === 'scheduled' || meeting.status === 'agenda_closed';
  return (
    <Section title={t('facts.title')} id="facts">
      <dl className="facts">
        <dt>{t('fields.kind')}</dt>
        <dd>{t(`kind.${meeting.kind}`)}</dd>
        <dt>{t('fields.status')}</dt>
        <dd>
          <MeetingStatusBadge status={meeting.status} />
        </dd>
        <dt>{t('fields.start')}</dt>
        <dd>
          <ZoneTimes value={meeting.startsAt} zone={meeting.timeZone} local={meeting.startsLocal} />
        </dd>
        <dt>{t('fields.cutoff')}</dt>
        <dd>
          <ZoneTimes value={meeting.cutoffAt} zone={meeting.timeZone} local={meeting.cutoffLocal} />
          {meeting.status === 'scheduled' ? (
            <span className="zone-line">
              {t('list.countdown')} <Countdown to={meeting.cutoffAt} />
            </span>
          ) : null}
        </dd>
        <dt>{t('fields.location')}</dt>
        <dd>
          {meeting.location ? (
            <span className="wrap-anywhere" dir="auto">
              {meeting.location}
            </span>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('fields.envelope')}</dt>
        <dd>
          {meeting.envelopeUsd === null ? t('facts.noEnvelope') : <Money value={meeting.envelopeUsd} />}
        </dd>
        <dt>{t('fields.noteCount')}</dt>
        <dd>{meeting.noteCount}</dd>
        {meeting.agendaClosedAt ? (
          <>
            <dt>{t('facts.agendaClosedAt')}</dt>
            <dd>
              <ZoneTimes value={meeting.agendaClosedAt} zone={meeting.timeZone} />
            </dd>
          </>
        ) : null}
        {meeting.heldAt ? (
          <>
            <dt>{t('facts.heldAt')}</dt>
            <dd>
              <ZoneTimes value={meeting.heldAt} zone={meeting.timeZone} />
            </dd>
          </>
        ) : null}
        {meeting.cancelledAt ? (
          <>
            <dt>{t('facts.cancelledAt')}</dt>
            <dd>
              <ZoneTimes value={meeting.cancelledAt} zone={meeting.timeZone} />
              {meeting.cancellationReason ? (
                <span className="zone-line">
                  {t('facts.cancellationReason', { reason: meeting.cancellationReason })}
                </span>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
      {manage ? (
        <>
          <ProblemBanner error={held.error ?? undo.error} />
          <div className="actions">
            {open ? (
              <Link className="button" to={`/meetings/${meeting.id}/edit`}>
                {t('facts.edit')}
              </Link>
            ) : null}
            {meeting.status === 'agenda_closed' ? (
              <button type="button" onClick={() => void held.run()} disabled={held.busy}>
                {t('facts.markHeld')}
              </button>
            ) : null}
            {meeting.status === 'held' ? (
              <button type="button" onClick={() => void undo.run()} disabled={undo.busy}>
                {t('facts.undoHeld')}
              </button>
            ) : null}
          </div>
          {open ? <CancelMeeting meeting={meeting} onCancelled={onChanged} /> : null}
        </>
      ) : null}
    </Section>
  );
}

function CancelMeeting({ meeting, onCancelled }: { meeting: Meeting; onCancelled: () => void }) {
  const { t } = useTranslation(['meetings', 'common']);
  const formId = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const cancel = useAction(async () => {
    await unwrap(
      api.POST('/api/v1/meetings/{id}/cancel', { params: { path: { id: meeting.id } }, body: { reason } }),
    );
    setOpen(false);
    onCancelled();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void cancel.run();
  };
  return (
    <div>
      <button
        type="button"
        className="danger"
        aria-expanded={open}
        aria-controls={formId}
        onClick={() => setOpen(!open)}
      >
        {t('cancel.open')}
      </button>
      {open ? (
        <form
          id={formId}
          className="narrow subform"
          onSubmit={submit}
          noValidate
          aria-label={t('cancel.open')}
        >
          <p className="warning">
            {meeting.status === 'agenda_closed' ? t('cancel.closedHint') : t('cancel.scheduledHint')}
          </p>
          <ProblemBanner error={cancel.error} shown={['reason']} />
          <Field label={t('cancel.reason')} error={cancel.error?.field('reason')} required>
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
          </Field>
          <div className="actions">
            <button type="submit" className="danger" disabled={cancel.busy}>
              {t('cancel.confirm')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('cancel.keep')}
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}

/** Before the cut-off: the submitted notes that target this meeting so far. */
function TargetedNotes({ meetingId }: { meetingId: string }) {
  const { t } = useTranslation(['meetings', 'common']);
  const notes = useResource(
    () =>
      unwrap(
        api.GET('/api/v1/concept-notes', {
          params: { query: { meeting: meetingId, limit: 100 } },
        }),
      ),
    [meetingId],
  );
  return (
    <Section title={t('targeted.title')} id="targeted">
      <p className="muted">{t('targeted.hint')}</p>
      <Loaded resource={notes}>
        {(page) =>
          page.items.length === 0 ? (
            <p>{t('targeted.none')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{t('targeted.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('agenda.note')}</th>
                    <th scope="col">{t('fields.status')}</th>
                    <th scope="col">{t('targeted.thematicArea')}</th>
                    <th scope="col">{t('targeted.submitted')}</th>
                    <th scope="col" className="num">
                      {t('targeted.budget')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((note) => (
                    <tr key={note.id}>
                      <td>
                        <Link to={`/concept-notes/${note.id}`}>{noteName(note)}</Link>
                        {note.referenceCode ? <span className="zone-line">{note.title}</span> : null}
                      </td>
                      <td>
                        <NoteStatusBadge status={note.status} />
                      </td>
                      <td>{note.primaryThematicAreaCode ?? '—'}</td>
                      <td>
                        <DateTime value={note.submittedAt} />
                      </td>
                      <td className="num">
                        <Money value={note.totalBudgetUsd} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {page.total > page.items.length ? (
                <p className="muted">{t('targeted.more', { number: page.total - page.items.length })}</p>
              ) : null}
            </div>
          )
        }
      </Loaded>
    </Section>
  );
}
