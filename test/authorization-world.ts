import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { JWT_ALGORITHM, TOKEN_ISSUER } from '../src/auth/tokens';
import { CutoffService } from '../src/meetings/cutoff.service';
import { PacketsService } from '../src/packets/packets.service';
import { PDF_BYTES, readyDraft, upload } from './factories';
import {
  actor,
  createUser,
  http,
  startTestSystem,
  TEST_JWT_SECRET,
  TestClock,
  type HttpAnswer,
  type TestSystem,
} from './harness';

/**
 * The fixture world of the authorization matrix (test/e2e/authorization-matrix.e2e-spec.ts): one
 * cast of people and, built once through the real API, a resource in every state a route needs,
 * so that every path parameter of openapi.json has a real id.
 */

/** Who calls: nobody signed in, then one signed-in user per way of standing to the fixtures. */
export const ROLES = [
  'anonymous',
  /** A secretariat member deactivated after signing in: the token is still a valid JWT. */
  'deactivated',
  /** Applicant (IOM), lead of the team of every fixture note. */
  'lead',
  /** Applicant (ILO), member of the team of every fixture note. */
  'member',
  /** Applicant (IOM) in no team. */
  'outsider',
  /** Applicant (IOM) in no team, designated focal point of IOM (signs off regional and global notes). */
  'focalPoint',
  /** Resident coordinator of Serbia, the country of every fixture note. */
  'rc',
  /** Resident coordinator of Kenya, a country of no fixture note. */
  'rcOther',
  /** RC office staff of Serbia. */
  'rcOffice',
  'secretariat',
  /** Reviewer assigned to the reviewed notes (the main note: review submitted). */
  'reviewer',
  /** Reviewer assigned to nothing. */
  'reviewerOther',
  /** Steering Committee member. */
  'committee',
  'admin',
] as const;
export type RoleKey = (typeof ROLES)[number];
export type SignedInRole = Exclude<RoleKey, 'anonymous' | 'deactivated'>;

type SignedIn = Awaited<ReturnType<typeof actor>>;

/** The manual criteria of the screening checklist; the automatic ones are pre-filled. */
export const SCREENING_PASS = [
  { code: 'E9', result: 'pass' },
  { code: 'E10', result: 'pass' },
  { code: 'E11', result: 'pass' },
];
const SCORES = [4, 3, 3, 2, 4, 3, 2, 1, 4].map((score, i) => ({ code: `Q${i + 1}`, score }));
const DAY_MS = 24 * 60 * 60 * 1000;

export interface World {
  system: TestSystem;
  clock: TestClock;
  people: Record<SignedInRole, SignedIn>;
  /** People outside the matrix that some fixtures need. */
  extras: {
    /** Second reviewer of the main note. */
    reviewerThird: SignedIn;
    /** A reviewer the secretariat's assignment row assigns. */
    reviewerSpare: SignedIn;
    /** rc_office user the RC delegates to. */
    deputy: SignedIn;
    /** A user whose credentials the public sign-in rows send. */
    login: { email: string; password: string };
    /** The calendar token of a user outside the matrix (rows that rotate tokens never touch it). */
    calendarToken: string;
    /** A user the user-administration rows edit. */
    targetUserId: string;
    /** An invited user who has not accepted yet. */
    invitedUserId: string;
    /** The token of the deactivated caller. */
    deactivatedToken: string;
  };
  notes: {
    /** Submitted before the closed meeting's cut-off, on its agenda, reviewed (reviewer's review submitted), decided: approved. */
    main: string;
    /** On the closed meeting's agenda, ready for the committee, with a draft decision. */
    ready: string;
    /** A national draft, never sent for endorsement (the team's alone). */
    draft: string;
    /** A national draft the withdrawal rows withdraw. */
    withdraw: string;
    /** Multi-country (Serbia, North Macedonia), awaiting endorsement. */
    multi: string;
    /** A regional draft (Serbia, North Macedonia) convened by IOM. */
    regional: string;
    /** In review, reviewer assigned (open assignment), not on any agenda. */
    inReview: string;
    /** In review, reviewer assigned (the assignment the conflict rows end). */
    conflict: string;
    /** Submitted, not yet screened, targeting the next meeting. */
    submitted: string;
    /** Submitted, for the late-exception rows. */
    late: string;
    /** Sent back for a technical revision with one point. */
    revision: string;
  };
  meetings: {
    /** Agenda closed: main and ready listed; a released decision, a draft and a rendered packet. */
    closed: string;
    /** Scheduled, after the closed one. */
    next: string;
    /** Scheduled, far ahead, for the cancellation rows. */
    cancel: string;
    /** A written procedure, scheduled, with no packet: its agenda takes late exceptions. */
    written: string;
  };
  ids: {
    mainTemplate: string;
    mainAgendaItem: string;
    mainDecision: string;
    draftDecision: string;
    openAssignment: string;
    conflictAssignment: string;
    multiLetter: string;
    delegation: string;
    packetToken: string;
    organizationCode: string;
  };
  fundRules: Record<string, unknown>;
}

