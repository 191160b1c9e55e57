import fc from 'fast-check';
import { STATUSES, transition, type ConceptNoteStatus } from '../concept-notes/concept-note.state';
import {
  ageInDays,
  BACKLOG_BUCKETS,
  backlogBucket,
  decisionApplies,
  envelopeCheck,
  fundingAmounts,
  OUTCOME_ACTION,
  OUTCOMES,
  outcomeChangeAllowed,
  proRata,
  releaseEnvelopeCheck,
  statusAfter,
  type Outcome,
} from './decision.rules';

/*
 * Written from DESIGN.md §3 ("Decisions", "pipeline") and the brief, status by status, not read from
 * the tables in decision.rules.ts.
 */

const ALL_OUTCOMES: Outcome[] = ['approved', 'funded', 'revision_requested', 'rejected', 'deferred'];

/** outcome → the statuses it may be decided on, and the status it leaves the note in. */
const EXPECTED: Record<Outcome, Partial<Record<ConceptNoteStatus, ConceptNoteStatus>>> = {
  approved: { ready_for_committee: 'approved' },
  funded: { ready_for_committee: 'funded', approved: 'funded' },
  revision_requested: { ready_for_committee: 'revision_requested' },
  rejected: { ready_for_committee: 'rejected' },
  deferred: { ready_for_committee: 'ready_for_committee' },
};

const cases = ALL_OUTCOMES.flatMap((outcome) => STATUSES.map((status) => [outcome, status] as const));

describe('which note statuses each outcome applies to', () => {
  it('knows exactly the five outcomes of DESIGN §2', () => {
    expect([...OUTCOMES].sort()).toEqual([...ALL_OUTCOMES].sort());
  });

  test.each(cases)('%s on a note in status %s', (outcome, status) => {
    const expected = EXPECTED[outcome][status];
    expect(decisionApplies(outcome, status)).toBe(expected !== undefined);
    if (expected !== undefined) expect(statusAfter(outcome, status)).toBe(expected);
  });

  test.each(cases)(
    'agrees with the lifecycle: %s on %s is a transition the secretariat may take',
    (outcome, status) => {
      if (!decisionApplies(outcome, status)) return;
      const result = transition(status, OUTCOME_ACTION[outcome], 'secretariat');
      expect(result).toEqual({ ok: true, to: statusAfter(outcome, status) });
    },
  );

  it('never lets the committee ask for a revision of a note that screening has not passed', () => {
    expect(decisionApplies('revision_requested', 'submitted')).toBe(false);
  });

  it('keeps a deferred note in the status it had', () => {
    for (const status of STATUSES) expect(statusAfter('deferred', status)).toBe(status);
  });
});

describe('outcome changes a correction may make', () => {
  const allowed = new Set([
    'approved>funded',
    'approved>rejected',
    'funded>approved',
    'funded>rejected',
    'rejected>approved',
    'rejected>funded',
  ]);
  const pairs = ALL_OUTCOMES.flatMap((from) => ALL_OUTCOMES.map((to) => [from, to] as const));

  test.each(pairs)('%s → %s', (from, to) => {
    expect(outcomeChangeAllowed(from, to)).toBe(from === to || allowed.has(`${from}>${to}`));
  });
});

const org = (organizationCode: string, cents: bigint) => ({ organizationCode, cents });
const cents = (parts: { cents: bigint }[]) => parts.map((p) => p.cents);

