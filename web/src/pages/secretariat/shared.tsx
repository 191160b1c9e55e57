/**
 * Pieces the secretariat's screens share: the note's header with its sub-navigation, and the
 * colour of the statuses their lists show.
 */
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useParams } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { NoteStatusBadge, type Tone } from '../../components/Badge';
import { useResource, type Resource } from '../../hooks';
import './secretariat.css';

export type Note = Schemas['ConceptNoteView'];

/** The id in the route (`/concept-notes/:id/…`). */
export function useNoteId(): string {
  const { id } = useParams();
  return id ?? '';
}

export function useNote(id: string): Resource<Note> {
  return useResource(() => unwrap(api.GET('/api/v1/concept-notes/{id}', { params: { path: { id } } })), [id]);
}

// E-mails (pending, sending, sent, failed), assignments, screening outcomes and checklist results.
const GOOD: string[] = ['eligible', 'sent', 'submitted', 'pass'];
const BAD: string[] = ['ineligible', 'failed', 'fail', 'cancelled', 'conflict_declared'];
const WARN: string[] = ['revision_requested', 'pending', 'sending', 'overdue'];

/** The colour of an e-mail's, an assignment's or a screening's status (the badge's words say it). */
export function toneOf(status: string): Tone {
  return GOOD.includes(status) ? 'ok' : BAD.includes(status) ? 'bad' : WARN.includes(status) ? 'warn' : '';
}

/** The note screens' shared header: reference, title, status, and the secretariat's tabs for it. */
export function NoteHeader({ note }: { note: Note }) {
  const { t } = useTranslation('secretariat');
  const base = `/concept-notes/${note.id}`;
  const tabs = [
    { to: `${base}/screening`, label: t('noteTabs.screening') },
    { to: `${base}/offline-endorsement`, label: t('noteTabs.offlineEndorsement') },
    { to: `${base}/reviewers`, label: t('noteTabs.reviewers') },
    { to: `${base}/reviews`, label: t('noteTabs.reviews') },
  ];
  return (
    <>
      <div className="card sec-note-head">
        <p className="sec-note-ref">
          <span className="muted">{t('note.reference')}</span>{' '}
          <strong>{note.referenceCode ?? t('note.noReference')}</strong>{' '}
          <NoteStatusBadge status={note.status} />
        </p>
        <h2 className="sec-note-title">{note.title}</h2>
        <p className="muted sec-note-meta">
          {[
            note.scope ? t(`scope.${note.scope}`) : null,
            note.countryCodes.join(', ') || null,
            note.conveningOrganizationCode
              ? t('note.convening', { code: note.conveningOrganizationCode })
              : null,
            note.participatingOrganizations.length > 0
              ? t('note.participating', {
                  codes: note.participatingOrganizations.map((p) => p.organizationCode).join(', '),
                })
              : null,
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
        <p>
          <Link to={base}>{t('note.open')}</Link>
        </p>
      </div>
      <nav aria-label={t('noteTabs.label')}>
        <ul className="tabs">
          {tabs.map((tab) => (
            <li key={tab.to}>
              <NavLink to={tab.to} end>
                {tab.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}
