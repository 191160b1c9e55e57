/**
 * The rules of reviewing (DESIGN §2 "Review assignment and review", §3 "Reviews close"): the
 * weighted score of a review, the anonymized figures of a note's reviews, who is conflicted, which
 * reviewers to suggest, what makes a draft or a submission acceptable, and when a reviewer is
 * reminded. Pure: no framework, no database, no clock.
 */

export interface Scale {
  min: number;
  max: number;
}

export interface Criterion {
  code: string;
  weight: number;
}

export interface Score {
  code: string;
  score: number;
  comment?: string | null;
}

export type Recommendation = 'fund' | 'approve' | 'revise' | 'reject';
export const RECOMMENDATIONS: readonly Recommendation[] = ['fund', 'approve', 'revise', 'reject'];

/** A field a request got wrong, named the way the client sent it (`scores.3.score`). */
export interface Problem {
  field: string;
  message: string;
}

/** Reminders start this long before a review is due. */
export const DUE_SOON_WINDOW_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * `numerator / denominator` rounded half up to two decimals. Both are whole numbers wherever the
 * inputs are (scores, weights, hundredths), so the quotient of an exact half is itself exact and
 * `Math.round` never meets the 1.005 × 100 = 100.49999… trap.
 */
function ratio2(numerator: number, denominator: number): number {
  return Math.round((numerator * 100) / denominator) / 100;
}

/**
 * The weighted score, 0–100: the sum over the criteria of weight × (score − min) / (max − min), as
 * shared/reference/review-criteria.json defines it, rounded to two decimals. Weights are read as
 * shares of their total, which is the definition itself when they add up to 100 (the published set)
 * and keeps the score within 0–100 for a set whose weights do not. Every criterion must be scored.
 */
export function weightedScore(
  scores: readonly Score[],
  criteria: readonly Criterion[],
  scale: Scale,
): number {
  if (!(scale.max > scale.min)) throw new Error(`Invalid scale ${scale.min}–${scale.max}`);
  const totalWeight = criteria.reduce((sum, c) => sum + c.weight, 0);
  if (!(totalWeight > 0)) throw new Error('The criteria carry no weight');
  let numerator = 0;
  for (const criterion of criteria) {
    const entry = scores.find((s) => s.code === criterion.code);
    if (!entry) throw new Error(`Criterion ${criterion.code} is not scored`);
    numerator += criterion.weight * (entry.score - scale.min) * 100;
  }
  return ratio2(numerator, (scale.max - scale.min) * totalWeight);
}

/**
 * What is wrong with a review as saved (`submit: false`: a draft may be partial) or submitted
 * (every criterion scored, a recommendation given). Scores are whole numbers within the scale, for
 * criteria of the set, each once.
 */
export function reviewProblems(
  review: { scores: readonly Score[]; recommendation?: string | null },
  criteria: readonly Criterion[],
  scale: Scale,
  submit: boolean,
): Problem[] {
  const problems: Problem[] = [];
  const known = new Set(criteria.map((c) => c.code));
  const seen = new Set<string>();
  review.scores.forEach((entry, index) => {
    if (!known.has(entry.code)) {
      problems.push({
        field: `scores.${index}.code`,
        message: `is not a criterion of this criteria set (${[...known].join(', ')})`,
      });
    } else if (seen.has(entry.code)) {
      problems.push({ field: `scores.${index}.code`, message: `scores ${entry.code} a second time` });
    }
    seen.add(entry.code);
    if (!Number.isInteger(entry.score) || entry.score < scale.min || entry.score > scale.max) {
      problems.push({
        field: `scores.${index}.score`,
        message: `must be a whole number from ${scale.min} to ${scale.max}`,
      });
    }
  });
  if (submit) {
    const missing = criteria.map((c) => c.code).filter((code) => !seen.has(code));
    if (missing.length > 0) {
      problems.push({
        field: 'scores',
        message: `every criterion must be scored; missing ${missing.join(', ')}`,
      });
    }
    if (!review.recommendation) {
      problems.push({ field: 'recommendation', message: 'is required to submit a review' });
    }
  }
  return problems;
}

