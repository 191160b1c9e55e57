import type { RouteObject } from 'react-router';
import type { Role } from '../../api/client';
import { RequireRole } from '../../components/RequireRole';
import { EditNote, NewNote } from './NoteForm';
import { NoteList } from './NoteList';
import { NotePage } from './NotePage';

/** Who reads concept notes here (the server narrows each note to those in the reader's scope). */
const READERS: Role[] = ['applicant', 'secretariat', 'resident_coordinator', 'rc_office', 'admin'];

export const notesRoutes: RouteObject[] = [
  {
    path: 'concept-notes',
    element: (
      <RequireRole roles={READERS}>
        <NoteList />
      </RequireRole>
    ),
  },
  {
    path: 'concept-notes/new',
    element: (
      <RequireRole roles={['applicant']}>
        <NewNote />
      </RequireRole>
    ),
  },
  {
    path: 'concept-notes/:id/edit',
    element: (
      <RequireRole roles={['applicant']}>
        <EditNote />
      </RequireRole>
    ),
  },
  {
    path: 'concept-notes/:id',
    element: (
      <RequireRole roles={[...READERS, 'reviewer', 'steering_committee']}>
        <NotePage />
      </RequireRole>
    ),
  },
];
