import fc from 'fast-check';
import {
  anonymousLabel,
  atLoadCap,
  conflictOverrideText,
  criterionMeans,
  dueReminder,
  DUE_SOON_WINDOW_MS,
  isConflicted,
  reviewProblems,
  suggest,
  summary,
  weightedScore,
  type Candidate,
  type Criterion,
  type Score,
  type SuggestionContext,
} from './review.rules';

/** The published criteria set (shared/reference/review-criteria.json): scale 1–4, weights adding up to 100. */
const SCALE = { min: 1, max: 4 };
const CRITERIA: Criterion[] = [
  { code: 'Q1', weight: 20 },
  { code: 'Q2', weight: 15 },
  { code: 'Q3', weight: 15 },
  { code: 'Q4', weight: 10 },
  { code: 'Q5', weight: 10 },
  { code: 'Q6', weight: 10 },
  { code: 'Q7', weight: 10 },
  { code: 'Q8', weight: 5 },
  { code: 'Q9', weight: 5 },
];

const scored = (...values: number[]): Score[] => values.map((score, i) => ({ code: `Q${i + 1}`, score }));

/**
 * Review A, by hand: weight × (score − 1) / 3 per criterion
 *   Q1 4 → 20 × 3/3 = 20        Q4 2 → 10 × 1/3 = 3.333…    Q7 2 → 10 × 1/3 = 3.333…
 *   Q2 3 → 15 × 2/3 = 10        Q5 4 → 10 × 3/3 = 10        Q8 1 →  5 × 0/3 = 0
 *   Q3 3 → 15 × 2/3 = 10        Q6 3 → 10 × 2/3 = 6.666…    Q9 4 →  5 × 3/3 = 5
 *   sum = (60 + 30 + 30 + 10 + 30 + 20 + 10 + 0 + 15) / 3 = 205 / 3 = 68.333… → 68.33
 */
const REVIEW_A = scored(4, 3, 3, 2, 4, 3, 2, 1, 4);
/**
 * Review B, by hand: (20×2 + 15×2 + 15×1 + 10×2 + 10×1 + 10×1 + 10×2 + 5×1 + 5×1) / 3
 *   = (40 + 30 + 15 + 20 + 10 + 10 + 20 + 5 + 5) / 3 = 155 / 3 = 51.666… → 51.67
 */
const REVIEW_B = scored(3, 3, 2, 3, 2, 2, 3, 2, 2);