export interface SubmittedReview {
  weightedScore: number;
  scores: readonly Score[];
}

export interface ReviewSummary {
  count: number;
  mean: number | null;
  median: number | null;
  /** Highest minus lowest weighted score. */
  spread: number | null;
  /** Mean score per criterion, on the criteria set's scale, over the reviews that scored it. */
  perCriterion: { code: string; mean: number | null }[];
}

/**
 * The figures of a note's submitted reviews: count, mean, median and spread of the weighted scores,
 * and the mean score of each criterion; two decimals, half up. Nothing submitted: count 0 and nulls.
 */
export function summary(
  reviews: readonly SubmittedReview[],
  criteria: readonly { code: string }[],
): ReviewSummary {
  // Weighted scores have two decimals: work in whole hundredths so sums and halves are exact.
  const hundredths = reviews.map((r) => Math.round(r.weightedScore * 100)).sort((a, b) => a - b);
  const count = hundredths.length;
  const perCriterion = criteria.map(({ code }) => {
    const scores = reviews.flatMap((r) => r.scores.filter((s) => s.code === code).map((s) => s.score));
    return {
      code,
      mean:
        scores.length === 0
          ? null
          : ratio2(
              scores.reduce((a, b) => a + b, 0),
              scores.length,
            ),
    };
  });
  if (count === 0) return { count, mean: null, median: null, spread: null, perCriterion };
  const middle = Math.floor(count / 2);
  const median =
    count % 2 === 1 ? hundredths[middle] / 100 : ratio2(hundredths[middle - 1] + hundredths[middle], 200);
  return {
    count,
    mean: ratio2(
      hundredths.reduce((a, b) => a + b, 0),
      count * 100,
    ),
    median,
    spread: (hundredths[count - 1] - hundredths[0]) / 100,
    perCriterion,
  };
}

/** The quality criteria of one criteria set version, as reviews were scored against them. */
export interface VersionedCriteria {
  version: number;
  scale: Scale;
  criteria: readonly { code: string; title: string; weight: number }[];
}

export interface CriterionMean {
  code: string;
  title: string;
  weight: number;
  scale: Scale;
  /** The criteria set versions whose reviews this mean pools, newest first. */
  criteriaSetVersions: number[];
  /** Submitted reviews that scored the criterion. */
  count: number;
  mean: number | null;
}

/**
 * The mean score of each quality criterion over a note's submitted reviews, which may have been
 * scored against different criteria set versions (a review keeps the version it was begun with).
 * A criterion pools the reviews of every version in which it is the same criterion on the same
 * scale (same code, title and weight; same min and max): there its scores mean the same thing. A
 * criterion that changed between versions, or a scale that did, gives one row per version, so
 * scores on different scales or of differently worded criteria are never averaged together.
 * Rows follow the newest version's order, then criteria only older versions have. Two decimals, half up.
 */
export function criterionMeans(
  reviews: readonly { criteriaSetVersion: number; scores: readonly Score[] }[],
  sets: readonly VersionedCriteria[],
): CriterionMean[] {
  const rows: (CriterionMean & { key: string })[] = [];
  for (const set of [...sets].sort((a, b) => b.version - a.version)) {
    for (const criterion of set.criteria) {
      const key = JSON.stringify([
        criterion.code,
        criterion.title,
        criterion.weight,
        set.scale.min,
        set.scale.max,
      ]);
      const row = rows.find((r) => r.key === key);
      if (row) row.criteriaSetVersions.push(set.version);
      else
        rows.push({
          key,
          code: criterion.code,
          title: criterion.title,
          weight: criterion.weight,
          scale: { min: set.scale.min, max: set.scale.max },
          criteriaSetVersions: [set.version],
          count: 0,
          mean: null,
        });
    }
  }
  return rows.map(({ key: _key, ...row }) => {
    const scores = reviews
      .filter((r) => row.criteriaSetVersions.includes(r.criteriaSetVersion))
      .flatMap((r) => r.scores.filter((s) => s.code === row.code).map((s) => s.score));
    return {
      ...row,
      count: scores.length,
      mean:
        scores.length === 0
          ? null
          : ratio2(
              scores.reduce((a, b) => a + b, 0),
              scores.length,
            ),
    };
  });
}

