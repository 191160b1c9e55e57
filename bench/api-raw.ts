/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- the baseline reads untyped pg rows field by field, as a hand-written server does */
/*
 * The baseline of bench/api.ts: a minimal Fastify + `pg` server answering the benchmarked routes
 * with the same SQL statements our API sends (copied from TypeORM's query log, in the same order;
 * bench/api.ts checks that the two send the same statements and answer the same JSON), the same
 * HS256 bearer-token check, and hand-written JSON. No Nest, no TypeORM, no validation pipe, no
 * pino, no security headers, no metrics, no BullMQ: what those cost is what the ratio measures.
 *
 * Only what the benchmark exercises is implemented: the secretariat's list, a note's page (with
 * the access rules of ConceptNoteAccess for any reader), and an RC's or acting RC's endorsement
 * (the one that covers the last country submits the note). The bearer token is checked as AuthGuard
 * checks it: HS256, audience, issuer, an expiry, an active user and the session epoch (`ver`).
 * Refusals answer the same status but write no security log (none is measured).
 */
import { createSecretKey, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { verify, type JwtPayload } from 'jsonwebtoken';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';

const USER = [
  'id',
  'email',
  'name',
  'roles',
  'organization_code',
  'country_codes',
  'thematic_area_codes',
  'locale',
  'time_zone',
  'active',
  'deactivated_at',
  'last_sign_in_at',
  'session_epoch',
  'created_at',
  'updated_at',
  'version',
];
const NOTE = [
  'id',
  'reference_code',
  'status',
  'title',
  'summary',
  'summary_en',
  'language',
  'scope',
  'country_codes',
  'primary_thematic_area_code',
  'gcm_objective_numbers',
  'convening_organization_code',
  'implementing_partners',
  'duration_months',
  'total_budget_usd',
  'gender_marker',
  'gender_justification',
  'human_rights_marker',
  'human_rights_justification',
  'child_sensitivity_marker',
  'child_sensitivity_justification',
  'beneficiaries',
  'theory_of_change',
  'expected_results',
  'sustainability',
  'risks',
  'template_attachment_id',
  'lead_user_id',
  'current_revision',
  'endorsement_requested_at',
  'signed_off_by_id',
  'signed_off_at',
  'signed_off_hash',
  'submitted_at',
  'target_meeting_id',
  'revision_kind',
  'revision_points',
  'revision_source',
  'revision_requested_at',
  'revision_due_at',
  'revision_responses',
  'removed_from_agenda_at',
  'removed_from_pipeline_at',
  'removal_reason',
  'withdrawn_at',
  'withdrawal_reason',
  'created_at',
  'updated_at',
  'last_activity_at',
  'version',
];
/** Columns of NOTE stored as jsonb (sent as JSON text). */
const JSONB = new Set(['revision_points', 'revision_responses']);
/** The columns the list selects. */
const SUMMARY = [
  'id',
  'reference_code',
  'status',
  'title',
  'scope',
  'country_codes',
  'primary_thematic_area_code',
  'convening_organization_code',
  'total_budget_usd',
  'submitted_at',
  'target_meeting_id',
  'updated_at',
];
const SHARE = ['note_id', 'organization_code', 'position', 'direct_costs_usd', 'indirect_support_costs_usd'];
const MEMBER = ['note_id', 'user_id', 'added_at'];
const REVISION = ['id', 'note_id', 'number', 'content', 'content_hash', 'created_by_id', 'created_at'];
const ENDORSEMENT = [
  'id',
  'note_id',
  'revision_id',
  'country_code',
  'decision',
  'kind',
  'endorser_id',
  'on_behalf_of_id',
  'comment',
  'letter_attachment_id',
  'reason',
  'created_at',
  'withdrawn_at',
];

/** `"a"."c" AS "a_c", …`, as TypeORM writes a select list. */
const columns = (alias: string, names: string[]) =>
  names.map((c) => `"${alias}"."${c}" AS "${alias}_${c}"`).join(', ');
const params = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');

/** A delegation in force at the instant `now` (DELEGATION_IN_FORCE of ConceptNoteAccess). */
const inForce = (now: string) =>
  `d.revoked_at IS NULL AND rc.active AND 'resident_coordinator' = ANY(rc.roles)
   AND (${now}::timestamptz AT TIME ZONE rc.time_zone)::date BETWEEN d.starts_on AND d.ends_on`;

const SQL = {
  userById: `SELECT ${columns('User', USER)} FROM "users" "User" WHERE (("User"."id" = $1)) LIMIT 1`,
  usersIn: (n: number) =>
    `SELECT ${columns('User', USER)} FROM "users" "User" WHERE (("User"."id" IN (${params(1, n)})))`,
  listPage: (where: string, take: number, skip: number) =>
    `SELECT ${columns('n', SUMMARY)}, ${columns('lead', ['id', 'name'])} FROM "concept_notes" "n" LEFT JOIN "users" "lead" ON "lead"."id"="n"."lead_user_id" WHERE ${where} ORDER BY "n_updated_at" DESC, "n_id" ASC LIMIT ${take} OFFSET ${skip}`,
  listShares: (n: number) =>
    `SELECT ${columns('ParticipatingOrganization', SHARE)} FROM "concept_note_organizations" "ParticipatingOrganization" WHERE (("ParticipatingOrganization"."note_id" IN (${params(1, n)}))) ORDER BY "ParticipatingOrganization"."position" ASC`,
  listCount: (where: string) => `SELECT COUNT(*) AS "count" FROM "concept_notes" "n" WHERE ${where}`,
  note: `SELECT ${columns('n', NOTE)} FROM "concept_notes" "n" WHERE "n"."id" = $1`,
  noteForUpdate: `SELECT ${columns('n', NOTE)} FROM "concept_notes" "n" WHERE "n"."id" = $1 FOR UPDATE`,
  noteReload: `SELECT ${columns('ConceptNote', NOTE)} FROM "concept_notes" "ConceptNote" WHERE "ConceptNote"."id" IN ($1)`,
  noteFindOne: `SELECT ${columns('ConceptNote', NOTE)} FROM "concept_notes" "ConceptNote" WHERE (("ConceptNote"."id" = $1)) LIMIT 1`,
  member: 'SELECT 1 FROM concept_note_members WHERE note_id = $1 AND user_id = $2',
  focal: 'SELECT 1 FROM organization_focal_points WHERE organization_code = $1 AND user_id = $2',
  assigned: `SELECT 1 FROM review_assignments WHERE note_id = $1 AND reviewer_id = $2 AND status IN ('assigned', 'submitted')`,
  onAgenda: 'SELECT 1 FROM agenda_items WHERE note_id = $1 LIMIT 1',
  delegations: `SELECT rc.id AS rc_id, rc.country_codes
         FROM delegations d
         JOIN users rc ON rc.id = d.resident_coordinator_id
        WHERE d.delegate_id = $1 AND ${inForce('$2')}`,
  requested:
    'SELECT country_code FROM endorsement_request_countries WHERE note_id = $1 AND country_code = ANY($2)',
  shares: `SELECT ${columns('ParticipatingOrganization', SHARE)} FROM "concept_note_organizations" "ParticipatingOrganization" WHERE (("ParticipatingOrganization"."note_id" = $1)) ORDER BY "ParticipatingOrganization"."position" ASC`,
  members: `SELECT ${columns('TeamMember', MEMBER)} FROM "concept_note_members" "TeamMember" WHERE (("TeamMember"."note_id" = $1))`,
  revision: `SELECT ${columns('Revision', REVISION)} FROM "concept_note_revisions" "Revision" WHERE (("Revision"."note_id" = $1) AND ("Revision"."number" = $2)) LIMIT 1`,
  endorsements: `SELECT ${columns('Endorsement', ENDORSEMENT)} FROM "endorsements" "Endorsement" WHERE (("Endorsement"."revision_id" = $1)) ORDER BY "Endorsement"."created_at" DESC`,
  endorsed: `SELECT ${columns('Endorsement', ENDORSEMENT)} FROM "endorsements" "Endorsement" WHERE (("Endorsement"."revision_id" = $1) AND ("Endorsement"."decision" = $2))`,
  /** Rows of 9 values: note, revision, country, decision, kind, endorser, on behalf of, comment, created_at. */
  insertEndorsements: (n: number) =>
    `INSERT INTO "endorsements"("id", "note_id", "revision_id", "country_code", "decision", "kind", "endorser_id", "on_behalf_of_id", "comment", "letter_attachment_id", "reason", "created_at", "withdrawn_at") VALUES ${Array.from(
      { length: n },
      (_, i) => `(DEFAULT, ${params(i * 9 + 1, 8)}, DEFAULT, DEFAULT, $${i * 9 + 9}, DEFAULT)`,
    ).join(', ')} RETURNING "id", "created_at"`,
  insertAudit: `INSERT INTO "audit_events"("id", "occurred_at", "actor_id", "action", "entity_type", "entity_id", "before", "after", "request_id") VALUES (DEFAULT, DEFAULT, $1, $2, $3, $4, $5, $6, $7) RETURNING "id", "occurred_at"`,
  referenceCounter: `INSERT INTO reference_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1
       RETURNING last`,
  /** TypeORM's save of a note: the changed columns, in the entity's order, then the id. */
  updateNote: (changed: string[]) =>
    `UPDATE "concept_notes" SET ${changed.map((c, i) => `"${c}" = $${i + 1}`).join(', ')}, "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP WHERE "id" IN ($${changed.length + 1}) RETURNING "updated_at", "version"`,
  targetMeeting: `SELECT id, status FROM meetings
        WHERE status IN ('scheduled', 'agenda_closed') AND cutoff_at >= $1
        ORDER BY starts_at, id
        LIMIT 1
        FOR SHARE`,
  setTarget: 'UPDATE concept_notes SET target_meeting_id = $2, removed_from_agenda_at = NULL WHERE id = $1',
  lateAgendaItem: `INSERT INTO agenda_items (meeting_id, note_id, revision_id, position, group_label)
         SELECT $1, n.id, r.id, COALESCE((SELECT max(position) FROM agenda_items WHERE meeting_id = $1), 0) + 1, n.primary_thematic_area_code
           FROM concept_notes n JOIN concept_note_revisions r ON r.note_id = n.id AND r.number = n.current_revision
          WHERE n.id = $2
         ON CONFLICT (meeting_id, note_id) DO NOTHING`,
  team: `SELECT ${columns('u', USER)} FROM "users" "u" INNER JOIN "concept_note_members" "m" ON "m"."user_id" = "u"."id" AND "m"."note_id" = $1 WHERE "u"."active"`,
  officials: `SELECT ${columns('u', USER)} FROM "users" "u" WHERE "u"."active" AND "u"."country_codes" && $1 AND "u"."roles" && $2`,
  acting: `SELECT d.delegate_id, rc.country_codes
         FROM delegations d
         JOIN users rc ON rc.id = d.resident_coordinator_id
         JOIN users delegate ON delegate.id = d.delegate_id
        WHERE rc.country_codes && $1 AND ${inForce('$2')}
          AND delegate.active AND delegate.roles && ARRAY['resident_coordinator', 'rc_office']::text[]`,
  notifications: (n: number) =>
    `INSERT INTO "notifications"("id", "recipient_email", "recipient_user_id", "template", "locale", "payload", "message_id", "dedupe_key", "subject_type", "subject_id", "status", "attempts", "last_error", "next_attempt_at", "locked_until", "request_id", "created_at", "sent_at") VALUES ${Array.from(
      { length: n },
      (_, i) =>
        `(${params(i * 11 + 1, 10)}, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, $${i * 11 + 11}, DEFAULT, DEFAULT)`,
    ).join(
      ', ',
    )} ON CONFLICT DO NOTHING  RETURNING "id", "status", "attempts", "next_attempt_at", "created_at"`,
};

type Row = QueryResultRow;
/** The columns of one alias of a TypeORM-style row, without the prefix. */
function unalias(row: Row, alias: string): Row {
  const prefix = `${alias}_`;
  const out: Row = {};
  for (const key in row) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = row[key];
  return out;
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);
const cents = (value: string) => Math.round(Number(value) * 100);
const usd = (value: string | null) => (value === null ? null : Number(value));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

interface Actor {
  id: string;
  name: string;
  roles: string[];
  countryCodes: string[];
}

/** A country the actor may endorse for: their own as RC, or an RC's they act for (onBehalfOf). */
interface Authority {
  countryCode: string;
  onBehalfOf: string | null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The two transitions of this route (TRANSITIONS in concept-note.state): 403 for the role, then 409. */
function allow(status: string, action: 'endorse' | 'complete_endorsement', kinds: Set<string>): void {
  if (!kinds.has('resident_coordinator') && !kinds.has('secretariat'))
    throw new HttpError(403, `Your role on this note does not allow: ${action.replace(/_/g, ' ')}`);
  if (status !== 'awaiting_endorsement')
    throw new HttpError(
      409,
      `A note in status ${status} cannot be the object of: ${action.replace(/_/g, ' ')}`,
    );
}

/** Has a column of a note changed, as TypeORM's save compares them (jsonb by its JSON). */
function differs(before: unknown, after: unknown): boolean {
  if (before instanceof Date || after instanceof Date)
    return (before as Date | null)?.getTime() !== (after as Date | null)?.getTime();
  if (typeof before === 'object' || typeof after === 'object')
    return JSON.stringify(before) !== JSON.stringify(after);
  return before !== after;
}

type Query = (text: string, values?: unknown[]) => Promise<Row[]>;

export interface RawServer {
  url: string;
  /** The statements sent while recording, in order. */
  record(on: boolean): string[];
  close(): Promise<void>;
}

export async function startRawServer(options: {
  databaseUrl: string;
  jwtSecret: string;
  publicUrl: string;
  mailDomain: string;
}): Promise<RawServer> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: 10 });
  const key = createSecretKey(Buffer.from(options.jwtSecret, 'utf8'));
  let recording: string[] | null = null;
  const via =
    (client: Pool | PoolClient): Query =>
    async (text, values) => {
      recording?.push(text);
      return (await client.query(text, values)).rows;
    };
  const query = via(pool);

  /** As AuthGuard.verify: a valid token with an expiry, an active user, the user's session epoch. */
  async function authenticate(request: FastifyRequest): Promise<Actor> {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new HttpError(401, 'Sign in first');
    let claims: JwtPayload & { ver?: number };
    try {
      const payload = verify(match[1], key, { algorithms: ['HS256'], audience: 'mptf-api', issuer: 'mptf' });
      // jsonwebtoken accepts a token without `exp` as never expiring; ours refuses it.
      if (typeof payload === 'string' || typeof payload.exp !== 'number')
        throw new Error('jwt has no expiry (exp)');
      claims = payload;
    } catch {
      throw new HttpError(401, 'token');
    }
    const [row] = UUID.test(String(claims.sub)) ? await query(SQL.userById, [claims.sub]) : [];
    const user = row && unalias(row, 'User');
    if (!user || !user.active) throw new HttpError(401, 'inactive');
    if ((claims.ver ?? 0) !== user.session_epoch) throw new HttpError(401, 'session ended');
    return { id: user.id, name: user.name, roles: user.roles, countryCodes: user.country_codes };
  }

  /** The countries an actor may endorse for (ConceptNoteAccess.countryAuthority). */
  async function countryAuthority(q: Query, actor: Actor): Promise<Authority[]> {
    const own: Authority[] = actor.roles.includes('resident_coordinator')
      ? actor.countryCodes.map((countryCode) => ({ countryCode, onBehalfOf: null }))
      : [];
    if (!actor.roles.includes('resident_coordinator') && !actor.roles.includes('rc_office')) return own;
    const delegated = await q(SQL.delegations, [actor.id, new Date()]);
    const acting = delegated.flatMap((d) =>
      (d.country_codes as string[]).map((countryCode) => ({ countryCode, onBehalfOf: d.rc_id as string })),
    );
    return [...own, ...acting.filter((a) => !own.some((o) => o.countryCode === a.countryCode))];
  }

  /** How the actor stands to the note (ConceptNoteAccess.of); no kinds means they cannot see it. */
  async function access(q: Query, actor: Actor, note: Row) {
    const kinds = new Set<string>();
    if (actor.roles.includes('secretariat')) kinds.add('secretariat');
    if ((await q(SQL.member, [note.id, actor.id])).length > 0) kinds.add('team_member');
    if (note.lead_user_id === actor.id) kinds.add('lead');
    const countries = note.country_codes as string[];
    // An official sees the note through a listed country of theirs that an endorsement request covered.
    const listed = (await countryAuthority(q, actor)).filter((a) => countries.includes(a.countryCode));
    const office = actor.roles.includes('rc_office')
      ? countries.filter((c) => actor.countryCodes.includes(c))
      : [];
    const asked = [...new Set([...listed.map((a) => a.countryCode), ...office])];
    const requested = asked.length
      ? (await q(SQL.requested, [note.id, asked])).map((r) => r.country_code as string)
      : [];
    const authority = listed.filter((a) => requested.includes(a.countryCode));
    if (authority.length > 0) kinds.add('resident_coordinator');
    if (office.some((c) => requested.includes(c))) kinds.add('rc_office');
    if ((note.scope === 'regional' || note.scope === 'global') && note.convening_organization_code) {
      if ((await q(SQL.focal, [note.convening_organization_code, actor.id])).length > 0)
        kinds.add('focal_point');
    }
    if (actor.roles.includes('reviewer') && (await q(SQL.assigned, [note.id, actor.id])).length > 0)
      kinds.add('reviewer');
    if (actor.roles.includes('steering_committee') && (await q(SQL.onAgenda, [note.id])).length > 0)
      kinds.add('committee');
    return { kinds, authority };
  }

  /** Resident Coordinators and RC office of these countries, and whoever acts for one of those RCs today. */
  async function countryOfficials(q: Query, countryCodes: string[]): Promise<Row[]> {
    if (countryCodes.length === 0) return [];
    const officials = new Map(
      (await q(SQL.officials, [countryCodes, ['resident_coordinator', 'rc_office']]))
        .map((r) => unalias(r, 'u'))
        .map((u) => [u.id as string, u]),
    );
    const acting = await q(SQL.acting, [countryCodes, new Date()]);
    const delegates = acting.length
      ? await people(
          q,
          acting.map((a) => a.delegate_id as string),
        )
      : new Map<string, Row>();
    for (const row of acting) {
      const user = delegates.get(row.delegate_id);
      if (user) officials.set(user.id, user);
    }
    return [...officials.values()];
  }

  async function people(q: Query, ids: string[]): Promise<Map<string, Row>> {
    const unique = [...new Set(ids)];
    const rows = unique.length ? await q(SQL.usersIn(unique.length), unique) : [];
    return new Map(rows.map((r) => unalias(r, 'User')).map((u) => [u.id, u]));
  }

  /** The note's page, as ConceptNotesService.view builds it. */
  async function view(q: Query, note: Row) {
    const shares = (await q(SQL.shares, [note.id])).map((r) => unalias(r, 'ParticipatingOrganization'));
    const members = (await q(SQL.members, [note.id])).map((r) => unalias(r, 'TeamMember'));
    const users = await people(q, [note.lead_user_id, ...members.map((m) => m.user_id)]);
    const person = (id: string) => {
      const u = users.get(id);
      return {
        id,
        name: u?.name ?? '',
        email: u?.email ?? '',
        organizationCode: u?.organization_code ?? null,
      };
    };
    let endorsements: Row[] = [];
    if (note.scope === 'national' || note.scope === 'multi_country') {
      const [revision] = note.current_revision ? await q(SQL.revision, [note.id, note.current_revision]) : [];
      const records = revision
        ? (await q(SQL.endorsements, [unalias(revision, 'Revision').id])).map((r) =>
            unalias(r, 'Endorsement'),
          )
        : [];
      const names = await people(
        q,
        records.flatMap((r) => [r.endorser_id, r.on_behalf_of_id]).filter((id): id is string => Boolean(id)),
      );
      const now = Date.now();
      endorsements = (note.country_codes as string[]).map((countryCode) => {
        const latest = records.find((r) => r.country_code === countryCode && r.withdrawn_at === null);
        if (!latest || note.endorsement_requested_at === null) {
          const since = (note.endorsement_requested_at as Date | null)?.getTime() ?? now;
          return { countryCode, state: 'pending', ageDays: Math.floor((now - since) / 86_400_000) };
        }
        const endorser = names.get(latest.endorser_id)?.name ?? '';
        return {
          countryCode,
          state: latest.decision,
          by: latest.on_behalf_of_id
            ? `${endorser} for RC ${names.get(latest.on_behalf_of_id)?.name ?? ''}`
            : endorser,
          kind: latest.kind,
          at: latest.created_at.toISOString(),
          comment: latest.comment,
          ageDays: Math.floor((now - (latest.created_at as Date).getTime()) / 86_400_000),
        };
      });
    }
    const total = shares.reduce(
      (sum, s) => sum + cents(s.direct_costs_usd) + cents(s.indirect_support_costs_usd),
      0,
    );
    return {
      id: note.id,
      referenceCode: note.reference_code,
      status: note.status,
      title: note.title,
      summary: note.summary,
      summaryEn: note.summary_en,
      language: note.language,
      scope: note.scope,
      countryCodes: note.country_codes,
      primaryThematicAreaCode: note.primary_thematic_area_code,
      gcmObjectiveNumbers: [...(note.gcm_objective_numbers as number[])].sort((a, b) => a - b),
      conveningOrganizationCode: note.convening_organization_code,
      participatingOrganizations: shares.map((s) => ({
        organizationCode: s.organization_code,
        directCostsUsd: Number(s.direct_costs_usd),
        indirectSupportCostsUsd: Number(s.indirect_support_costs_usd),
        totalUsd: (cents(s.direct_costs_usd) + cents(s.indirect_support_costs_usd)) / 100,
      })),
      sharesTotalUsd: total / 100,
      totalBudgetUsd: usd(note.total_budget_usd),
      implementingPartners: note.implementing_partners,
      durationMonths: note.duration_months,
      markers: {
        gender: { marker: note.gender_marker, justification: note.gender_justification },
        humanRights: { marker: note.human_rights_marker, justification: note.human_rights_justification },
        childSensitivity: {
          marker: note.child_sensitivity_marker,
          justification: note.child_sensitivity_justification,
        },
      },
      beneficiaries: note.beneficiaries,
      theoryOfChange: note.theory_of_change,
      expectedResults: note.expected_results,
      sustainability: note.sustainability,
      risks: note.risks,
      template: null,
      lead: person(note.lead_user_id),
      team: members.map((m) => person(m.user_id)),
      endorsements,
      signedOffAt: iso(note.signed_off_at),
      targetMeetingId: note.target_meeting_id,
      currentRevision: note.current_revision,
      submittedAt: iso(note.submitted_at),
      withdrawnAt: iso(note.withdrawn_at),
      withdrawalReason: note.withdrawal_reason,
      createdAt: note.created_at.toISOString(),
      updatedAt: note.updated_at.toISOString(),
      version: note.version,
    };
  }

  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    // As ours: the caller's X-Request-Id when it looks like one, else a UUID (kept in the audit trail).
    genReqId: (request) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
  });
  app.setErrorHandler((error: Error, _request: FastifyRequest, reply: FastifyReply) => {
    const status = error instanceof HttpError ? error.status : 500;
    void reply.status(status).send({ status, detail: error.message });
  });

  app.get('/api/v1/concept-notes', async (request) => {
    const actor = await authenticate(request);
    if (!actor.roles.includes('secretariat'))
      throw new HttpError(403, 'the baseline lists for the secretariat only');
    const q = request.query as Record<string, string | undefined>;
    const page = Number(q.page ?? 1);
    const limit = Number(q.limit ?? 20);
    const values: unknown[] = [];
    let where = 'TRUE';
    if (q.status) {
      values.push(q.status);
      where += ` AND "n"."status" = $${values.length}`;
    }
    for (const word of (q.text ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 10)) {
      values.push(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where += ` AND ("n"."title" || ' ' || "n"."summary" || ' ' || coalesce("n"."reference_code", '')) ILIKE $${values.length}`;
    }
    // As ours: the page and its organizations, and the count at the same time.
    const pageWithShares = async () => {
      const rows = await query(SQL.listPage(where, limit, (page - 1) * limit), values);
      const notes = rows.map((r) => ({ note: unalias(r, 'n'), lead: unalias(r, 'lead') }));
      const ids = notes.map((n) => n.note.id as string);
      const shares = ids.length
        ? (await query(SQL.listShares(ids.length), ids)).map((r) => unalias(r, 'ParticipatingOrganization'))
        : [];
      return { notes, shares };
    };
    const [{ notes, shares }, [{ count }]] = await Promise.all([
      pageWithShares(),
      query(SQL.listCount(where), values),
    ]);
    return {
      items: notes.map(({ note, lead }) => ({
        id: note.id,
        referenceCode: note.reference_code,
        status: note.status,
        title: note.title,
        scope: note.scope,
        countryCodes: note.country_codes,
        primaryThematicAreaCode: note.primary_thematic_area_code,
        conveningOrganizationCode: note.convening_organization_code,
        participatingOrganizationCodes: shares
          .filter((s) => s.note_id === note.id)
          .sort((a, b) => a.position - b.position)
          .map((s) => s.organization_code),
        totalBudgetUsd: usd(note.total_budget_usd),
        leadName: lead.name ?? '',
        submittedAt: iso(note.submitted_at),
        targetMeetingId: note.target_meeting_id,
        updatedAt: note.updated_at.toISOString(),
      })),
      page,
      limit,
      total: Number(count),
    };
  });

  app.get('/api/v1/concept-notes/:id', async (request, reply) => {
    const actor = await authenticate(request);
    const { id } = request.params as { id: string };
    if (!UUID.test(id)) throw new HttpError(400, 'Invalid input: id');
    const [row] = await query(SQL.note, [id]);
    if (!row) throw new HttpError(404, 'Concept note was not found');
    const note = unalias(row, 'n');
    if ((await access(query, actor, note)).kinds.size === 0)
      throw new HttpError(404, 'Concept note was not found');
    const body = await view(query, note);
    void reply.header('etag', `"${body.version}"`);
    return body;
  });

  app.post('/api/v1/concept-notes/:id/endorsements', async (request) => {
    const actor = await authenticate(request);
    const { id } = request.params as { id: string };
    if (!UUID.test(id)) throw new HttpError(400, 'Invalid input: id');
    const body = request.body as { decision?: unknown; comment?: unknown } | undefined;
    if (body?.decision !== 'endorse') throw new HttpError(400, 'the baseline endorses only');
    if (body.comment !== undefined && (typeof body.comment !== 'string' || body.comment.length > 5000))
      throw new HttpError(400, 'Invalid input: comment');
    const comment = typeof body.comment === 'string' ? body.comment.trim() : null;
    const requestId = String(request.id);
    const client = await pool.connect();
    const tx = via(client);
    let noteId: string;
    try {
      await tx('START TRANSACTION');
      const [row] = await tx(SQL.noteForUpdate, [id]);
      if (!row) throw new HttpError(404, 'Concept note was not found');
      const note = unalias(row, 'n');
      const { kinds, authority } = await access(tx, actor, note);
      if (kinds.size === 0) throw new HttpError(404, 'Concept note was not found');
      const countries = note.country_codes as string[];
      const [revisionRow] = note.current_revision
        ? await tx(SQL.revision, [note.id, note.current_revision])
        : [];
      const revision = revisionRow ? unalias(revisionRow, 'Revision') : null;
      const covered = revision
        ? (await tx(SQL.endorsed, [revision.id, 'endorsed']))
            .map((r) => unalias(r, 'Endorsement'))
            .filter((r) => r.withdrawn_at === null)
            .map((r) => r.country_code as string)
        : [];
      // The record's time is the application's, not the database's.
      const endorsedAt = new Date();
      if (authority.length === 0) throw new HttpError(403, 'Your role on this note does not allow: endorse');
      const mine = authority.filter((a) => !covered.includes(a.countryCode));
      const last = covered.length + mine.length >= countries.length;
      allow(note.status, last ? 'complete_endorsement' : 'endorse', kinds);
      if (mine.length === 0)
        throw new HttpError(409, 'Every country you can endorse for is already endorsed on this revision');
      if (!revision) throw new HttpError(500, 'no current revision');
      await tx(
        SQL.insertEndorsements(mine.length),
        mine.flatMap((a) => [
          note.id,
          revision.id,
          a.countryCode,
          'endorsed',
          a.onBehalfOf ? 'acting' : 'resident_coordinator',
          actor.id,
          a.onBehalfOf,
          comment,
          endorsedAt,
        ]),
      );
      await tx(SQL.insertAudit, [
        actor.id,
        'concept_note.endorsed',
        'concept_note',
        note.id,
        null,
        JSON.stringify({
          countryCodes: mine.map((a) => a.countryCode),
          revision: revision.number,
          comment,
          actingFor: mine.find((a) => a.onBehalfOf)?.onBehalfOf ?? null,
        }),
        requestId,
      ]);
      if (last) await submit(tx, actor, note, revision, requestId);
      await tx('COMMIT');
      noteId = note.id;
    } catch (error) {
      await tx('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    const [fresh] = await query(SQL.noteFindOne, [noteId]);
    return view(query, unalias(fresh, 'ConceptNote'));
  });

  /** The note is submitted now (EndorsementsService.submit): reference code, status, meeting, audit, e-mails. */
  async function submit(tx: Query, actor: Actor, note: Row, revision: Row, requestId: string) {
    const now = new Date();
    const from = note.status as string;
    let referenceCode = note.reference_code as string | null;
    if (referenceCode === null) {
      const year = now.getUTCFullYear();
      const [{ last }] = await tx(SQL.referenceCounter, [year]);
      referenceCode = `MIG-CN-${year}-${String(last).padStart(4, '0')}`;
    }
    const changes: Row = { reference_code: referenceCode, status: 'submitted', submitted_at: now };
    // A resubmission after a revision request answers it (ConceptNoteRevisions.closeRequest).
    const answered =
      note.revision_requested_at === null
        ? null
        : {
            kind: note.revision_kind,
            source: note.revision_source,
            points: note.revision_points,
            responses: note.revision_responses,
            requestedAt: iso(note.revision_requested_at),
            dueAt: iso(note.revision_due_at),
          };
    if (answered) {
      Object.assign(changes, {
        revision_kind: null,
        revision_source: null,
        revision_points: [],
        revision_responses: [],
        revision_requested_at: null,
        revision_due_at: null,
      });
    }
    // TypeORM's save: the row as stored, then the columns that differ from it, with the activity stamp.
    const stored = unalias((await tx(SQL.noteReload, [note.id]))[0], 'ConceptNote');
    changes.last_activity_at = new Date();
    const changed = NOTE.filter((c) => c in changes && differs(stored[c], changes[c]));
    await tx(SQL.updateNote(changed), [
      ...changed.map((c) => (JSONB.has(c) ? JSON.stringify(changes[c]) : changes[c])),
      note.id,
    ]);
    const [meeting] = await tx(SQL.targetMeeting, [now]);
    await tx(SQL.setTarget, [note.id, meeting?.id ?? null]);
    if (meeting?.status === 'agenda_closed') await tx(SQL.lateAgendaItem, [meeting.id, note.id]);
    await tx(SQL.insertAudit, [
      actor.id,
      'concept_note.submitted',
      'concept_note',
      note.id,
      JSON.stringify({ status: from }),
      JSON.stringify({
        status: 'submitted',
        referenceCode,
        revision: revision.number,
        submittedAt: now.toISOString(),
        targetMeetingId: meeting?.id ?? null,
        ...(answered ? { revisionRequest: answered } : {}),
      }),
      requestId,
    ]);
    const team = (await tx(SQL.team, [note.id])).map((r) => unalias(r, 'u'));
    const endorsed = note.scope === 'national' || note.scope === 'multi_country';
    const officials = endorsed ? await countryOfficials(tx, note.country_codes as string[]) : [];
    const recipients = [...new Map([...team, ...officials].map((u) => [u.id as string, u])).values()];
    if (recipients.length === 0) return;
    const values = recipients.flatMap((user) => {
      const notificationId = randomUUID();
      return [
        notificationId,
        user.email,
        user.id,
        'concept_note_submitted',
        user.locale,
        JSON.stringify({
          recipientName: user.name,
          noteTitle: note.title,
          referenceCode,
          noteUrl: `${options.publicUrl}/concept-notes/${note.id}`,
          submittedAt: now.toISOString(),
          _timeZone: user.time_zone,
        }),
        `<${notificationId}@${options.mailDomain}>`,
        `concept_note_submitted:${note.id}:submitted-${revision.number}:${user.id}`,
        'concept_note',
        note.id,
        requestId,
      ];
    });
    await tx(SQL.notifications(recipients.length), values);
  }

  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    record(on: boolean) {
      const recorded = recording ?? [];
      recording = on ? [] : null;
      return recorded;
    },
    async close() {
      await app.close();
      await pool.end();
    },
  };
}
