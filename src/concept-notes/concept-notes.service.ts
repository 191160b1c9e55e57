import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AuditEvent } from '../audit/audit-event.entity';
import { hasRole, type Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { centsToNumber, toCents } from '../common/money';
import { skipTake, type Page } from '../common/pagination';
import { Endorsement } from '../endorsements/endorsement.entity';
import { escapeLike } from '../notifications/notifications.service';
import { NotificationsService } from '../notifications/notifications.service';
import { User } from '../users/user.entity';
import { ConceptNoteAccess, type NoteAccess } from './concept-note.access';
import { ConceptNoteContent } from './concept-note.content';
import { ConceptNote, ParticipatingOrganization, Revision, TeamMember } from './concept-note.entity';
import { ConceptNoteMail } from './concept-note.mail';
import {
  compare,
  contentHash,
  precheck,
  sharesTotal,
  type NoteContent,
  type PrecheckResult,
} from './concept-note.rules';
import { isFinal, transition, type ActorKind, type ConceptNoteAction } from './concept-note.state';
import { ConceptNoteErrors } from './concept-notes.errors';
import type {
  CreateConceptNoteDto,
  HandOverLeadDto,
  ListConceptNotesQuery,
  TeamDto,
  UpdateConceptNoteDto,
  WithdrawDto,
} from './dto/concept-note.dto';
import type {
  ConceptNoteSummaryView,
  ConceptNoteView,
  CountryEndorsementView,
  HistoryEntryView,
  PersonView,
  PrecheckView,
  RevisionComparisonView,
  RevisionView,
} from './dto/concept-note.view';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the list's text search looks in; the expression of the trigram index ix_concept_notes_search. */
export const NOTE_SEARCH_TEXT = `n.title || ' ' || n.summary || ' ' || coalesce(n.reference_code, '')`;

/** Audit actions every reader of a note may see in its history; the secretariat sees all. */
const PUBLIC_HISTORY = new Set([
  'concept_note.created',
  'concept_note.edited',
  'concept_note.team_changed',
  'concept_note.lead_handed_over',
  'concept_note.endorsement_requested',
  'concept_note.recalled',
  'concept_note.endorsed',
  'concept_note.returned',
  'concept_note.endorsement_withdrawn',
  'concept_note.endorsed_offline',
  'concept_note.signed_off',
  'concept_note.submitted',
  'concept_note.withdrawn',
  'concept_note.attachment_added',
  'concept_note.screened',
  'concept_note.revision_answered',
  'concept_note.resubmitted',
  'concept_note.decided',
  'concept_note.decision_corrected',
  'concept_note.removed_from_pipeline',
  'comment.added',
]);

@Injectable()
export class ConceptNotesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConceptNoteAccess,
    private readonly content: ConceptNoteContent,
    private readonly mail: ConceptNoteMail,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** Checks the state machine for this actor; 403 for a role that may never, 409 for the wrong status. */
  static allow(access: NoteAccess, action: ConceptNoteAction) {
    const result = transition(access.note.status, action, access.kinds);
    if (!result.ok) {
      throw result.reason === 'not_allowed_for_actor'
        ? ConceptNoteErrors.notAllowed(action)
        : ConceptNoteErrors.invalidTransition(action, access.note.status);
    }
    return result.to;
  }

  async create(actor: Actor, dto: CreateConceptNoteDto): Promise<ConceptNoteView> {
    if (!hasRole(actor, 'applicant')) throw ConceptNoteErrors.notAllowed('edit');
    // A draft starts with a title (the shared content DTO lets every field be left out).
    if (typeof dto.title !== 'string' || dto.title.trim() === '') {
      throw ConceptNoteErrors.teamMember('title', 'is required');
    }
    // The lead contact is an applicant of the convening organization: the author's, unless said otherwise.
    const convening = dto.conveningOrganizationCode ?? actor.organizationCode;
    if (!actor.organizationCode || convening !== actor.organizationCode) {
      throw ConceptNoteErrors.teamMember(
        'conveningOrganizationCode',
        'must be the organization of the lead (your own)',
      );
    }
    const note = await this.dataSource.transaction(async (manager) => {
      const rules = await this.content.fundRules(manager);
      await this.content.validate(manager, dto, rules);
      const note = await manager.save(
        manager.create(ConceptNote, {
          title: dto.title,
          leadUserId: actor.id,
          conveningOrganizationCode: convening,
        }),
      );
      await this.content.apply(manager, note, dto, rules);
      await manager.save(note);
      await manager.insert(TeamMember, { noteId: note.id, userId: actor.id });
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.created',
        entityType: 'concept_note',
        entityId: note.id,
        after: await this.content.read(manager, note),
      });
      return note;
    });
    return this.view(this.dataSource.manager, note);
  }

  async update(
    actor: Actor,
    noteId: string,
    ifMatch: string | undefined,
    dto: UpdateConceptNoteDto,
  ): Promise<ConceptNoteView> {
    if (ifMatch === undefined) throw ConceptNoteErrors.ifMatchRequired();
    const expected = Number(ifMatch.replace(/^W\//, '').replace(/"/g, ''));
    const note = await this.dataSource.transaction(async (manager) => {
      const access = await this.access.load(manager, actor, noteId, { lock: true });
      ConceptNotesService.allow(access, 'edit');
      const note = access.note;
      if (!Number.isInteger(expected) || expected !== note.version)
        throw ConceptNoteErrors.staleVersion(note.version);
      const rules = await this.content.fundRules(manager);
      await this.content.validate(manager, dto, rules);
      if (dto.conveningOrganizationCode && dto.conveningOrganizationCode !== note.conveningOrganizationCode) {
        const lead = await manager.findOneByOrFail(User, { id: note.leadUserId });
        if (lead.organizationCode !== dto.conveningOrganizationCode) {
          throw ConceptNoteErrors.teamMember(
            'conveningOrganizationCode',
            'must be the organization of the lead; hand the lead over first',
          );
        }
      }
      const before = await this.content.read(manager, note);
      await this.content.apply(manager, note, dto, rules);
      const saved = await manager.save(note);
      const after = await this.content.read(manager, saved);
      const changes = compare(before, after);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.edited',
        entityType: 'concept_note',
        entityId: note.id,
        before: Object.fromEntries(changes.map((c) => [c.field, c.before])),
        after: Object.fromEntries(changes.map((c) => [c.field, c.after])),
      });
      return saved;
    });
    return this.view(this.dataSource.manager, note);
  }

  async get(actor: Actor, noteId: string): Promise<ConceptNoteView> {
    const { note } = await this.access.load(this.dataSource.manager, actor, noteId);
    return this.view(this.dataSource.manager, note);
  }

  /**
   * One page of the notes the actor may see. Three statements whatever the number of notes: the
   * page (notes and their lead, a many-to-one join, so LIMIT applies to notes), the participating
   * organizations of that page, and, at the same time, a plain COUNT(*) under the same conditions. (TypeORM's
   * skip/take over a one-to-many join wraps the query in a SELECT DISTINCT and counts
   * COUNT(DISTINCT id) over the joined rows: 200 ms at 100,000 notes.)
   */
  async list(actor: Actor, query: ListConceptNotesQuery): Promise<Page<ConceptNoteSummaryView>> {
    const manager = this.dataSource.manager;
    const scope = await this.access.listCondition(manager, actor);
    const filtered = (qb: SelectQueryBuilder<ConceptNote>) => {
      qb.where(scope.sql, scope.params);
      if (query.status) qb.andWhere('n.status = :status', { status: query.status });
      if (query.thematicArea) qb.andWhere('n.primaryThematicAreaCode = :area', { area: query.thematicArea });
      if (query.country) qb.andWhere(':country = ANY(n.countryCodes)', { country: query.country });
      if (query.region) {
        qb.andWhere(
          `EXISTS (SELECT 1 FROM countries c WHERE c.code = ANY(n.country_codes) AND (c.region_code = :region OR c.subregion_code = :region))`,
          { region: query.region },
        );
      }
      if (query.organization) {
        qb.andWhere(
          `(n.conveningOrganizationCode = :org OR EXISTS (SELECT 1 FROM concept_note_organizations o WHERE o.note_id = n.id AND o.organization_code = :org))`,
          { org: query.organization },
        );
      }
      if (query.meeting) {
        qb.andWhere(
          `(n.targetMeetingId = :meeting OR EXISTS (SELECT 1 FROM agenda_items a WHERE a.note_id = n.id AND a.meeting_id = :meeting AND a.status = 'listed'))`,
          { meeting: query.meeting },
        );
      }
      if (query.text) {
        const words = query.text.trim().split(/\s+/).filter(Boolean).slice(0, 10);
        // One expression over title, summary and reference code, served by the trigram index
        // ix_concept_notes_search (migration ConceptNoteListIndexes); words hold no whitespace, so
        // none matches across the joins.
        words.forEach((word, i) => {
          qb.andWhere(`(${NOTE_SEARCH_TEXT}) ILIKE :w${i}`, { [`w${i}`]: `%${escapeLike(word)}%` });
        });
      }
      return qb;
    };
    const { skip, take } = query.format === 'json' ? skipTake(query) : { skip: 0, take: 10000 };
    // The page (with its organizations) and the count go out at once, on two pooled connections:
    // at 100,000 notes the count is the slower of the two, so the answer waits for it alone.
    const pageWithShares = async () => {
      // The columns of a summary only: not the long texts a note's page shows.
      const page = manager
        .createQueryBuilder(ConceptNote, 'n')
        .select(SUMMARY_COLUMNS.map((column) => `n.${column}`))
        .leftJoin('n.lead', 'lead')
        .addSelect(['lead.id', 'lead.name']);
      const notes = await filtered(page)
        .orderBy('n.updatedAt', 'DESC')
        .addOrderBy('n.id', 'ASC')
        .offset(skip)
        .limit(take)
        .getMany();
      const shares = notes.length
        ? await manager.find(ParticipatingOrganization, {
            where: { noteId: In(notes.map((n) => n.id)) },
            order: { position: 'ASC' },
          })
        : [];
      for (const note of notes) note.participatingOrganizations = shares.filter((s) => s.noteId === note.id);
      return notes;
    };
    const [notes, counted] = await Promise.all([
      pageWithShares(),
      filtered(manager.createQueryBuilder(ConceptNote, 'n'))
        .select('COUNT(*)', 'count')
        .getRawOne<{ count: string }>(),
    ]);
    return {
      items: notes.map((n) => summaryView(n)),
      page: query.page,
      limit: query.limit,
      total: Number(counted?.count ?? 0),
    };
  }

  async setTeam(actor: Actor, noteId: string, dto: TeamDto): Promise<ConceptNoteView> {
    const note = await this.dataSource.transaction(async (manager) => {
      const access = await this.access.load(manager, actor, noteId, { lock: true });
      this.requireLead(access);
      const note = access.note;
      const memberIds = dto.memberIds.filter((id) => id !== note.leadUserId);
      const organizations = new Set(
        [
          note.conveningOrganizationCode,
          ...(await manager.findBy(ParticipatingOrganization, { noteId })).map((p) => p.organizationCode),
        ].filter(Boolean),
      );
      const users = memberIds.length ? await manager.findBy(User, { id: In(memberIds), active: true }) : [];
      dto.memberIds.forEach((id, i) => {
        if (id === note.leadUserId) return;
        const user = users.find((u) => u.id === id);
        if (!user || !user.roles.includes('applicant')) {
          throw ConceptNoteErrors.teamMember(`memberIds.${i}`, 'is not an active applicant');
        }
        if (!user.organizationCode || !organizations.has(user.organizationCode)) {
          throw ConceptNoteErrors.teamMember(
            `memberIds.${i}`,
            'must work for the convening or a participating organization',
          );
        }
      });
      const before = (await manager.findBy(TeamMember, { noteId })).map((m) => m.userId).sort();
      await manager.delete(TeamMember, { noteId });
      await manager.insert(
        TeamMember,
        [note.leadUserId, ...memberIds].map((userId) => ({ noteId, userId })),
      );
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.team_changed',
        entityType: 'concept_note',
        entityId: noteId,
        before: { members: before },
        after: { members: [note.leadUserId, ...memberIds].sort() },
      });
      return note;
    });
    return this.view(this.dataSource.manager, note);
  }

  async handOverLead(actor: Actor, noteId: string, dto: HandOverLeadDto): Promise<ConceptNoteView> {
    const note = await this.dataSource.transaction(async (manager) => {
      const access = await this.access.load(manager, actor, noteId, { lock: true });
      this.requireLead(access);
      const member = await manager.findOneBy(TeamMember, { noteId, userId: dto.userId });
      const user = member ? await manager.findOneBy(User, { id: dto.userId, active: true }) : null;
      if (!user) throw ConceptNoteErrors.teamMember('userId', 'must be an active member of the team');
      if (user.organizationCode !== access.note.conveningOrganizationCode) {
        throw ConceptNoteErrors.teamMember('userId', 'the lead must work for the convening organization');
      }
      const previous = access.note.leadUserId;
      access.note.leadUserId = user.id;
      const saved = await manager.save(access.note);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.lead_handed_over',
        entityType: 'concept_note',
        entityId: noteId,
        before: { leadUserId: previous },
        after: { leadUserId: user.id },
      });
      return saved;
    });
    return this.view(this.dataSource.manager, note);
  }

  async precheck(actor: Actor, noteId: string): Promise<PrecheckView> {
    const manager = this.dataSource.manager;
    const { note } = await this.access.load(manager, actor, noteId);
    const result = await this.evaluate(manager, note);
    return { ready: result.blocking.length === 0, ...result };
  }

  /** The precheck of a note's working copy (used before requesting endorsement or submitting). */
  async evaluate(manager: EntityManager, note: ConceptNote, content?: NoteContent): Promise<PrecheckResult> {
    const working = content ?? (await this.content.read(manager, note));
    const hash = contentHash(working);
    const revision = await manager.findOneBy(Revision, { noteId: note.id, number: note.currentRevision });
    const endorsed =
      revision && revision.contentHash === hash
        ? (await manager.findBy(Endorsement, { revisionId: revision.id, decision: 'endorsed' }))
            .filter((e) => e.withdrawnAt === null)
            .map((e) => e.countryCode)
        : [];
    return precheck(working, {
      rules: await this.content.fundRules(manager),
      areaOfObjective: await this.content.areaOfObjective(manager),
      signedOff: note.signedOffHash === hash,
      endorsedCountries: endorsed,
    });
  }

  async withdraw(actor: Actor, noteId: string, dto: WithdrawDto): Promise<ConceptNoteView> {
    const { note, outbox } = await this.dataSource.transaction(async (manager) => {
      const access = await this.access.load(manager, actor, noteId, { lock: true });
      const from = access.note.status;
      const to = ConceptNotesService.allow(access, 'withdraw');
      const note = access.note;
      note.status = to;
      note.withdrawnAt = this.clock.now();
      note.withdrawalReason = dto.reason;
      const saved = await manager.save(note);
      // Reviews of a withdrawn note are no longer wanted.
      await manager.query(
        `UPDATE review_assignments SET status = 'cancelled', updated_at = now() WHERE note_id = $1 AND status = 'assigned'`,
        [noteId],
      );
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.withdrawn',
        entityType: 'concept_note',
        entityId: noteId,
        before: { status: from },
        after: { status: to, reason: dto.reason },
      });
      const recipients = [
        ...(await this.mail.team(manager, noteId)),
        ...(await this.mail.noteOfficials(manager, note)),
      ];
      const outbox = await this.mail.send(manager, saved, recipients, 'concept_note_withdrawn', 'withdrawn', {
        withdrawnByName: actor.name,
        reason: dto.reason,
      });
      return { note: saved, outbox };
    });
    await this.notifications.dispatch(outbox);
    return this.view(this.dataSource.manager, note);
  }

  async revisions(actor: Actor, noteId: string): Promise<RevisionView[]> {
    const manager = this.dataSource.manager;
    await this.access.load(manager, actor, noteId);
    const revisions = await manager.find(Revision, { where: { noteId }, order: { number: 'ASC' } });
    return revisions.map((r) => ({
      id: r.id,
      number: r.number,
      contentHash: r.contentHash,
      createdAt: r.createdAt.toISOString(),
      content: r.content as unknown as NoteContent,
    }));
  }

  async compareRevisions(
    actor: Actor,
    noteId: string,
    a: number,
    b: number,
  ): Promise<RevisionComparisonView> {
    const manager = this.dataSource.manager;
    await this.access.load(manager, actor, noteId);
    const revisions = await manager.findBy(Revision, { noteId, number: In([a, b]) });
    const first = revisions.find((r) => r.number === a);
    const second = revisions.find((r) => r.number === b);
    if (!first || !second) throw ConceptNoteErrors.revisionNotFound();
    return {
      from: a,
      to: b,
      changes: compare(first.content as unknown as NoteContent, second.content as unknown as NoteContent),
    };
  }

  /** The note's audit trail, filtered to what the reader may see. */
  async history(actor: Actor, noteId: string): Promise<HistoryEntryView[]> {
    const manager = this.dataSource.manager;
    const access = await this.access.load(manager, actor, noteId);
    if (!ConceptNoteAccess.followsThreads(access)) throw ConceptNoteErrors.notAllowed('edit');
    const events = await manager
      .createQueryBuilder(AuditEvent, 'e')
      .where(`e.entity_type = 'concept_note' AND e.entity_id = :noteId`, { noteId })
      .orderBy('e.id', 'ASC')
      .getMany();
    const actors = await this.people(
      manager,
      events.map((e) => e.actorId).filter((id): id is string => id !== null),
    );
    // Comment events follow the comment's visibility: team_only is the team's, not the RCs'.
    const comments = access.kinds.includes('team_member') ? ['team', 'team_only'] : ['team'];
    return events
      .filter((e) => {
        if (access.secretariat) return true;
        const visibility = (e.after as { visibility?: string } | null)?.visibility;
        return PUBLIC_HISTORY.has(e.action) && (visibility === undefined || comments.includes(visibility));
      })
      .map((e) => ({
        at: e.occurredAt.toISOString(),
        action: e.action,
        actorName: e.actorId ? (actors.get(e.actorId)?.name ?? null) : null,
        details: access.secretariat ? { before: e.before, after: e.after } : publicDetails(e.action, e.after),
      }));
  }

  /** Notes a user leads that are still open (blocks deactivating them). */
  async ledOpenNotes(manager: EntityManager, userId: string): Promise<{ id: string; title: string }[]> {
    const notes = await manager.findBy(ConceptNote, { leadUserId: userId });
    return notes.filter((n) => !isFinal(n.status)).map((n) => ({ id: n.id, title: n.title }));
  }

  requireLead(access: NoteAccess): void {
    if (!access.kinds.includes('lead' satisfies ActorKind)) throw ConceptNoteErrors.notAllowed('edit');
  }

  async view(manager: EntityManager, note: ConceptNote): Promise<ConceptNoteView> {
    const content = await this.content.read(manager, note);
    const members = await manager.findBy(TeamMember, { noteId: note.id });
    const people = await this.people(manager, [note.leadUserId, ...members.map((m) => m.userId)]);
    const person = (id: string): PersonView => {
      const user = people.get(id);
      return {
        id,
        name: user?.name ?? '',
        email: user?.email ?? '',
        organizationCode: user?.organizationCode ?? null,
      };
    };
    return {
      id: note.id,
      referenceCode: note.referenceCode,
      status: note.status,
      title: content.title,
      summary: content.summary,
      summaryEn: content.summaryEn,
      language: content.language,
      scope: content.scope,
      countryCodes: content.countryCodes,
      primaryThematicAreaCode: content.primaryThematicAreaCode,
      gcmObjectiveNumbers: content.gcmObjectiveNumbers,
      conveningOrganizationCode: content.conveningOrganizationCode,
      participatingOrganizations: content.participatingOrganizations.map((p) => ({
        organizationCode: p.organizationCode,
        directCostsUsd: centsToNumber(toCents(p.directCostsUsd)),
        indirectSupportCostsUsd: centsToNumber(toCents(p.indirectSupportCostsUsd)),
        totalUsd: centsToNumber(toCents(p.totalUsd)),
      })),
      sharesTotalUsd: centsToNumber(toCents(sharesTotal(content.participatingOrganizations))),
      totalBudgetUsd: content.totalBudgetUsd === null ? null : centsToNumber(toCents(content.totalBudgetUsd)),
      implementingPartners: content.implementingPartners,
      durationMonths: content.durationMonths,
      markers: content.markers,
      beneficiaries: content.beneficiaries,
      theoryOfChange: content.theoryOfChange,
      expectedResults: content.expectedResults,
      sustainability: content.sustainability,
      risks: content.risks,
      template: content.template
        ? {
            id: content.template.attachmentId,
            filename: content.template.filename,
            sha256: content.template.sha256,
          }
        : null,
      lead: person(note.leadUserId),
      team: members.map((m) => person(m.userId)),
      endorsements: await this.endorsementStatus(manager, note),
      signedOffAt: note.signedOffAt?.toISOString() ?? null,
      targetMeetingId: note.targetMeetingId,
      currentRevision: note.currentRevision,
      submittedAt: note.submittedAt?.toISOString() ?? null,
      withdrawnAt: note.withdrawnAt?.toISOString() ?? null,
      withdrawalReason: note.withdrawalReason,
      createdAt: note.createdAt.toISOString(),
      updatedAt: note.updatedAt.toISOString(),
      version: note.version,
    };
  }

  /** Per listed country: endorsed, returned or pending on the current revision, with its age in days. */
  private async endorsementStatus(
    manager: EntityManager,
    note: ConceptNote,
  ): Promise<CountryEndorsementView[]> {
    if (note.scope !== 'national' && note.scope !== 'multi_country') return [];
    const revision = note.currentRevision
      ? await manager.findOneBy(Revision, { noteId: note.id, number: note.currentRevision })
      : null;
    const records = revision
      ? await manager.find(Endorsement, { where: { revisionId: revision.id }, order: { createdAt: 'DESC' } })
      : [];
    const people = await this.people(
      manager,
      records.flatMap((r) => [r.endorserId, r.onBehalfOfId]).filter((id): id is string => Boolean(id)),
    );
    const now = this.clock.now().getTime();
    return note.countryCodes.map((countryCode) => {
      const latest = records.find((r) => r.countryCode === countryCode && r.withdrawnAt === null);
      if (!latest || note.endorsementRequestedAt === null) {
        const since = note.endorsementRequestedAt?.getTime() ?? now;
        return { countryCode, state: 'pending' as const, ageDays: Math.floor((now - since) / DAY_MS) };
      }
      const endorser = people.get(latest.endorserId)?.name ?? '';
      const by = latest.onBehalfOfId
        ? `${endorser} for RC ${people.get(latest.onBehalfOfId)?.name ?? ''}`
        : endorser;
      return {
        countryCode,
        state: latest.decision,
        by,
        kind: latest.kind,
        at: latest.createdAt.toISOString(),
        comment: latest.comment,
        ageDays: Math.floor((now - latest.createdAt.getTime()) / DAY_MS),
      };
    });
  }

  private async people(manager: EntityManager, ids: string[]): Promise<Map<string, User>> {
    const unique = [...new Set(ids)];
    const users = unique.length ? await manager.findBy(User, { id: In(unique) }) : [];
    return new Map(users.map((u) => [u.id, u]));
  }
}