describe('proRata', () => {
  it('gives each organization its share when the total is the whole budget', () => {
    const shares = [org('IOM', 74_900_000n), org('ILO', 74_900_000n)];
    expect(proRata(149_800_000n, shares)).toEqual(shares);
  });

  it('splits exactly when the parts are whole cents', () => {
    expect(cents(proRata(1_000n, [org('A', 1n), org('B', 3n)]))).toEqual([250n, 750n]);
  });

  it('gives the left-over cent to the largest remainder', () => {
    // 100 × 1/6 = 16.67, 100 × 2/6 = 33.33, 100 × 3/6 = 50 → 16, 33, 50 and 1 cent left: A's .67 is largest.
    expect(cents(proRata(100n, [org('A', 1n), org('B', 2n), org('C', 3n)]))).toEqual([17n, 33n, 50n]);
  });

  it('breaks ties between equal remainders by the order of the organizations', () => {
    expect(cents(proRata(100n, [org('A', 1n), org('B', 1n), org('C', 1n)]))).toEqual([34n, 33n, 33n]);
    expect(cents(proRata(200n, [org('A', 1n), org('B', 1n), org('C', 1n)]))).toEqual([67n, 67n, 66n]);
    expect(cents(proRata(1n, [org('X', 5n), org('Y', 5n)]))).toEqual([1n, 0n]);
  });

  it('keeps the organizations and their order', () => {
    const split = proRata(1_000_001n, [org('UNDP', 3n), org('IOM', 7n), org('ILO', 5n)]);
    expect(split.map((p) => p.organizationCode)).toEqual(['UNDP', 'IOM', 'ILO']);
  });

  it('gives nothing to an organization with a zero share', () => {
    expect(cents(proRata(999n, [org('A', 0n), org('B', 1n), org('C', 0n)]))).toEqual([0n, 999n, 0n]);
  });

  it('splits a zero total into zeros', () => {
    expect(cents(proRata(0n, [org('A', 2n), org('B', 1n)]))).toEqual([0n, 0n]);
    expect(proRata(0n, [])).toEqual([]);
  });

  it('refuses what cannot be split', () => {
    expect(() => proRata(100n, [])).toThrow(RangeError);
    expect(() => proRata(100n, [org('A', 0n)])).toThrow(RangeError);
    expect(() => proRata(-1n, [org('A', 1n)])).toThrow(RangeError);
    expect(() => proRata(1n, [org('A', -1n), org('B', 2n)])).toThrow(RangeError);
  });

  it('is exact for amounts far beyond floating point', () => {
    const total = 99_999_999_999_999n;
    const split = proRata(total, [org('A', 1n), org('B', 1n), org('C', 1n)]);
    expect(cents(split)).toEqual([33_333_333_333_333n, 33_333_333_333_333n, 33_333_333_333_333n]);
  });

  const sharesArb = fc.array(fc.bigInt({ min: 0n, max: 10_000_000_000n }), { minLength: 1, maxLength: 12 });

  it('always sums exactly to the total, each part within one cent of its exact share', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 100_000_000_000_000n }), sharesArb, (total, raw) => {
        const shares = raw.map((c, i) => org(`O${i}`, c));
        const whole = raw.reduce((a, b) => a + b, 0n);
        fc.pre(whole > 0n);
        const split = proRata(total, shares);
        expect(split.reduce((a, p) => a + p.cents, 0n)).toBe(total);
        split.forEach((part, i) => {
          const floor = (total * raw[i]) / whole;
          expect(part.cents === floor || part.cents === floor + 1n).toBe(true);
        });
      }),
    );
  });

  it('gives the extra cents to the largest remainders, earlier first on ties', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1_000_000_000n }), sharesArb, (total, raw) => {
        const whole = raw.reduce((a, b) => a + b, 0n);
        fc.pre(whole > 0n);
        const split = proRata(
          total,
          raw.map((c, i) => org(`O${i}`, c)),
        );
        const rank = raw.map((c, i) => ({
          i,
          remainder: (total * c) % whole,
          extra: split[i].cents > (total * c) / whole,
        }));
        // No organization without the extra cent ranks before one with it.
        for (const a of rank)
          for (const b of rank) {
            if (!a.extra || b.extra) continue;
            const aFirst = a.remainder > b.remainder || (a.remainder === b.remainder && a.i < b.i);
            expect(aFirst).toBe(true);
          }
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1_000_000_000n }), sharesArb, (total, raw) => {
        fc.pre(raw.some((c) => c > 0n));
        const shares = raw.map((c, i) => org(`O${i}`, c));
        expect(proRata(total, shares)).toEqual(proRata(total, shares));
      }),
    );
  });
});

describe('envelopeCheck', () => {
  test.each([
    [null, 0n, 5n, { within: true, remainingCents: null }],
    [null, 10n ** 15n, 10n ** 15n, { within: true, remainingCents: null }],
    [1_000n, 0n, 1_000n, { within: true, remainingCents: 0n }],
    [1_000n, 400n, 500n, { within: true, remainingCents: 100n }],
    [1_000n, 400n, 600n, { within: true, remainingCents: 0n }],
    [1_000n, 400n, 601n, { within: false, overByCents: 1n }],
    [1_000n, 1_000n, 1n, { within: false, overByCents: 1n }],
    [1_000n, 1_500n, 0n, { within: false, overByCents: 500n }],
    [0n, 0n, 0n, { within: true, remainingCents: 0n }],
    [0n, 0n, 1n, { within: false, overByCents: 1n }],
  ] as const)('envelope %p, committed %p, new %p → %p', (envelope, committed, added, expected) => {
    expect(envelopeCheck(envelope, committed, added)).toEqual(expected);
  });
});

