/**
 * What the concept-note screens share: the API's shapes, the reference data (loaded once per
 * language), the meetings, and small helpers for statuses and lists.
 */
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Locale, type Schemas, type User } from '../../api/client';
import { loadCountries, type Country } from '../../countries';
import { useResource } from '../../hooks';

export type Note = Schemas['ConceptNoteView'];
export type NoteSummary = Schemas['ConceptNoteSummaryView'];
export type NoteStatus = Note['status'];
export type Scope = NonNullable<Note['scope']>;
export type ThematicArea = Schemas['ThematicAreaView'];
export type GcmObjective = Schemas['GcmObjectiveView'];
export type Organization = Schemas['OrganizationView'];
export type FundRules = Schemas['FundRulesDto'];
export type Meeting = Schemas['MeetingView'];
export type PrecheckItem = Schemas['PrecheckItemView'];
export type Precheck = Schemas['PrecheckView'];
export type Attachment = Schemas['AttachmentView'];
export type Comment = Schemas['CommentView'];
export type Revision = Schemas['RevisionView'];
export type HistoryEntry = Schemas['HistoryEntryView'];
export type MarkerName = 'gender' | 'humanRights' | 'childSensitivity';

export const SCOPES: Scope[] = ['national', 'multi_country', 'regional', 'global'];
export const MARKERS: MarkerName[] = ['gender', 'humanRights', 'childSensitivity'];
export const NOTE_LANGUAGES: Locale[] = ['ar', 'en', 'es', 'fr', 'ru', 'zh'];
export const STATUSES: NoteStatus[] = [
  'draft',
  'awaiting_endorsement',
  'submitted',
  'revision_requested',
  'in_review',
  'ready_for_committee',
  'approved',
  'funded',
  'rejected',
  'ineligible',
  'removed_from_pipeline',
  'withdrawn',
];
export const NARRATIVE = [
  'beneficiaries',
  'theoryOfChange',
  'expectedResults',
  'sustainability',
  'risks',
] as const;
export type NarrativeField = (typeof NARRATIVE)[number];

/** Statuses the team may edit in, and those the lead may withdraw from (src/concept-notes/concept-note.state.ts). */
export const EDITABLE: NoteStatus[] = ['draft', 'revision_requested'];
export const WITHDRAWABLE: NoteStatus[] = [
  'draft',
  'awaiting_endorsement',
  'submitted',
  'revision_requested',
  'in_review',
  'ready_for_committee',
];
/** Statuses before submission: the note targets no meeting yet. */
export const UNSUBMITTED: NoteStatus[] = ['draft', 'awaiting_endorsement', 'revision_requested'];

export interface Reference {
  countries: Country[];
  areas: ThematicArea[];
  objectives: GcmObjective[];
  organizations: Organization[];
  rules: FundRules;
}

const referenceCache = new Map<string, Promise<Reference>>();

/** Reference data in one language, fetched once per page load. */
export function loadReference(language: string): Promise<Reference> {
  const cached = referenceCache.get(language);
  if (cached) return cached;
  const loading = Promise.all([
    loadCountries(language),
    unwrap(api.GET('/api/v1/thematic-areas')),
    unwrap(api.GET('/api/v1/gcm-objectives')),
    unwrap(api.GET('/api/v1/organizations')),
    unwrap(api.GET('/api/v1/fund-rules')),
  ]).then(([countries, areas, objectives, organizations, rules]) => ({
    countries,
    areas,
    objectives: [...objectives].sort((a, b) => a.number - b.number),
    organizations,
    rules: rules.rules,
  }));
  loading.catch(() => referenceCache.delete(language));
  referenceCache.set(language, loading);
  return loading;
}

export function useReference() {
  const { i18n } = useTranslation();
  const language = i18n.language;
  return useResource(() => loadReference(language), [language]);
}

/** Every meeting (a few a year: at most a handful of pages). */
export async function loadMeetings(): Promise<Meeting[]> {
  const all: Meeting[] = [];
  for (let page = 1; page <= 10; page++) {
    const answer = await unwrap(api.GET('/api/v1/meetings', { params: { query: { page, limit: 100 } } }));
    all.push(...answer.items);
    if (all.length >= answer.total || answer.items.length === 0) break;
  }
  return all;
}

/** The earliest meeting, not cancelled, whose cut-off is still ahead: where a note submitted now would go. */
export function nextCutoff(meetings: Meeting[], now: Date): Meeting | undefined {
  return meetings
    .filter((m) => m.status !== 'cancelled' && new Date(m.cutoffAt).getTime() > now.getTime())
    .sort((a, b) => new Date(a.cutoffAt).getTime() - new Date(b.cutoffAt).getTime())[0];
}

/** A list in the reader's language ("Serbia, North Macedonia"; Arabic with its own comma). */
export function useListJoin(): (items: string[]) => string {
  const { i18n } = useTranslation();
  const language = i18n.language;
  return (items) => {
    try {
      return new Intl.ListFormat(language, { type: 'unit', style: 'short' }).format(items);
    } catch {
      return items.join(', ');
    }
  };
}

export function organizationName(reference: Reference | undefined, code: string | null): string {
  if (!code) return '—';
  const found = reference?.organizations.find((o) => o.code === code);
  return found ? `${found.code} — ${found.name}` : code;
}

/** How the signed-in user stands to a note, as far as the browser can tell (the server decides). */
export function standing(note: Note, user: User) {
  const lead = note.lead.id === user.id;
  const member = lead || note.team.some((m) => m.id === user.id);
  const secretariat = user.roles.includes('secretariat');
  const official = user.roles.includes('resident_coordinator') || user.roles.includes('rc_office');
  const myCountries = note.countryCodes.filter((c) => user.countryCodes.includes(c));
  return { lead, member, secretariat, official, myCountries };
}