/** Setup steps must work; a failure names the answer instead of failing a row later. */
export function must(answer: HttpAnswer, status = 200): HttpAnswer {
  if (answer.status !== status) {
    throw new Error(`setup: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer;
}

export async function buildWorld(): Promise<World> {
  const clock = new TestClock(new Date('2027-03-01T09:00:00.000Z'));
  // No worker: the cut-off and the packet rendering are run here, so nothing moves under the rows.
  const system = await startTestSystem({ clock });
  try {
    return await populate(system, clock);
  } catch (error) {
    await system.close();
    throw error;
  }
}

async function populate(system: TestSystem, clock: TestClock): Promise<World> {
  const as = (roles: Parameters<typeof actor>[1], fields: Parameters<typeof actor>[2] = {}) =>
    actor(system, roles, fields);
  const people: Record<SignedInRole, SignedIn> = {
    lead: await as(['applicant'], { organizationCode: 'IOM', name: 'Lead Applicant' }),
    member: await as(['applicant'], { organizationCode: 'ILO', name: 'Team Member' }),
    outsider: await as(['applicant'], { organizationCode: 'IOM', name: 'Outside Applicant' }),
    focalPoint: await as(['applicant'], { organizationCode: 'IOM', name: 'IOM Focal Point' }),
    rc: await as(['resident_coordinator'], { countryCodes: ['SRB'], name: 'RC Serbia' }),
    rcOther: await as(['resident_coordinator'], { countryCodes: ['KEN'], name: 'RC Kenya' }),
    rcOffice: await as(['rc_office'], { countryCodes: ['SRB'], name: 'RC Office Serbia' }),
    secretariat: await as(['secretariat'], { name: 'Fund Secretariat' }),
    reviewer: await as(['reviewer'], { organizationCode: 'UNHCR', thematicAreaCodes: ['TA4'] }),
    reviewerOther: await as(['reviewer'], { organizationCode: 'UNHCR', thematicAreaCodes: ['TA4'] }),
    committee: await as(['steering_committee'], { name: 'Committee Member' }),
    admin: await as(['admin'], { name: 'Administrator' }),
  };
  const sec = people.secretariat.token;
  const { lead, member, rc } = people;
  const reviewerThird = await as(['reviewer'], { organizationCode: 'UNHCR' });
  const reviewerSpare = await as(['reviewer'], { organizationCode: 'UNHCR' });
  const deputy = await as(['rc_office'], { countryCodes: ['KEN'] });
  const loginUser = await createUser(system, { roles: ['applicant'], organizationCode: 'IOM' });
  const calendarUser = await as(['applicant'], { organizationCode: 'ILO' });
  const targetUser = await createUser(system, { roles: ['applicant'], organizationCode: 'ILO' });
  const deactivated = await as(['secretariat'], { name: 'Former Secretariat Member' });

  const get = (url: string) => http(system, 'GET', url, { token: sec });
  const post = (url: string, token: string, body?: unknown, status = 200) =>
    http(system, 'POST', url, { token, body }).then((answer) => must(answer, status));
  const note = (id: string, rest = '') => `/api/v1/concept-notes/${id}${rest}`;

  must(
    await http(system, 'PATCH', '/api/v1/organizations/IOM', {
      token: sec,
      body: { focalPointUserIds: [people.focalPoint.user.id] },
    }),
  );
  const schedule = async (title: string, startsLocal: string, kind = 'in_person') =>
    (
      await post(
        '/api/v1/meetings',
        sec,
        { title, kind, startsLocal, timeZone: 'UTC', envelopeUsd: 50000000 },
        201,
      )
    ).body as { id: string; cutoffAt: string };
  const closed = await schedule('Steering Committee, June 2027', '2027-06-01T10:00');
  const next = await schedule('Steering Committee, October 2027', '2027-10-05T10:00');
  const cancel = await schedule('Steering Committee, March 2028', '2028-03-07T10:00');
  const written = await schedule(
    'Written procedure, September 2028',
    '2028-09-05T10:00',
    'written_procedure',
  );

  /** A draft of the team (lead, member); national (Serbia) unless said otherwise. */
  const draft = async (overrides: Record<string, unknown> = {}) => {
    const id = await readyDraft(system, lead.token, {
      scope: 'national',
      countryCodes: ['SRB'],
      ...overrides,
    });
    must(
      await http(system, 'PUT', note(id, '/team'), {
        token: lead.token,
        body: { memberIds: [member.user.id] },
      }),
    );
    return id;
  };
  /** Endorsed by the RC of Serbia, that is submitted now. */
  const submitted = async (target: string) => {
    const id = await draft();
    await post(note(id, '/endorsement-requests'), lead.token);
    const endorsed = await post(note(id, '/endorsements'), rc.token, { decision: 'endorse' });
    if (endorsed.body.status !== 'submitted' || endorsed.body.targetMeetingId !== target) {
      throw new Error(`setup: note not submitted for ${target}: ${JSON.stringify(endorsed.body)}`);
    }
    clock.advance(60_000);
    return id;
  };
  const screen = (id: string, body: Record<string, unknown> = { outcome: 'eligible' }) =>
    post(note(id, '/screening'), sec, { checklist: SCREENING_PASS, ...body }, 201);
  const assign = async (id: string, who: SignedIn) =>
    (
      await post(
        note(id, '/review-assignments'),
        sec,
        { reviewerId: who.user.id, dueAt: new Date(clock.now().getTime() + 14 * DAY_MS).toISOString() },
        201,
      )
    ).body.id as string;
  const review = async (assignmentId: string, who: SignedIn) =>
    must(
      await http(system, 'PUT', `/api/v1/review-assignments/${assignmentId}/review`, {
        token: who.token,
        body: { scores: SCORES, recommendation: 'approve', submit: true },
      }),
    );

  // Before the June cut-off: the notes of its agenda.
  const main = await submitted(closed.id);
  const ready = await submitted(closed.id);
  clock.set(new Date(Date.parse(closed.cutoffAt) + 60 * 60 * 1000));
  const closing = await system.app.get(CutoffService).closeAgenda(closed.id, Date.parse(closed.cutoffAt));
  if (closing !== 'closed') throw new Error('setup: the agenda did not close');

  // After it: notes targeting the October meeting.
  const inReview = await submitted(next.id);
  const conflict = await submitted(next.id);
  const submittedNote = await submitted(next.id);
  const late = await submitted(next.id);
  const revision = await submitted(next.id);
  const multi = await draft({ scope: 'multi_country', countryCodes: ['SRB', 'MKD'] });
  await post(note(multi, '/endorsement-requests'), lead.token);
  const draftNote = await draft();
  const withdraw = await draft();
  const regional = await draft({ scope: 'regional', countryCodes: ['SRB', 'MKD'] });

  // Screening and reviews.
  await screen(main);
  const mainAssignment = await assign(main, people.reviewer);
  await review(mainAssignment, people.reviewer);
  await review(await assign(main, reviewerThird), reviewerThird);
  await post(note(main, '/reviews/close'), sec, {});
  await screen(ready);
  await post(note(ready, '/reviews/close'), sec, { reason: 'Reviewed in an earlier round.' });
  await screen(inReview);
  const openAssignment = await assign(inReview, people.reviewer);
  await screen(conflict);
  const conflictAssignment = await assign(conflict, people.reviewer);
  await screen(revision, {
    outcome: 'revision_requested',
    revisionKind: 'technical',
    points: ['Correct the ILO share in the budget table.'],
  });

  // Decisions of the closed meeting: the main note's released, the ready note's drafted.
  const decisions = `/api/v1/meetings/${closed.id}/decisions`;
  const mainDecision = (
    await post(decisions, sec, { conceptNoteId: main, outcome: 'approved', rationale: 'A strong note.' }, 201)
  ).body.id as string;
  await post(`${decisions}/release`, sec);
  const draftDecision = (
    await post(decisions, sec, { conceptNoteId: ready, outcome: 'approved', rationale: 'Sound.' }, 201)
  ).body.id as string;

  // The packet of the closed meeting, rendered here (no worker), and a signed link to it.
  const packet = (await post(`/api/v1/meetings/${closed.id}/packet`, sec, undefined, 202)).body.id as string;
  await system.app.get(PacketsService).render(packet);
  // Signed on the application clock, as the system signs its links.
  const packetToken = new JwtService({ secret: TEST_JWT_SECRET }).sign(
    { sub: packet, iat: Math.floor(clock.now().getTime() / 1000) },
    { audience: 'mptf-packet', issuer: TOKEN_ISSUER, algorithm: JWT_ALGORITHM, expiresIn: '30d' },
  );

  // Threads, files, a delegation, reference data, users.
  await post(note(main, '/comments'), lead.token, { body: 'The team’s first comment.' }, 201);
  const letter = must(
    await upload(system, note(multi, '/attachments?kind=endorsement_letter'), sec, {
      filename: 'letter.pdf',
      data: PDF_BYTES,
    }),
    201,
  ).body.id as string;
  const today = clock.now().toISOString().slice(0, 10);
  const delegation = (
    await post(
      '/api/v1/delegations',
      rc.token,
      { delegateId: deputy.user.id, startsOn: today, endsOn: '2027-05-31' },
      201,
    )
  ).body.id as string;
  const organizationCode = `MATRIX-${randomBytes(3).toString('hex').toUpperCase()}`;
  await post('/api/v1/organizations', sec, { code: organizationCode, name: 'Matrix test organization' }, 201);
  const invited = await post(
    '/api/v1/users',
    sec,
    {
      email: `invited-${randomBytes(4).toString('hex')}@test.mptf.org`,
      name: 'Invited User',
      roles: ['applicant'],
      organizationCode: 'ILO',
    },
    201,
  );
  const calendarToken = (await post('/api/v1/me/calendar-token', calendarUser.token)).body.token as string;
  const fundRules = must(await get('/api/v1/fund-rules')).body.rules as Record<string, unknown>;

  must(
    await http(system, 'PATCH', `/api/v1/users/${deactivated.user.id}`, {
      token: people.admin.token,
      body: { active: false },
    }),
  );

  const mainView = must(await get(note(main))).body;
  const agenda = must(await get(`/api/v1/meetings/${closed.id}/agenda`)).body;
  const item = (agenda.items as { id: string; conceptNoteId: string }[]).find(
    (i) => i.conceptNoteId === main,
  );
  if (!item || mainView.status !== 'approved' || !mainView.template?.id) {
    throw new Error(`setup: main note not as expected: ${JSON.stringify({ mainView, agenda })}`);
  }

  return {
    system,
    clock,
    people,
    extras: {
      reviewerThird,
      reviewerSpare,
      deputy,
      login: { email: loginUser.email, password: loginUser.password },
      calendarToken,
      targetUserId: targetUser.id,
      invitedUserId: invited.body.id as string,
      deactivatedToken: deactivated.token,
    },
    notes: {
      main,
      ready,
      draft: draftNote,
      withdraw,
      multi,
      regional,
      inReview,
      conflict,
      submitted: submittedNote,
      late,
      revision,
    },
    meetings: { closed: closed.id, next: next.id, cancel: cancel.id, written: written.id },
    ids: {
      mainTemplate: mainView.template.id as string,
      mainAgendaItem: item.id,
      mainDecision,
      draftDecision,
      openAssignment,
      conflictAssignment,
      multiLetter: letter,
      delegation,
      packetToken,
      organizationCode,
    },
    fundRules,
  };
}

/** The one-time link of a fresh invitation, read from the outbox (no worker sends it here). */
export async function freshInvitationToken(world: World): Promise<string> {
  const email = `accept-${randomBytes(4).toString('hex')}@test.mptf.org`;
  must(
    await http(world.system, 'POST', '/api/v1/users', {
      token: world.people.secretariat.token,
      body: { email, name: 'Accepting User', roles: ['applicant'], organizationCode: 'ILO' },
    }),
    201,
  );
  const [row] = await world.system.dataSource.query<{ url: string }[]>(
    `SELECT payload->'secret'->>'acceptUrl' AS url FROM notifications WHERE recipient_email = $1 AND template = 'invitation'`,
    [email],
  );
  const token = /[?&]token=([^&]+)/.exec(row?.url ?? '')?.[1];
  if (!token) throw new Error(`setup: no invitation link for ${email}`);
  return token;
}

/** The version a PATCH must name in If-Match. */
export async function noteVersion(world: World, noteId: string): Promise<string> {
  const [row] = await world.system.dataSource.query<{ version: number }[]>(
    'SELECT version FROM concept_notes WHERE id = $1',
    [noteId],
  );
  return `"${row.version}"`;
}

let clientAddress = 0;

export interface MatrixRequest {
  method: string;
  url: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  file?: { filename: string; data: Buffer };
}

/**
 * One request through the whole HTTP stack, each from a client address of its own (the sign-in and
 * invitation limits count per address), JSON or a one-file multipart body.
 */
export async function send(system: TestSystem, request: MatrixRequest): Promise<HttpAnswer> {
  clientAddress += 1;
  const headers: Record<string, string> = {
    ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
    ...request.headers,
  };
  let payload: string | Buffer | undefined;
  if (request.file) {
    const boundary = `----matrix${randomBytes(8).toString('hex')}`;
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${request.file.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      request.file.data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
  } else if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(request.body);
  }
  const response = await system.app.inject({
    method: request.method as 'GET',
    url: request.url,
    remoteAddress: `10.${(clientAddress >> 16) & 255}.${(clientAddress >> 8) & 255}.${clientAddress & 255}`,
    headers,
    payload,
  });
  const type = String(response.headers['content-type'] ?? '');
  let body: unknown = response.body;
  if (type.includes('json') && response.body) {
    try {
      body = JSON.parse(response.body);
    } catch {
      body = response.body;
    }
  }
  return {
    status: response.statusCode,
    body,
    headers: response.headers as HttpAnswer['headers'],
    raw: response.rawPayload,
  };
}