describe('releaseEnvelopeCheck', () => {
  const plain = (cents: bigint) => ({ cents, envelopeOverrideReason: null });
  const explained = (cents: bigint) => ({ cents, envelopeOverrideReason: 'Co-financing pledged.' });

  it('lets drafts that fit together through', () => {
    expect(releaseEnvelopeCheck(1_000n, 200n, [plain(300n), plain(500n)])).toEqual({
      within: true,
      remainingCents: 0n,
    });
  });

  it('refuses drafts without a reason that no longer fit a lowered envelope, even beside a draft with one', () => {
    // Drafted under an envelope of 1,000: 600 fitted, the 500 on top went over with a reason. The
    // envelope is then lowered to 500: the 600 drafted without a reason no longer fits.
    expect(releaseEnvelopeCheck(500n, 0n, [plain(600n), explained(500n)])).toEqual({
      within: false,
      overByCents: 100n,
    });
    expect(releaseEnvelopeCheck(500n, 0n, [explained(500n), plain(600n)])).toEqual({
      within: false,
      overByCents: 100n,
    });
  });

  it('lets a draft with a reason go over on top of the drafts that fit', () => {
    expect(releaseEnvelopeCheck(1_000n, 0n, [plain(600n), explained(500n)])).toEqual({
      within: true,
      remainingCents: 400n,
    });
  });

  it('counts what the meeting has already released', () => {
    expect(releaseEnvelopeCheck(1_000n, 900n, [plain(101n), explained(5_000n)])).toEqual({
      within: false,
      overByCents: 1n,
    });
  });

  it('has nothing to check when every draft gives a reason, or without an envelope', () => {
    expect(releaseEnvelopeCheck(100n, 900n, [explained(500n)])).toEqual({
      within: true,
      remainingCents: null,
    });
    expect(releaseEnvelopeCheck(null, 900n, [plain(500n)])).toEqual({ within: true, remainingCents: null });
  });
});

describe('fundingAmounts', () => {
  const shares = [org('IOM', 74_900_000n), org('ILO', 37_450_000n), org('UNDP', 37_450_000n)];

  it('funds the whole requested budget by default', () => {
    expect(fundingAmounts(shares, { kind: 'whole' })).toEqual({
      ok: true,
      amounts: shares,
      totalCents: 149_800_000n,
    });
  });

  it('splits a total pro rata to the shares', () => {
    const result = fundingAmounts(shares, { kind: 'total', totalCents: 10_000_001n });
    expect(result).toEqual({
      ok: true,
      amounts: [org('IOM', 5_000_001n), org('ILO', 2_500_000n), org('UNDP', 2_500_000n)],
      totalCents: 10_000_001n,
    });
  });

  it('takes explicit amounts for participating organizations, in the note’s order', () => {
    const result = fundingAmounts(shares, {
      kind: 'explicit',
      amounts: [org('UNDP', 100n), org('IOM', 250n)],
      totalCents: 350n,
    });
    expect(result).toEqual({ ok: true, amounts: [org('IOM', 250n), org('UNDP', 100n)], totalCents: 350n });
  });

  test.each([
    [
      'an organization that does not participate',
      { kind: 'explicit', amounts: [org('WHO', 1n)] },
      'amountsUsd',
      /not a participating organization/,
    ],
    [
      'an organization listed twice',
      { kind: 'explicit', amounts: [org('IOM', 1n), org('IOM', 2n)] },
      'amountsUsd',
      /twice/,
    ],
    [
      'explicit amounts of nothing',
      { kind: 'explicit', amounts: [org('IOM', 0n)] },
      'amountsUsd',
      /more than 0/,
    ],
    [
      'a negative amount',
      { kind: 'explicit', amounts: [org('IOM', -5n), org('ILO', 10n)] },
      'amountsUsd',
      /negative/,
    ],
    [
      'a total that is not the sum of the amounts',
      { kind: 'explicit', amounts: [org('IOM', 5n)], totalCents: 6n },
      'totalAmountUsd',
      /sum/,
    ],
    ['a total of nothing', { kind: 'total', totalCents: 0n }, 'totalAmountUsd', /more than 0/],
  ] as const)('refuses %s', (_, input, field, message) => {
    const result = fundingAmounts(shares, input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.field).toBe(field);
      expect(result.message).toMatch(message);
    }
  });

  it('refuses to default or split when the note has no budget', () => {
    expect(fundingAmounts([org('IOM', 0n)], { kind: 'whole' }).ok).toBe(false);
    expect(fundingAmounts([], { kind: 'total', totalCents: 5n }).ok).toBe(false);
  });
});

describe('endorsement backlog buckets', () => {
  test.each([
    [0, '0-7'],
    [1, '0-7'],
    [7, '0-7'],
    [8, '8-14'],
    [14, '8-14'],
    [15, '15-30'],
    [30, '15-30'],
    [31, '>30'],
    [400, '>30'],
  ])('%p days → %p', (days, bucket) => {
    expect(backlogBucket(days)).toBe(bucket);
  });

  it('has the four buckets in order', () => {
    expect(BACKLOG_BUCKETS).toEqual(['0-7', '8-14', '15-30', '>30']);
  });

  it('counts whole days, to the millisecond', () => {
    const since = new Date('2030-01-01T12:00:00.000Z');
    expect(ageInDays(since, new Date('2030-01-09T11:59:59.999Z'))).toBe(7);
    expect(ageInDays(since, new Date('2030-01-09T12:00:00.000Z'))).toBe(8);
    expect(ageInDays(since, new Date('2030-01-01T12:00:00.000Z'))).toBe(0);
    expect(ageInDays(since, new Date('2029-12-31T00:00:00.000Z'))).toBe(0);
  });
});
