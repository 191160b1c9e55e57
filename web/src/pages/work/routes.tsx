import type { RouteObject } from 'react-router';
import { RequireRole } from '../../components/RequireRole';
import { AssignmentsPage } from './Assignments';
import { DelegationsPage } from './Delegations';
import { EndorsementsPage } from './Endorsements';
import { ReviewPage } from './ReviewPage';

/** The Resident Coordinator's and the reviewer's screens (review e-mails link to /review-assignments/:id). */
export const workRoutes: RouteObject[] = [
  {
    path: 'endorsements',
    element: (
      <RequireRole roles={['resident_coordinator', 'rc_office']}>
        <EndorsementsPage />
      </RequireRole>
    ),
  },
  {
    path: 'delegations',
    element: (
      <RequireRole roles={['resident_coordinator', 'secretariat']}>
        <DelegationsPage />
      </RequireRole>
    ),
  },
  {
    path: 'review-assignments',
    element: (
      <RequireRole roles={['reviewer']}>
        <AssignmentsPage />
      </RequireRole>
    ),
  },
  {
    path: 'review-assignments/:id',
    element: (
      <RequireRole roles={['reviewer']}>
        <ReviewPage />
      </RequireRole>
    ),
  },
];
