import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';

/** The colour of a badge; the badge's words always carry the meaning, the colour only repeats it. */
export type Tone = 'ok' | 'warn' | 'bad' | '';

export function Badge({ tone = '', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={tone ? `badge ${tone}` : 'badge'}>{children}</span>;
}

type NoteStatus = Schemas['ConceptNoteView']['status'];

const NOTE_TONE: Record<NoteStatus, Tone> = {
  draft: '',
  awaiting_endorsement: 'warn',
  submitted: 'ok',
  revision_requested: 'warn',
  in_review: 'ok',
  ready_for_committee: 'ok',
  approved: 'ok',
  funded: 'ok',
  rejected: 'bad',
  ineligible: 'bad',
  withdrawn: 'bad',
  removed_from_pipeline: 'bad',
};

/** A concept note's status (some views type it as a plain string). */
export function NoteStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('common');
  return <Badge tone={NOTE_TONE[status as NoteStatus] ?? ''}>{t(`status.${status}`)}</Badge>;
}

/** The colour of a country's endorsement state (each screen words the state itself). */
export const ENDORSEMENT_TONE: Record<Schemas['CountryEndorsementView']['state'], Tone> = {
  pending: 'warn',
  endorsed: 'ok',
  returned: 'bad',
};
