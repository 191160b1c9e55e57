import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import type { Role } from '../api/client';
import { useSession } from '../auth/session';
import { Page } from './Page';

/** A screen only for the roles it serves: others are sent to sign in, or told it is not theirs. */
export function RequireRole({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { user, hasRole } = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  if (!user)
    return (
      <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />
    );
  if (roles && !hasRole(...roles)) {
    return (
      <Page title={t('forbidden.title')}>
        <p>{t('forbidden.body')}</p>
      </Page>
    );
  }
  return <>{children}</>;
}
