import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { ExportButtons } from '../../components/ExportButtons';
import { Field, FieldSet } from '../../components/Field';
import { Section } from '../../components/Page';
import { ProblemBanner } from '../../components/Problem';
import { DateTime, Money, useZone } from '../../components/Time';
import { calendarDay } from '../../format';
import { useAction, useResource } from '../../hooks';
import {
  DecisionStatusBadge,
  newKey,
  decidedName,
  OUTCOMES,
  type AgendaItem,
  type Decision,
  type Meeting,
  type Outcome,
} from './parts';

const FORM_FIELDS = [
  'conceptNoteId',
  'outcome',
  'rationale',
  'totalAmountUsd',
  'amountsUsd',
  'fullProgrammeDueOn',
  'envelopeOverrideReason',
  'points',
];

const cents = (usd: number | null | undefined) => Math.round((usd ?? 0) * 100);

/**
 * Decisions of the meeting: the envelope used and left, the draft form (secretariat), the record
 * (drafts, released, superseded) and the release of every draft at once. The committee reads the
 * released decisions.
 */
export function DecisionsSection({
  meeting,
  items,
  decisions,
  manage,
  onChanged,
}: {
  meeting: Meeting;
  items: AgendaItem[];
  decisions: Decision[];
  manage: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation(['meetings', 'common']);
  const [released, setReleased] = useState<number>();
  const release = useAction(async () => {
    const answer = await unwrap(
      api.POST('/api/v1/meetings/{id}/decisions/release', {
        params: { path: { id: meeting.id }, header: { 'Idempotency-Key': newKey() } },
      }),
    );
    setReleased(answer.released.length);
    onChanged();
  });
  const drafts = decisions.filter((d) => d.status === 'draft');
  const shown = manage ? decisions : decisions.filter((d) => d.status === 'released');
  const deciding =
    meeting.status === 'agenda_closed' ||
    meeting.status === 'held' ||
    (meeting.kind === 'written_procedure' && meeting.status === 'scheduled');
  return (
    <Section title={t('decisions.title')} id="decisions">
      <Envelope meeting={meeting} decisions={decisions} drafts={manage} />
      {manage ? (
        <>
          {!deciding ? <p className="muted">{t('decisions.notOpen')}</p> : null}
          <DecisionForm meeting={meeting} items={items} decisions={decisions} onSaved={onChanged} />
        </>
      ) : null}
      <h3>{manage ? t('decisions.record') : t('decisions.released')}</h3>
      {shown.length === 0 ? (
        <p>{manage ? t('decisions.none') : t('decisions.noneReleased')}</p>
      ) : (
        <DecisionTable decisions={shown} meetingId={meeting.id} manage={manage} onChanged={onChanged} />
      )}
      {manage ? (
        <>
          <h3>{t('decisions.releaseTitle')}</h3>
          <p className="muted">{t('decisions.releaseHint', { number: drafts.length })}</p>
          <ProblemBanner error={release.error} />
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={release.busy}
              onClick={() => {
                setReleased(undefined);
                void release.run();
              }}
            >
              {t('decisions.release')}
            </button>
            {released !== undefined ? (
              <span className="notice" role="status">
                {t('decisions.releasedCount', { number: released })}
              </span>
            ) : null}
          </div>
          <ExportButtons
            path={`/api/v1/meetings/${meeting.id}/decisions`}
            name="decisions"
            csv={t('decisions.exportCsv')}
            xlsx={t('decisions.exportXlsx')}
          />
        </>
      ) : null}
    </Section>
  );
}

/** The funding envelope: funded in drafts and released decisions, and what is left. */
function Envelope({
  meeting,
  decisions,
  drafts,
}: {
  meeting: Meeting;
  decisions: Decision[];
  /** The secretariat sees drafts; the committee only what is released. */
  drafts: boolean;
}) {
  const { t } = useTranslation(['meetings', 'common']);
  const funded = decisions.filter((d) => d.outcome === 'funded');
  const releasedCents = funded
    .filter((d) => d.status === 'released')
    .reduce((sum, d) => sum + cents(d.totalAmountUsd), 0);
  const draftCents = funded
    .filter((d) => d.status === 'draft')
    .reduce((sum, d) => sum + cents(d.totalAmountUsd), 0);
  const envelopeCents = meeting.envelopeUsd === null ? null : cents(meeting.envelopeUsd);
  const left = envelopeCents === null ? null : envelopeCents - releasedCents - draftCents;
  return (
    <dl className="facts envelope">
      <dt>{t('fields.envelope')}</dt>
      <dd>{envelopeCents === null ? t('facts.noEnvelope') : <Money value={envelopeCents / 100} />}</dd>
      <dt>{t('decisions.fundedReleased')}</dt>
      <dd>
        <Money value={releasedCents / 100} />
      </dd>
      {drafts ? (
        <>
          <dt>{t('decisions.fundedDrafts')}</dt>
          <dd>
            <Money value={draftCents / 100} />
          </dd>
        </>
      ) : null}
      {left !== null ? (
        <>
          <dt>{t('decisions.available')}</dt>
          <dd>
            {left >= 0 ? (
              <Money value={left / 100} />
            ) : (
              <span className="badge bad">
                {t('decisions.overBy')} <Money value={-left / 100} />
              </span>
            )}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

/** One draft decision on a listed agenda item (posting again for the same note replaces the draft). */
function DecisionForm({
  meeting,
  items,
  decisions,
  onSaved,
}: {
  meeting: Meeting;
  items: AgendaItem[];
  decisions: Decision[];
  onSaved: () => void;
}) {
  const { t } = useTranslation(['meetings', 'common']);
  const listed = items.filter((i) => i.status === 'listed');
  const decided = new Set(decisions.filter((d) => d.status !== 'superseded').map((d) => d.conceptNoteId));
  const [noteId, setNoteId] = useState('');
  const selected = listed.some((i) => i.conceptNoteId === noteId)
    ? noteId
    : ((listed.find((i) => !decided.has(i.conceptNoteId)) ?? listed[0])?.conceptNoteId ?? '');
  const [outcome, setOutcome] = useState<Outcome>('approved');
  const [rationale, setRationale] = useState('');
  const [total, setTotal] = useState('');
  const [perOrganization, setPerOrganization] = useState(false);
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  const zone = useZone();
  // Six months from today by default (in the reader's zone).
  const [dueOn, setDueOn] = useState(() => calendarDay(new Date(), zone, { months: 6 }));
  const [override, setOverride] = useState('');
  const [points, setPoints] = useState('');
  const [saved, setSaved] = useState<string>();
  const funded = outcome === 'funded';
  const note = useResource(
    () =>
      funded && selected
        ? unwrap(api.GET('/api/v1/concept-notes/{id}', { params: { path: { id: selected } } }))
        : Promise.resolve(undefined),
    [selected, funded],
  );
  const shares = note.data?.participatingOrganizations ?? [];
  const save = useAction(async () => {
    const body: Schemas['CreateDecisionDto'] = { conceptNoteId: selected, outcome, rationale };
    if (funded) {
      if (perOrganization)
        body.amountsUsd = shares
          .filter((s) => (amounts[s.organizationCode] ?? '').trim() !== '')
          .map((s) => ({
            organizationCode: s.organizationCode,
            amountUsd: Number(amounts[s.organizationCode]),
          }));
      if (total.trim() !== '') body.totalAmountUsd = Number(total);
      if (dueOn) body.fullProgrammeDueOn = dueOn;
      if (override.trim() !== '') body.envelopeOverrideReason = override;
    }
    if (outcome === 'revision_requested')
      body.points = points
        .split('\n')
        .map((p) => p.trim())
        .filter(Boolean);
    const decision = await unwrap(
      api.POST('/api/v1/meetings/{id}/decisions', {
        params: { path: { id: meeting.id }, header: { 'Idempotency-Key': newKey() } },
        body,
      }),
    );
    setSaved(
      t('decisions.saved', { note: decidedName(decision), outcome: t(`outcome.${decision.outcome}`) }),
    );
    setRationale('');
    setTotal('');
    setAmounts({});
    setOverride('');
    setPoints('');
    setNoteId('');
    onSaved();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(undefined);
    void save.run();
  };
  return (
    <form onSubmit={submit} noValidate className="narrow decision-form" aria-labelledby="decision-form-title">
      <h3 id="decision-form-title">{t('decisions.formTitle')}</h3>
      <ProblemBanner error={save.error} shown={FORM_FIELDS} />
      <Field label={t('decisions.item')} error={save.error?.field('conceptNoteId')} required>
        <select value={selected} onChange={(e) => setNoteId(e.target.value)}>
          {listed.length === 0 ? <option value="">{t('decisions.noItems')}</option> : null}
          {listed.map((item) => (
            <option key={item.id} value={item.conceptNoteId}>
              {item.referenceCode ? `${item.referenceCode} — ${item.title}` : item.title} (
              {t(`common:status.${item.noteStatus}`)})
            </option>
          ))}
        </select>
      </Field>
      <Field
        label={t('decisions.outcome')}
        hint={t(`decisions.outcomeHint.${outcome}`)}
        error={save.error?.field('outcome')}
        required
      >
        <select value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome)}>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {t(`outcome.${o}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('decisions.rationale')} error={save.error?.field('rationale')} required>
        <textarea value={rationale} onChange={(e) => setRationale(e.target.value)} maxLength={20000} />
      </Field>
      {funded ? (
        <>
          {note.data ? (
            <p className="muted">
              {t('decisions.requested')} <Money value={note.data.totalBudgetUsd} />
            </p>
          ) : null}
          <Field
            label={t('decisions.total')}
            hint={t('decisions.totalHint')}
            error={save.error?.field('totalAmountUsd')}
          >
            <input
              type="number"
              inputMode="decimal"
              min={0}
              step="0.01"
              value={total}
              onChange={(e) => setTotal(e.target.value)}
            />
          </Field>
          <label className="inline">
            <input
              type="checkbox"
              checked={perOrganization}
              onChange={(e) => setPerOrganization(e.target.checked)}
            />
            {t('decisions.perOrganization')}
          </label>
          {perOrganization ? (
            <FieldSet legend={t('decisions.shares')} error={save.error?.field('amountsUsd')}>
              {shares.length === 0 ? <p className="muted">{t('common:loading')}</p> : null}
              {shares.map((share) => (
                <Field
                  key={share.organizationCode}
                  label={t('decisions.share', { organization: share.organizationCode })}
                  hint={
                    <>
                      {t('decisions.shareRequested')} <Money value={share.totalUsd} />
                    </>
                  }
                >
                  <input
                    type="number"
                    inputMode="decimal"
                    min={0}
                    step="0.01"
                    value={amounts[share.organizationCode] ?? ''}
                    onChange={(e) => setAmounts({ ...amounts, [share.organizationCode]: e.target.value })}
                  />
                </Field>
              ))}
            </FieldSet>
          ) : null}
          <Field label={t('decisions.dueOn')} error={save.error?.field('fullProgrammeDueOn')} required>
            <input type="date" value={dueOn} onChange={(e) => setDueOn(e.target.value)} />
          </Field>
          <Field
            label={t('decisions.override')}
            hint={t('decisions.overrideHint')}
            error={save.error?.field('envelopeOverrideReason')}
          >
            <textarea value={override} onChange={(e) => setOverride(e.target.value)} maxLength={2000} />
          </Field>
        </>
      ) : null}
      {outcome === 'revision_requested' ? (
        <Field
          label={t('decisions.points')}
          hint={t('decisions.pointsHint')}
          error={save.error?.field('points')}
          required
        >
          <textarea value={points} onChange={(e) => setPoints(e.target.value)} />
        </Field>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy}>
          {t('decisions.save')}
        </button>
        {saved ? (
          <span className="notice" role="status">
            {saved}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function DecisionTable({
  decisions,
  meetingId,
  manage,
  onChanged,
}: {
  decisions: Decision[];
  meetingId: string;
  manage: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation(['meetings', 'common']);
  const discard = useAction(async (decision: Decision) => {
    await unwrap(
      api.DELETE('/api/v1/meetings/{id}/decisions/{decisionId}', {
        params: { path: { id: meetingId, decisionId: decision.id } },
      }),
    );
    onChanged();
  });
  return (
    <>
      <ProblemBanner error={discard.error} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t('decisions.record')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('agenda.note')}</th>
              <th scope="col">{t('decisions.outcome')}</th>
              <th scope="col" className="num">
                {t('decisions.amounts')}
              </th>
              <th scope="col">{t('decisions.rationale')}</th>
              <th scope="col">{t('fields.status')}</th>
              {manage ? <th scope="col">{t('decisions.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {decisions.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link to={`/concept-notes/${d.conceptNoteId}`}>{decidedName(d)}</Link>
                  {d.referenceCode ? <span className="zone-line">{d.noteTitle}</span> : null}
                </td>
                <td>{t(`outcome.${d.outcome}`)}</td>
                <td className="num">
                  {d.totalAmountUsd !== null ? <Money value={d.totalAmountUsd} /> : '—'}
                  {d.amounts.map((a) => (
                    <span key={a.organizationCode} className="zone-line muted">
                      {a.organizationCode}: <Money value={a.amountUsd} />
                    </span>
                  ))}
                  {d.fullProgrammeDueOn ? (
                    <span className="zone-line muted">
                      {t('decisions.dueOnShort', { date: d.fullProgrammeDueOn })}
                    </span>
                  ) : null}
                </td>
                <td>
                  <pre className="wrap" dir="auto">
                    {d.rationale}
                  </pre>
                  {d.points.length > 0 ? (
                    <ol className="points">
                      {d.points.map((p, i) => (
                        <li key={i}>{p}</li>
                      ))}
                    </ol>
                  ) : null}
                  {d.envelopeOverrideReason ? (
                    <p className="muted">
                      {t('decisions.overrideShown', { reason: d.envelopeOverrideReason })}
                    </p>
                  ) : null}
                  {d.correctionReason ? (
                    <p className="muted">{t('decisions.correction', { reason: d.correctionReason })}</p>
                  ) : null}
                </td>
                <td>
                  <DecisionStatusBadge status={d.status} />
                  {d.releasedAt ? (
                    <span className="zone-line muted">
                      <DateTime value={d.releasedAt} />
                    </span>
                  ) : null}
                  {manage ? (
                    <span className="zone-line muted">
                      {t('decisions.recordedBy', { name: d.recordedByName })}
                    </span>
                  ) : null}
                </td>
                {manage ? (
                  <td>
                    {d.status === 'draft' ? (
                      <button
                        type="button"
                        className="danger"
                        disabled={discard.busy}
                        aria-label={t('decisions.deleteFor', { note: decidedName(d) })}
                        onClick={() => void discard.run(d)}
                      >
                        {t('decisions.delete')}
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