/** What summaryView reads of a note (besides its lead's name and its organizations). */
const SUMMARY_COLUMNS = [
  'id',
  'referenceCode',
  'status',
  'title',
  'scope',
  'countryCodes',
  'primaryThematicAreaCode',
  'conveningOrganizationCode',
  'totalBudgetUsd',
  'submittedAt',
  'targetMeetingId',
  'updatedAt',
] as const satisfies readonly (keyof ConceptNote)[];

function summaryView(note: ConceptNote): ConceptNoteSummaryView {
  return {
    id: note.id,
    referenceCode: note.referenceCode,
    status: note.status,
    title: note.title,
    scope: note.scope,
    countryCodes: note.countryCodes,
    primaryThematicAreaCode: note.primaryThematicAreaCode,
    conveningOrganizationCode: note.conveningOrganizationCode,
    participatingOrganizationCodes: (note.participatingOrganizations ?? [])
      .sort((a, b) => a.position - b.position)
      .map((p) => p.organizationCode),
    totalBudgetUsd: note.totalBudgetUsd === null ? null : centsToNumber(toCents(note.totalBudgetUsd)),
    leadName: note.lead?.name ?? '',
    submittedAt: note.submittedAt?.toISOString() ?? null,
    targetMeetingId: note.targetMeetingId,
    updatedAt: note.updatedAt.toISOString(),
  };
}

/** What a non-secretariat reader learns from an audit event: statuses, reasons and comments, not internals. */
function publicDetails(
  action: string,
  after: Record<string, unknown> | null,
): Record<string, unknown> | null {
  if (!after) return null;
  const keep = [
    'status',
    'reason',
    'comment',
    'countryCodes',
    'revision',
    'referenceCode',
    'filename',
    'kind',
  ];
  const details = Object.fromEntries(Object.entries(after).filter(([key]) => keep.includes(key)));
  return Object.keys(details).length
    ? details
    : action === 'concept_note.edited'
      ? { fields: Object.keys(after) }
      : null;
}
