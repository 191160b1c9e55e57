import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { hasRole, type Actor } from '../common/auth/roles';
import { inScope } from '../common/auth/scope';
import { Clock } from '../common/clock';
import { ConceptNote } from './concept-note.entity';
import type { ActorKind } from './concept-note.state';
import { ConceptNoteErrors } from './concept-notes.errors';
import { requestedCountries } from './requested-countries';

/**
 * The SQL condition of a delegation in force at the instant `now` (a query parameter), on the aliases
 * `d` (delegations) and `rc` (the delegating user): not revoked, its RC active and still an RC, and
 * the day it is at `now` in the RC's time zone within its dates (both inclusive). Shared by who may
 * act as RC (ConceptNoteAccess) and who is told as RC (ConceptNoteMail).
 */
export const DELEGATION_IN_FORCE = (now: string) =>
  `d.revoked_at IS NULL AND rc.active AND 'resident_coordinator' = ANY(rc.roles)
   AND (${now}::timestamptz AT TIME ZONE rc.time_zone)::date BETWEEN d.starts_on AND d.ends_on`;

/** Countries a user may act on as RC: their own (if RC), and those of RCs who delegated to them today. */
export interface CountryAuthority {
  countryCode: string;
  /** The RC acted for, when acting under a delegation; null for an RC's own country. */
  onBehalfOf: string | null;
}

export interface NoteAccess {
  note: ConceptNote;
  /** How the actor stands to this note; empty means they cannot see it. */
  kinds: ActorKind[];
  /** The note's countries this actor may endorse or return, and for whom. */
  authority: CountryAuthority[];
  /** Sees comments meant for the secretariat alone. */
  secretariat: boolean;
}

/**
 * Who sees a note and how they stand to it (DESIGN §1): the team always; RCs, acting RCs and RC
 * office of a listed country once an endorsement request covered that country (regional and global
 * notes: once their submission did), and from then on also while the note is back in draft — a
 * country added to a returned or recalled draft waits for the next request; focal points of the
 * convening organization for regional and global notes; reviewers the notes assigned to them;
 * Steering Committee members the notes on an agenda; the secretariat always. Anyone else gets 404.
 */
@Injectable()
export class ConceptNoteAccess {
  constructor(private readonly clock: Clock) {}

  async load(
    manager: EntityManager,
    actor: Actor,
    noteId: string,
    options: { lock?: boolean } = {},
  ): Promise<NoteAccess> {
    if (!/^[0-9a-f-]{36}$/i.test(noteId)) throw ConceptNoteErrors.notFound();
    const query = manager.createQueryBuilder(ConceptNote, 'n').where('n.id = :noteId', { noteId });
    if (options.lock) query.setLock('pessimistic_write');
    const note = await query.getOne();
    if (!note) throw ConceptNoteErrors.notFound();
    const access = await this.of(manager, actor, note);
    inScope(access.kinds.length > 0, 'Concept note');
    return access;
  }

  /** Reviewers and committee members read the note itself, not the team's threads or its history. */
  static followsThreads(access: NoteAccess): boolean {
    return access.kinds.some((kind) => kind !== 'reviewer' && kind !== 'committee');
  }

