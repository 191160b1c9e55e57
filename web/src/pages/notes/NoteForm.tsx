import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, unwrap, type Locale, type Schemas } from '../../api/client';
import { useUser } from '../../auth/session';
import { Field, FieldSet } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Page } from '../../components/Page';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { Money } from '../../components/Time';
import { useAction, useResource } from '../../hooks';
import { LANGUAGE_NAMES } from '../../i18n';
import {
  EDITABLE,
  MARKERS,
  NARRATIVE,
  NOTE_LANGUAGES,
  SCOPES,
  useListJoin,
  useReference,
  type MarkerName,
  type Note,
  type Reference,
  type Scope,
} from './data';
import { PrecheckPanel } from './Precheck';
import './notes.css';

interface Share {
  organizationCode: string;
  directCostsUsd: string;
}

interface FormState {
  title: string;
  summary: string;
  summaryEn: string;
  language: Locale;
  scope: Scope | '';
  countryCodes: string[];
  primaryThematicAreaCode: string;
  gcmObjectiveNumbers: number[];
  conveningOrganizationCode: string;
  participating: Share[];
  totalBudgetUsd: string;
  implementingPartners: string;
  durationMonths: string;
  markers: Record<MarkerName, { marker: string; justification: string }>;
  beneficiaries: string;
  theoryOfChange: string;
  expectedResults: string;
  sustainability: string;
  risks: string;
}

/** The fields this form shows next to their controls (the banner lists any other). */
const SHOWN = [
  'title',
  'summary',
  'summaryEn',
  'language',
  'scope',
  'countryCodes',
  'primaryThematicAreaCode',
  'gcmObjectiveNumbers',
  'conveningOrganizationCode',
  'participatingOrganizations',
  'totalBudgetUsd',
  'implementingPartners',
  'durationMonths',
  'markers',
  ...NARRATIVE,
];

function emptyForm(organizationCode: string | null): FormState {
  const marker = { marker: '', justification: '' };
  return {
    title: '',
    summary: '',
    summaryEn: '',
    language: 'en',
    scope: '',
    countryCodes: [],
    primaryThematicAreaCode: '',
    gcmObjectiveNumbers: [],
    conveningOrganizationCode: organizationCode ?? '',
    participating: [
      { organizationCode: organizationCode ?? '', directCostsUsd: '' },
      { organizationCode: '', directCostsUsd: '' },
    ],
    totalBudgetUsd: '',
    implementingPartners: '',
    durationMonths: '',
    markers: { gender: { ...marker }, humanRights: { ...marker }, childSensitivity: { ...marker } },
    beneficiaries: '',
    theoryOfChange: '',
    expectedResults: '',
    sustainability: '',
    risks: '',
  };
}

function fromNote(note: Note): FormState {
  const text = (value: number | null) => (value === null ? '' : String(value));
  const marker = (name: MarkerName) => ({
    marker: text(note.markers[name].marker),
    justification: note.markers[name].justification ?? '',
  });
  return {
    title: note.title,
    summary: note.summary,
    summaryEn: note.summaryEn ?? '',
    language: (NOTE_LANGUAGES as string[]).includes(note.language) ? (note.language as Locale) : 'en',
    scope: note.scope ?? '',
    countryCodes: note.countryCodes,
    primaryThematicAreaCode: note.primaryThematicAreaCode ?? '',
    gcmObjectiveNumbers: note.gcmObjectiveNumbers,
    conveningOrganizationCode: note.conveningOrganizationCode ?? '',
    participating: note.participatingOrganizations.map((p) => ({
      organizationCode: p.organizationCode,
      directCostsUsd: String(p.directCostsUsd),
    })),
    totalBudgetUsd: text(note.totalBudgetUsd),
    implementingPartners: note.implementingPartners.join('\n'),
    durationMonths: text(note.durationMonths),
    markers: {
      gender: marker('gender'),
      humanRights: marker('humanRights'),
      childSensitivity: marker('childSensitivity'),
    },
    beneficiaries: note.beneficiaries ?? '',
    theoryOfChange: note.theoryOfChange ?? '',
    expectedResults: note.expectedResults ?? '',
    sustainability: note.sustainability ?? '',
    risks: note.risks ?? '',
  };
}

/** A number as typed: empty is null; anything else goes as a number (the server says what is wrong). */
const amount = (value: string): number | null => (value.trim() === '' ? null : Number(value));

