import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../auth/session';
import { Page } from '../../components/Page';
import { useAction } from '../../hooks';
import { homeFor } from '../../nav';
import { NewPasswordForm } from './NewPasswordForm';

export function AcceptInvitation() {
  const { t } = useTranslation('auth');
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const accept = useAction(async (password: string) => {
    const answer = await unwrap(api.POST('/api/v1/auth/invitations/accept', { body: { token, password } }));
    session.adopt(answer.accessToken, answer.expiresIn, answer.user);
    await navigate(homeFor(answer.user.roles), { replace: true });
  });
  return (
    <Page title={t('invitation.title')}>
      <NewPasswordForm
        intro={t('invitation.intro')}
        submitLabel={t('invitation.submit')}
        error={accept.error}
        busy={accept.busy}
        disabled={!token}
        onSubmit={(password) => void accept.run(password)}
      />
    </Page>
  );
}
