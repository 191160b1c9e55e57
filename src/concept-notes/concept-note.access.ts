import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { hasRole, type Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { ConceptNote } from './concept-note.entity';
import type { ActorKind } from './concept-note.state';
import { ConceptNoteErrors } from './concept-notes.errors';

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
 * office of its countries once endorsement was requested (regional and global notes once
 * submitted); focal points of the convening organization for regional and global notes; reviewers
 * the notes assigned to them; Steering Committee members the notes on an agenda; the secretariat
 * always. Anyone else gets 404.
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
    if (access.kinds.length === 0) throw ConceptNoteErrors.notFound();
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

    const authority = (await this.countryAuthority(manager, actor)).filter((a) =>
      note.countryCodes.includes(a.countryCode),
    );
    const rcVisible =
      note.endorsementRequestedAt !== null ||
      (note.scope !== 'national' && note.scope !== 'multi_country' && note.submittedAt !== null);
    const rcOffice =
      hasRole(actor, 'rc_office') && note.countryCodes.some((c) => actor.countryCodes.includes(c));
    if (rcVisible && authority.length > 0) kinds.push('resident_coordinator');
    if (rcVisible && rcOffice) kinds.push('rc_office');

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
      authority: rcVisible ? authority : [],
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
        WHERE d.delegate_id = $1 AND d.revoked_at IS NULL AND rc.active
          AND ($2::timestamptz AT TIME ZONE rc.time_zone)::date BETWEEN d.starts_on AND d.ends_on`,
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
        `(n.country_codes && :actorCountries AND (n.endorsement_requested_at IS NOT NULL OR (n.scope IN ('regional', 'global') AND n.submitted_at IS NOT NULL)))`,
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
