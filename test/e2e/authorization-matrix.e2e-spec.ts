import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDF_BYTES } from '../factories';
import {
  buildWorld,
  freshInvitationToken,
  must,
  noteVersion,
  ROLES,
  send,
  type RoleKey,
  type SignedInRole,
  type World,
} from '../authorization-world';
import { createUser, http } from '../harness';

/**
 * Who may call what (DESIGN §1 "Scope", §4): every operation of openapi.json, called by every kind
 * of caller against one fixture world built through the real API (test/authorization-world.ts).
 *
 *   - nobody signed in, or a deactivated user's token: 401 (public routes: their own answer,
 *     whoever calls);
 *   - a resource outside one's scope: 404, so nothing outside it is shown to exist;
 *   - an action one's role may not take on a resource one can see, or a route one's role may never
 *     call: 403;
 *   - an action the note's state does not allow: 409;
 *   - everyone allowed: the route's success status.
 *
 * The table is keyed by `${METHOD} ${path}` exactly as in openapi.json, and the first test fails
 * when an operation is missing from it or it names one that no longer exists: every new route joins
 * the table. Rows run in table order, and within a case the callers expected to succeed run last,
 * so a row that changes state (withdraw, release…) never changes what an earlier row saw; the table
 * is ordered so that later rows find the state they need (see the comments on the sequences).
 */

/** A status, or a class of statuses when the exact one does not matter. */
type Expectation = number | 'ok' | 'allowed';
type Expectations = Partial<Record<RoleKey, Expectation>>;

interface Case {
  /** What the case calls the route on, for the test name. */
  on?: string;
  /** Values of the path's {parameters}. */
  params?: (w: World) => Record<string, string | number>;
  query?: (w: World) => string;
  body?: (w: World, role: RoleKey) => unknown;
  headers?: (w: World) => Promise<Record<string, string>>;
  file?: { filename: string; data: Buffer };
  /** Setup right before a caller's row (say, a draft for the caller that releases drafts). */
  prepare?: (w: World, role: RoleKey) => Promise<void>;
  expect: Expectations;
}

interface Operation {
  /** No sign-in by design: every caller, signed in or not, gets the same answer. */
  public?: true;
  cases: Case[];
}

const SIGNED_IN = ROLES.filter(
  (role): role is SignedInRole => role !== 'anonymous' && role !== 'deactivated',
);

/** Every signed-in caller gets `base` unless named; nobody signed in, or deactivated, gets 401. */
function table(base: Expectation, named: Partial<Record<SignedInRole, Expectation>>): Expectations {
  return {
    anonymous: 401,
    deactivated: 401,
    ...Object.fromEntries(SIGNED_IN.map((role) => [role, base])),
    ...named,
  };
}
/** A route for every signed-in user. */
const everyone = (status: number) => table(status, {});
/** A route for some roles only: the others are refused whatever the resource (403). */
const only = (allowed: Partial<Record<SignedInRole, Expectation>>) => table(403, allowed);
/** A route on a resource in someone's scope: whoever is not named cannot see it (404). */
const scoped = (readers: Partial<Record<SignedInRole, Expectation>>) => table(404, readers);
/** A public route: the same answer for everyone, signed in or not. */
const publicly = (status: number): Expectations => Object.fromEntries(ROLES.map((role) => [role, status]));
const each = (roles: SignedInRole[], expectation: Expectation) =>
  Object.fromEntries(roles.map((role) => [role, expectation])) as Partial<Record<SignedInRole, Expectation>>;

/** Who sees the main note: its team, the RC and RC office of its country, its reviewer, the committee (it is on an agenda), the secretariat. */
const MAIN_READERS: SignedInRole[] = [
  'lead',
  'member',
  'rc',
  'rcOffice',
  'secretariat',
  'reviewer',
  'committee',
];
/** Who sees a national note once endorsement was requested, off any agenda and unassigned. */
const REQUESTED_READERS: SignedInRole[] = ['lead', 'member', 'rc', 'rcOffice', 'secretariat'];
/** Those of them who may not take a team action (403). */
const NOT_THE_TEAM: SignedInRole[] = ['rc', 'rcOffice', 'secretariat'];

const today = (w: World) => w.clock.now().toISOString().slice(0, 10);
const inDays = (w: World, days: number) =>
  new Date(w.clock.now().getTime() + days * 24 * 60 * 60 * 1000).toISOString();
const ifMatch = (note: keyof World['notes']) => async (w: World) => ({
  'if-match': await noteVersion(w, w.notes[note]),
});
/** A reset link for a new user of its own, as the e-mail would carry it. */
async function freshPasswordResetToken(w: World): Promise<string> {
  const user = await createUser(w.system, { roles: ['applicant'], organizationCode: 'ILO' });
  const token = randomBytes(32).toString('base64url');
  await w.system.dataSource.query(
    `INSERT INTO password_resets (user_id, token_hash, expires_at) VALUES ($1, $2, $3)`,
    [user.id, createHash('sha256').update(token).digest('hex'), inDays(w, 1)],
  );
  return token;
}
let sequence = 0;
const unique = () => `${Date.now().toString(36)}${(sequence += 1)}`;

