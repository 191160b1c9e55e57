import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Locale, type Role, type Schemas } from '../../api/client';
import { useSession, useUser } from '../../auth/session';
import { Badge } from '../../components/Badge';
import { ExportButtons } from '../../components/ExportButtons';
import { Field, FieldSet } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Page, Section } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { Loaded, ProblemBanner } from '../../components/Problem';
import { DateTime } from '../../components/Time';
import { loadCountries } from '../../countries';
import { TIME_ZONES } from '../../format';
import { useAction, useResource } from '../../hooks';
import { LANGUAGE_NAMES, LANGUAGES } from '../../i18n';
import './secretariat.css';

type UserView = Schemas['UserView'];
const ROLES: Role[] = [
  'applicant',
  'resident_coordinator',
  'rc_office',
  'secretariat',
  'reviewer',
  'steering_committee',
  'admin',
];
const LIMIT = 25;

interface Filters {
  role: Role | '';
  active: 'true' | 'false' | '';
  q: string;
}
const EMPTY: Filters = { role: '', active: '', q: '' };

function CreateUser({ onCreated }: { onCreated: (user: Schemas['CreatedUserView']) => void }) {
  const { t, i18n } = useTranslation(['secretariat', 'common']);
  const { hasRole } = useSession();
  const organizations = useResource(() => unwrap(api.GET('/api/v1/organizations')), []);
  const areas = useResource(() => unwrap(api.GET('/api/v1/thematic-areas')), []);
  const countries = useResource(() => loadCountries(i18n.language), [i18n.language]);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [organizationCode, setOrganization] = useState('');
  const [countryCodes, setCountries] = useState<string[]>([]);
  const [thematicAreaCodes, setAreas] = useState<string[]>([]);
  const [locale, setLocale] = useState<Locale>('en');
  const [timeZone, setTimeZone] = useState('UTC');

  const needsOrganization = roles.includes('applicant') || roles.includes('reviewer');
  const needsCountries = roles.includes('resident_coordinator') || roles.includes('rc_office');
  const needsAreas = roles.includes('reviewer');
  const create = useAction(async () => {
    const created = await unwrap(
      api.POST('/api/v1/users', {
        body: {
          email,
          name,
          roles,
          locale,
          timeZone,
          ...(needsOrganization ? { organizationCode: organizationCode || null } : {}),
          ...(needsCountries ? { countryCodes } : {}),
          ...(needsAreas ? { thematicAreaCodes } : {}),
        },
      }),
    );
    setEmail('');
    setName('');
    setRoles([]);
    setOrganization('');
    setCountries([]);
    setAreas([]);
    onCreated(created);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  const toggle = <T,>(list: T[], value: T, on: boolean) =>
    on ? [...list, value] : list.filter((v) => v !== value);
  const error = create.error;
  const offered = hasRole('admin') ? ROLES : ROLES.filter((r) => r !== 'admin');

  return (
    <form onSubmit={submit} noValidate className="narrow">
      <ProblemBanner
        error={error}
        shown={[
          'email',
          'name',
          'roles',
          'organizationCode',
          'countryCodes',
          'thematicAreaCodes',
          'locale',
          'timeZone',
        ]}
      />
      <Field label={t('users.email')} error={error?.field('email')} required>
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
      </Field>
      <Field label={t('users.name')} error={error?.field('name')} required>
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </Field>
      <FieldSet legend={t('users.roles')} error={error?.field('roles')}>
        <div className="sec-checks">
          {offered.map((role) => (
            <label key={role}>
              <input
                type="checkbox"
                checked={roles.includes(role)}
                onChange={(e) => setRoles((current) => toggle(current, role, e.target.checked))}
              />
              {t(`common:role.${role}`)}
            </label>
          ))}
        </div>
      </FieldSet>
      {needsOrganization ? (
        <Field
          label={t('users.organization')}
          hint={t('users.organizationHint')}
          error={error?.field('organizationCode')}
          required
        >
          <select value={organizationCode} onChange={(e) => setOrganization(e.target.value)}>
            <option value="">{t('users.chooseOrganization')}</option>
            {(organizations.data ?? [])
              .filter((o) => o.active)
              .map((o) => (
                <option key={o.code} value={o.code}>
                  {o.code} — {o.name}
                </option>
              ))}
          </select>
        </Field>
      ) : null}
      {needsCountries ? (
        <Field
          label={t('users.countries')}
          hint={t('users.countriesHint')}
          error={error?.field('countryCodes')}
          required
        >
          <select
            multiple
            size={8}
            value={countryCodes}
            onChange={(e) => setCountries(Array.from(e.target.selectedOptions, (o) => o.value))}
          >
            {(countries.data ?? []).map((c) => (
              <option key={c.code} value={c.code}>
                {c.name} ({c.code})
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {needsAreas ? (
        <FieldSet legend={t('users.thematicAreas')} error={error?.field('thematicAreaCodes')}>
          {(areas.data ?? []).map((a) => (
            <label key={a.code}>
              <input
                type="checkbox"
                checked={thematicAreaCodes.includes(a.code)}
                onChange={(e) => setAreas((current) => toggle(current, a.code, e.target.checked))}
              />
              {a.code} — {a.title}
            </label>
          ))}
        </FieldSet>
      ) : null}
      <Field label={t('users.language')} error={error?.field('locale')}>
        <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('users.timeZone')} error={error?.field('timeZone')}>
        <select value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
          {(TIME_ZONES.includes('UTC') ? TIME_ZONES : ['UTC', ...TIME_ZONES]).map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" className="primary" disabled={create.busy}>
        {t('users.create')}
      </button>
    </form>
  );
}

/** The open work a user still holds (409 USER.HAS_OPEN_WORK lists it). */
function OpenWork({ problem }: { problem: unknown }) {
  const items = (problem as { openWork?: { kind: string; id: string; title: string }[] }).openWork ?? [];
  if (items.length === 0) return null;
  return (
    <ul>
      {items.map((item) => (
        <li key={item.kind + item.id}>
          {item.kind}: {item.title}
        </li>
      ))}
    </ul>
  );
}

export function Users() {
  const { t } = useTranslation(['secretariat', 'common']);
  const me = useUser();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const [message, setMessage] = useState<string>();
  const query = {
    role: filters.role || undefined,
    active: filters.active || undefined,
    q: filters.q.trim() || undefined,
  };
  const list = useResource(
    () => unwrap(api.GET('/api/v1/users', { params: { query: { ...query, page, limit: LIMIT } } })),
    [query, page],
  );
  const invite = useAction(async (user: UserView) => {
    setMessage(undefined);
    await unwrap(api.POST('/api/v1/users/{id}/invitations', { params: { path: { id: user.id } } }));
    setMessage(t('users.invited', { email: user.email }));
  });
  const setActive = useAction(async (user: UserView, active: boolean) => {
    setMessage(undefined);
    await unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body: { active } }));
    setMessage(t(active ? 'users.reactivated' : 'users.deactivated', { name: user.name }));
    list.reload();
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    setPage(1);
  };
  const rowError = invite.error ?? setActive.error;

  return (
    <Page title={t('users.title')}>
      <form className="card" onSubmit={apply} role="search" aria-label={t('users.filters')}>
        <div className="sec-filters">
          <Field label={t('users.role')}>
            <select
              value={draft.role}
              onChange={(e) => setDraft((d) => ({ ...d, role: e.target.value as Role | '' }))}
            >
              <option value="">{t('users.allRoles')}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`common:role.${r}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('users.state')}>
            <select
              value={draft.active}
              onChange={(e) => setDraft((d) => ({ ...d, active: e.target.value as Filters['active'] }))}
            >
              <option value="">{t('users.allStates')}</option>
              <option value="true">{t('users.active')}</option>
              <option value="false">{t('users.inactive')}</option>
            </select>
          </Field>
          <Field label={t('users.search')}>
            <input
              type="search"
              value={draft.q}
              onChange={(e) => setDraft((d) => ({ ...d, q: e.target.value }))}
            />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            {t('users.apply')}
          </button>
        </div>
        <ExportButtons
          path="/api/v1/users"
          params={query}
          name="users"
          label={t('export.label', { what: t('users.title') })}
          csv={t('export.csv')}
          xlsx={t('export.xlsx')}
        />
      </form>

      {message ? <Notice>{message}</Notice> : null}
      {rowError ? (
        <div>
          <ProblemBanner error={rowError} />
          <OpenWork problem={rowError.problem} />
        </div>
      ) : null}
      {list.data ? <ProblemBanner error={list.error} /> : null}
      <Loaded resource={list}>
        {(data) => (
          <>
            <div className="table-wrap">
              <table>
                <caption>{t('users.table')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('users.name')}</th>
                    <th scope="col">{t('users.email')}</th>
                    <th scope="col">{t('users.roles')}</th>
                    <th scope="col">{t('users.scope')}</th>
                    <th scope="col">{t('users.language')}</th>
                    <th scope="col">{t('users.state')}</th>
                    <th scope="col">{t('users.lastSignIn')}</th>
                    <th scope="col">{t('users.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.length === 0 ? (
                    <tr>
                      <td colSpan={8}>{t('users.empty')}</td>
                    </tr>
                  ) : null}
                  {data.items.map((u) => (
                    <tr key={u.id}>
                      <th scope="row">{u.name}</th>
                      <td>{u.email}</td>
                      <td>{u.roles.map((r) => t(`common:role.${r}`)).join(', ')}</td>
                      <td>
                        {[
                          u.organizationCode,
                          u.countryCodes.join(', ') || null,
                          u.thematicAreaCodes.join(', ') || null,
                        ]
                          .filter(Boolean)
                          .join(' · ') || '—'}
                      </td>
                      <td lang={u.locale}>{LANGUAGE_NAMES[u.locale]}</td>
                      <td>
                        {u.active ? (
                          <Badge tone="ok">{t('users.active')}</Badge>
                        ) : (
                          <Badge tone="bad">{t('users.inactive')}</Badge>
                        )}{' '}
                        {u.activated ? (
                          <Badge>{t('users.activated')}</Badge>
                        ) : (
                          <Badge tone="warn">{t('users.invitationPending')}</Badge>
                        )}
                      </td>
                      <td>
                        <DateTime value={u.lastSignInAt} />
                      </td>
                      <td>
                        <div className="actions">
                          {u.active && !u.activated ? (
                            <button
                              type="button"
                              disabled={invite.busy}
                              aria-label={t('users.resendNamed', { name: u.name })}
                              onClick={() => void invite.run(u)}
                            >
                              {t('users.resend')}
                            </button>
                          ) : null}
                          {u.id === me.id ? null : u.active ? (
                            <button
                              type="button"
                              className="danger"
                              disabled={setActive.busy}
                              aria-label={t('users.deactivateNamed', { name: u.name })}
                              onClick={() => void setActive.run(u, false)}
                            >
                              {t('users.deactivate')}
                            </button>
                          ) : (
                            <button
                              type="button"
                              disabled={setActive.busy}
                              aria-label={t('users.reactivateNamed', { name: u.name })}
                              onClick={() => void setActive.run(u, true)}
                            >
                              {t('users.reactivate')}
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              label={t('pager.label')}
              page={data.page}
              limit={data.limit}
              total={data.total}
              onPage={setPage}
              summary={t('pager.total', { total: data.total })}
            />
          </>
        )}
      </Loaded>

      <Section title={t('users.createTitle')} id="create-user">
        <CreateUser
          onCreated={(user) => {
            setMessage(t('users.created', { email: user.email }));
            list.reload();
          }}
        />
      </Section>
    </Page>
  );
}
