import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Locale } from '../../api/client';
import { useUser, useSession } from '../../auth/session';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Page, Section } from '../../components/Page';
import { ProblemBanner } from '../../components/Problem';
import { TIME_ZONES } from '../../format';
import { useAction } from '../../hooks';
import { changeLanguage, LANGUAGE_NAMES, LANGUAGES } from '../../i18n';
import { NewPasswordForm } from './NewPasswordForm';

export function Profile() {
  const { t } = useTranslation(['auth', 'common']);
  const user = useUser();
  const session = useSession();
  const [name, setName] = useState(user.name);
  const [locale, setLocale] = useState<Locale>(user.locale);
  const [timeZone, setTimeZone] = useState(user.timeZone);
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    const updated = await unwrap(api.PATCH('/api/v1/me', { body: { name, locale, timeZone } }));
    session.updateUser(updated);
    await changeLanguage(updated.locale);
    setSaved(true);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void save.run();
  };
  return (
    <Page title={t('profile.title')}>
      <form className="narrow" onSubmit={submit} noValidate>
        <dl className="facts">
          <dt>{t('profile.email')}</dt>
          <dd>{user.email}</dd>
          <dt>{t('profile.roles')}</dt>
          <dd>{user.roles.map((r) => t(`common:role.${r}`)).join(', ')}</dd>
          {user.organizationCode ? (
            <>
              <dt>{t('profile.organization')}</dt>
              <dd>{user.organizationCode}</dd>
            </>
          ) : null}
          {user.countryCodes.length > 0 ? (
            <>
              <dt>{t('profile.countries')}</dt>
              <dd>{user.countryCodes.join(', ')}</dd>
            </>
          ) : null}
        </dl>
        <ProblemBanner error={save.error} shown={['name', 'locale', 'timeZone']} />
        <Field label={t('profile.name')} error={save.error?.field('name')} required>
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        </Field>
        <Field label={t('profile.language')} error={save.error?.field('locale')}>
          <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('profile.timeZone')} error={save.error?.field('timeZone')}>
          <select value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
            {(TIME_ZONES.includes(timeZone) ? TIME_ZONES : [timeZone, ...TIME_ZONES]).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="primary" disabled={save.busy}>
          {t('common:save')}
        </button>
        {saved ? <Notice>{t('profile.saved')}</Notice> : null}
      </form>
      <ChangePassword />
    </Page>
  );
}

/** A new password, giving the current one; the other sessions end and this one carries on. */
function ChangePassword() {
  const { t } = useTranslation('auth');
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [changed, setChanged] = useState(false);
  const change = useAction(async (newPassword: string) => {
    const answer = await unwrap(
      api.POST('/api/v1/me/password', { body: { currentPassword: current, newPassword } }),
    );
    session.adopt(answer.accessToken, answer.expiresIn, answer.user);
    setCurrent('');
    setChanged(true);
  });
  return (
    <Section title={t('password.title')} id="password">
      <NewPasswordForm
        intro={t('password.intro')}
        submitLabel={t('password.submit')}
        error={change.error}
        busy={change.busy}
        field="newPassword"
        resetAfterSubmit
        onSubmit={(password) => {
          setChanged(false);
          void change.run(password);
        }}
      >
        <Field label={t('password.current')} error={change.error?.field('currentPassword')} required>
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </Field>
      </NewPasswordForm>
      {changed ? <Notice>{t('password.changed')}</Notice> : null}
    </Section>
  );
}