describe('weightedScore', () => {
  it('matches the hand-computed examples on the published 1–4 scale', () => {
    expect(weightedScore(REVIEW_A, CRITERIA, SCALE)).toBe(68.33);
    expect(weightedScore(REVIEW_B, CRITERIA, SCALE)).toBe(51.67);
  });

  it('is 0 when every criterion has the lowest score and 100 when every one has the highest', () => {
    expect(weightedScore(scored(1, 1, 1, 1, 1, 1, 1, 1, 1), CRITERIA, SCALE)).toBe(0);
    expect(weightedScore(scored(4, 4, 4, 4, 4, 4, 4, 4, 4), CRITERIA, SCALE)).toBe(100);
  });

  it('does not depend on the order the scores come in', () => {
    expect(weightedScore([...REVIEW_A].reverse(), CRITERIA, SCALE)).toBe(68.33);
  });

  it('counts a criterion by its weight: the top score on Q1 alone is worth 20, on Q9 alone 5', () => {
    expect(weightedScore(scored(4, 1, 1, 1, 1, 1, 1, 1, 1), CRITERIA, SCALE)).toBe(20);
    expect(weightedScore(scored(1, 1, 1, 1, 1, 1, 1, 1, 4), CRITERIA, SCALE)).toBe(5);
  });

  it('reads weights as shares of their total when they do not add up to 100', () => {
    const criteria = [
      { code: 'A', weight: 1 },
      { code: 'B', weight: 3 },
    ];
    // (1 × 1 + 3 × 0) / 4 = 0.25 of the way → 25
    const scores = [
      { code: 'A', score: 5 },
      { code: 'B', score: 0 },
    ];
    expect(weightedScore(scores, criteria, { min: 0, max: 5 })).toBe(25);
  });

  it('rounds half up to two decimals', () => {
    // 1 / 32 = 0.03125 → 3.125 → 3.13
    expect(weightedScore([{ code: 'A', score: 1 }], [{ code: 'A', weight: 100 }], { min: 0, max: 32 })).toBe(
      3.13,
    );
    // 1 / 3 → 33.333… → 33.33; 2 / 3 → 66.666… → 66.67
    expect(weightedScore([{ code: 'A', score: 2 }], [{ code: 'A', weight: 100 }], SCALE)).toBe(33.33);
    expect(weightedScore([{ code: 'A', score: 3 }], [{ code: 'A', weight: 100 }], SCALE)).toBe(66.67);
  });

  it('ignores scores of codes outside the criteria (they are refused before scoring)', () => {
    expect(weightedScore([...REVIEW_A, { code: 'Q99', score: 4 }], CRITERIA, SCALE)).toBe(68.33);
  });

  it('refuses a review missing a criterion, a scale without range, and criteria without weight', () => {
    expect(() => weightedScore(REVIEW_A.slice(1), CRITERIA, SCALE)).toThrow('Q1 is not scored');
    expect(() => weightedScore(REVIEW_A, CRITERIA, { min: 4, max: 4 })).toThrow('Invalid scale');
    expect(() => weightedScore([{ code: 'A', score: 1 }], [{ code: 'A', weight: 0 }], SCALE)).toThrow(
      'no weight',
    );
  });

  it('stays within 0–100 with at most two decimals, and never falls when one score rises', () => {
    const review = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 9, maxLength: 9 });
    fc.assert(
      fc.property(review, fc.integer({ min: 0, max: 8 }), (values, raised) => {
        const score = weightedScore(scored(...values), CRITERIA, SCALE);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
        expect(Math.round(score * 100) / 100).toBe(score);
        const higher = [...values];
        higher[raised] = Math.min(4, higher[raised] + 1);
        expect(weightedScore(scored(...higher), CRITERIA, SCALE)).toBeGreaterThanOrEqual(score);
      }),
    );
  });
});

describe('reviewProblems', () => {
  it('accepts a partial draft with scores within the scale and no recommendation', () => {
    expect(reviewProblems({ scores: scored(4, 1) }, CRITERIA, SCALE, false)).toEqual([]);
    expect(reviewProblems({ scores: [] }, CRITERIA, SCALE, false)).toEqual([]);
  });

  it('accepts a complete submission with a recommendation', () => {
    expect(reviewProblems({ scores: REVIEW_A, recommendation: 'fund' }, CRITERIA, SCALE, true)).toEqual([]);
  });

  it('names the score outside the scale by its index, below and above', () => {
    const scores = [
      { code: 'Q1', score: 0 },
      { code: 'Q2', score: 2 },
      { code: 'Q3', score: 5 },
    ];
    expect(reviewProblems({ scores }, CRITERIA, SCALE, false)).toEqual([
      { field: 'scores.0.score', message: 'must be a whole number from 1 to 4' },
      { field: 'scores.2.score', message: 'must be a whole number from 1 to 4' },
    ]);
  });

  it('refuses a fractional score', () => {
    expect(reviewProblems({ scores: [{ code: 'Q1', score: 2.5 }] }, CRITERIA, SCALE, false)).toEqual([
      { field: 'scores.0.score', message: 'must be a whole number from 1 to 4' },
    ]);
  });

  it('names an unknown criterion and a criterion scored twice', () => {
    const scores = [
      { code: 'Q1', score: 2 },
      { code: 'X7', score: 2 },
      { code: 'Q1', score: 3 },
    ];
    const problems = reviewProblems({ scores }, CRITERIA, SCALE, false);
    expect(problems.map((p) => p.field)).toEqual(['scores.1.code', 'scores.2.code']);
    expect(problems[0].message).toContain('is not a criterion of this criteria set (Q1, Q2');
    expect(problems[1].message).toBe('scores Q1 a second time');
  });

  it('on submission lists every criterion left unscored under `scores`, and asks for a recommendation', () => {
    const problems = reviewProblems({ scores: scored(4, 3, 3, 2, 4, 3) }, CRITERIA, SCALE, true);
    expect(problems).toEqual([
      { field: 'scores', message: 'every criterion must be scored; missing Q7, Q8, Q9' },
      { field: 'recommendation', message: 'is required to submit a review' },
    ]);
  });

  it('reports both the bad score and the missing criteria of one submission', () => {
    const scores = scored(4, 3, 3, 9, 4, 3, 2, 1);
    const fields = reviewProblems({ scores, recommendation: 'revise' }, CRITERIA, SCALE, true).map(
      (p) => p.field,
    );
    expect(fields).toEqual(['scores.3.score', 'scores']);
  });

  it('does not count a criterion scored under an unknown code as scored', () => {
    const scores = [...REVIEW_A.slice(0, 8), { code: 'q9', score: 4 }];
    const fields = reviewProblems({ scores, recommendation: 'fund' }, CRITERIA, SCALE, true).map(
      (p) => p.field,
    );
    expect(fields).toEqual(['scores.8.code', 'scores']);
  });
});

