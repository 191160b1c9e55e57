/**
 * The life of a concept note: statuses, actions, and which roles may take each action from each
 * status. Pure: no framework, no database. Services ask `transition(from, action, actor)` and
 * then persist the answer with a conditional update (WHERE status = from).
 */

export const STATUSES = [
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
] as const;
export type ConceptNoteStatus = (typeof STATUSES)[number];

/** Who takes an action, seen from the note: the lead of its team, an RC of one of its countries, … */
export const ACTOR_KINDS = [
  'lead',
  'team_member',
  'resident_coordinator',
  /** RC office staff of the note's countries: they follow and comment; they act only as acting RC. */
  'rc_office',
  'focal_point',
  /** A reviewer assigned to the note, and a Steering Committee member: they read; no transition is theirs. */
  'reviewer',
  'committee',
  'secretariat',
  'system',
] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export const ACTIONS = [
  'edit',
  'sign_off',
  'request_endorsement',
  'recall',
  'endorse',
  'withdraw_endorsement',
  'return',
  'complete_endorsement',
  'submit',
  'withdraw',
  'screen_eligible',
  'screen_ineligible',
  'skip_review',
  'request_revision',
  'resubmit_technical',
  'close_reviews',
  'approve',
  'fund',
  'reject',
  'defer',
  'remove_from_pipeline',
] as const;
export type ConceptNoteAction = (typeof ACTIONS)[number];

interface Rule {
  from: readonly ConceptNoteStatus[];
  to: ConceptNoteStatus | 'same';
  by: readonly ActorKind[];
}

/** Statuses a lead may withdraw from: anything before a released decision, except final ones. */
const WITHDRAWABLE: readonly ConceptNoteStatus[] = [
  'draft',
  'awaiting_endorsement',
  'submitted',
  'revision_requested',
  'in_review',
  'ready_for_committee',
];

export const TRANSITIONS: Record<ConceptNoteAction, Rule> = {
  /** The team edits the working copy of a draft, or of a note sent back for revision. */
  edit: { from: ['draft', 'revision_requested'], to: 'same', by: ['lead', 'team_member'] },
  /** National and multi-country notes: freeze a revision and ask the RCs. */
  request_endorsement: {
    from: ['draft', 'revision_requested'],
    to: 'awaiting_endorsement',
    by: ['lead'],
  },
  /** Regional and global notes: a focal point of the convening organization signs off the content. */
  sign_off: { from: ['draft', 'revision_requested'], to: 'same', by: ['focal_point'] },
  /** An endorsement that leaves countries uncovered (RC, acting RC, or offline by the secretariat). */
  endorse: { from: ['awaiting_endorsement'], to: 'same', by: ['resident_coordinator', 'secretariat'] },
  /** An RC takes back their own endorsement before the note is submitted. */
  withdraw_endorsement: { from: ['awaiting_endorsement'], to: 'same', by: ['resident_coordinator'] },
  /** The lead takes the note back to draft while endorsements are pending. */
  recall: { from: ['awaiting_endorsement'], to: 'draft', by: ['lead'] },
  /** An RC (or acting RC) returns the note to the team with a comment. */
  return: { from: ['awaiting_endorsement'], to: 'draft', by: ['resident_coordinator'] },
  /** The endorsement that covers the last listed country (RC, acting RC or offline) submits the note. */
  complete_endorsement: {
    from: ['awaiting_endorsement'],
    to: 'submitted',
    by: ['resident_coordinator', 'secretariat'],
  },
  /** Regional and global notes, signed off by a focal point, are submitted by the lead. */
  submit: { from: ['draft', 'revision_requested'], to: 'submitted', by: ['lead'] },
  withdraw: { from: WITHDRAWABLE, to: 'withdrawn', by: ['lead'] },
  screen_eligible: { from: ['submitted'], to: 'in_review', by: ['secretariat'] },
  screen_ineligible: { from: ['submitted'], to: 'ineligible', by: ['secretariat'] },
  /** A resubmission found eligible that the secretariat decides not to review again: its reviews stand. */
  skip_review: { from: ['submitted'], to: 'ready_for_committee', by: ['secretariat'] },
  /** Screening or the committee asks for a revision (technical or substantive). */
  request_revision: {
    from: ['submitted', 'ready_for_committee'],
    to: 'revision_requested',
    by: ['secretariat'],
  },
  /** A technical fix goes straight back to submitted: same submission time, no new endorsement. */
  resubmit_technical: { from: ['revision_requested'], to: 'submitted', by: ['lead'] },
  close_reviews: { from: ['in_review'], to: 'ready_for_committee', by: ['secretariat', 'system'] },
  approve: { from: ['ready_for_committee'], to: 'approved', by: ['secretariat'] },
  /** Funding is decided on a ready note, or later on an approved note of the pipeline. */
  fund: { from: ['ready_for_committee', 'approved'], to: 'funded', by: ['secretariat'] },
  reject: { from: ['ready_for_committee'], to: 'rejected', by: ['secretariat'] },
  /** Deferred: the note stays ready for the committee and goes on the next agenda. */
  defer: { from: ['ready_for_committee'], to: 'same', by: ['secretariat'] },
  remove_from_pipeline: { from: ['approved'], to: 'removed_from_pipeline', by: ['secretariat'] },
};

export const FINAL_STATUSES: readonly ConceptNoteStatus[] = [
  'withdrawn',
  'ineligible',
  'rejected',
  'funded',
  'removed_from_pipeline',
];

export type TransitionResult =
  | { ok: true; to: ConceptNoteStatus }
  | { ok: false; reason: 'not_allowed_for_actor' | 'not_allowed_in_status' };

/**
 * May `actor` take `action` on a note in status `from`, and where does it lead? A role that may
 * never take the action is told so before the status is considered (403 before 409).
 */
export function transition(
  from: ConceptNoteStatus,
  action: ConceptNoteAction,
  actor: ActorKind | readonly ActorKind[],
): TransitionResult {
  const rule = TRANSITIONS[action];
  const kinds: readonly ActorKind[] = typeof actor === 'string' ? [actor] : actor;
  if (!kinds.some((kind) => rule.by.includes(kind))) return { ok: false, reason: 'not_allowed_for_actor' };
  if (!rule.from.includes(from)) return { ok: false, reason: 'not_allowed_in_status' };
  return { ok: true, to: rule.to === 'same' ? from : rule.to };
}

/** Statuses from which `action` may be taken (for conditional updates: WHERE status IN (...)). */
export function fromStatuses(action: ConceptNoteAction): readonly ConceptNoteStatus[] {
  return TRANSITIONS[action].from;
}

export function isFinal(status: ConceptNoteStatus): boolean {
  return FINAL_STATUSES.includes(status);
}
