import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useSession } from '../../auth/session';
import { Field } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { Page } from '../../components/Page';
import { ProblemBanner } from '../../components/Problem';
import { useAction } from '../../hooks';
import { homeFor } from '../../nav';

export function SignIn() {
  const { t } = useTranslation('auth');
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useAction(async () => {
    const user = await session.signIn(email.trim(), password);
    const next = params.get('next');
    await navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeFor(user.roles), {
      replace: true,
    });
  });
  if (session.user && !signIn.busy) {
    const next = params.get('next');
    const target =
      next && next.startsWith('/') && !next.startsWith('//') ? next : homeFor(session.user.roles);
    return <Navigate to={target} replace />;
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signIn.run();
  };
  return (
    <Page title={t('signIn.title')}>
      <form className="narrow" onSubmit={submit} noValidate>
        {session.ended === 'expired' ? <Notice>{t('signIn.expired')}</Notice> : null}
        <ProblemBanner error={signIn.error} shown={['email', 'password']} />
        <Field label={t('signIn.email')} error={signIn.error?.field('email')} required>
          <input
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label={t('signIn.password')} error={signIn.error?.field('password')} required>
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <button type="submit" className="primary" disabled={signIn.busy}>
          {t('signIn.submit')}
        </button>
        <p>
          <Link to="/forgot-password">{t('signIn.forgot')}</Link>
        </p>
      </form>
    </Page>
  );
}
