import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Field } from '../../components/Field';
import { FocusedNotice } from '../../components/Notice';
import { Page } from '../../components/Page';
import { ProblemBanner } from '../../components/Problem';
import { useAction } from '../../hooks';

/** "Forgot my password": asks for a one-time link by e-mail. */
export function ForgotPassword() {
  const { t } = useTranslation('auth');
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const ask = useAction(async () => {
    await unwrap(api.POST('/api/v1/auth/password-reset', { body: { email: email.trim() } }));
    setSent(true);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void ask.run();
  };
  return (
    <Page title={t('forgot.title')}>
      {sent ? (
        <div className="narrow">
          <FocusedNotice>{t('forgot.sent')}</FocusedNotice>
          <p>
            <Link to="/sign-in">{t('forgot.back')}</Link>
          </p>
        </div>
      ) : (
        <form className="narrow" onSubmit={submit} noValidate>
          <p>{t('forgot.intro')}</p>
          <ProblemBanner error={ask.error} shown={['email']} />
          <Field label={t('signIn.email')} error={ask.error?.field('email')} required>
            <input
              type="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <button type="submit" className="primary" disabled={ask.busy}>
            {t('forgot.submit')}
          </button>
          <p>
            <Link to="/sign-in">{t('forgot.back')}</Link>
          </p>
        </form>
      )}
    </Page>
  );
}
