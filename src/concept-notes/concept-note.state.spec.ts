import {
  ACTIONS,
  ACTOR_KINDS,
  FINAL_STATUSES,
  STATUSES,
  fromStatuses,
  isFinal,
  transition,
  type ActorKind,
  type ConceptNoteAction,
  type ConceptNoteStatus,
} from './concept-note.state';

/*
 * The expectation below is written from DESIGN.md §3 ("The life of a concept note") and the comments
 * of concept-note.state.ts, not read from TRANSITIONS: it is laid out status by status (what may be
 * done from here, and where it leads) while the source is laid out action by action, so that a rule
 * changed in either place makes this spec fail.
 */

const ALL_STATUSES: ConceptNoteStatus[] = [
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

const ALL_ACTIONS: ConceptNoteAction[] = [
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
];

const ALL_KINDS: ActorKind[] = [
  'lead',
  'team_member',
  'resident_coordinator',
  'rc_office',
  'focal_point',
  'reviewer',
  'committee',
  'secretariat',
  'system',
];

/** Final statuses: nothing leads out of them. */
const FINAL: ConceptNoteStatus[] = ['withdrawn', 'ineligible', 'rejected', 'funded', 'removed_from_pipeline'];

/** Statuses before a released decision, from which the lead may withdraw the note. */
const BEFORE_DECISION: ConceptNoteStatus[] = [
  'draft',
  'awaiting_endorsement',
  'submitted',
  'revision_requested',
  'in_review',
  'ready_for_committee',
];

/** Actions that record something without moving the note. */
const SAME: ConceptNoteAction[] = ['edit', 'sign_off', 'endorse', 'withdraw_endorsement', 'defer'];

/** Who may ever take each action (the note's lead, an RC of its countries, …). */
const WHO: Record<ConceptNoteAction, ActorKind[]> = {
  // The team edits its working copy.
  edit: ['lead', 'team_member'],
  // Regional and global notes: a focal point of the convening organization signs off.
  sign_off: ['focal_point'],
  request_endorsement: ['lead'],
  recall: ['lead'],
  // RC or acting RC (who acts as an RC); the secretariat records offline endorsements. RC office staff
  // endorse only under a delegation, as acting RC, never as themselves.
  endorse: ['resident_coordinator', 'secretariat'],
  // An RC takes back their own endorsement.
  withdraw_endorsement: ['resident_coordinator'],
  // An RC returns the note with a comment.
  return: ['resident_coordinator'],
  complete_endorsement: ['resident_coordinator', 'secretariat'],
  // Regional and global notes are submitted by the lead.
  submit: ['lead'],
  withdraw: ['lead'],
  screen_eligible: ['secretariat'],
  screen_ineligible: ['secretariat'],
  // A resubmission the secretariat does not send for review again.
  skip_review: ['secretariat'],
  request_revision: ['secretariat'],
  resubmit_technical: ['lead'],
  // When the minimum count is in (system) or earlier by the secretariat.
  close_reviews: ['secretariat', 'system'],
  approve: ['secretariat'],
  fund: ['secretariat'],
  reject: ['secretariat'],
  defer: ['secretariat'],
  remove_from_pipeline: ['secretariat'],
};

/** Per status, the actions the status allows and where each leads. */
const MOVES: Record<ConceptNoteStatus, Partial<Record<ConceptNoteAction, ConceptNoteStatus>>> = {
  draft: {
    edit: 'draft',
    sign_off: 'draft',
    request_endorsement: 'awaiting_endorsement',
    submit: 'submitted',
    withdraw: 'withdrawn',
  },
  awaiting_endorsement: {
    endorse: 'awaiting_endorsement',
    withdraw_endorsement: 'awaiting_endorsement',
    recall: 'draft',
    return: 'draft',
    complete_endorsement: 'submitted',
    withdraw: 'withdrawn',
  },
  submitted: {
    screen_eligible: 'in_review',
    screen_ineligible: 'ineligible',
    skip_review: 'ready_for_committee',
    request_revision: 'revision_requested',
    withdraw: 'withdrawn',
  },
  revision_requested: {
    // substantive: edited, then endorsement (national, multi-country) or sign-off and submission again
    edit: 'revision_requested',
    sign_off: 'revision_requested',
    request_endorsement: 'awaiting_endorsement',
    submit: 'submitted',
    // technical: fixed by the lead, straight back to submitted
    resubmit_technical: 'submitted',
    withdraw: 'withdrawn',
  },
  in_review: {
    close_reviews: 'ready_for_committee',
    withdraw: 'withdrawn',
  },
  ready_for_committee: {
    approve: 'approved',
    fund: 'funded',
    reject: 'rejected',
    request_revision: 'revision_requested',
    defer: 'ready_for_committee',
    withdraw: 'withdrawn',
  },
  approved: {
    fund: 'funded',
    remove_from_pipeline: 'removed_from_pipeline',
  },
  funded: {},
  rejected: {},
  ineligible: {},
  removed_from_pipeline: {},
  withdrawn: {},
};

type Expected =
  | { ok: true; to: ConceptNoteStatus }
  | { ok: false; reason: 'not_allowed_for_actor' | 'not_allowed_in_status' };

function expected(from: ConceptNoteStatus, action: ConceptNoteAction, kind: ActorKind): Expected {
  if (!WHO[action].includes(kind)) return { ok: false, reason: 'not_allowed_for_actor' };
  const to = MOVES[from][action];
  return to === undefined ? { ok: false, reason: 'not_allowed_in_status' } : { ok: true, to };
}

function describeExpected(outcome: Expected): string {
  return outcome.ok ? `→ ${outcome.to}` : `refused (${outcome.reason})`;
}

const TRIPLES = ALL_STATUSES.flatMap((from) =>
  ALL_ACTIONS.flatMap((action) =>
    ALL_KINDS.map((kind) => {
      const outcome = expected(from, action, kind);
      return [from, action, kind, describeExpected(outcome), outcome] as const;
    }),
  ),
);

const sameSet = (values: readonly string[]) => [...values].sort();

describe('the vocabulary of the lifecycle', () => {
  it('has exactly the statuses of DESIGN §3', () => {
    expect(sameSet(STATUSES)).toEqual(sameSet(ALL_STATUSES));
    expect(new Set(STATUSES).size).toBe(STATUSES.length);
  });

  it('has exactly the actions the spec walks', () => {
    expect(sameSet(ACTIONS)).toEqual(sameSet(ALL_ACTIONS));
    expect(new Set(ACTIONS).size).toBe(ACTIONS.length);
  });

  it('has exactly the actor kinds the spec walks', () => {
    expect(sameSet(ACTOR_KINDS)).toEqual(sameSet(ALL_KINDS));
    expect(new Set(ACTOR_KINDS).size).toBe(ACTOR_KINDS.length);
  });

  it('walks every status × action × actor kind', () => {
    expect(TRIPLES).toHaveLength(12 * 21 * 9);
  });
});

describe('transition(status, action, actor kind)', () => {
  test.each(TRIPLES)('%s × %s × %s %s', (from, action, kind, _label, outcome) => {
    expect(transition(from, action, kind)).toEqual(outcome);
  });
});

describe('403 before 409', () => {
  const neverAllowed = ALL_ACTIONS.flatMap((action) =>
    ALL_KINDS.filter((kind) => !WHO[action].includes(kind)).map((kind) => [action, kind] as const),
  );

  test.each(neverAllowed)(
    '%s by %s is refused for the actor in every status, even one that allows the action',
    (action, kind) => {
      for (const from of ALL_STATUSES) {
        expect(transition(from, action, kind)).toEqual({ ok: false, reason: 'not_allowed_for_actor' });
      }
    },
  );

  const allowedKinds = ALL_ACTIONS.flatMap((action) => WHO[action].map((kind) => [action, kind] as const));

  test.each(allowedKinds)('%s by %s is refused for the status, never for the actor', (action, kind) => {
    for (const from of ALL_STATUSES) {
      const answer = transition(from, action, kind);
      if (!answer.ok) expect(answer.reason).toBe('not_allowed_in_status');
    }
  });
});

describe('actions that keep the status', () => {
  const cases = SAME.flatMap((action) =>
    ALL_STATUSES.filter((from) => MOVES[from][action] !== undefined).flatMap((from) =>
      WHO[action].map((kind) => [action, from, kind] as const),
    ),
  );

  it('covers a status for each of them', () => {
    expect(new Set(cases.map(([action]) => action))).toEqual(new Set(SAME));
  });

  test.each(cases)('%s from %s by %s leaves the note where it is', (action, from, kind) => {
    expect(transition(from, action, kind)).toEqual({ ok: true, to: from });
  });

  const moving = ALL_ACTIONS.filter((action) => !SAME.includes(action));

  test.each(moving)('%s always moves the note to another status', (action) => {
    for (const from of ALL_STATUSES) {
      for (const kind of WHO[action]) {
        const answer = transition(from, action, kind);
        if (answer.ok) expect(answer.to).not.toBe(from);
      }
    }
  });
});

describe('final statuses', () => {
  test.each(FINAL)('%s allows no action to anyone', (from) => {
    for (const action of ALL_ACTIONS) {
      for (const kind of ALL_KINDS) {
        expect(transition(from, action, kind).ok).toBe(false);
      }
    }
  });

  test.each(ALL_STATUSES)('isFinal(%s)', (status) => {
    expect(isFinal(status)).toBe(FINAL.includes(status));
  });

  it('FINAL_STATUSES lists exactly the final statuses', () => {
    expect(sameSet(FINAL_STATUSES)).toEqual(sameSet(FINAL));
  });

  test.each(ALL_STATUSES.filter((status) => !FINAL.includes(status)))(
    '%s, not final, allows some action to someone',
    (from) => {
      const some = ALL_ACTIONS.some((action) => ALL_KINDS.some((kind) => transition(from, action, kind).ok));
      expect(some).toBe(true);
    },
  );
});

describe('withdrawal by the lead', () => {
  test.each(ALL_STATUSES)('from %s', (from) => {
    const answer = transition(from, 'withdraw', 'lead');
    if (BEFORE_DECISION.includes(from)) expect(answer).toEqual({ ok: true, to: 'withdrawn' });
    else expect(answer).toEqual({ ok: false, reason: 'not_allowed_in_status' });
  });

  it('is possible from every status before a released decision and from none after one', () => {
    const withdrawable = ALL_STATUSES.filter((from) => transition(from, 'withdraw', 'lead').ok);
    expect(withdrawable).toEqual(BEFORE_DECISION);
    // after a released decision: approved (pipeline), funded, rejected, removed; ineligible and withdrawn are final
    for (const from of [
      'approved',
      'funded',
      'rejected',
      'removed_from_pipeline',
      'ineligible',
      'withdrawn',
    ] as const) {
      expect(withdrawable).not.toContain(from);
    }
  });

  test.each(ALL_KINDS.filter((kind) => kind !== 'lead'))('is never open to %s', (kind) => {
    for (const from of ALL_STATUSES) {
      expect(transition(from, 'withdraw', kind)).toEqual({ ok: false, reason: 'not_allowed_for_actor' });
    }
  });
});

describe('fromStatuses(action)', () => {
  test.each(ALL_ACTIONS)('%s', (action) => {
    const statuses = ALL_STATUSES.filter((from) => MOVES[from][action] !== undefined);
    expect(statuses.length).toBeGreaterThan(0);
    expect(sameSet(fromStatuses(action))).toEqual(sameSet(statuses));
  });

  test.each(ALL_ACTIONS)('%s: agrees with transition() for an actor allowed to take it', (action) => {
    const kind = WHO[action][0];
    const allowed = ALL_STATUSES.filter((from) => transition(from, action, kind).ok);
    expect(sameSet(fromStatuses(action))).toEqual(sameSet(allowed));
  });
});

describe('an actor holding several kinds', () => {
  it('may act when any of its kinds may', () => {
    expect(transition('draft', 'edit', ['rc_office', 'team_member'])).toEqual({ ok: true, to: 'draft' });
    expect(transition('draft', 'withdraw', ['team_member', 'lead'])).toEqual({ ok: true, to: 'withdrawn' });
    expect(transition('in_review', 'close_reviews', ['system'])).toEqual({
      ok: true,
      to: 'ready_for_committee',
    });
  });

  it('is refused as an actor when none of its kinds may, whatever the status', () => {
    for (const from of ALL_STATUSES) {
      expect(transition(from, 'withdraw', ['team_member', 'focal_point', 'secretariat'])).toEqual({
        ok: false,
        reason: 'not_allowed_for_actor',
      });
      expect(transition(from, 'endorse', ['rc_office'])).toEqual({
        ok: false,
        reason: 'not_allowed_for_actor',
      });
    }
  });

  it('with no kind at all is refused as an actor', () => {
    expect(transition('draft', 'edit', [])).toEqual({ ok: false, reason: 'not_allowed_for_actor' });
  });

  it('is refused for the status when one of its kinds may act but not from here', () => {
    expect(transition('submitted', 'edit', ['team_member', 'secretariat'])).toEqual({
      ok: false,
      reason: 'not_allowed_in_status',
    });
  });

  test.each(TRIPLES)('%s × %s × [%s] as a one-kind list %s', (from, action, kind, _label, outcome) => {
    expect(transition(from, action, [kind])).toEqual(outcome);
  });
});

describe('the graph as a whole', () => {
  function reachableFrom(start: ConceptNoteStatus): Set<ConceptNoteStatus> {
    const seen = new Set<ConceptNoteStatus>([start]);
    const queue = [start];
    while (queue.length > 0) {
      const from = queue.shift()!;
      for (const action of ALL_ACTIONS) {
        for (const kind of ALL_KINDS) {
          const answer = transition(from, action, kind);
          if (answer.ok && !seen.has(answer.to)) {
            seen.add(answer.to);
            queue.push(answer.to);
          }
        }
      }
    }
    return seen;
  }

  it('reaches every status from draft', () => {
    expect(sameSet([...reachableFrom('draft')])).toEqual(sameSet(ALL_STATUSES));
  });

  test.each(ALL_STATUSES.filter((status) => !FINAL.includes(status)))(
    'a note in %s can still end in a final status',
    (from) => {
      const ends = [...reachableFrom(from)].filter((status) => FINAL.includes(status));
      expect(ends.length).toBeGreaterThan(0);
    },
  );
});