/** A reviewer is conflicted when they work for the convening or a participating organization. */
export function isConflicted(
  reviewerOrganization: string | null | undefined,
  conveningOrganization: string | null | undefined,
  participatingOrganizations: readonly string[],
): boolean {
  if (!reviewerOrganization) return false;
  const code = reviewerOrganization.trim().toUpperCase();
  return [conveningOrganization ?? '', ...participatingOrganizations].some(
    (organization) => organization.trim().toUpperCase() === code,
  );
}

/**
 * Whether a reviewer with `openAssignments` reviews still to do is at the cap
 * (REVIEWER_MAX_OPEN_ASSIGNMENTS): never suggested, and assigned only when the secretariat gives a reason.
 */
export function atLoadCap(openAssignments: number, maxOpenAssignments: number): boolean {
  return openAssignments >= maxOpenAssignments;
}

export interface Candidate {
  id: string;
  name: string;
  organizationCode: string | null;
  thematicAreaCodes: readonly string[];
  /** Assignments still to be reviewed, on any note. */
  openAssignments: number;
}

export interface SuggestionContext {
  primaryThematicAreaCode: string | null;
  conveningOrganizationCode: string | null;
  participatingOrganizationCodes: readonly string[];
  /** Reviewers this note already has (assigned, submitted, or who declared a conflict on it). */
  assignedReviewerIds: readonly string[];
  /** A reviewer with this many open assignments is not suggested. */
  maxOpenAssignments: number;
}

export type Suggestion<C extends Candidate> = C & { expertise: boolean };

/**
 * Reviewers to suggest for a note, best first: experts in its primary thematic area before the
 * others, then the least loaded, then by name (and id, so the order is total). Never a conflicted
 * reviewer, one the note already has, or one at the cap of open assignments.
 */
export function suggest<C extends Candidate>(
  reviewers: readonly C[],
  context: SuggestionContext,
): Suggestion<C>[] {
  const assigned = new Set(context.assignedReviewerIds);
  return reviewers
    .filter(
      (r) =>
        !assigned.has(r.id) &&
        !atLoadCap(r.openAssignments, context.maxOpenAssignments) &&
        !isConflicted(
          r.organizationCode,
          context.conveningOrganizationCode,
          context.participatingOrganizationCodes,
        ),
    )
    .map((r) => ({
      ...r,
      expertise:
        context.primaryThematicAreaCode !== null &&
        r.thematicAreaCodes.includes(context.primaryThematicAreaCode),
    }))
    .sort(
      (a, b) =>
        Number(b.expertise) - Number(a.expertise) ||
        a.openAssignments - b.openAssignments ||
        a.name.localeCompare(b.name, 'en') ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

/** "Reviewer A" … "Reviewer Z", "Reviewer AA" …: the n-th (from 0) submitted review of a note. */
export function anonymousLabel(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return `Reviewer ${letters}`;
}

/** How a summary states the conflicts the secretariat overrode, without naming anyone. */
export function conflictOverrideText(reasons: readonly string[]): string | null {
  if (reasons.length === 0) return null;
  const noun = reasons.length === 1 ? 'conflict' : 'conflicts';
  return `${reasons.length} ${noun} overridden: ${reasons.join('; ')}`;
}

/** Which reminder an open assignment is due at `now`: before its due date (within the window), or after. */
export function dueReminder(dueAt: Date, now: Date): 'due_soon' | 'overdue' | null {
  const left = dueAt.getTime() - now.getTime();
  if (left <= 0) return 'overdue';
  return left <= DUE_SOON_WINDOW_MS ? 'due_soon' : null;
}
