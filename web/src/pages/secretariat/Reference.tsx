import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { Field, FieldSet } from '../../components/Field';
import { Page, Section } from '../../components/Page';
import { qualityCriteria, screeningCriteria } from '../../api/criteria';
import { Badge } from '../../components/Badge';
import { Notice } from '../../components/Notice';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { loadCountries } from '../../countries';
import { useAction, useResource } from '../../hooks';
import { LANGUAGE_NAMES, LANGUAGES } from '../../i18n';
import './secretariat.css';

const TABS = ['themes', 'organizations', 'countries', 'fund-rules', 'criteria'] as const;
type Tab = (typeof TABS)[number];

// ---- Thematic areas, GCM objectives, guiding principles ----

function Themes() {
  const { t } = useTranslation('secretariat');
  const areas = useResource(() => unwrap(api.GET('/api/v1/thematic-areas')), []);
  const objectives = useResource(() => unwrap(api.GET('/api/v1/gcm-objectives')), []);
  const principles = useResource(() => unwrap(api.GET('/api/v1/guiding-principles')), []);
  return (
    <>
      <Section title={t('reference.areas')} id="areas">
        <Loaded resource={areas}>
          {(list) => (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{t('reference.areas')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('reference.code')}</th>
                    <th scope="col">{t('reference.titleColumn')}</th>
                    <th scope="col">{t('reference.objectives')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((a) => (
                    <tr key={a.code}>
                      <th scope="row">{a.code}</th>
                      <td>{a.title}</td>
                      <td>{a.gcmObjectiveNumbers.join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
      </Section>
      <Section title={t('reference.gcm')} id="gcm">
        <Loaded resource={objectives}>
          {(list) => (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{t('reference.gcm')}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      {t('reference.number')}
                    </th>
                    <th scope="col">{t('reference.titleColumn')}</th>
                    <th scope="col">{t('reference.area')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((o) => (
                    <tr key={o.number}>
                      <th scope="row" className="num">
                        {o.number}
                      </th>
                      <td>{o.title}</td>
                      <td>{o.thematicAreaCode}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
      </Section>
      <Section title={t('reference.principles')} id="principles">
        <Loaded resource={principles}>
          {(list) => (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{t('reference.principles')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('reference.code')}</th>
                    <th scope="col">{t('reference.titleColumn')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((p) => (
                    <tr key={p.code}>
                      <th scope="row">{p.code}</th>
                      <td>{p.title}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
      </Section>
    </>
  );
}

// ---- Organizations ----

function Organizations({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation('secretariat');
  const list = useResource(() => unwrap(api.GET('/api/v1/organizations')), []);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string>();
  const add = useAction(async () => {
    const created = await unwrap(
      api.POST('/api/v1/organizations', { body: { code: code.trim().toUpperCase(), name } }),
    );
    setMessage(t('reference.orgAdded', { code: created.code }));
    setCode('');
    setName('');
    list.reload();
  });
  const setActive = useAction(async (orgCode: string, active: boolean) => {
    await unwrap(
      api.PATCH('/api/v1/organizations/{code}', { params: { path: { code: orgCode } }, body: { active } }),
    );
    setMessage(t(active ? 'reference.orgReactivated' : 'reference.orgRetired', { code: orgCode }));
    list.reload();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMessage(undefined);
    void add.run();
  };
  return (
    <>
      <Section title={t('reference.organizations')} id="organizations">
        {message ? <Notice>{message}</Notice> : null}
        <ProblemBanner error={setActive.error} />
        <Loaded resource={list}>
          {(orgs) => (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{t('reference.organizations')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('reference.code')}</th>
                    <th scope="col">{t('reference.name')}</th>
                    <th scope="col">{t('reference.state')}</th>
                    <th scope="col" className="num">
                      {t('reference.focalPoints')}
                    </th>
                    {canEdit ? <th scope="col">{t('reference.action')}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {orgs.map((o) => (
                    <tr key={o.code}>
                      <th scope="row">{o.code}</th>
                      <td>{o.name}</td>
                      <td>
                        {o.active ? (
                          <Badge tone="ok">{t('reference.active')}</Badge>
                        ) : (
                          <Badge tone="bad">{t('reference.retired')}</Badge>
                        )}
                      </td>
                      <td className="num">{o.focalPointUserIds.length}</td>
                      {canEdit ? (
                        <td>
                          {o.active ? (
                            <button
                              type="button"
                              className="danger"
                              disabled={setActive.busy}
                              aria-label={t('reference.retireNamed', { code: o.code })}
                              onClick={() => {
                                setMessage(undefined);
                                void setActive.run(o.code, false);
                              }}
                            >
                              {t('reference.retire')}
                            </button>
                          ) : (
                            <button
                              type="button"
                              disabled={setActive.busy}
                              aria-label={t('reference.reactivateNamed', { code: o.code })}
                              onClick={() => {
                                setMessage(undefined);
                                void setActive.run(o.code, true);
                              }}
                            >
                              {t('reference.reactivate')}
                            </button>
                          )}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
      </Section>
      {canEdit ? (
        <Section title={t('reference.addOrganization')} id="add-organization">
          <form className="narrow" onSubmit={submit} noValidate>
            <ProblemBanner error={add.error} shown={['code', 'name']} />
            <Field
              label={t('reference.code')}
              hint={t('reference.codeHint')}
              error={add.error?.field('code')}
              required
            >
              <input value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
            </Field>
            <Field label={t('reference.name')} error={add.error?.field('name')} required>
              <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
            </Field>
            <button type="submit" className="primary" disabled={add.busy}>
              {t('reference.addOrganizationButton')}
            </button>
          </form>
        </Section>
      ) : null}
    </>
  );
}

// ---- Countries ----

function Countries() {
  const { t, i18n } = useTranslation('secretariat');
  const list = useResource(() => loadCountries(i18n.language), [i18n.language]);
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  return (
    <Section title={t('reference.countries')} id="countries">
      <Field label={t('reference.filterCountries')}>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </Field>
      <Loaded resource={list}>
        {(countries) => {
          const shown = countries.filter(
            (c) =>
              !needle ||
              c.code.toLowerCase().includes(needle) ||
              c.name.toLowerCase().includes(needle) ||
              c.regionName.toLowerCase().includes(needle) ||
              c.subregionName.toLowerCase().includes(needle),
          );
          return (
            <div className="table-wrap">
              <table>
                <caption>{t('reference.countriesCount', { total: shown.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('reference.code')}</th>
                    <th scope="col">{t('reference.name')}</th>
                    <th scope="col">{t('reference.region')}</th>
                    <th scope="col">{t('reference.subregion')}</th>
                    <th scope="col">{t('reference.m49')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((c) => (
                    <tr key={c.code}>
                      <th scope="row">{c.code}</th>
                      <td>{c.name}</td>
                      <td>{c.regionName}</td>
                      <td>{c.subregionName}</td>
                      <td>{c.m49Code}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </Loaded>
    </Section>
  );
}

// ---- Fund rules ----

type Rules = Schemas['FundRulesDto'];
const SCOPES = ['national', 'multi_country', 'regional', 'global'] as const;
const MARKERS = ['gender', 'humanRights', 'childSensitivity'] as const;
const SIMPLE = [
  'submissionCutoffWeeks',
  'minimumParticipatingOrganizations',
  'minimumSubmittedReviews',
  'technicalRevisionDays',
  'idleDraftDaysForReminders',
  'endorsementBacklogAlertDaysBeforeCutoff',
  'indirectSupportCostRate',
] as const;

/** The form's values as typed, keyed by the field path the server names in its errors. */
function toValues(rules: Rules): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of SIMPLE) values[key] = String(rules[key]);
  for (const scope of SCOPES) {
    values[`budgetBandsUsd.${scope}.min`] = String(rules.budgetBandsUsd[scope].min);
    values[`budgetBandsUsd.${scope}.max`] = String(rules.budgetBandsUsd[scope].max);
  }
  values['durationMonths.min'] = String(rules.durationMonths.min);
  values['durationMonths.max'] = String(rules.durationMonths.max);
  for (const m of MARKERS) values[`markerMinimums.${m}`] = String(rules.markerMinimums[m]);
  return values;
}

/** A typed number, or null (which the server names as missing) when it is not one. */
function num(value: string): number {
  const trimmed = value.trim();
  return (trimmed === '' || !Number.isFinite(Number(trimmed)) ? null : Number(trimmed)) as number;
}

function FundRulesForm({
  view,
  canEdit,
  onSaved,
}: {
  view: Schemas['FundRulesView'];
  canEdit: boolean;
  onSaved: (v: Schemas['FundRulesView']) => void;
}) {
  const { t } = useTranslation('secretariat');
  const [values, setValues] = useState(() => toValues(view.rules));
  const [languages, setLanguages] = useState<Rules['acceptedLanguages']>(view.rules.acceptedLanguages);
  const save = useAction(async () => {
    const v = values;
    const body: Rules = {
      submissionCutoffWeeks: num(v.submissionCutoffWeeks),
      minimumParticipatingOrganizations: num(v.minimumParticipatingOrganizations),
      budgetBandsUsd: Object.fromEntries(
        SCOPES.map((s) => [
          s,
          { min: num(v[`budgetBandsUsd.${s}.min`]), max: num(v[`budgetBandsUsd.${s}.max`]) },
        ]),
      ) as Rules['budgetBandsUsd'],
      durationMonths: { min: num(v['durationMonths.min']), max: num(v['durationMonths.max']) },
      markerMinimums: {
        gender: num(v['markerMinimums.gender']),
        humanRights: num(v['markerMinimums.humanRights']),
        childSensitivity: num(v['markerMinimums.childSensitivity']),
      },
      indirectSupportCostRate: num(v.indirectSupportCostRate),
      acceptedLanguages: languages,
      minimumSubmittedReviews: num(v.minimumSubmittedReviews),
      technicalRevisionDays: num(v.technicalRevisionDays),
      idleDraftDaysForReminders: num(v.idleDraftDaysForReminders),
      endorsementBacklogAlertDaysBeforeCutoff: num(v.endorsementBacklogAlertDaysBeforeCutoff),
    };
    onSaved(await unwrap(api.PUT('/api/v1/fund-rules', { body })));
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  /** A message for exactly this field (min > max is reported on the pair, shown beside its maximum). */
  const exact = (field: string) => save.error?.exactField(field);
  const input = (
    path: string,
    label: string,
    opts: { step?: string; hint?: string; range?: string } = {},
  ) => (
    <Field
      label={label}
      hint={opts.hint}
      error={save.error?.field(path) ?? (opts.range ? exact(opts.range) : undefined)}
      required
    >
      <input
        type="number"
        inputMode="decimal"
        step={opts.step ?? '1'}
        min="0"
        readOnly={!canEdit}
        value={values[path]}
        onChange={(e) => setValues((current) => ({ ...current, [path]: e.target.value }))}
      />
    </Field>
  );
  const fields = Object.keys(values).concat(
    ['acceptedLanguages', 'durationMonths'],
    SCOPES.map((s) => `budgetBandsUsd.${s}`),
  );

  return (
    <form className="sec-fund-rules" onSubmit={submit} noValidate>
      <p className="muted">
        {t('reference.rulesVersion', { version: view.version })} <DateTime value={view.createdAt} />
      </p>
      <ProblemBanner error={save.error} shown={fields} />
      <FieldSet legend={t('reference.submission')}>
        <div className="sec-pair">
          {input('submissionCutoffWeeks', t('reference.rules.submissionCutoffWeeks'))}
          {input('minimumParticipatingOrganizations', t('reference.rules.minimumParticipatingOrganizations'))}
          {input('indirectSupportCostRate', t('reference.rules.indirectSupportCostRate'), {
            step: '0.0001',
            hint: t('reference.rules.rateHint'),
          })}
        </div>
      </FieldSet>
      <FieldSet legend={t('reference.budgetBands')}>
        {SCOPES.map((scope) => (
          <div className="sec-pair" key={scope}>
            {input(`budgetBandsUsd.${scope}.min`, t('reference.bandMin', { scope: t(`scope.${scope}`) }), {
              step: '0.01',
            })}
            {input(`budgetBandsUsd.${scope}.max`, t('reference.bandMax', { scope: t(`scope.${scope}`) }), {
              step: '0.01',
              range: `budgetBandsUsd.${scope}`,
            })}
          </div>
        ))}
      </FieldSet>
      <FieldSet legend={t('reference.duration')}>
        <div className="sec-pair">
          {input('durationMonths.min', t('reference.durationMin'))}
          {input('durationMonths.max', t('reference.durationMax'), { range: 'durationMonths' })}
        </div>
      </FieldSet>
      <FieldSet legend={t('reference.markers')}>
        <div className="sec-pair">
          {MARKERS.map((m) => (
            <div key={m}>{input(`markerMinimums.${m}`, t(`reference.marker.${m}`))}</div>
          ))}
        </div>
      </FieldSet>
      <FieldSet legend={t('reference.languages')} error={save.error?.field('acceptedLanguages')}>
        <div className="sec-checks">
          {LANGUAGES.map((l) => (
            <label key={l}>
              <input
                type="checkbox"
                disabled={!canEdit}
                checked={languages.includes(l)}
                onChange={(e) =>
                  setLanguages((current) =>
                    e.target.checked ? [...current, l] : current.filter((x) => x !== l),
                  )
                }
              />
              <span lang={l}>{LANGUAGE_NAMES[l]}</span>
            </label>
          ))}
        </div>
      </FieldSet>
      <FieldSet legend={t('reference.reviewsAndReminders')}>
        <div className="sec-pair">
          {input('minimumSubmittedReviews', t('reference.rules.minimumSubmittedReviews'))}
          {input('technicalRevisionDays', t('reference.rules.technicalRevisionDays'))}
          {input('idleDraftDaysForReminders', t('reference.rules.idleDraftDaysForReminders'))}
          {input(
            'endorsementBacklogAlertDaysBeforeCutoff',
            t('reference.rules.endorsementBacklogAlertDaysBeforeCutoff'),
          )}
        </div>
      </FieldSet>
      {canEdit ? (
        <button type="submit" className="primary" disabled={save.busy}>
          {t('reference.saveRules')}
        </button>
      ) : null}
    </form>
  );
}

function FundRules({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation('secretariat');
  const rules = useResource(() => unwrap(api.GET('/api/v1/fund-rules')), []);
  const [saved, setSaved] = useState<number>();
  return (
    <Section title={t('reference.fundRules')} id="fund-rules">
      <p className="muted">{t('reference.fundRulesIntro')}</p>
      {saved !== undefined ? <Notice>{t('reference.rulesSaved', { version: saved })}</Notice> : null}
      <Loaded resource={rules}>
        {(view) => (
          <FundRulesForm
            key={view.version}
            view={view}
            canEdit={canEdit}
            onSaved={(v) => {
              setSaved(v.version);
              rules.reload();
            }}
          />
        )}
      </Loaded>
    </Section>
  );
}

// ---- Criteria sets ----

function CriteriaSet({ set }: { set: Schemas['CriteriaSetView'] }) {
  const { t } = useTranslation('secretariat');
  const screening = screeningCriteria(set);
  const quality = qualityCriteria(set);
  return (
    <>
      <p className="muted">
        {t('reference.published')} <DateTime value={set.publishedAt} />
      </p>
      <div className="table-wrap">
        <table>
          <caption>{t('reference.screeningOf', { version: set.version })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reference.code')}</th>
              <th scope="col">{t('reference.criterion')}</th>
              <th scope="col">{t('reference.automatic')}</th>
            </tr>
          </thead>
          <tbody>
            {screening.map((c) => (
              <tr key={c.code}>
                <th scope="row">{c.code}</th>
                <td>{c.title}</td>
                <td>{c.automatic ? t('reference.yes') : t('reference.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-wrap">
        <table>
          <caption>
            {t('reference.qualityOf', { version: set.version })} —{' '}
            {t('reference.scale', { min: quality.scale.min, max: quality.scale.max })}
            {Object.keys(quality.scale.labels).length > 0
              ? ` (${Object.entries(quality.scale.labels)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', ')})`
              : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('reference.code')}</th>
              <th scope="col">{t('reference.criterion')}</th>
              <th scope="col" className="num">
                {t('reference.weight')}
              </th>
            </tr>
          </thead>
          <tbody>
            {quality.criteria.map((c) => (
              <tr key={c.code}>
                <th scope="row">{c.code}</th>
                <td>{c.title}</td>
                <td className="num">{c.weight}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function CriteriaSets() {
  const { t } = useTranslation('secretariat');
  const sets = useResource(() => unwrap(api.GET('/api/v1/criteria-sets')), []);
  return (
    <Section title={t('reference.criteriaSets')} id="criteria">
      <Loaded resource={sets}>
        {(list) =>
          list.length === 0 ? (
            <p>{t('reference.noCriteria')}</p>
          ) : (
            <>
              <h3>{t('reference.currentSet', { version: list[0].version })}</h3>
              <CriteriaSet set={list[0]} />
              {list.slice(1).map((set) => (
                <details key={set.version} className="sec-details">
                  <summary>{t('reference.olderSet', { version: set.version })}</summary>
                  <CriteriaSet set={set} />
                </details>
              ))}
            </>
          )
        }
      </Loaded>
    </Section>
  );
}

export function Reference() {
  const { t } = useTranslation('secretariat');
  const { hasRole } = useSession();
  const canEdit = hasRole('secretariat');
  const [params] = useSearchParams();
  const requested = params.get('tab') as Tab | null;
  const tab: Tab = requested && TABS.includes(requested) ? requested : 'themes';
  return (
    <Page title={t('reference.title')}>
      <nav aria-label={t('reference.sections')}>
        <ul className="tabs">
          {TABS.map((key) => (
            <li key={key}>
              <Link to={`?tab=${key}`} aria-current={key === tab ? 'page' : undefined}>
                {t(`reference.tabs.${key}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'themes' ? <Themes /> : null}
      {tab === 'organizations' ? <Organizations canEdit={canEdit} /> : null}
      {tab === 'countries' ? <Countries /> : null}
      {tab === 'fund-rules' ? <FundRules canEdit={canEdit} /> : null}
      {tab === 'criteria' ? <CriteriaSets /> : null}
    </Page>
  );
}