describe('summary', () => {
  it('has a count of 0 and no figures before any review is submitted', () => {
    expect(summary([], [{ code: 'Q1' }])).toEqual({
      count: 0,
      mean: null,
      median: null,
      spread: null,
      perCriterion: [{ code: 'Q1', mean: null }],
    });
  });

  it('matches the hand-computed example of two reviews', () => {
    // 68.33 and 51.67: mean (68.33 + 51.67) / 2 = 60, median of two = their mean, spread 68.33 − 51.67 = 16.66.
    // Criterion means: Q1 (4 + 3) / 2 = 3.5, Q2 3, Q3 2.5, Q4 2.5, Q5 3, Q6 2.5, Q7 2.5, Q8 1.5, Q9 3.
    const result = summary(
      [
        { weightedScore: 68.33, scores: REVIEW_A },
        { weightedScore: 51.67, scores: REVIEW_B },
      ],
      CRITERIA,
    );
    expect(result).toEqual({
      count: 2,
      mean: 60,
      median: 60,
      spread: 16.66,
      perCriterion: [
        { code: 'Q1', mean: 3.5 },
        { code: 'Q2', mean: 3 },
        { code: 'Q3', mean: 2.5 },
        { code: 'Q4', mean: 2.5 },
        { code: 'Q5', mean: 3 },
        { code: 'Q6', mean: 2.5 },
        { code: 'Q7', mean: 2.5 },
        { code: 'Q8', mean: 1.5 },
        { code: 'Q9', mean: 3 },
      ],
    });
  });

  it('takes the middle score as the median of an odd count, whatever the order', () => {
    const reviews = [90, 10, 40].map((weightedScore) => ({ weightedScore, scores: [] }));
    expect(summary(reviews, [])).toMatchObject({ count: 3, mean: 46.67, median: 40, spread: 80 });
  });

  it('takes the mean of the two middle scores as the median of an even count', () => {
    const reviews = [10, 20, 30, 100].map((weightedScore) => ({ weightedScore, scores: [] }));
    expect(summary(reviews, [])).toMatchObject({ count: 4, mean: 40, median: 25, spread: 90 });
  });

  it('has a spread of 0 for a single review, whose score is the mean and the median', () => {
    expect(summary([{ weightedScore: 68.33, scores: REVIEW_A }], [])).toMatchObject({
      count: 1,
      mean: 68.33,
      median: 68.33,
      spread: 0,
    });
  });

  it('rounds the mean and the median half up, exactly', () => {
    // (10.01 + 10.02) / 2 = 10.015: in floating point 10.014999…, which naive rounding takes down.
    const reviews = [10.01, 10.02].map((weightedScore) => ({ weightedScore, scores: [] }));
    expect(summary(reviews, [])).toMatchObject({ mean: 10.02, median: 10.02, spread: 0.01 });
  });

  it('averages each criterion over the reviews that scored it (a review of another set may lack it)', () => {
    const result = summary(
      [
        { weightedScore: 50, scores: [{ code: 'Q1', score: 1 }] },
        {
          weightedScore: 50,
          scores: [
            { code: 'Q1', score: 2 },
            { code: 'Q2', score: 4 },
          ],
        },
        { weightedScore: 50, scores: [{ code: 'Q1', score: 2 }] },
      ],
      [{ code: 'Q1' }, { code: 'Q2' }, { code: 'Q3' }],
    );
    expect(result.perCriterion).toEqual([
      { code: 'Q1', mean: 1.67 },
      { code: 'Q2', mean: 4 },
      { code: 'Q3', mean: null },
    ]);
  });
});

