/**
 * Pure rules of screening: which transition an outcome takes, how the checklist is completed from
 * the automatic checks, and when a technical revision is due. No framework, no database.
 */
import type { CheckOutcome } from '../concept-notes/concept-note.rules';
import {
  TRANSITIONS,
  type ConceptNoteAction,
  type ConceptNoteStatus,
} from '../concept-notes/concept-note.state';
import type { ScreeningCriterion } from '../reference-data/reference.entity';
import type { ChecklistEntry, ScreeningOutcome } from './screening.entity';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The lifecycle action a screening outcome takes (an eligible note not reviewed again skips the review). */
export function screeningAction(outcome: ScreeningOutcome, reviewAgain: boolean): ConceptNoteAction {
  switch (outcome) {
    case 'eligible':
      return reviewAgain ? 'screen_eligible' : 'skip_review';
    case 'ineligible':
      return 'screen_ineligible';
    case 'revision_requested':
      return 'request_revision';
  }
}

/** The status a screening moves a submitted note to. */
export function resultingStatus(outcome: ScreeningOutcome, reviewAgain: boolean): ConceptNoteStatus {
  const to = TRANSITIONS[screeningAction(outcome, reviewAgain)].to;
  return to === 'same' ? 'submitted' : to;
}

/** What the automatic check found for a criterion of the revision. */
export interface AutomaticCheck {
  code: string;
  outcome: CheckOutcome;
  reasons: string[];
}

export interface GivenCheck {
  code: string;
  result: ChecklistEntry['result'];
  comment?: string | null;
}

export type ChecklistResult =
  | { ok: true; checklist: ChecklistEntry[] }
  | { ok: false; missing: string[]; unknown: string[]; repeated: string[] };

/**
 * The full checklist, in the order of the criteria set: what the secretariat gave, and for automatic
 * criteria it left out, the automatic check of the revision (pass, or fail with its reasons; a check
 * still pending counts as failed). Every criterion must be covered, and only criteria of the set.
 */
export function completeChecklist(
  criteria: readonly ScreeningCriterion[],
  given: readonly GivenCheck[],
  automatic: readonly AutomaticCheck[],
): ChecklistResult {
  const codes = new Set(criteria.map((c) => c.code));
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const entry of given) {
    if (seen.has(entry.code)) repeated.add(entry.code);
    seen.add(entry.code);
  }
  const unknown = [...seen].filter((code) => !codes.has(code));
  const checklist: ChecklistEntry[] = [];
  const missing: string[] = [];
  for (const criterion of criteria) {
    const entry = given.find((g) => g.code === criterion.code);
    if (entry) {
      checklist.push({
        code: criterion.code,
        result: entry.result,
        comment: entry.comment?.trim() ? entry.comment.trim() : null,
        automatic: false,
      });
      continue;
    }
    const check = criterion.automatic ? automatic.find((a) => a.code === criterion.code) : undefined;
    if (!check) {
      missing.push(criterion.code);
      continue;
    }
    checklist.push({
      code: criterion.code,
      result: check.outcome === 'pass' ? 'pass' : 'fail',
      comment: check.reasons.length > 0 ? check.reasons.join('; ') : null,
      automatic: true,
    });
  }
  if (missing.length > 0 || unknown.length > 0 || repeated.size > 0) {
    return { ok: false, missing, unknown, repeated: [...repeated] };
  }
  return { ok: true, checklist };
}

/** A technical revision is due a number of days (fund rules) after it was requested. */
export function technicalRevisionDue(requestedAt: Date, days: number): Date {
  return new Date(requestedAt.getTime() + days * DAY_MS);
}
