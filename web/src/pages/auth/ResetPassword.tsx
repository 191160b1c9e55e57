import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../auth/session';
import { Page } from '../../components/Page';
import { useAction } from '../../hooks';
import { homeFor } from '../../nav';
import { NewPasswordForm } from './NewPasswordForm';

/** The page a password-reset e-mail links to: a new password, then signed in. */
export function ResetPassword() {
  const { t } = useTranslation('auth');
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const reset = useAction(async (password: string) => {
    const answer = await unwrap(
      api.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } }),
    );
    session.adopt(answer.accessToken, answer.expiresIn, answer.user);
    await navigate(homeFor(answer.user.roles), { replace: true });
  });
  return (
    <Page title={t('reset.title')}>
      <NewPasswordForm
        intro={t('reset.intro')}
        submitLabel={t('reset.submit')}
        error={reset.error}
        busy={reset.busy}
        disabled={!token}
        onSubmit={(password) => void reset.run(password)}
      >
        {reset.error?.field('token') ? (
          <p>
            <Link to="/forgot-password">{t('reset.askAgain')}</Link>
          </p>
        ) : null}
      </NewPasswordForm>
    </Page>
  );
}