/** The rows of participating organizations sent: those not left entirely blank (a draft may have none). */
function sentRows(form: FormState): number[] {
  return form.participating
    .map((p, i) => (p.organizationCode || p.directCostsUsd.trim() ? i : -1))
    .filter((i) => i >= 0);
}

/**
 * What the form sends: an organization's amount left empty goes as null, so the server's message
 * shows next to it (the API types the amount as a number).
 */
type NoteBody = Omit<Schemas['CreateConceptNoteDto'], 'participatingOrganizations'> & {
  participatingOrganizations?: { organizationCode: string; directCostsUsd: number | null }[];
};

/** The body the API takes (its validation messages come back by field). */
function toBody(form: FormState): Schemas['CreateConceptNoteDto'] {
  const marker = (name: MarkerName) => ({
    marker: amount(form.markers[name].marker),
    justification: form.markers[name].justification,
  });
  const body: NoteBody = {
    title: form.title,
    summary: form.summary,
    summaryEn: form.language === 'en' ? null : form.summaryEn,
    language: form.language,
    scope: form.scope || null,
    countryCodes: form.countryCodes,
    primaryThematicAreaCode: form.primaryThematicAreaCode || null,
    gcmObjectiveNumbers: form.gcmObjectiveNumbers,
    ...(form.conveningOrganizationCode ? { conveningOrganizationCode: form.conveningOrganizationCode } : {}),
    participatingOrganizations: sentRows(form).map((i) => ({
      organizationCode: form.participating[i].organizationCode,
      directCostsUsd: amount(form.participating[i].directCostsUsd),
    })),
    totalBudgetUsd: amount(form.totalBudgetUsd),
    implementingPartners: form.implementingPartners
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
    durationMonths: amount(form.durationMonths),
    markers: {
      gender: marker('gender'),
      humanRights: marker('humanRights'),
      childSensitivity: marker('childSensitivity'),
    },
    beneficiaries: form.beneficiaries,
    theoryOfChange: form.theoryOfChange,
    expectedResults: form.expectedResults,
    sustainability: form.sustainability,
    risks: form.risks,
  };
  return body as Schemas['CreateConceptNoteDto'];
}

/** `/concept-notes/new` */
export function NewNote() {
  const user = useUser();
  const reference = useReference();
  const { t } = useTranslation('notes');
  return (
    <Page title={t('form.newTitle')}>
      <Loaded resource={reference}>
        {(ref) => <NoteForm reference={ref} initial={emptyForm(user.organizationCode)} />}
      </Loaded>
    </Page>
  );
}

/** `/concept-notes/:id/edit` */
export function EditNote() {
  const { id = '' } = useParams();
  const { t } = useTranslation('notes');
  const reference = useReference();
  const note = useResource(
    () => unwrap(api.GET('/api/v1/concept-notes/{id}', { params: { path: { id } } })),
    [id],
  );
  return (
    <Page title={note.data ? t('form.editTitle', { title: note.data.title }) : t('form.editTitleShort')}>
      <Loaded resource={note}>
        {(current) => (
          <Loaded resource={reference}>
            {(ref) =>
              EDITABLE.includes(current.status) ? (
                <NoteForm
                  key={`${current.id}-${current.version}`}
                  reference={ref}
                  note={current}
                  initial={fromNote(current)}
                  onReload={() => note.reload()}
                />
              ) : (
                <>
                  <p className="warning" role="status">
                    {t('form.notEditable', { status: t(`common:status.${current.status}`) })}
                  </p>
                  <p>
                    <Link to={`/concept-notes/${current.id}`}>{t('form.backToNote')}</Link>
                  </p>
                </>
              )
            }
          </Loaded>
        )}
      </Loaded>
    </Page>
  );
}