const MATRIX: Record<string, Operation> = {
  // ── Sign-in, the signed-in user, users ────────────────────────────────────────────────────────
  'POST /api/v1/auth/login': {
    public: true,
    cases: [{ body: (w) => w.extras.login, expect: publicly(200) }],
  },
  'POST /api/v1/auth/invitations/accept': {
    public: true,
    cases: [
      {
        on: 'a fresh invitation',
        body: async (w) => ({ token: await freshInvitationToken(w), password: 'a passphrase long enough' }),
        expect: publicly(200),
      },
    ],
  },
  'POST /api/v1/auth/password-reset': {
    public: true,
    cases: [{ body: () => ({ email: `reset-${unique()}@test.mptf.org` }), expect: publicly(202) }],
  },
  'POST /api/v1/auth/password-reset/confirm': {
    public: true,
    cases: [
      {
        on: 'a fresh reset link',
        body: async (w) => ({
          token: await freshPasswordResetToken(w),
          password: 'a passphrase long enough',
        }),
        expect: publicly(200),
      },
    ],
  },
  'POST /api/v1/auth/refresh': {
    cases: [
      {
        // The world's clock is months past its sign-ins, beyond SESSION_MAX_AGE: every signed-in
        // caller is asked to sign in again (the refresh itself: test/e2e/password-reset.e2e-spec.ts).
        on: 'sessions begun months ago',
        expect: everyone(401),
      },
    ],
  },
  'POST /api/v1/auth/dashboard-session': {
    cases: [{ expect: only({ admin: 200, secretariat: 200 }) }],
  },
  'GET /api/v1/me': { cases: [{ expect: everyone(200) }] },
  'PATCH /api/v1/me': { cases: [{ body: () => ({ timeZone: 'UTC' }), expect: everyone(200) }] },
  'POST /api/v1/me/password': {
    cases: [
      {
        on: 'a wrong current password (a right one would end the caller’s token for the later rows)',
        body: () => ({
          currentPassword: 'not the current password',
          newPassword: 'a passphrase long enough',
        }),
        expect: everyone(400),
      },
    ],
  },
  'POST /api/v1/me/calendar-token': { cases: [{ expect: everyone(200) }] },
  'GET /api/v1/calendar.ics': {
    public: true,
    cases: [
      { on: 'a valid token', query: (w) => `token=${w.extras.calendarToken}`, expect: publicly(200) },
      { on: 'an unknown token', query: () => 'token=not-a-calendar-token', expect: { anonymous: 401 } },
    ],
  },
  'POST /api/v1/users': {
    cases: [
      {
        body: (_w, role) => ({
          email: `matrix-${role}-${unique()}@test.mptf.org`,
          name: 'Invited By The Matrix',
          roles: ['applicant'],
          organizationCode: 'ILO',
        }),
        expect: only({ admin: 201, secretariat: 201 }),
      },
    ],
  },
  'GET /api/v1/users': { cases: [{ expect: only({ admin: 200, secretariat: 200 }) }] },
  'GET /api/v1/users/{id}': {
    cases: [
      { params: (w) => ({ id: w.extras.targetUserId }), expect: only({ admin: 200, secretariat: 200 }) },
    ],
  },
  'PATCH /api/v1/users/{id}': {
    cases: [
      {
        params: (w) => ({ id: w.extras.targetUserId }),
        body: () => ({ name: 'Target User' }),
        expect: only({ admin: 200, secretariat: 200 }),
      },
    ],
  },
  'POST /api/v1/users/{id}/invitations': {
    cases: [
      {
        on: 'a user who has not accepted',
        params: (w) => ({ id: w.extras.invitedUserId }),
        expect: only({ admin: 201, secretariat: 201 }),
      },
    ],
  },

  // ── Reference data: read by everyone signed in, edited by the secretariat ─────────────────────
  'GET /api/v1/thematic-areas': { cases: [{ expect: everyone(200) }] },
  'GET /api/v1/gcm-objectives': { cases: [{ expect: everyone(200) }] },
  'GET /api/v1/guiding-principles': { cases: [{ expect: everyone(200) }] },
  'GET /api/v1/organizations': { cases: [{ expect: everyone(200) }] },
  'POST /api/v1/organizations': {
    cases: [
      {
        body: () => ({ code: `M${unique().toUpperCase()}`.slice(0, 20), name: 'Another organization' }),
        expect: only({ secretariat: 201 }),
      },
    ],
  },
  'PATCH /api/v1/organizations/{code}': {
    cases: [
      {
        params: (w) => ({ code: w.ids.organizationCode }),
        body: () => ({ name: 'Matrix test organization' }),
        expect: only({ secretariat: 200 }),
      },
    ],
  },
  'GET /api/v1/countries': { cases: [{ query: () => 'locale=fr', expect: everyone(200) }] },
  'GET /api/v1/criteria-sets': { cases: [{ expect: everyone(200) }] },
  'POST /api/v1/criteria-sets': {
    cases: [
      {
        on: 'the current set republished unchanged (a new version, the same criteria)',
        body: async (w) => {
          const [current] = must(
            await http(w.system, 'GET', '/api/v1/criteria-sets', { token: w.people.secretariat.token }),
          ).body as { screening: unknown; quality: { scale: unknown; criteria: unknown } }[];
          return {
            screeningCriteria: current.screening,
            qualityScale: current.quality.scale,
            qualityCriteria: current.quality.criteria,
          };
        },
        expect: only({ secretariat: 201 }),
      },
    ],
  },
  'GET /api/v1/fund-rules': { cases: [{ expect: everyone(200) }] },
  'PUT /api/v1/fund-rules': {
    cases: [{ on: 'the rules unchanged', body: (w) => w.fundRules, expect: only({ secretariat: 200 }) }],
  },

  // ── Operations: public by design ──────────────────────────────────────────────────────────────
  'GET /api/v1/health': { public: true, cases: [{ expect: publicly(200) }] },
  'GET /api/v1/health/ready': { public: true, cases: [{ expect: publicly(200) }] },
  'GET /api/v1/metrics': { public: true, cases: [{ expect: publicly(200) }] },

  // ── Concept notes ─────────────────────────────────────────────────────────────────────────────
  'POST /api/v1/concept-notes': {
    cases: [
      {
        body: () => ({ title: 'A draft of the matrix' }),
        expect: table(403, each(['lead', 'member', 'outsider', 'focalPoint'], 201)),
      },
    ],
  },
  'GET /api/v1/concept-notes': { cases: [{ expect: everyone(200) }] },
  'GET /api/v1/concept-notes/{id}': {
    cases: [
      {
        on: 'the decided note',
        params: (w) => ({ id: w.notes.main }),
        expect: scoped(each(MAIN_READERS, 200)),
      },
      {
        on: 'a draft',
        params: (w) => ({ id: w.notes.draft }),
        expect: scoped(each(['lead', 'member', 'secretariat'], 200)),
      },
      {
        on: 'a regional draft',
        params: (w) => ({ id: w.notes.regional }),
        expect: scoped(each(['lead', 'member', 'focalPoint', 'secretariat'], 200)),
      },
    ],
  },
  'PATCH /api/v1/concept-notes/{id}': {
    cases: [
      {
        on: 'a draft',
        params: (w) => ({ id: w.notes.draft }),
        headers: ifMatch('draft'),
        body: () => ({ title: 'Safe labour migration corridors, edited' }),
        expect: scoped({ lead: 200, member: 200, secretariat: 403 }),
      },
      {
        on: 'the decided note',
        params: (w) => ({ id: w.notes.main }),
        headers: ifMatch('main'),
        body: () => ({ title: 'Too late to edit' }),
        expect: scoped({ ...each(MAIN_READERS, 403), lead: 409, member: 409 }),
      },
    ],
  },
  'PUT /api/v1/concept-notes/{id}/team': {
    cases: [
      {
        on: 'a draft',
        params: (w) => ({ id: w.notes.draft }),
        body: (w) => ({ memberIds: [w.people.member.user.id] }),
        expect: scoped({ lead: 200, member: 403, secretariat: 403 }),
      },
    ],
  },
  'POST /api/v1/concept-notes/{id}/lead': {
    cases: [
      {
        on: 'a draft, to the lead themself',
        params: (w) => ({ id: w.notes.draft }),
        body: (w) => ({ userId: w.people.lead.user.id }),
        expect: scoped({ lead: 200, member: 403, secretariat: 403 }),
      },
    ],
  },
  'GET /api/v1/concept-notes/{id}/precheck': {
    cases: [{ params: (w) => ({ id: w.notes.main }), expect: scoped(each(MAIN_READERS, 200)) }],
  },
  'GET /api/v1/concept-notes/{id}/revisions': {
    cases: [{ params: (w) => ({ id: w.notes.main }), expect: scoped(each(MAIN_READERS, 200)) }],
  },
  'GET /api/v1/concept-notes/{id}/revisions/{a}/compare/{b}': {
    cases: [{ params: (w) => ({ id: w.notes.main, a: 1, b: 1 }), expect: scoped(each(MAIN_READERS, 200)) }],
  },
  'GET /api/v1/concept-notes/{id}/history': {
    cases: [
      {
        // Reviewers and the committee read the note, not the team's trail.
        params: (w) => ({ id: w.notes.main }),
        expect: scoped({ ...each(MAIN_READERS, 200), reviewer: 403, committee: 403 }),
      },
    ],
  },
  'GET /api/v1/concept-notes/{id}/pdf': {
    cases: [{ params: (w) => ({ id: w.notes.main }), expect: scoped(each(MAIN_READERS, 200)) }],
  },
  'POST /api/v1/concept-notes/{id}/withdraw': {
    cases: [
      {
        on: 'a draft',
        params: (w) => ({ id: w.notes.withdraw }),
        body: () => ({ reason: 'The partners chose another fund.' }),
        expect: scoped({ lead: 200, member: 403, secretariat: 403 }),
      },
    ],
  },
  'POST /api/v1/concept-notes/{id}/attachments': {
    cases: [
      {
        on: 'a draft',
        params: (w) => ({ id: w.notes.draft }),
        file: { filename: 'annex.pdf', data: PDF_BYTES },
        expect: scoped({ lead: 201, member: 201, secretariat: 403 }),
      },
      {
        on: 'the decided note',
        params: (w) => ({ id: w.notes.main }),
        file: { filename: 'annex.pdf', data: PDF_BYTES },
        expect: scoped({ ...each(MAIN_READERS, 403), lead: 409, member: 409 }),
      },
      {
        // Signed endorsement letters are the secretariat's to file.
        on: 'an endorsement letter, a note awaiting endorsement',
        params: (w) => ({ id: w.notes.multi }),
        query: () => 'kind=endorsement_letter',
        file: { filename: 'letter.pdf', data: PDF_BYTES },
        expect: scoped({ ...each(REQUESTED_READERS, 403), secretariat: 201 }),
      },
    ],
  },
  'GET /api/v1/concept-notes/{id}/attachments': {
    cases: [{ params: (w) => ({ id: w.notes.main }), expect: scoped(each(MAIN_READERS, 200)) }],
  },
  'GET /api/v1/concept-notes/{id}/attachments/{attachmentId}': {
    cases: [
      {
        on: 'the template',
        params: (w) => ({ id: w.notes.main, attachmentId: w.ids.mainTemplate }),
        expect: scoped(each(MAIN_READERS, 200)),
      },
    ],
  },
  'GET /api/v1/concept-notes/{id}/comments': {
    cases: [{ params: (w) => ({ id: w.notes.main }), expect: scoped(each(MAIN_READERS, 200)) }],
  },
  'POST /api/v1/concept-notes/{id}/comments': {
    cases: [
      {
        // Reviewers' and committee members' questions go to the secretariat alone (the default for them).
        params: (w) => ({ id: w.notes.main }),
        body: () => ({ body: 'A question from the matrix.' }),
        expect: scoped(each(MAIN_READERS, 201)),
      },
    ],
  },

  // ── Endorsement. Sequence on the multi-country note (Serbia, North Macedonia), awaiting
  //    endorsement: the RC of Serbia endorses, then withdraws it; the lead recalls the note, then
  //    asks again; the secretariat records Serbia offline (North Macedonia stays pending). ─────────
  'POST /api/v1/concept-notes/{id}/endorsements': {
    cases: [
      {
        on: 'a note awaiting endorsement',
        params: (w) => ({ id: w.notes.multi }),
        body: () => ({ decision: 'endorse', comment: 'Endorsed for Serbia.' }),
        expect: scoped({ rc: 200, ...each(['lead', 'member', 'rcOffice', 'secretariat'], 403) }),
      },
    ],
  },
  'DELETE /api/v1/concept-notes/{id}/endorsements/mine': {
    cases: [
      {
        on: 'the RC’s endorsement',
        params: (w) => ({ id: w.notes.multi }),
        expect: scoped({ rc: 200, ...each(['lead', 'member', 'rcOffice', 'secretariat'], 403) }),
      },
    ],
  },
  'POST /api/v1/concept-notes/{id}/endorsement-requests/recall': {
    cases: [
      {
        on: 'a note awaiting endorsement',
        params: (w) => ({ id: w.notes.multi }),
        expect: scoped({ lead: 200, member: 403, ...each(NOT_THE_TEAM, 403) }),
      },
    ],
  },
  'POST /api/v1/concept-notes/{id}/endorsement-requests': {
    cases: [
      {
        on: 'a recalled note',
        params: (w) => ({ id: w.notes.multi }),
        expect: scoped({ lead: 200, member: 403, ...each(NOT_THE_TEAM, 403) }),
      },
    ],
  },
  'POST /api/v1/concept-notes/{id}/offline-endorsements': {
    cases: [
      {
        on: 'a note awaiting endorsement',
        params: (w) => ({ id: w.notes.multi }),
        body: (w) => ({
          countryCode: 'SRB',
          letterAttachmentId: w.ids.multiLetter,
          reason: 'The RC signed on paper while travelling.',
        }),
        expect: only({ secretariat: 200 }),
      },
    ],
  },
  // The regional route: a focal point signs off, then the lead submits.
  'POST /api/v1/concept-notes/{id}/sign-off': {
    cases: [
      {
        on: 'a regional draft',
        params: (w) => ({ id: w.notes.regional }),
        expect: scoped({ focalPoint: 200, lead: 403, member: 403, secretariat: 403 }),
      },
      {
        // No one signs off a national note; those who may never sign off hear so first (403 before 409).
        on: 'a national draft',
        params: (w) => ({ id: w.notes.draft }),
        expect: scoped({ lead: 403, member: 403, secretariat: 403 }),
      },
    ],
  },
  'POST /api/v1/concept-notes/{id}/submit': {
    cases: [
      {
        on: 'a signed-off regional draft',
        params: (w) => ({ id: w.notes.regional }),
        expect: scoped({ lead: 200, member: 403, focalPoint: 403, secretariat: 403 }),
      },
      {
        // The lead may submit, but not a national note (409); the others may never submit (403).
        on: 'a national draft',
        params: (w) => ({ id: w.notes.draft }),
        expect: scoped({ lead: 409, member: 403, secretariat: 403 }),
      },
    ],
  },
  'POST /api/v1/delegations': {
    cases: [
      {
        body: (w) => ({ delegateId: w.extras.deputy.user.id, startsOn: today(w), endsOn: '2027-05-31' }),
        expect: only({ rc: 201, rcOther: 201 }),
      },
    ],
  },
  'GET /api/v1/delegations': {
    cases: [{ expect: only(each(['rc', 'rcOther', 'rcOffice', 'secretariat'], 200)) }],
  },
  'DELETE /api/v1/delegations/{id}': {
    cases: [
      {
        on: 'the RC of Serbia’s delegation',
        params: (w) => ({ id: w.ids.delegation }),
        expect: only({ rc: 200, rcOther: 404 }),
      },
    ],
  },

  // ── Meetings. The late exception needs the agenda closed, so it comes before held / undo. ────
  'POST /api/v1/meetings': {
    cases: [
      {
        body: () => ({
          title: 'Steering Committee, May 2029',
          kind: 'virtual',
          startsLocal: '2029-05-02T10:00',
          timeZone: 'Europe/Zurich',
        }),
        expect: only({ secretariat: 201 }),
      },
    ],
  },
  'GET /api/v1/meetings': { cases: [{ expect: everyone(200) }] },
  'GET /api/v1/meetings/{id}': {
    cases: [{ params: (w) => ({ id: w.meetings.closed }), expect: everyone(200) }],
  },
  'PATCH /api/v1/meetings/{id}': {
    cases: [
      {
        params: (w) => ({ id: w.meetings.next }),
        body: () => ({ location: 'Palais des Nations, Geneva' }),
        expect: only({ secretariat: 200 }),
      },
    ],
  },
  'POST /api/v1/meetings/{id}/cancel': {
    cases: [
      {
        params: (w) => ({ id: w.meetings.cancel }),
        body: () => ({ reason: 'Merged with the February session.' }),
        expect: only({ secretariat: 200 }),
      },
    ],
  },
  'GET /api/v1/meetings/{id}/agenda': {
    cases: [{ params: (w) => ({ id: w.meetings.closed }), expect: everyone(200) }],
  },
  'POST /api/v1/meetings/{id}/agenda': {
    cases: [
      {
        on: 'a late exception (the closed meeting’s packet is issued, so its agenda is final)',
        params: (w) => ({ id: w.meetings.written }),
        body: (w) => ({ conceptNoteId: w.notes.late, reason: 'Humanitarian urgency.' }),
        expect: only({ secretariat: 201 }),
      },
    ],
  },
  'PATCH /api/v1/meetings/{id}/agenda/{itemId}': {
    cases: [
      {
        params: (w) => ({ id: w.meetings.closed, itemId: w.ids.mainAgendaItem }),
        body: () => ({ assessmentSummary: 'Well aligned with the Fund’s priorities.' }),
        expect: only({ secretariat: 200 }),
      },
    ],
  },
  'POST /api/v1/meetings/{id}/held': {
    cases: [{ params: (w) => ({ id: w.meetings.closed }), expect: only({ secretariat: 200 }) }],
  },
  'DELETE /api/v1/meetings/{id}/held': {
    cases: [{ params: (w) => ({ id: w.meetings.closed }), expect: only({ secretariat: 200 }) }],
  },

  // ── Screening. Sequence on the note sent back for a technical revision: read the request, answer
  //    it, resubmit. ──────────────────────────────────────────────────────────────────────────────
  'POST /api/v1/concept-notes/{id}/screening': {
    cases: [
      {
        on: 'a submitted note',
        params: (w) => ({ id: w.notes.submitted }),
        body: () => ({
          checklist: [
            { code: 'E9', result: 'pass' },
            { code: 'E10', result: 'pass' },
            { code: 'E11', result: 'pass' },
          ],
          outcome: 'eligible',
        }),
        expect: scoped({ secretariat: 201, lead: 403, member: 403, rc: 403, rcOffice: 403 }),
      },
    ],
  },
  'GET /api/v1/concept-notes/{id}/screening': {
    cases: [{ params: (w) => ({ id: w.notes.main }), expect: scoped(each(MAIN_READERS, 200)) }],
  },
  'GET /api/v1/concept-notes/{id}/revision-request': {
    cases: [
      {
        on: 'a note sent back for revision',
        params: (w) => ({ id: w.notes.revision }),
        expect: scoped(each(REQUESTED_READERS, 200)),
      },
    ],
  },
  'PUT /api/v1/concept-notes/{id}/revision-responses': {
    cases: [
      {
        on: 'a note sent back for revision',
        params: (w) => ({ id: w.notes.revision }),
        body: () => ({ responses: ['The ILO share is corrected.'] }),
        expect: scoped({ lead: 200, member: 200, ...each(NOT_THE_TEAM, 403) }),
      },
    ],
  },
  'POST /api/v1/concept-notes/{id}/resubmit': {
    cases: [
      {
        on: 'an answered technical revision',
        params: (w) => ({ id: w.notes.revision }),
        expect: scoped({ lead: 200, member: 403, ...each(NOT_THE_TEAM, 403) }),
      },
    ],
  },

  // ── Reviews. The note in review is closed last. ──────────────────────────────────────────────
  'POST /api/v1/concept-notes/{id}/review-assignments': {
    cases: [
      {
        on: 'a note in review',
        params: (w) => ({ id: w.notes.inReview }),
        body: (w) => ({ reviewerId: w.extras.reviewerSpare.user.id, dueAt: inDays(w, 14) }),
        expect: only({ secretariat: 201 }),
      },
    ],
  },
  'GET /api/v1/concept-notes/{id}/review-assignments/suggestions': {
    cases: [
      {
        on: 'a note in review',
        params: (w) => ({ id: w.notes.inReview }),
        expect: only({ secretariat: 200 }),
      },
    ],
  },
  'GET /api/v1/review-assignments': {
    cases: [{ query: () => 'mine=true', expect: only({ reviewer: 200, reviewerOther: 200 }) }],
  },
  'PUT /api/v1/review-assignments/{id}/review': {
    cases: [
      {
        on: 'an open assignment (a draft review)',
        params: (w) => ({ id: w.ids.openAssignment }),
        body: () => ({ scores: [{ code: 'Q1', score: 3 }] }),
        expect: only({ reviewer: 200, reviewerOther: 404 }),
      },
    ],
  },
  'POST /api/v1/review-assignments/{id}/conflict': {
    cases: [
      {
        on: 'an open assignment',
        params: (w) => ({ id: w.ids.conflictAssignment }),
        body: () => ({ reason: 'I advised one of the participating organizations last year.' }),
        expect: only({ reviewer: 200, reviewerOther: 404 }),
      },
    ],
  },
  'GET /api/v1/concept-notes/{id}/reviews': {
    cases: [
      {
        // Individual reviews: the secretariat, and the note's reviewers; never the team, RCs or committee.
        params: (w) => ({ id: w.notes.main }),
        expect: scoped({ ...each(MAIN_READERS, 403), secretariat: 200, reviewer: 200 }),
      },
      {
        // The export names the reviewers: the secretariat's alone.
        on: 'exported as CSV',
        params: (w) => ({ id: w.notes.main }),
        query: () => 'format=csv',
        expect: scoped({ ...each(MAIN_READERS, 403), secretariat: 200 }),
      },
      {
        // The reviewer's own draft; the note is on no agenda, so the committee does not see it.
        on: 'a note in review',
        params: (w) => ({ id: w.notes.inReview }),
        expect: scoped({ ...each(REQUESTED_READERS, 403), secretariat: 200, reviewer: 200 }),
      },
      {
        // Declaring a conflict ends the assignment: the note leaves the reviewer's scope.
        on: 'a note whose reviewer declared a conflict',
        params: (w) => ({ id: w.notes.conflict }),
        expect: scoped({ ...each(REQUESTED_READERS, 403), secretariat: 200 }),
      },
    ],
  },
  'GET /api/v1/concept-notes/{id}/review-summary': {
    cases: [
      {
        params: (w) => ({ id: w.notes.main }),
        expect: scoped({ ...each(MAIN_READERS, 403), secretariat: 200, reviewer: 200, committee: 200 }),
      },
      {
        // No other score before one's own review is submitted.
        on: 'a note in review, the reviewer’s review not submitted',
        params: (w) => ({ id: w.notes.inReview }),
        expect: scoped({ ...each(REQUESTED_READERS, 403), secretariat: 200, reviewer: 403 }),
      },
    ],
  },
  'POST /api/v1/concept-notes/{id}/reviews/close': {
    cases: [
      {
        on: 'a note in review',
        params: (w) => ({ id: w.notes.inReview }),
        body: () => ({ reason: 'Enough is known to decide.' }),
        expect: only({ secretariat: 200 }),
      },
    ],
  },

  // ── Decisions on the closed meeting. Sequence: the ready note's draft is replaced, discarded,
  //    drafted again and released (the note is approved), then removed from the pipeline; the main
  //    note's released decision is corrected. ─────────────────────────────────────────────────────
  'GET /api/v1/meetings/{id}/decisions': {
    cases: [
      { params: (w) => ({ id: w.meetings.closed }), expect: only({ secretariat: 200, committee: 200 }) },
    ],
  },
  'POST /api/v1/meetings/{id}/decisions': {
    cases: [
      {
        on: 'a listed note',
        params: (w) => ({ id: w.meetings.closed }),
        body: (w) => ({ conceptNoteId: w.notes.ready, outcome: 'approved', rationale: 'Sound and timely.' }),
        expect: only({ secretariat: 201 }),
      },
    ],
  },
  'DELETE /api/v1/meetings/{id}/decisions/{decisionId}': {
    cases: [
      {
        on: 'a draft',
        params: (w) => ({ id: w.meetings.closed, decisionId: w.ids.draftDecision }),
        expect: only({ secretariat: 204 }),
      },
    ],
  },
  'POST /api/v1/meetings/{id}/decisions/release': {
    cases: [
      {
        on: 'a draft',
        params: (w) => ({ id: w.meetings.closed }),
        prepare: async (w, role) => {
          if (role !== 'secretariat') return;
          must(
            await http(w.system, 'POST', `/api/v1/meetings/${w.meetings.closed}/decisions`, {
              token: w.people.secretariat.token,
              body: { conceptNoteId: w.notes.ready, outcome: 'approved', rationale: 'Sound and timely.' },
            }),
            201,
          );
        },
        expect: only({ secretariat: 200 }),
      },
    ],
  },
  'POST /api/v1/decisions/{id}/corrections': {
    cases: [
      {
        on: 'a released decision',
        params: (w) => ({ id: w.ids.mainDecision }),
        body: () => ({ reason: 'A typo in the rationale.', rationale: 'A strong, well-argued note.' }),
        expect: only({ secretariat: 201 }),
      },
    ],
  },
  'GET /api/v1/concept-notes/{id}/decisions': {
    cases: [
      {
        // Outcomes are for those who follow the note; reviewers score, they do not read decisions.
        params: (w) => ({ id: w.notes.main }),
        expect: scoped({ ...each(MAIN_READERS, 200), reviewer: 403 }),
      },
      {
        // Closing the reviews cancelled the reviewer's open assignment: the note left their scope.
        on: 'a note whose reviews were closed before the reviewer submitted',
        params: (w) => ({ id: w.notes.inReview }),
        expect: scoped(each(REQUESTED_READERS, 200)),
      },
    ],
  },
  'GET /api/v1/pipeline': { cases: [{ expect: only({ secretariat: 200, committee: 200 }) }] },
  'POST /api/v1/pipeline/{conceptNoteId}/removal': {
    cases: [
      {
        on: 'an approved note',
        params: (w) => ({ conceptNoteId: w.notes.ready }),
        body: () => ({ reason: 'The partners withdrew their co-funding.' }),
        expect: only({ secretariat: 200 }),
      },
    ],
  },
  'GET /api/v1/stats': { cases: [{ expect: only({ secretariat: 200, committee: 200 }) }] },

  // ── Packets, the e-mail log ───────────────────────────────────────────────────────────────────
  // Read while the rendered version is the latest; a new version is requested after.
  'GET /api/v1/meetings/{id}/packet': {
    cases: [
      { params: (w) => ({ id: w.meetings.closed }), expect: only({ secretariat: 200, committee: 200 }) },
      {
        on: 'the PDF',
        params: (w) => ({ id: w.meetings.closed }),
        query: () => 'download=true',
        expect: only({ secretariat: 200, committee: 200 }),
      },
    ],
  },
  'GET /api/v1/meetings/{id}/packet/versions': {
    cases: [
      { params: (w) => ({ id: w.meetings.closed }), expect: only({ secretariat: 200, committee: 200 }) },
    ],
  },
  'POST /api/v1/meetings/{id}/packet': {
    cases: [{ params: (w) => ({ id: w.meetings.closed }), expect: only({ secretariat: 202 }) }],
  },
  'GET /api/v1/packets/download': {
    public: true,
    cases: [
      { on: 'a signed link', query: (w) => `token=${w.ids.packetToken}`, expect: publicly(200) },
      { on: 'a forged link', query: () => 'token=forged.link.token', expect: { anonymous: 401 } },
    ],
  },
  // DESIGN §4 and the README: the e-mail log is the secretariat's.
  'GET /api/v1/notifications': { cases: [{ expect: only({ secretariat: 200 }) }] },
};

