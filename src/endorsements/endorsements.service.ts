import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { Attachment } from '../attachments/attachment.entity';
import { AuditService } from '../audit/audit.service';
import { hasRole, type Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { skipTake, type ExportablePageQuery, type Page } from '../common/pagination';
import { ConceptNoteAccess, type NoteAccess } from '../concept-notes/concept-note.access';
import { ConceptNoteContent } from '../concept-notes/concept-note.content';
import { ConceptNote, Revision } from '../concept-notes/concept-note.entity';
import { ConceptNoteMail } from '../concept-notes/concept-note.mail';
import { ConceptNoteRevisions } from '../concept-notes/concept-note.revisions';
import { contentHash } from '../concept-notes/concept-note.rules';
import { ConceptNotesService } from '../concept-notes/concept-notes.service';
import { ConceptNoteErrors } from '../concept-notes/concept-notes.errors';
import type { ConceptNoteView } from '../concept-notes/dto/concept-note.view';
import { MeetingTargeting } from '../meetings/targeting';
import { NotificationsService } from '../notifications/notifications.service';
import { User } from '../users/user.entity';
import type {
  CreateDelegationDto,
  DelegationView,
  EndorsementDecisionDto,
  OfflineEndorsementDto,
} from './dto/endorsement.dto';
import { Delegation, Endorsement } from './endorsement.entity';
import { EndorsementErrors } from './endorsements.errors';
import { coverCountries } from '../concept-notes/requested-countries';

/**
 * Endorsement is submission (DESIGN §3): every listed country of a national or multi-country note
 * is covered by its RC, an acting RC or an offline endorsement, and the endorsement that covers the
 * last one submits the note at that instant. Regional and global notes are signed off by a focal
 * point of the convening organization and submitted by the lead. Every action locks the note row,
 * so concurrent actions apply one after the other and a loser sees the new state (409).
 */
@Injectable()
export class EndorsementsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConceptNoteAccess,
    private readonly content: ConceptNoteContent,
    private readonly notes: ConceptNotesService,
    private readonly mail: ConceptNoteMail,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly targeting: MeetingTargeting,
    private readonly revisions: ConceptNoteRevisions,
  ) {}

  async requestEndorsement(actor: Actor, noteId: string): Promise<ConceptNoteView> {
    return this.act(actor, noteId, async (manager, access) => {
      const note = access.note;
      // The role first (403), then the route (409).
      ConceptNotesService.allow(access, 'request_endorsement');
      if (note.scope === 'regional' || note.scope === 'global') {
        throw ConceptNoteErrors.wrongRoute(
          'A regional or global note is signed off by a focal point and submitted by the lead',
        );
      }
      if (note.status === 'revision_requested' && note.revisionKind === 'technical') {
        throw ConceptNoteErrors.wrongRoute(
          'A technical revision is resubmitted by the lead, without a new endorsement',
        );
      }
      // A note sent back for revision goes back only with an answer to every point of the request.
      ConceptNoteRevisions.requireAnswers(note);
      const revision = await this.revisions.freeze(manager, actor, note);
      const from = note.status;
      note.status = 'awaiting_endorsement';
      note.endorsementRequestedAt ??= this.clock.now();
      await manager.save(note);
      // From now on the officials of every listed country see the note (a country added later waits for the next request).
      await coverCountries(manager, note, this.clock.now());
      // Asking again answers the returns of the last request on this revision: those countries are pending again.
      await manager.update(
        Endorsement,
        { revisionId: revision.id, decision: 'returned', withdrawnAt: IsNull() },
        { withdrawnAt: this.clock.now() },
      );
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.endorsement_requested',
        entityType: 'concept_note',
        entityId: note.id,
        before: { status: from },
        after: { status: note.status, revision: revision.number },
      });
      const covered = await this.coveredCountries(manager, revision.id);
      const pending = note.countryCodes.filter((c) => !covered.includes(c));
      if (pending.length === 0) return this.submit(manager, actor, note, revision);
      const officials = await this.mail.countryOfficials(manager, pending);
      return this.mail.send(
        manager,
        note,
        officials,
        'endorsement_requested',
        `request-${revision.number}-${note.version}`,
        { leadName: actor.name, conveningOrganization: note.conveningOrganizationCode },
        { countries: pending },
      );
    });
  }

  async recall(actor: Actor, noteId: string): Promise<ConceptNoteView> {
    return this.act(actor, noteId, async (manager, access) => {
      const to = ConceptNotesService.allow(access, 'recall');
      const note = access.note;
      note.status = to;
      await manager.save(note);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.recalled',
        entityType: 'concept_note',
        entityId: note.id,
        before: { status: 'awaiting_endorsement' },
        after: { status: to },
      });
      return [];
    });
  }

  async decide(actor: Actor, noteId: string, dto: EndorsementDecisionDto): Promise<ConceptNoteView> {
    return this.act(actor, noteId, async (manager, access) => {
      const note = access.note;
      const revision = await this.currentRevision(manager, note);
      const covered = revision ? await this.coveredCountries(manager, revision.id) : [];
      // The record's time is the application's (its age shows on the note), not the database's.
      const now = this.clock.now();
      if (dto.decision === 'return') {
        if (!dto.comment) throw EndorsementErrors.commentRequired();
        const to = ConceptNotesService.allow(access, 'return');
        const mine = access.authority;
        await manager.insert(
          Endorsement,
          mine.map((a) => ({
            noteId: note.id,
            revisionId: revision!.id,
            countryCode: a.countryCode,
            decision: 'returned' as const,
            kind: a.onBehalfOf ? ('acting' as const) : ('resident_coordinator' as const),
            endorserId: actor.id,
            onBehalfOfId: a.onBehalfOf,
            comment: dto.comment ?? null,
            createdAt: now,
          })),
        );
        note.status = to;
        await manager.save(note);
        await this.audit.record(manager, {
          actorId: actor.id,
          action: 'concept_note.returned',
          entityType: 'concept_note',
          entityId: note.id,
          before: { status: 'awaiting_endorsement' },
          after: {
            status: to,
            comment: dto.comment,
            countryCodes: mine.map((a) => a.countryCode),
            revision: revision!.number,
          },
        });
        const recipients = [
          ...(await this.mail.team(manager, note.id)),
          ...(await this.mail.countryOfficials(manager, note.countryCodes)),
        ];
        return this.mail.send(
          manager,
          note,
          recipients,
          'endorsement_returned',
          `returned-${revision!.number}-${note.version}`,
          {
            returnedByName: await this.actingName(manager, actor, mine[0]?.onBehalfOf ?? null),
            comment: dto.comment,
          },
          { countries: mine.map((a) => a.countryCode) },
        );
      }

      // Only an RC or acting RC endorses here; the secretariat covers a country offline, with the letter.
      if (access.authority.length === 0) throw ConceptNoteErrors.notAllowed('endorse');
      const mine = access.authority.filter((a) => !covered.includes(a.countryCode));
      const last = covered.length + mine.length >= note.countryCodes.length;
      ConceptNotesService.allow(access, last ? 'complete_endorsement' : 'endorse');
      if (mine.length === 0) throw EndorsementErrors.alreadyCovered();
      await manager.insert(
        Endorsement,
        mine.map((a) => ({
          noteId: note.id,
          revisionId: revision!.id,
          countryCode: a.countryCode,
          decision: 'endorsed' as const,
          kind: a.onBehalfOf ? ('acting' as const) : ('resident_coordinator' as const),
          endorserId: actor.id,
          onBehalfOfId: a.onBehalfOf,
          comment: dto.comment ?? null,
          createdAt: now,
        })),
      );
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.endorsed',
        entityType: 'concept_note',
        entityId: note.id,
        after: {
          countryCodes: mine.map((a) => a.countryCode),
          revision: revision!.number,
          comment: dto.comment ?? null,
          actingFor: mine.find((a) => a.onBehalfOf)?.onBehalfOf ?? null,
        },
      });
      return last ? this.submit(manager, actor, note, revision!) : [];
    });
  }

  async withdrawMine(actor: Actor, noteId: string): Promise<ConceptNoteView> {
    return this.act(actor, noteId, async (manager, access) => {
      ConceptNotesService.allow(access, 'withdraw_endorsement');
      const revision = await this.currentRevision(manager, access.note);
      const result = await manager
        .createQueryBuilder()
        .update(Endorsement)
        .set({ withdrawnAt: this.clock.now() })
        .where(
          `revision_id = :revisionId AND endorser_id = :actorId AND decision = 'endorsed' AND withdrawn_at IS NULL`,
          {
            revisionId: revision?.id,
            actorId: actor.id,
          },
        )
        .returning(['countryCode'])
        .execute();
      const countries = (result.raw as { country_code: string }[]).map((r) => r.country_code);
      if (countries.length === 0) throw EndorsementErrors.nothingToWithdraw();
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.endorsement_withdrawn',
        entityType: 'concept_note',
        entityId: noteId,
        after: { countryCodes: countries, revision: revision?.number },
      });
      return [];
    });
  }

  async offline(actor: Actor, noteId: string, dto: OfflineEndorsementDto): Promise<ConceptNoteView> {
    return this.act(actor, noteId, async (manager, access) => {
      const note = access.note;
      if (!note.countryCodes.includes(dto.countryCode))
        throw EndorsementErrors.countryNotListed(dto.countryCode);
      const letter = await manager.findOneBy(Attachment, {
        id: dto.letterAttachmentId,
        noteId,
        kind: 'endorsement_letter',
      });
      if (!letter) throw EndorsementErrors.letterInvalid();
      const revision = await this.currentRevision(manager, note);
      const covered = revision ? await this.coveredCountries(manager, revision.id) : [];
      const last = !covered.includes(dto.countryCode) && covered.length + 1 >= note.countryCodes.length;
      ConceptNotesService.allow(access, last ? 'complete_endorsement' : 'endorse');
      if (covered.includes(dto.countryCode)) throw EndorsementErrors.alreadyCovered();
      await manager.insert(Endorsement, {
        noteId,
        revisionId: revision!.id,
        countryCode: dto.countryCode,
        decision: 'endorsed',
        kind: 'offline',
        endorserId: actor.id,
        letterAttachmentId: letter.id,
        reason: dto.reason,
        createdAt: this.clock.now(),
      });
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.endorsed_offline',
        entityType: 'concept_note',
        entityId: noteId,
        after: {
          countryCodes: [dto.countryCode],
          reason: dto.reason,
          letterAttachmentId: letter.id,
          revision: revision!.number,
        },
      });
      return last ? this.submit(manager, actor, note, revision!) : [];
    });
  }

  async signOff(actor: Actor, noteId: string): Promise<ConceptNoteView> {
    return this.act(actor, noteId, async (manager, access) => {
      const note = access.note;
      // The role first (403), then the route (409).
      ConceptNotesService.allow(access, 'sign_off');
      if (note.scope !== 'regional' && note.scope !== 'global') {
        throw ConceptNoteErrors.wrongRoute(
          'National and multi-country notes are endorsed by the Resident Coordinators',
        );
      }
      ConceptNoteRevisions.requireAnswers(note);
      const working = await this.content.read(manager, note);
      const check = await this.notes.evaluate(manager, note, working);
      if (check.blocking.length > 0) throw ConceptNoteErrors.precheckFailed(check.blocking);
      note.signedOffHash = contentHash(working);
      note.signedOffAt = this.clock.now();
      note.signedOffById = actor.id;
      await manager.save(note);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.signed_off',
        entityType: 'concept_note',
        entityId: noteId,
        after: { contentHash: note.signedOffHash, organization: note.conveningOrganizationCode },
      });
      return [];
    });
  }

  /** Regional and global route: the lead submits what a focal point signed off. */
  async submitSignedOff(actor: Actor, noteId: string): Promise<ConceptNoteView> {
    return this.act(actor, noteId, async (manager, access) => {
      const note = access.note;
      // The role first (403), then the route (409).
      ConceptNotesService.allow(access, 'submit');
      if (note.scope !== 'regional' && note.scope !== 'global') {
        throw ConceptNoteErrors.wrongRoute(
          'National and multi-country notes are submitted by the endorsement of the last country',
        );
      }
      ConceptNoteRevisions.requireAnswers(note);
      const working = await this.content.read(manager, note);
      // A sign-off counts for the content it saw, and after a revision request only if it came later.
      const signedAfterRequest =
        !note.revisionRequestedAt ||
        (note.signedOffAt !== null && note.signedOffAt > note.revisionRequestedAt);
      if (note.signedOffHash !== contentHash(working) || !signedAfterRequest)
        throw ConceptNoteErrors.notSignedOff();
      const revision = await this.revisions.freeze(manager, actor, note);
      const outbox = await this.submit(manager, actor, note, revision);
      // The RCs (and acting RCs) and RC office of the listed countries are told, and see the note from now on.
      await coverCountries(manager, note, this.clock.now());
      const officials = await this.mail.countryOfficials(manager, note.countryCodes);
      return [
        ...outbox,
        ...(await this.mail.send(
          manager,
          note,
          officials,
          'regional_note_submitted',
          `submitted-${revision.number}`,
          { conveningOrganization: note.conveningOrganizationCode },
          { countries: note.countryCodes },
        )),
      ];
    });
  }

  async createDelegation(actor: Actor, dto: CreateDelegationDto): Promise<DelegationView> {
    if (dto.endsOn < dto.startsOn) throw EndorsementErrors.dateRange();
    const delegation = await this.dataSource.transaction(async (manager) => {
      const delegate = await manager.findOneBy(User, { id: dto.delegateId, active: true });
      if (!delegate || delegate.id === actor.id || !hasRole(delegate, 'resident_coordinator', 'rc_office')) {
        throw EndorsementErrors.delegateInvalid();
      }
      const delegation = await manager.save(
        manager.create(Delegation, {
          residentCoordinatorId: actor.id,
          delegateId: delegate.id,
          startsOn: dto.startsOn,
          endsOn: dto.endsOn,
          createdAt: this.clock.now(),
        }),
      );
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'delegation.created',
        entityType: 'delegation',
        entityId: delegation.id,
        after: {
          delegateId: delegate.id,
          startsOn: dto.startsOn,
          endsOn: dto.endsOn,
          countryCodes: actor.countryCodes,
        },
      });
      return delegation;
    });
    return (await this.delegationViews([delegation]))[0];
  }

  /** Latest first (by first day, then creation); an export holds every row the reader may see. */
  async listDelegations(actor: Actor, query: ExportablePageQuery): Promise<Page<DelegationView>> {
    const { skip, take } = query.format === 'json' ? skipTake(query) : { skip: 0, take: 10000 };
    const [rows, total] = await this.dataSource.getRepository(Delegation).findAndCount({
      where: hasRole(actor, 'secretariat')
        ? {}
        : [{ residentCoordinatorId: actor.id }, { delegateId: actor.id }],
      order: { startsOn: 'DESC', createdAt: 'DESC', id: 'ASC' },
      skip,
      take,
    });
    return { items: await this.delegationViews(rows), page: query.page, limit: query.limit, total };
  }

  async revokeDelegation(actor: Actor, delegationId: string): Promise<DelegationView> {
    const delegation = await this.dataSource.transaction(async (manager) => {
      const delegation = await manager.findOne(Delegation, {
        where: { id: delegationId, residentCoordinatorId: actor.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!delegation) throw EndorsementErrors.delegationNotFound();
      if (!delegation.revokedAt) {
        delegation.revokedAt = this.clock.now();
        await manager.save(delegation);
        await this.audit.record(manager, {
          actorId: actor.id,
          action: 'delegation.revoked',
          entityType: 'delegation',
          entityId: delegation.id,
          after: { revokedAt: delegation.revokedAt.toISOString() },
        });
      }
      return delegation;
    });
    return (await this.delegationViews([delegation]))[0];
  }

  /** Locks the note, runs the step, commits, then sends its e-mails and answers the note as it is now. */
  private async act(
    actor: Actor,
    noteId: string,
    step: (manager: EntityManager, access: NoteAccess) => Promise<string[]>,
  ): Promise<ConceptNoteView> {
    const { outbox, note } = await this.dataSource.transaction(async (manager) => {
      const access = await this.access.load(manager, actor, noteId, { lock: true });
      const outbox = await step(manager, access);
      return { outbox, note: access.note };
    });
    await this.notifications.dispatch(outbox);
    const fresh = await this.dataSource.manager.findOneByOrFail(ConceptNote, { id: note.id });
    return this.notes.view(this.dataSource.manager, fresh);
  }

  /** The note is submitted now: reference code (first time), status, time, and the e-mails. */
  private async submit(
    manager: EntityManager,
    actor: Actor,
    note: ConceptNote,
    revision: Revision,
  ): Promise<string[]> {
    const now = this.clock.now();
    const from = note.status;
    note.referenceCode ??= await this.nextReferenceCode(manager, now);
    note.status = 'submitted';
    note.submittedAt = now;
    // A resubmission after a revision request answers it: the request and its answers stay in the audit trail.
    const answered = ConceptNoteRevisions.closeRequest(note);
    await manager.save(note);
    // The earliest meeting whose cut-off this submission meets (or none yet).
    const target = await this.targeting.onSubmission(manager, note.id, now);
    note.targetMeetingId = target.meetingId;
    await this.audit.record(manager, {
      actorId: actor.id,
      action: 'concept_note.submitted',
      entityType: 'concept_note',
      entityId: note.id,
      before: { status: from },
      after: {
        status: 'submitted',
        referenceCode: note.referenceCode,
        revision: revision.number,
        submittedAt: now.toISOString(),
        targetMeetingId: target.meetingId,
        ...(answered ? { revisionRequest: answered } : {}),
      },
    });
    // The RCs of a regional or global note hear of it through their own notice (regional_note_submitted).
    const endorsed = note.scope === 'national' || note.scope === 'multi_country';
    const recipients = [
      ...(await this.mail.team(manager, note.id)),
      ...(endorsed ? await this.mail.countryOfficials(manager, note.countryCodes) : []),
    ];
    return this.mail.send(
      manager,
      note,
      recipients,
      'concept_note_submitted',
      `submitted-${revision.number}`,
      {
        submittedAt: now.toISOString(),
      },
    );
  }

  /** MIG-CN-<year>-<seq>: the counter row is locked by the upsert and rolls back with the transaction, so there are no gaps. */
  private async nextReferenceCode(manager: EntityManager, now: Date): Promise<string> {
    const year = now.getUTCFullYear();
    const [row] = await manager.query<{ last: number }[]>(
      `INSERT INTO reference_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1
       RETURNING last`,
      [year],
    );
    return `MIG-CN-${year}-${String(row.last).padStart(4, '0')}`;
  }

  private async currentRevision(manager: EntityManager, note: ConceptNote): Promise<Revision | null> {
    return note.currentRevision
      ? manager.findOneBy(Revision, { noteId: note.id, number: note.currentRevision })
      : null;
  }

  private async coveredCountries(manager: EntityManager, revisionId: string): Promise<string[]> {
    const rows = await manager.findBy(Endorsement, { revisionId, decision: 'endorsed' });
    return rows.filter((r) => r.withdrawnAt === null).map((r) => r.countryCode);
  }

  private async actingName(manager: EntityManager, actor: Actor, onBehalfOf: string | null): Promise<string> {
    if (!onBehalfOf) return actor.name;
    const rc = await manager.findOneBy(User, { id: onBehalfOf });
    return `${actor.name} for RC ${rc?.name ?? ''}`;
  }

  private async delegationViews(rows: Delegation[]): Promise<DelegationView[]> {
    const ids = [...new Set(rows.flatMap((r) => [r.residentCoordinatorId, r.delegateId]))];
    const users = ids.length ? await this.dataSource.getRepository(User).findBy({ id: In(ids) }) : [];
    const name = (id: string) => users.find((u) => u.id === id)?.name ?? '';
    return rows.map((r) => ({
      id: r.id,
      residentCoordinatorId: r.residentCoordinatorId,
      residentCoordinatorName: name(r.residentCoordinatorId),
      delegateId: r.delegateId,
      delegateName: name(r.delegateId),
      startsOn: r.startsOn,
      endsOn: r.endsOn,
      createdAt: r.createdAt.toISOString(),
      revokedAt: r.revokedAt?.toISOString() ?? null,
    }));
  }
}