function NoteForm({
  reference,
  note,
  initial,
  onReload,
}: {
  reference: Reference;
  note?: Note;
  initial: FormState;
  onReload?: () => void;
}) {
  const { t } = useTranslation(['notes', 'common']);
  const navigate = useNavigate();
  const location = useLocation();
  const justSaved = (location.state as { saved?: boolean } | null)?.saved === true;
  const [form, setForm] = useState<FormState>(initial);
  const [dirty, setDirty] = useState(false);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setDirty(true);
    setForm((f) => ({ ...f, [key]: value }));
  };

  // The rows the last save sent, in order: the server's `participatingOrganizations.<i>` is form row rows[i].
  const [rows, setRows] = useState<number[]>([]);
  const save = useAction(async (close: boolean) => {
    setRows(sentRows(form));
    const body = toBody(form);
    const saved = note
      ? await unwrap(
          api.PATCH('/api/v1/concept-notes/{id}', {
            params: { path: { id: note.id }, header: { 'If-Match': `"${note.version}"` } },
            body,
          }),
        )
      : await unwrap(api.POST('/api/v1/concept-notes', { body }));
    await navigate(close ? `/concept-notes/${saved.id}` : `/concept-notes/${saved.id}/edit`, {
      replace: !close,
      state: { saved: true },
    });
    // Same address (an edit saved): the screen reloads the note to show what the server computed.
    if (!close && note) onReload?.();
  });
  const error = save.error;
  const stale = error?.status === 412;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run(false);
  };

  const objectivesInArea = new Set(
    reference.areas.find((a) => a.code === form.primaryThematicAreaCode)?.gcmObjectiveNumbers ?? [],
  );
  const rate = reference.rules.indirectSupportCostRate;

  return (
    <form onSubmit={submit} noValidate className="notes-form">
      {justSaved && !dirty && !save.busy && !error ? <Notice>{t('form.saved')}</Notice> : null}
      {stale ? (
        <div className="warning" role="alert">
          <p>{t('form.stale')}</p>
          <button type="button" onClick={() => onReload?.()}>
            {t('form.reloadLatest')}
          </button>
        </div>
      ) : null}
      <ProblemBanner error={error} shown={stale ? [...SHOWN, 'If-Match'] : SHOWN} />

      <section className="card">
        <h2 id="form-general">{t('form.sectionGeneral')}</h2>
        <Field label={t('fields.title')} error={error?.field('title')} required>
          <input value={form.title} maxLength={300} onChange={(e) => set('title', e.target.value)} />
        </Field>
        <Field label={t('fields.language')} error={error?.field('language')} required>
          <select value={form.language} onChange={(e) => set('language', e.target.value as Locale)}>
            {NOTE_LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('fields.summary')} error={error?.field('summary')} required>
          <textarea value={form.summary} onChange={(e) => set('summary', e.target.value)} />
        </Field>
        {form.language !== 'en' ? (
          <Field
            label={t('fields.summaryEn')}
            hint={t('form.summaryEnHint')}
            error={error?.field('summaryEn')}
            required
          >
            <textarea lang="en" value={form.summaryEn} onChange={(e) => set('summaryEn', e.target.value)} />
          </Field>
        ) : null}
      </section>

      <section className="card">
        <h2 id="form-scope">{t('form.sectionScope')}</h2>
        <Field label={t('fields.scope')} error={error?.field('scope')} required>
          <select value={form.scope} onChange={(e) => set('scope', e.target.value as Scope | '')}>
            <option value="">{t('form.choose')}</option>
            {SCOPES.map((s) => (
              <option key={s} value={s}>
                {t(`scope.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <CountryPicker
          reference={reference}
          value={form.countryCodes}
          onChange={(codes) => set('countryCodes', codes)}
          error={error?.field('countryCodes')}
        />
        <Field
          label={t('fields.primaryThematicArea')}
          error={error?.field('primaryThematicAreaCode')}
          required
        >
          <select
            value={form.primaryThematicAreaCode}
            onChange={(e) => set('primaryThematicAreaCode', e.target.value)}
          >
            <option value="">{t('form.choose')}</option>
            {reference.areas.map((a) => (
              <option key={a.code} value={a.code}>
                {a.code} — {a.title}
              </option>
            ))}
          </select>
        </Field>
        <FieldSet legend={t('fields.gcmObjectives')} error={error?.field('gcmObjectiveNumbers')}>
          <p className="field-hint">{t('form.objectivesHint')}</p>
          <ul className="notes-checklist">
            {reference.objectives.map((o) => (
              <li key={o.number}>
                <label>
                  <input
                    type="checkbox"
                    checked={form.gcmObjectiveNumbers.includes(o.number)}
                    onChange={(e) =>
                      set(
                        'gcmObjectiveNumbers',
                        e.target.checked
                          ? [...form.gcmObjectiveNumbers, o.number].sort((a, b) => a - b)
                          : form.gcmObjectiveNumbers.filter((n) => n !== o.number),
                      )
                    }
                  />
                  {t('form.objective', { number: o.number, title: o.title })}
                  {objectivesInArea.has(o.number) ? (
                    <span className="badge">{t('form.inPrimaryArea')}</span>
                  ) : null}
                </label>
              </li>
            ))}
          </ul>
        </FieldSet>
      </section>

      <section className="card">
        <h2 id="form-organizations">{t('form.sectionOrganizations')}</h2>
        <Field
          label={t('fields.conveningOrganization')}
          hint={t('form.conveningHint')}
          error={error?.field('conveningOrganizationCode')}
          required
        >
          <select
            value={form.conveningOrganizationCode}
            onChange={(e) => set('conveningOrganizationCode', e.target.value)}
          >
            <option value="">{t('form.choose')}</option>
            {reference.organizations
              .filter((o) => o.active || o.code === form.conveningOrganizationCode)
              .map((o) => (
                <option key={o.code} value={o.code}>
                  {o.code} — {o.name}
                </option>
              ))}
          </select>
        </Field>
        <FieldSet
          legend={t('fields.participatingOrganizations')}
          error={error?.exactField('participatingOrganizations')}
        >
          <p className="field-hint">
            {t('form.participatingHint', { rate: Math.round(rate * 10000) / 100 })}
          </p>
          {form.participating.map((share, index) => {
            const n = index + 1;
            const path = `participatingOrganizations.${rows.indexOf(index)}`;
            const computed = note?.participatingOrganizations.find(
              (p) => p.organizationCode === share.organizationCode,
            );
            const current =
              computed &&
              computed.organizationCode === share.organizationCode &&
              String(computed.directCostsUsd) === share.directCostsUsd.trim();
            const update = (patch: Partial<Share>) =>
              set(
                'participating',
                form.participating.map((p, i) => (i === index ? { ...p, ...patch } : p)),
              );
            return (
              <div className="notes-share" key={index}>
                <Field
                  label={t('form.organizationN', { n })}
                  error={error?.field(`${path}.organizationCode`)}
                  required
                >
                  <select
                    value={share.organizationCode}
                    onChange={(e) => update({ organizationCode: e.target.value })}
                  >
                    <option value="">{t('form.choose')}</option>
                    {reference.organizations
                      .filter((o) => o.active || o.code === share.organizationCode)
                      .map((o) => (
                        <option key={o.code} value={o.code}>
                          {o.code} — {o.name}
                        </option>
                      ))}
                  </select>
                </Field>
                <Field
                  label={t('form.directCostsN', { n })}
                  error={error?.field(`${path}.directCostsUsd`)}
                  required
                >
                  <input
                    type="number"
                    inputMode="decimal"
                    min={0}
                    step="0.01"
                    value={share.directCostsUsd}
                    onChange={(e) => update({ directCostsUsd: e.target.value })}
                  />
                </Field>
                <div className="notes-share-computed">
                  {current ? (
                    <>
                      <span>
                        {t('form.indirect')}: <Money value={computed.indirectSupportCostsUsd} />
                      </span>
                      <span>
                        {t('form.shareTotal')}: <Money value={computed.totalUsd} />
                      </span>
                    </>
                  ) : (
                    <span className="muted">{t('form.computedOnSave')}</span>
                  )}
                </div>
                <button
                  type="button"
                  className="danger"
                  onClick={() =>
                    set(
                      'participating',
                      form.participating.filter((_, i) => i !== index),
                    )
                  }
                >
                  {t('form.removeOrganizationN', { n })}
                </button>
              </div>
            );
          })}
          <button
            type="button"
            onClick={() =>
              set('participating', [...form.participating, { organizationCode: '', directCostsUsd: '' }])
            }
          >
            {t('form.addOrganization')}
          </button>
        </FieldSet>
        <Field
          label={t('fields.totalBudget')}
          hint={
            note ? (
              <>
                {t('form.totalHint')} {t('form.sharesTotalSaved')}: <Money value={note.sharesTotalUsd} />
              </>
            ) : (
              t('form.totalHint')
            )
          }
          error={error?.field('totalBudgetUsd')}
          required
        >
          <input
            type="number"
            inputMode="decimal"
            min={0}
            step="0.01"
            value={form.totalBudgetUsd}
            onChange={(e) => set('totalBudgetUsd', e.target.value)}
          />
        </Field>
        <Field
          label={t('fields.implementingPartners')}
          hint={t('form.partnersHint')}
          error={error?.field('implementingPartners')}
        >
          <textarea
            className="notes-short"
            value={form.implementingPartners}
            onChange={(e) => set('implementingPartners', e.target.value)}
          />
        </Field>
        <Field
          label={t('fields.duration')}
          hint={t('form.durationHint', {
            min: reference.rules.durationMonths.min,
            max: reference.rules.durationMonths.max,
          })}
          error={error?.field('durationMonths')}
          required
        >
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={120}
            step={1}
            value={form.durationMonths}
            onChange={(e) => set('durationMonths', e.target.value)}
          />
        </Field>
      </section>

      <section className="card">
        <h2 id="form-markers">{t('form.sectionMarkers')}</h2>
        <p className="field-hint">
          {t('form.markersHint', {
            gender: reference.rules.markerMinimums.gender,
            humanRights: reference.rules.markerMinimums.humanRights,
            childSensitivity: reference.rules.markerMinimums.childSensitivity,
          })}
        </p>
        {MARKERS.map((name) => (
          <FieldSet key={name} legend={t(`marker.${name}`)} error={error?.exactField(`markers.${name}`)}>
            <Field
              label={t(`form.markerScore.${name}`)}
              error={error?.field(`markers.${name}.marker`)}
              required
            >
              <select
                value={form.markers[name].marker}
                onChange={(e) =>
                  set('markers', {
                    ...form.markers,
                    [name]: { ...form.markers[name], marker: e.target.value },
                  })
                }
              >
                <option value="">{t('form.choose')}</option>
                {[0, 1, 2, 3].map((score) => (
                  <option key={score} value={String(score)}>
                    {t(`markerScore.${score}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              label={t(`form.markerJustification.${name}`)}
              error={error?.field(`markers.${name}.justification`)}
              required
            >
              <textarea
                className="notes-short"
                value={form.markers[name].justification}
                onChange={(e) =>
                  set('markers', {
                    ...form.markers,
                    [name]: { ...form.markers[name], justification: e.target.value },
                  })
                }
              />
            </Field>
          </FieldSet>
        ))}
      </section>

      <section className="card">
        <h2 id="form-narrative">{t('form.sectionNarrative')}</h2>
        {NARRATIVE.map((name) => (
          <Field
            key={name}
            label={t(`fields.${name}`)}
            hint={t(`form.hint.${name}`)}
            error={error?.field(name)}
            required
          >
            <textarea value={form[name]} onChange={(e) => set(name, e.target.value)} />
          </Field>
        ))}
      </section>

      <div className="actions notes-form-actions">
        <button type="submit" className="primary" disabled={save.busy}>
          {t('form.saveDraft')}
        </button>
        <button type="button" disabled={save.busy} onClick={() => void save.run(true)}>
          {t('form.saveAndClose')}
        </button>
        {note ? <Link to={`/concept-notes/${note.id}`}>{t('form.backToNote')}</Link> : null}
        {save.busy ? (
          <span role="status" className="muted">
            {t('form.saving')}
          </span>
        ) : null}
      </div>

      {note ? (
        <section className="card">
          <h2 id="form-precheck">{t('precheck.title')}</h2>
          <PrecheckPanel noteId={note.id} auto />
        </section>
      ) : (
        <p className="muted">{t('form.precheckAfterSave')}</p>
      )}
    </form>
  );
}

function CountryPicker({
  reference,
  value,
  onChange,
  error,
}: {
  reference: Reference;
  value: string[];
  onChange: (codes: string[]) => void;
  error?: string;
}) {
  const { t } = useTranslation('notes');
  const [find, setFind] = useState('');
  const join = useListJoin();
  const needle = find.trim().toLocaleLowerCase();
  const shown = reference.countries.filter(
    (c) =>
      value.includes(c.code) ||
      !needle ||
      c.name.toLocaleLowerCase().includes(needle) ||
      c.code.toLocaleLowerCase() === needle,
  );
  const selected = value.map((code) => reference.countries.find((c) => c.code === code)?.name ?? code);
  return (
    <FieldSet legend={t('fields.countries')} error={error}>
      <Field label={t('form.findCountry')}>
        <input type="search" value={find} onChange={(e) => setFind(e.target.value)} />
      </Field>
      <p className="muted" aria-live="polite">
        {selected.length ? t('form.selectedCountries', { list: join(selected) }) : t('form.noCountry')}
      </p>
      <ul className="notes-checklist notes-scroll">
        {shown.map((c) => (
          <li key={c.code}>
            <label>
              <input
                type="checkbox"
                checked={value.includes(c.code)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...value, c.code] : value.filter((code) => code !== c.code))
                }
              />
              {c.name} ({c.code})
            </label>
          </li>
        ))}
      </ul>
    </FieldSet>
  );
}
