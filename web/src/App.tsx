import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Navigate, RouterProvider, type RouteObject } from 'react-router';
import { useSession } from './auth/session';
import { Layout } from './components/Layout';
import { Page } from './components/Page';
import { RequireRole } from './components/RequireRole';
import { homeFor } from './nav';
import { AcceptInvitation } from './pages/auth/AcceptInvitation';
import { ForgotPassword } from './pages/auth/ForgotPassword';
import { ResetPassword } from './pages/auth/ResetPassword';
import { Profile } from './pages/auth/Profile';
import { SignIn } from './pages/auth/SignIn';
import { meetingsRoutes } from './pages/meetings/routes';
import { notesRoutes } from './pages/notes/routes';
import { secretariatRoutes } from './pages/secretariat/routes';
import { workRoutes } from './pages/work/routes';

function Home() {
  const { user } = useSession();
  return <Navigate to={user ? homeFor(user.roles) : '/sign-in'} replace />;
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.body')}</p>
    </Page>
  );
}

const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { index: true, element: <Home /> },
      { path: 'sign-in', element: <SignIn /> },
      { path: 'accept-invitation', element: <AcceptInvitation /> },
      { path: 'forgot-password', element: <ForgotPassword /> },
      { path: 'reset-password', element: <ResetPassword /> },
      {
        path: 'profile',
        element: (
          <RequireRole>
            <Profile />
          </RequireRole>
        ),
      },
      ...notesRoutes,
      ...workRoutes,
      ...meetingsRoutes,
      ...secretariatRoutes,
      { path: '*', element: <NotFound /> },
    ],
  },
];

const router = createBrowserRouter(routes);

export function App() {
  return <RouterProvider router={router} />;
}
