/**
 * The rules of a criteria set the secretariat publishes (DESIGN §2 "criteria sets (versioned)";
 * shared/reference/review-criteria.json): a screening checklist whose automatic criteria are the
 * ones the system can check, and quality criteria on a whole-number scale whose weights add up to
 * 100. Pure: no framework, no database. What class-validator checks field by field (types, lengths,
 * ranges) is not repeated here; these are the rules that look at several fields at once.
 */

/**
 * The screening criteria the system checks itself on a note's revision (precheck, in
 * concept-note.rules, reports them under these codes; screening pre-fills them from it). A
 * criterion of another code cannot be automatic, and one of these codes means that check.
 */
export const AUTOMATIC_SCREENING_CODES: readonly string[] = ['E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8'];

/** What the weights of the quality criteria add up to (the weighted score is 0–100). */
export const TOTAL_WEIGHT = 100;

export interface CriteriaSetInput {
  screeningCriteria: readonly { code: string; title: string; automatic: boolean }[];
  qualityScale: { min: number; max: number; labels: Readonly<Record<string, unknown>> };
  qualityCriteria: readonly { code: string; title: string; weight: number }[];
}

/** A field a request got wrong, named the way the client sent it (`qualityCriteria.2.weight`). */
export interface Problem {
  field: string;
  message: string;
}

const MAX_LABEL_LENGTH = 100;

/** Codes given more than once: each repeat is named by its index. */
function repeats(field: string, items: readonly { code: string }[]): Problem[] {
  const first = new Map<string, number>();
  const problems: Problem[] = [];
  items.forEach(({ code }, index) => {
    const earlier = first.get(code);
    if (earlier === undefined) first.set(code, index);
    else
      problems.push({
        field: `${field}.${index}.code`,
        message: `repeats ${code}, already the code of ${field}.${earlier}; codes must be unique`,
      });
  });
  return problems;
}

/** Everything wrong with a criteria set to publish, across its fields; none: it can be published. */
export function criteriaSetProblems(input: CriteriaSetInput): Problem[] {
  const problems: Problem[] = [];
  const automatic = AUTOMATIC_SCREENING_CODES.join(', ');

  problems.push(...repeats('screeningCriteria', input.screeningCriteria));
  input.screeningCriteria.forEach((criterion, index) => {
    const checkable = AUTOMATIC_SCREENING_CODES.includes(criterion.code);
    if (criterion.automatic && !checkable)
      problems.push({
        field: `screeningCriteria.${index}.automatic`,
        message: `${criterion.code} is not a check the system can make; the automatic criteria are ${automatic}`,
      });
    if (!criterion.automatic && checkable)
      problems.push({
        field: `screeningCriteria.${index}.automatic`,
        message:
          `${criterion.code} is the code of a check the system makes from the note, so it must be automatic; ` +
          'give a manual criterion a code of its own (such as E12)',
      });
  });

  const { min, max, labels } = input.qualityScale;
  if (min >= max) {
    problems.push({ field: 'qualityScale', message: `min (${min}) must be below max (${max})` });
  } else {
    const points = Array.from({ length: max - min + 1 }, (_, i) => String(min + i));
    const missing = points.filter((point) => !(point in labels));
    const extra = Object.keys(labels).filter((key) => !points.includes(key));
    if (missing.length > 0 || extra.length > 0) {
      const parts = [
        ...(missing.length ? [`missing ${missing.join(', ')}`] : []),
        ...(extra.length ? [`not on the scale: ${extra.join(', ')}`] : []),
      ];
      problems.push({
        field: 'qualityScale.labels',
        message: `must label each point of the scale, ${min} to ${max} (${parts.join('; ')})`,
      });
    }
    for (const point of points.filter((p) => p in labels)) {
      const label = labels[point];
      if (typeof label !== 'string' || label.trim() === '' || label.length > MAX_LABEL_LENGTH)
        problems.push({
          field: `qualityScale.labels.${point}`,
          message: `must be a label of 1 to ${MAX_LABEL_LENGTH} characters`,
        });
    }
  }

  problems.push(...repeats('qualityCriteria', input.qualityCriteria));
  const total = input.qualityCriteria.reduce((sum, c) => sum + c.weight, 0);
  if (total !== TOTAL_WEIGHT)
    problems.push({
      field: 'qualityCriteria',
      message: `the weights must add up to ${TOTAL_WEIGHT}; they add up to ${total}`,
    });
  return problems;
}
