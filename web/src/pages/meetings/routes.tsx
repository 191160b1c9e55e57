import type { RouteObject } from 'react-router';
import { RequireRole } from '../../components/RequireRole';
import { MeetingDetail } from './MeetingDetail';
import { EditMeeting, NewMeeting } from './MeetingForm';
import { MeetingsList } from './MeetingsList';

/** Steering Committee meetings (DESIGN §3 meetings, cut-off, agenda, decisions, packet). */
export const meetingsRoutes: RouteObject[] = [
  {
    path: 'meetings',
    element: (
      <RequireRole roles={['secretariat', 'admin', 'steering_committee']}>
        <MeetingsList />
      </RequireRole>
    ),
  },
  {
    path: 'meetings/new',
    element: (
      <RequireRole roles={['secretariat', 'admin']}>
        <NewMeeting />
      </RequireRole>
    ),
  },
  {
    path: 'meetings/:id/edit',
    element: (
      <RequireRole roles={['secretariat', 'admin']}>
        <EditMeeting />
      </RequireRole>
    ),
  },
  {
    // E-mails link here.
    path: 'meetings/:id',
    element: (
      <RequireRole roles={['secretariat', 'admin', 'steering_committee']}>
        <MeetingDetail />
      </RequireRole>
    ),
  },
];
