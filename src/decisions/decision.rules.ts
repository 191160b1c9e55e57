/**
 * The Steering Committee's decisions (DESIGN §3 "Decisions", "pipeline"): which note statuses each
 * outcome applies to and where it leads, how a funded amount is split across the participating
 * organizations, and the meeting's funding envelope. Pure: no framework, no database; amounts are
 * integer cents (BigInt).
 */
import type { Cents } from '../common/money';
import type { ConceptNoteAction, ConceptNoteStatus } from '../concept-notes/concept-note.state';

export const OUTCOMES = ['approved', 'funded', 'revision_requested', 'rejected', 'deferred'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The note status(es) each outcome may be decided on. Funding also applies to an approved note of the pipeline. */
export const APPLIES_TO: Record<Outcome, readonly ConceptNoteStatus[]> = {
  approved: ['ready_for_committee'],
  funded: ['ready_for_committee', 'approved'],
  revision_requested: ['ready_for_committee'],
  rejected: ['ready_for_committee'],
  deferred: ['ready_for_committee'],
};

/** The named operation of the note's lifecycle that releasing each outcome performs. */
export const OUTCOME_ACTION: Record<Outcome, ConceptNoteAction> = {
  approved: 'approve',
  funded: 'fund',
  revision_requested: 'request_revision',
  rejected: 'reject',
  deferred: 'defer',
};

/** Corrections may switch the outcome among these only (a revision request or a deferral has moved the note on). */
export const CORRECTABLE_OUTCOMES: readonly Outcome[] = ['approved', 'funded', 'rejected'];

export function decisionApplies(outcome: Outcome, status: ConceptNoteStatus): boolean {
  return APPLIES_TO[outcome].includes(status);
}

/** The note's status once a decision with `outcome` is released on a note in status `before`. */
export function statusAfter(outcome: Outcome, before: ConceptNoteStatus): ConceptNoteStatus {
  switch (outcome) {
    case 'approved':
      return 'approved';
    case 'funded':
      return 'funded';
    case 'revision_requested':
      return 'revision_requested';
    case 'rejected':
      return 'rejected';
    case 'deferred':
      return before;
  }
}

/** May a correction turn a released `from` outcome into `to`? Keeping the outcome is always allowed. */
export function outcomeChangeAllowed(from: Outcome, to: Outcome): boolean {
  return from === to || (CORRECTABLE_OUTCOMES.includes(from) && CORRECTABLE_OUTCOMES.includes(to));
}

export interface OrganizationCents {
  organizationCode: string;
  cents: Cents;
}

/**
 * Splits `totalCents` across the organizations in proportion to their shares, to the cent, by the
 * largest-remainder method: each gets the floor of its exact part, and the cents left over go one
 * each to the largest remainders, ties to the earlier organization in the list. The parts always
 * add up to the total exactly.
 */
export function proRata(totalCents: Cents, shares: readonly OrganizationCents[]): OrganizationCents[] {
  if (totalCents < 0n) throw new RangeError('The total to split may not be negative');
  if (shares.some((s) => s.cents < 0n)) throw new RangeError('A share may not be negative');
  const whole = shares.reduce((sum, s) => sum + s.cents, 0n);
  if (whole === 0n) {
    if (totalCents === 0n) return shares.map((s) => ({ organizationCode: s.organizationCode, cents: 0n }));
    throw new RangeError('Cannot split an amount pro rata to shares that sum to zero');
  }
  const parts = shares.map((s, index) => ({
    index,
    organizationCode: s.organizationCode,
    cents: (totalCents * s.cents) / whole,
    remainder: (totalCents * s.cents) % whole,
  }));
  let left = totalCents - parts.reduce((sum, p) => sum + p.cents, 0n);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const part of byRemainder) {
    if (left === 0n) break;
    part.cents += 1n;
    left -= 1n;
  }
  return parts.map((p) => ({ organizationCode: p.organizationCode, cents: p.cents }));
}

export type EnvelopeCheck =
  { within: true; remainingCents: Cents | null } | { within: false; overByCents: Cents };

/**
 * Does funding `newCents` on top of `committedCents` (funded decisions of the meeting already
 * drafted or released) stay within the meeting's envelope? No envelope: no limit. Reaching the
 * envelope exactly is within it.
 */
export function envelopeCheck(
  envelopeCents: Cents | null,
  committedCents: Cents,
  newCents: Cents,
): EnvelopeCheck {
  if (envelopeCents === null) return { within: true, remainingCents: null };
  const after = committedCents + newCents;
  return after <= envelopeCents
    ? { within: true, remainingCents: envelopeCents - after }
    : { within: false, overByCents: after - envelopeCents };
}

