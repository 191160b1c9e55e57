import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, unwrap, type ApiError, type Schemas } from '../../api/client';
import { Field } from '../../components/Field';
import { Page } from '../../components/Page';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { Countdown, Money, useZone } from '../../components/Time';
import { TIME_ZONES } from '../../format';
import { useAction, useResource } from '../../hooks';
import { KINDS, newKey, ZoneTimes, type Meeting, type MeetingKind } from './parts';
import './meetings.css';

const FIELDS = ['title', 'kind', 'startsLocal', 'timeZone', 'location', 'envelopeUsd'];

interface Values {
  title: string;
  kind: MeetingKind;
  startsLocal: string;
  timeZone: string;
  location: string;
  envelopeUsd: string;
}

function valuesOf(meeting: Meeting): Values {
  return {
    title: meeting.title,
    kind: meeting.kind,
    startsLocal: meeting.startsLocal.slice(0, 16),
    timeZone: meeting.timeZone,
    location: meeting.location ?? '',
    envelopeUsd: meeting.envelopeUsd === null ? '' : String(meeting.envelopeUsd),
  };
}

/** "" → null (cleared); anything else the number typed (the server says if it is not an amount). */
function amount(value: string): number | null {
  return value.trim() === '' ? null : Number(value);
}

/** The meeting's fields: title, kind, local start in an IANA zone, location, envelope. */
function MeetingFields({
  values,
  onChange,
  error,
  rescheduleHint,
}: {
  values: Values;
  onChange: (values: Values) => void;
  error?: ApiError;
  rescheduleHint?: string;
}) {
  const { t } = useTranslation(['meetings', 'common']);
  const set = <K extends keyof Values>(key: K, value: Values[K]) => onChange({ ...values, [key]: value });
  const zones = TIME_ZONES.includes(values.timeZone) ? TIME_ZONES : [values.timeZone, ...TIME_ZONES];
  return (
    <>
      <Field label={t('fields.title')} error={error?.field('title')} required>
        <input value={values.title} onChange={(e) => set('title', e.target.value)} maxLength={300} />
      </Field>
      <Field label={t('fields.kind')} error={error?.field('kind')} required>
        <select value={values.kind} onChange={(e) => set('kind', e.target.value as MeetingKind)}>
          {KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`kind.${kind}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label={t('fields.startsLocal')}
        hint={rescheduleHint ?? t('form.startsHint')}
        error={error?.field('startsLocal')}
        required
      >
        <input
          type="datetime-local"
          value={values.startsLocal}
          onChange={(e) => set('startsLocal', e.target.value)}
        />
      </Field>
      <Field label={t('fields.timeZone')} hint={t('form.zoneHint')} error={error?.field('timeZone')} required>
        <select value={values.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('fields.location')} error={error?.field('location')}>
        <input value={values.location} onChange={(e) => set('location', e.target.value)} maxLength={1000} />
      </Field>
      <Field label={t('fields.envelope')} hint={t('form.envelopeHint')} error={error?.field('envelopeUsd')}>
        <input
          type="number"
          inputMode="decimal"
          min={0}
          step="0.01"
          value={values.envelopeUsd}
          onChange={(e) => set('envelopeUsd', e.target.value)}
        />
      </Field>
    </>
  );
}

/** Start and cut-off of a meeting the server has just computed, in both zones. */
function Times({ meeting }: { meeting: Meeting }) {
  const { t } = useTranslation(['meetings', 'common']);
  return (
    <dl className="facts">
      <dt>{t('fields.start')}</dt>
      <dd>
        <ZoneTimes value={meeting.startsAt} zone={meeting.timeZone} local={meeting.startsLocal} />
      </dd>
      <dt>{t('fields.cutoff')}</dt>
      <dd>
        <ZoneTimes value={meeting.cutoffAt} zone={meeting.timeZone} local={meeting.cutoffLocal} />
        <span className="zone-line">
          {t('list.countdown')} <Countdown to={meeting.cutoffAt} />
        </span>
      </dd>
      <dt>{t('fields.envelope')}</dt>
      <dd>{meeting.envelopeUsd === null ? t('facts.noEnvelope') : <Money value={meeting.envelopeUsd} />}</dd>
    </dl>
  );
}

/** /meetings/new: schedule a meeting; the answer's cut-off is shown in both zones. */
export function NewMeeting() {
  const { t } = useTranslation(['meetings', 'common']);
  const zone = useZone();
  const blank = (): Values => ({
    title: '',
    kind: 'in_person',
    startsLocal: '',
    timeZone: TIME_ZONES.includes(zone) ? zone : 'Europe/Zurich',
    location: '',
    envelopeUsd: '',
  });
  const [values, setValues] = useState<Values>(blank);
  const [key, setKey] = useState(newKey);
  const [created, setCreated] = useState<Meeting>();
  // The form gives way to the answer: focus moves to its heading, so keyboard and screen-reader users follow.
  const createdHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (created) createdHeading.current?.focus();
  }, [created]);
  const create = useAction(async () => {
    const meeting = await unwrap(
      api.POST('/api/v1/meetings', {
        params: { header: { 'Idempotency-Key': key } },
        body: {
          title: values.title,
          kind: values.kind,
          startsLocal: values.startsLocal,
          timeZone: values.timeZone,
          location: values.location.trim() === '' ? undefined : values.location,
          envelopeUsd: amount(values.envelopeUsd) ?? undefined,
        },
      }),
    );
    setCreated(meeting);
    setKey(newKey());
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  if (created) {
    return (
      <Page title={t('form.newTitle')}>
        <section className="card" aria-labelledby="created-title" role="status">
          <h2 id="created-title" ref={createdHeading} tabIndex={-1}>
            {t('form.created', { title: created.title })}
          </h2>
          <Times meeting={created} />
          <div className="actions">
            <Link className="button primary" to={`/meetings/${created.id}`}>
              {t('form.open')}
            </Link>
            <button
              type="button"
              onClick={() => {
                setCreated(undefined);
                setValues(blank());
              }}
            >
              {t('form.another')}
            </button>
            <Link to="/meetings">{t('detail.allMeetings')}</Link>
          </div>
        </section>
      </Page>
    );
  }
  return (
    <Page title={t('form.newTitle')}>
      <form className="narrow" onSubmit={submit} noValidate aria-label={t('form.newTitle')}>
        <ProblemBanner error={create.error} shown={FIELDS} />
        <MeetingFields values={values} onChange={setValues} error={create.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={create.busy}>
            {t('form.create')}
          </button>
          <Link to="/meetings">{t('detail.allMeetings')}</Link>
        </div>
      </form>
    </Page>
  );
}

/** /meetings/:id/edit: edit or reschedule (only the changed fields are sent). */
export function EditMeeting() {
  const { id = '' } = useParams();
  const { t } = useTranslation(['meetings', 'common']);
  const meeting = useResource(
    () => unwrap(api.GET('/api/v1/meetings/{id}', { params: { path: { id } } })),
    [id],
  );
  return (
    <Page title={meeting.data ? t('form.editTitle', { title: meeting.data.title }) : t('form.editHeading')}>
      <Loaded resource={meeting}>{(m) => <EditForm key={`${m.id}-${m.version}`} meeting={m} />}</Loaded>
    </Page>
  );
}

function EditForm({ meeting }: { meeting: Meeting }) {
  const { t } = useTranslation(['meetings', 'common']);
  // What the server holds now: only the fields that differ from it are sent.
  const [current, setCurrent] = useState<Meeting>(meeting);
  const initial = valuesOf(current);
  const [values, setValues] = useState<Values>(initial);
  const [saved, setSaved] = useState<Meeting>();
  const save = useAction(async () => {
    const body: Schemas['UpdateMeetingDto'] = {};
    if (values.title !== initial.title) body.title = values.title;
    if (values.kind !== initial.kind) body.kind = values.kind;
    if (values.startsLocal !== initial.startsLocal) body.startsLocal = values.startsLocal;
    if (values.timeZone !== initial.timeZone) body.timeZone = values.timeZone;
    if (values.location !== initial.location)
      body.location = values.location.trim() === '' ? null : values.location;
    if (values.envelopeUsd !== initial.envelopeUsd) body.envelopeUsd = amount(values.envelopeUsd);
    const updated = await unwrap(
      api.PATCH('/api/v1/meetings/{id}', { params: { path: { id: meeting.id } }, body }),
    );
    setCurrent(updated);
    setSaved(updated);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(undefined);
    void save.run();
  };
  const closed = current.status !== 'scheduled';
  return (
    <form className="narrow" onSubmit={submit} noValidate aria-label={t('form.editHeading')}>
      {meeting.status === 'cancelled' || meeting.status === 'held' ? (
        <p className="warning">
          {t('form.notEditable', { status: t(`common:meetingStatus.${meeting.status}`) })}
        </p>
      ) : null}
      <ProblemBanner error={save.error} shown={FIELDS} />
      <MeetingFields
        values={values}
        onChange={setValues}
        error={save.error}
        rescheduleHint={closed ? t('form.closedHint') : t('form.rescheduleHint')}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy}>
          {t('form.save')}
        </button>
        <Link to={`/meetings/${meeting.id}`}>{t('form.back')}</Link>
      </div>
      {saved ? (
        <section className="notice" role="status" aria-label={t('form.saved')}>
          <p>
            <strong>{t('form.saved')}</strong>
          </p>
          <Times meeting={saved} />
        </section>
      ) : null}
    </form>
  );
}