describe('criterionMeans', () => {
  const v1 = {
    version: 1,
    scale: { min: 1, max: 4 },
    criteria: [
      { code: 'Q1', title: 'Relevance', weight: 60 },
      { code: 'Q2', title: 'Feasibility', weight: 40 },
    ],
  };
  const at = (criteriaSetVersion: number, ...values: number[]) => ({
    criteriaSetVersion,
    scores: values.map((score, i) => ({ code: `Q${i + 1}`, score })),
  });

  it('gives one row per criterion of a single version, with its count and mean', () => {
    expect(criterionMeans([at(1, 4, 2), at(1, 3, 1)], [v1])).toEqual([
      {
        code: 'Q1',
        title: 'Relevance',
        weight: 60,
        scale: { min: 1, max: 4 },
        criteriaSetVersions: [1],
        count: 2,
        mean: 3.5,
      },
      {
        code: 'Q2',
        title: 'Feasibility',
        weight: 40,
        scale: { min: 1, max: 4 },
        criteriaSetVersions: [1],
        count: 2,
        mean: 1.5,
      },
    ]);
  });

  it('pools two versions where a criterion and the scale are the same, and splits one that changed', () => {
    // Version 2 rewords Q2 (its scores mean something else now) and adds Q3; Q1 is unchanged.
    const v2 = {
      version: 2,
      scale: { min: 1, max: 4 },
      criteria: [
        { code: 'Q1', title: 'Relevance', weight: 60 },
        { code: 'Q2', title: 'Feasibility and risks', weight: 20 },
        { code: 'Q3', title: 'Sustainability', weight: 20 },
      ],
    };
    const rows = criterionMeans([at(1, 4, 2), at(2, 2, 3, 4), at(2, 3, 4, 4)], [v1, v2]);
    expect(rows.map((r) => [r.code, r.title, r.criteriaSetVersions, r.count, r.mean])).toEqual([
      ['Q1', 'Relevance', [2, 1], 3, 3],
      ['Q2', 'Feasibility and risks', [2], 2, 3.5],
      ['Q3', 'Sustainability', [2], 2, 4],
      ['Q2', 'Feasibility', [1], 1, 2],
    ]);
  });

  it('never averages scores given on different scales', () => {
    const v2 = { ...v1, version: 2, scale: { min: 0, max: 10 } };
    const rows = criterionMeans([at(1, 4, 4), at(2, 10, 0)], [v2, v1]);
    expect(rows.map((r) => [r.code, r.scale, r.criteriaSetVersions, r.mean])).toEqual([
      ['Q1', { min: 0, max: 10 }, [2], 10],
      ['Q2', { min: 0, max: 10 }, [2], 0],
      ['Q1', { min: 1, max: 4 }, [1], 4],
      ['Q2', { min: 1, max: 4 }, [1], 4],
    ]);
  });

  it('lists the criteria with no mean when nothing is submitted', () => {
    expect(criterionMeans([], [v1]).map((r) => [r.code, r.count, r.mean])).toEqual([
      ['Q1', 0, null],
      ['Q2', 0, null],
    ]);
  });
});

