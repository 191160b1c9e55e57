import type { Role } from './api/client';

/** The navigation, each entry only for the roles it serves (labels in the common namespace). */
export interface NavItem {
  to: string;
  label: string;
  roles: Role[];
}

export const NAV: NavItem[] = [
  { to: '/dashboard', label: 'nav.dashboard', roles: ['secretariat', 'admin'] },
  {
    to: '/concept-notes',
    label: 'nav.notes',
    roles: ['applicant', 'secretariat', 'resident_coordinator', 'rc_office', 'admin'],
  },
  { to: '/endorsements', label: 'nav.endorsements', roles: ['resident_coordinator', 'rc_office'] },
  { to: '/delegations', label: 'nav.delegations', roles: ['resident_coordinator', 'secretariat'] },
  { to: '/meetings', label: 'nav.meetings', roles: ['secretariat', 'steering_committee', 'admin'] },
  { to: '/review-assignments', label: 'nav.assignments', roles: ['reviewer'] },
  { to: '/pipeline', label: 'nav.pipeline', roles: ['secretariat', 'steering_committee', 'admin'] },
  { to: '/emails', label: 'nav.emails', roles: ['secretariat', 'admin'] },
  { to: '/users', label: 'nav.users', roles: ['secretariat', 'admin'] },
  { to: '/reference', label: 'nav.reference', roles: ['secretariat', 'admin'] },
];

/** Where a user lands after signing in. */
export function homeFor(roles: Role[]): string {
  if (roles.includes('secretariat') || roles.includes('admin')) return '/dashboard';
  if (roles.includes('resident_coordinator') || roles.includes('rc_office')) return '/endorsements';
  if (roles.includes('reviewer')) return '/review-assignments';
  if (roles.includes('steering_committee')) return '/meetings';
  return '/concept-notes';
}