  async of(manager: EntityManager, actor: Actor, note: ConceptNote): Promise<NoteAccess> {
    const kinds: ActorKind[] = [];
    if (hasRole(actor, 'secretariat')) kinds.push('secretariat');
    const member = await manager.query<unknown[]>(
      'SELECT 1 FROM concept_note_members WHERE note_id = $1 AND user_id = $2',
      [note.id, actor.id],
    );
    if (member.length > 0) kinds.push('team_member');
    if (note.leadUserId === actor.id) kinds.push('lead');

    // An official sees the note through a listed country of theirs that an endorsement request covered.
    const listed = (await this.countryAuthority(manager, actor)).filter((a) =>
      note.countryCodes.includes(a.countryCode),
    );
    const office = hasRole(actor, 'rc_office')
      ? note.countryCodes.filter((c) => actor.countryCodes.includes(c))
      : [];
    const requested = await requestedCountries(manager, note.id, [
      ...listed.map((a) => a.countryCode),
      ...office,
    ]);
    const authority = listed.filter((a) => requested.includes(a.countryCode));
    if (authority.length > 0) kinds.push('resident_coordinator');
    if (office.some((c) => requested.includes(c))) kinds.push('rc_office');

    if ((note.scope === 'regional' || note.scope === 'global') && note.conveningOrganizationCode) {
      const focal = await manager.query<unknown[]>(
        'SELECT 1 FROM organization_focal_points WHERE organization_code = $1 AND user_id = $2',
        [note.conveningOrganizationCode, actor.id],
      );
      if (focal.length > 0) kinds.push('focal_point');
    }
    if (hasRole(actor, 'reviewer')) {
      const assigned = await manager.query<unknown[]>(
        `SELECT 1 FROM review_assignments WHERE note_id = $1 AND reviewer_id = $2 AND status IN ('assigned', 'submitted')`,
        [note.id, actor.id],
      );
      if (assigned.length > 0) kinds.push('reviewer');
    }
    if (hasRole(actor, 'steering_committee')) {
      const onAgenda = await manager.query<unknown[]>(
        'SELECT 1 FROM agenda_items WHERE note_id = $1 LIMIT 1',
        [note.id],
      );
      if (onAgenda.length > 0) kinds.push('committee');
    }
    return {
      note,
      kinds: [...new Set(kinds)],
      authority,
      secretariat: kinds.includes('secretariat'),
    };
  }

  /** The countries an actor may endorse for: their own as RC, and their delegators' during the delegation. */
  async countryAuthority(manager: EntityManager, actor: Actor): Promise<CountryAuthority[]> {
    const own: CountryAuthority[] = hasRole(actor, 'resident_coordinator')
      ? actor.countryCodes.map((countryCode) => ({ countryCode, onBehalfOf: null }))
      : [];
    if (!hasRole(actor, 'resident_coordinator', 'rc_office')) return own;
    const delegated = await manager.query<{ rc_id: string; country_codes: string[] }[]>(
      `SELECT rc.id AS rc_id, rc.country_codes
         FROM delegations d
         JOIN users rc ON rc.id = d.resident_coordinator_id
        WHERE d.delegate_id = $1 AND ${DELEGATION_IN_FORCE('$2')}`,
      [actor.id, this.clock.now()],
    );
    const acting = delegated.flatMap((d) =>
      d.country_codes.map((countryCode) => ({ countryCode, onBehalfOf: d.rc_id })),
    );
    return [...own, ...acting.filter((a) => !own.some((o) => o.countryCode === a.countryCode))];
  }

  /** The SQL condition (on alias `n`) for the notes an actor may list. */
  async listCondition(
    manager: EntityManager,
    actor: Actor,
  ): Promise<{ sql: string; params: Record<string, unknown> }> {
    if (hasRole(actor, 'secretariat')) return { sql: 'TRUE', params: {} };
    const countries = new Set((await this.countryAuthority(manager, actor)).map((a) => a.countryCode));
    if (hasRole(actor, 'rc_office')) actor.countryCodes.forEach((c) => countries.add(c));
    const conditions = ['n.id IN (SELECT m.note_id FROM concept_note_members m WHERE m.user_id = :actorId)'];
    if (countries.size > 0) {
      conditions.push(
        `(n.country_codes && :actorCountries AND EXISTS (SELECT 1 FROM endorsement_request_countries q WHERE q.note_id = n.id AND q.country_code = ANY(:actorCountries) AND q.country_code = ANY(n.country_codes)))`,
      );
    }
    conditions.push(
      `(n.scope IN ('regional', 'global') AND n.convening_organization_code IN (SELECT f.organization_code FROM organization_focal_points f WHERE f.user_id = :actorId))`,
    );
    if (hasRole(actor, 'reviewer')) {
      conditions.push(
        `n.id IN (SELECT r.note_id FROM review_assignments r WHERE r.reviewer_id = :actorId AND r.status IN ('assigned', 'submitted'))`,
      );
    }
    if (hasRole(actor, 'steering_committee'))
      conditions.push('n.id IN (SELECT a.note_id FROM agenda_items a)');
    return {
      sql: `(${conditions.join(' OR ')})`,
      params: { actorId: actor.id, actorCountries: [...countries] },
    };
  }
}
