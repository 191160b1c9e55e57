import type { RouteObject } from 'react-router';
import type { Role } from '../../api/client';
import { RequireRole } from '../../components/RequireRole';
import { Dashboard } from './Dashboard';
import { Emails } from './Emails';
import { OfflineEndorsement } from './OfflineEndorsement';
import { Pipeline } from './Pipeline';
import { Reference } from './Reference';
import { Reviewers } from './Reviewers';
import { Reviews } from './Reviews';
import { Screening } from './Screening';
import { Users } from './Users';

const SECRETARIAT: Role[] = ['secretariat', 'admin'];

/** The secretariat's screens (DESIGN §4): dashboard, screening, reviewers, reviews, pipeline, e-mails, users, reference data. */
export const secretariatRoutes: RouteObject[] = [
  {
    path: 'dashboard',
    element: (
      <RequireRole roles={SECRETARIAT}>
        <Dashboard />
      </RequireRole>
    ),
  },
  {
    path: 'concept-notes/:id/screening',
    element: (
      <RequireRole roles={SECRETARIAT}>
        <Screening />
      </RequireRole>
    ),
  },
  {
    path: 'concept-notes/:id/offline-endorsement',
    element: (
      <RequireRole roles={SECRETARIAT}>
        <OfflineEndorsement />
      </RequireRole>
    ),
  },
  {
    path: 'concept-notes/:id/reviewers',
    element: (
      <RequireRole roles={SECRETARIAT}>
        <Reviewers />
      </RequireRole>
    ),
  },
  {
    path: 'concept-notes/:id/reviews',
    element: (
      <RequireRole roles={SECRETARIAT}>
        <Reviews />
      </RequireRole>
    ),
  },
  {
    path: 'pipeline',
    element: (
      <RequireRole roles={['secretariat', 'admin', 'steering_committee']}>
        <Pipeline />
      </RequireRole>
    ),
  },
  {
    path: 'emails',
    element: (
      <RequireRole roles={SECRETARIAT}>
        <Emails />
      </RequireRole>
    ),
  },
  {
    path: 'users',
    element: (
      <RequireRole roles={SECRETARIAT}>
        <Users />
      </RequireRole>
    ),
  },
  {
    path: 'reference',
    element: (
      <RequireRole roles={SECRETARIAT}>
        <Reference />
      </RequireRole>
    ),
  },
];