// ── The rows ──────────────────────────────────────────────────────────────────────────────────

function describeExpectation(expected: Expectation): string {
  if (expected === 'ok') return '2xx';
  if (expected === 'allowed') return 'not 401/403/404/5xx';
  return String(expected);
}

function satisfies(expected: Expectation, status: number): boolean {
  if (expected === 'ok') return status >= 200 && status < 300;
  if (expected === 'allowed') return status < 500 && ![401, 403, 404].includes(status);
  return status === expected;
}

const succeeds = (expected: Expectation | undefined) =>
  expected === 'ok' || (typeof expected === 'number' && expected >= 200 && expected < 300);

interface Row {
  operation: string;
  index: number;
  /** The case's parameters replaced by ids that exist nowhere. */
  unknown: boolean;
  on: string;
  role: RoleKey;
  expected: string;
}

/**
 * Per case, the callers refused first and those expected to succeed last (they may change state).
 * Then, for a route on a resource, those same callers on ids that exist nowhere: 404 as for a
 * resource out of scope, never 200 or 500.
 */
const ROWS: Row[] = Object.entries(MATRIX).flatMap(([operation, { cases }]) => {
  const rows = cases.flatMap((c, index) =>
    [...ROLES]
      .filter((role) => c.expect[role] !== undefined)
      .sort((a, b) => Number(succeeds(c.expect[a])) - Number(succeeds(c.expect[b])))
      .map((role) => ({
        operation,
        index,
        unknown: false,
        on: c.on ? ` (${c.on})` : '',
        role,
        expected: describeExpectation(c.expect[role]!),
      })),
  );
  if (!operation.includes('{')) return rows;
  const allowed = ROLES.filter((role) => succeeds(cases[0].expect[role]));
  return [
    ...rows,
    ...allowed.map((role) => ({
      operation,
      index: 0,
      unknown: true,
      on: ' (an unknown id)',
      role,
      expected: '404',
    })),
  ];
});