describe('atLoadCap', () => {
  it.each([
    [0, 2, false],
    [1, 2, false],
    [2, 2, true],
    [3, 2, true],
    [0, 0, true],
  ])('%p open of a cap of %p → %p', (open, cap, expected) => {
    expect(atLoadCap(open, cap)).toBe(expected);
  });
});

describe('isConflicted', () => {
  it('is conflicted when the reviewer works for the convening organization', () => {
    expect(isConflicted('IOM', 'IOM', ['ILO'])).toBe(true);
  });

  it('is conflicted when the reviewer works for a participating organization', () => {
    expect(isConflicted('ILO', 'IOM', ['IOM', 'ILO', 'UNHCR'])).toBe(true);
  });

  it('is not conflicted for another organization, or without one', () => {
    expect(isConflicted('UNICEF', 'IOM', ['IOM', 'ILO'])).toBe(false);
    expect(isConflicted(null, 'IOM', ['ILO'])).toBe(false);
    expect(isConflicted(undefined, 'IOM', ['ILO'])).toBe(false);
    expect(isConflicted('', 'IOM', ['ILO'])).toBe(false);
  });

  it('compares codes whatever their case and surrounding spaces', () => {
    expect(isConflicted(' iom', 'IOM', [])).toBe(true);
    expect(isConflicted('ILO', null, ['ilo '])).toBe(true);
  });

  it('is not conflicted when the note names no organization yet', () => {
    expect(isConflicted('IOM', null, [])).toBe(false);
  });
});

