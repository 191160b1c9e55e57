import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../auth/session';
import { Field } from '../../components/Field';
import { Page } from '../../components/Page';
import { ProblemBanner } from '../../components/Problem';
import { useAction } from '../../hooks';
import { homeFor } from '../../nav';

export function AcceptInvitation() {
  const { t } = useTranslation('auth');
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const accept = useAction(async () => {
    const answer = await unwrap(api.POST('/api/v1/auth/invitations/accept', { body: { token, password } }));
    session.adopt(answer.accessToken, answer.expiresIn, answer.user);
    await navigate(homeFor(answer.user.roles), { replace: true });
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== repeat);
    if (password === repeat) void accept.run();
  };
  return (
    <Page title={t('invitation.title')}>
      <form className="narrow" onSubmit={submit} noValidate>
        <p>{t('invitation.intro')}</p>
        <ProblemBanner error={accept.error} shown={['password']} />
        <Field
          label={t('invitation.password')}
          hint={t('invitation.passwordHint')}
          error={accept.error?.field('password')}
          required
        >
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <Field
          label={t('invitation.repeat')}
          error={mismatch ? t('invitation.mismatch') : undefined}
          required
        >
          <input
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
        </Field>
        <button type="submit" className="primary" disabled={accept.busy || !token}>
          {t('invitation.submit')}
        </button>
      </form>
    </Page>
  );
}