export interface DraftedFunding {
  cents: Cents;
  /** The reason given to go over the envelope with this decision, if any. */
  envelopeOverrideReason: string | null;
}

/**
 * At release, do the meeting's funding drafts still fit its envelope (which may have been lowered
 * since they were drafted)? Each draft without an override reason must fit: what the meeting has
 * released, plus every draft without a reason, stays within the envelope. A draft with a reason was
 * allowed over it on purpose and does not count against the others; one draft's reason never
 * excuses another's amount. With no draft lacking a reason, nothing is to check.
 */
export function releaseEnvelopeCheck(
  envelopeCents: Cents | null,
  releasedCents: Cents,
  drafts: readonly DraftedFunding[],
): EnvelopeCheck {
  const unexplained = drafts.filter((d) => !d.envelopeOverrideReason);
  if (unexplained.length === 0) return { within: true, remainingCents: null };
  return envelopeCheck(
    envelopeCents,
    releasedCents,
    unexplained.reduce((sum, d) => sum + d.cents, 0n),
  );
}

export type FundingInput =
  | { kind: 'whole' }
  | { kind: 'total'; totalCents: Cents }
  | { kind: 'explicit'; amounts: readonly OrganizationCents[]; totalCents?: Cents };

export type FundingResult =
  | { ok: true; amounts: OrganizationCents[]; totalCents: Cents }
  | { ok: false; field: 'amountsUsd' | 'totalAmountUsd'; message: string };

/**
 * The amounts of a funding decision, per participating organization (`shares`: their budget
 * shares, in the note's order): the whole requested budget by default; a total split pro rata; or
 * explicit amounts for participating organizations only (each at most once; a total given with
 * them must be their sum). The result lists organizations in the order of the shares.
 */
export function fundingAmounts(shares: readonly OrganizationCents[], input: FundingInput): FundingResult {
  const requested = shares.reduce((sum, s) => sum + s.cents, 0n);
  if (input.kind === 'whole') {
    if (requested <= 0n)
      return { ok: false, field: 'totalAmountUsd', message: 'the note requests no budget; give the amounts' };
    return { ok: true, amounts: proRata(requested, shares), totalCents: requested };
  }
  if (input.kind === 'total') {
    if (input.totalCents <= 0n) return { ok: false, field: 'totalAmountUsd', message: 'must be more than 0' };
    if (requested <= 0n)
      return { ok: false, field: 'totalAmountUsd', message: 'the note has no budget shares to split it by' };
    return { ok: true, amounts: proRata(input.totalCents, shares), totalCents: input.totalCents };
  }
  const codes = shares.map((s) => s.organizationCode);
  const seen = new Set<string>();
  for (const amount of input.amounts) {
    if (!codes.includes(amount.organizationCode))
      return {
        ok: false,
        field: 'amountsUsd',
        message: `${amount.organizationCode} is not a participating organization of the note`,
      };
    if (seen.has(amount.organizationCode))
      return { ok: false, field: 'amountsUsd', message: `${amount.organizationCode} is listed twice` };
    if (amount.cents < 0n) return { ok: false, field: 'amountsUsd', message: 'amounts may not be negative' };
    seen.add(amount.organizationCode);
  }
  const total = input.amounts.reduce((sum, a) => sum + a.cents, 0n);
  if (total <= 0n) return { ok: false, field: 'amountsUsd', message: 'must fund more than 0 in total' };
  if (input.totalCents !== undefined && input.totalCents !== total)
    return { ok: false, field: 'totalAmountUsd', message: 'must be the sum of amountsUsd' };
  const amounts = codes
    .filter((code) => seen.has(code))
    .map((code) => ({
      organizationCode: code,
      cents: input.amounts.find((a) => a.organizationCode === code)!.cents,
    }));
  return { ok: true, amounts, totalCents: total };
}

export const BACKLOG_BUCKETS = ['0-7', '8-14', '15-30', '>30'] as const;
export type BacklogBucket = (typeof BACKLOG_BUCKETS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days elapsed from `since` to `now` (a partial day does not count; never below 0). */
export function ageInDays(since: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY_MS));
}

/** The endorsement backlog bucket of a note waiting `ageDays` whole days: 0–7, 8–14, 15–30, more than 30. */
export function backlogBucket(ageDays: number): BacklogBucket {
  if (ageDays <= 7) return '0-7';
  if (ageDays <= 14) return '8-14';
  if (ageDays <= 30) return '15-30';
  return '>30';
}