describe('suggest', () => {
  const reviewer = (id: string, fields: Partial<Candidate> = {}): Candidate => ({
    id,
    name: `Reviewer ${id}`,
    organizationCode: 'UNICEF',
    thematicAreaCodes: [],
    openAssignments: 0,
    ...fields,
  });
  const context = (fields: Partial<SuggestionContext> = {}): SuggestionContext => ({
    primaryThematicAreaCode: 'TA4',
    conveningOrganizationCode: 'IOM',
    participatingOrganizationCodes: ['IOM', 'ILO'],
    assignedReviewerIds: [],
    maxOpenAssignments: 5,
    ...fields,
  });
  const ids = (list: { id: string }[]) => list.map((r) => r.id);

  it('ranks experts in the primary thematic area first, even when more loaded', () => {
    const ranked = suggest(
      [
        reviewer('a', { openAssignments: 0 }),
        reviewer('b', { thematicAreaCodes: ['TA4'], openAssignments: 3 }),
        reviewer('c', { thematicAreaCodes: ['TA1', 'TA4'], openAssignments: 1 }),
      ],
      context(),
    );
    expect(ids(ranked)).toEqual(['c', 'b', 'a']);
    expect(ranked.map((r) => r.expertise)).toEqual([true, true, false]);
  });

  it('ranks by lowest open load within the experts and within the others', () => {
    const ranked = suggest(
      [
        reviewer('a', { openAssignments: 2 }),
        reviewer('b', { openAssignments: 0 }),
        reviewer('c', { thematicAreaCodes: ['TA4'], openAssignments: 4 }),
        reviewer('d', { thematicAreaCodes: ['TA4'], openAssignments: 1 }),
      ],
      context(),
    );
    expect(ids(ranked)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('breaks ties by name, then by id', () => {
    const ranked = suggest(
      [reviewer('2', { name: 'Zoe' }), reviewer('9', { name: 'Ana' }), reviewer('1', { name: 'Zoe' })],
      context(),
    );
    expect(ids(ranked)).toEqual(['9', '1', '2']);
  });

  it('never suggests a reviewer of the convening or a participating organization', () => {
    const ranked = suggest(
      [
        reviewer('convening', { organizationCode: 'IOM', thematicAreaCodes: ['TA4'] }),
        reviewer('participating', { organizationCode: 'ILO', thematicAreaCodes: ['TA4'] }),
        reviewer('free', { organizationCode: 'UNDP' }),
        reviewer('independent', { organizationCode: null }),
      ],
      context(),
    );
    expect(ids(ranked)).toEqual(['free', 'independent']);
  });

  it('leaves out reviewers the note already has', () => {
    const ranked = suggest(
      [reviewer('a'), reviewer('b'), reviewer('c')],
      context({ assignedReviewerIds: ['b'] }),
    );
    expect(ids(ranked)).toEqual(['a', 'c']);
  });

  it('leaves out reviewers at the cap of open assignments, keeping those just under it', () => {
    const ranked = suggest(
      [
        reviewer('full', { openAssignments: 2 }),
        reviewer('over', { openAssignments: 7 }),
        reviewer('room', { openAssignments: 1 }),
      ],
      context({ maxOpenAssignments: 2 }),
    );
    expect(ids(ranked)).toEqual(['room']);
  });

  it('counts no one as an expert when the note has no primary thematic area', () => {
    const ranked = suggest(
      [reviewer('a', { thematicAreaCodes: ['TA4'], openAssignments: 1 }), reviewer('b')],
      context({ primaryThematicAreaCode: null }),
    );
    expect(ranked.map((r) => [r.id, r.expertise])).toEqual([
      ['b', false],
      ['a', false],
    ]);
  });

  it('keeps the fields of the candidates it returns', () => {
    const [first] = suggest([{ ...reviewer('a'), email: 'a@un.org' }], context());
    expect(first).toMatchObject({ id: 'a', email: 'a@un.org', expertise: false });
  });

  it('answers an empty list when there is no one to suggest', () => {
    expect(suggest([], context())).toEqual([]);
  });
});

describe('anonymousLabel', () => {
  it.each([
    [0, 'Reviewer A'],
    [1, 'Reviewer B'],
    [25, 'Reviewer Z'],
    [26, 'Reviewer AA'],
    [27, 'Reviewer AB'],
    [701, 'Reviewer ZZ'],
    [702, 'Reviewer AAA'],
  ])('labels review %i as %s', (index, label) => {
    expect(anonymousLabel(index)).toBe(label);
  });
});

describe('conflictOverrideText', () => {
  it('says nothing when no conflict was overridden', () => {
    expect(conflictOverrideText([])).toBeNull();
  });

  it('states one override with its reason', () => {
    expect(conflictOverrideText(['Only expert on the corridor'])).toBe(
      '1 conflict overridden: Only expert on the corridor',
    );
  });

  it('states several overrides with their reasons', () => {
    expect(conflictOverrideText(['First', 'Second'])).toBe('2 conflicts overridden: First; Second');
  });
});

describe('dueReminder', () => {
  const due = new Date('2027-01-20T17:00:00.000Z');
  const at = (ms: number) => new Date(due.getTime() + ms);

  it('sends nothing more than two days before the due date', () => {
    expect(dueReminder(due, at(-DUE_SOON_WINDOW_MS - 1))).toBeNull();
  });

  it('reminds that the review is due soon from two days before, to the last millisecond', () => {
    expect(DUE_SOON_WINDOW_MS).toBe(2 * 24 * 60 * 60 * 1000);
    expect(dueReminder(due, at(-DUE_SOON_WINDOW_MS))).toBe('due_soon');
    expect(dueReminder(due, at(-1))).toBe('due_soon');
  });

  it('says the review is overdue from the due instant on', () => {
    expect(dueReminder(due, due)).toBe('overdue');
    expect(dueReminder(due, at(30 * 24 * 60 * 60 * 1000))).toBe('overdue');
  });
});