/** A value of a path parameter that names nothing. */
function unknownValue(name: string): string | number {
  if (name === 'code') return 'NO-SUCH-ORG';
  if (name === 'a' || name === 'b') return 999;
  return randomUUID();
}

function url(operation: string, c: Case, w: World, unknown: boolean): string {
  const path = operation.slice(operation.indexOf(' ') + 1);
  const known = c.params?.(w) ?? {};
  const params = unknown
    ? Object.fromEntries(Object.keys(known).map((name) => [name, unknownValue(name)]))
    : known;
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`${operation}: no value for {${name}}`);
    return encodeURIComponent(String(params[name]));
  });
  const query = c.query?.(w);
  return query ? `${filled}?${query}` : filled;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

interface OpenApiOperation {
  security?: unknown[];
}

function documentedOperations(): { operation: string; public: boolean }[] {
  const document = JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({
        operation: `${method.toUpperCase()} ${path}`,
        public: !operation.security || operation.security.length === 0,
      })),
  );
}

describe('authorization matrix: every operation of openapi.json, every kind of caller', () => {
  let world: World;

  beforeAll(async () => {
    world = await buildWorld();
  }, 60_000);
  afterAll(() => world?.system.close());

  it('covers every operation of openapi.json, and only those; public routes are the undocumented-security ones', () => {
    const documented = documentedOperations();
    expect(Object.keys(MATRIX).sort()).toEqual(documented.map((d) => d.operation).sort());
    const marked = Object.entries(MATRIX)
      .filter(([, spec]) => spec.public)
      .map(([operation]) => operation)
      .sort();
    expect(marked).toEqual(
      documented
        .filter((d) => d.public)
        .map((d) => d.operation)
        .sort(),
    );
    // The first case of each operation says what every caller gets.
    for (const [operation, { cases }] of Object.entries(MATRIX)) {
      expect({ operation, roles: ROLES.filter((role) => cases[0].expect[role] === undefined) }).toEqual({
        operation,
        roles: [],
      });
    }
  });

  test.each(ROWS)('$operation$on as $role → $expected', async ({ operation, index, unknown, role }) => {
    const c = MATRIX[operation].cases[index];
    const expected = unknown ? 404 : c.expect[role]!;
    if (!unknown) await c.prepare?.(world, role);
    const answer = await send(world.system, {
      method: operation.slice(0, operation.indexOf(' ')),
      url: url(operation, c, world, unknown),
      token:
        role === 'anonymous'
          ? undefined
          : role === 'deactivated'
            ? world.extras.deactivatedToken
            : world.people[role].token,
      body: await c.body?.(world, role),
      headers: await c.headers?.(world),
      file: c.file,
    });
    const problem = (answer.body ?? {}) as { code?: string; detail?: string };
    const got = satisfies(expected, answer.status)
      ? describeExpectation(expected)
      : `${answer.status} ${problem.code ?? ''}: ${problem.detail ?? ''}`;
    expect(got).toBe(describeExpectation(expected));
  });
});
