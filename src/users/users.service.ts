import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash } from 'argon2';
import { DataSource, EntityManager, In, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { hasRole, type Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { CommonErrors } from '../common/errors';
import { FINAL_STATUSES } from '../concept-notes/concept-note.state';
import { RateLimitService } from '../common/rate-limit.service';
import { skipTake, type Page } from '../common/pagination';
import { NotificationsService, escapeLike } from '../notifications/notifications.service';
import { Country, Organization, ThematicArea } from '../reference-data/reference.entity';
import {
  CreatedUserView,
  CreateUserDto,
  ListUsersQuery,
  UpdateMeDto,
  UpdateUserDto,
  UserView,
} from './dto/user.dto';
import { Invitation } from './invitation.entity';
import { newOneTimeToken } from '../auth/one-time-token';
import { missingScope, type UserScope } from './user-scope.rules';
import { User } from './user.entity';
import { UserErrors } from './users.errors';

export const ARGON2_OPTIONS = { type: 2 as const, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Loads a user with the password hash (to tell whether they have activated), locked for update in a transaction. */
async function lockUser(manager: EntityManager, id: string, lock = true): Promise<User> {
  const query = manager.createQueryBuilder(User, 'u').addSelect('u.passwordHash').where('u.id = :id', { id });
  const user = await (lock ? query.setLock('pessimistic_write') : query).getOne();
  if (!user) throw UserErrors.notFound();
  return user;
}

/** The fields the audit trail records of a user (never the password hash). */
function auditView(user: User) {
  const { passwordHash: _omit, organization: _org, ...rest } = user as User & { passwordHash?: unknown };
  return rest;
}

/** The unique index on lower(email) refused a row. */
function isEmailIndexViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { constraint?: string }).constraint === 'uq_users_email'
  );
}

/** Refuses roles given without the scope they need (DESIGN §1), naming each missing field. */
function checkScope(roles: User['roles'], scope: UserScope): void {
  const missing = missingScope(roles, scope);
  if (missing.length > 0) throw CommonErrors.validation(missing);
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly limits: RateLimitService,
  ) {}

  /** Creates the first administrator from BOOTSTRAP_ADMIN_* when there is no user at all. */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin) return;
    const passwordHash = await hash(admin.password, ARGON2_OPTIONS);
    const created = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['bootstrap-admin']);
      if ((await manager.count(User)) > 0) return null;
      const user = await manager.save(
        manager.create(User, { email: admin.email, name: 'Administrator', roles: ['admin'], passwordHash }),
      );
      await this.audit.record(manager, {
        actorId: null,
        action: 'user.bootstrapped',
        entityType: 'user',
        entityId: user.id,
        after: auditView(user),
      });
      return user;
    });
    if (created) this.logger.log(`Created the first administrator ${admin.email}`);
  }

  async invite(actor: Actor, dto: CreateUserDto): Promise<CreatedUserView> {
    if (dto.roles.includes('admin') && !hasRole(actor, 'admin')) throw UserErrors.adminOnly();
    checkScope(dto.roles, {
      organizationCode: dto.organizationCode ?? null,
      countryCodes: dto.countryCodes ?? [],
      thematicAreaCodes: dto.thematicAreaCodes ?? [],
    });
    await this.limits.consume('invitationSend', actor.id);
    const { token, hash: tokenHash } = newOneTimeToken();
    const { user, invitation, outbox } = await this.dataSource.transaction(async (manager) => {
      await this.checkReferences(manager, dto);
      const taken = await manager
        .createQueryBuilder(User, 'u')
        .where('lower(u.email) = :email', { email: dto.email })
        .getExists();
      if (taken) throw UserErrors.emailTaken(dto.email);
      const user = await manager
        .save(
          manager.create(User, {
            email: dto.email,
            name: dto.name,
            roles: dto.roles,
            organizationCode: dto.organizationCode ?? null,
            countryCodes: dto.countryCodes ?? [],
            thematicAreaCodes: dto.thematicAreaCodes ?? [],
            locale: dto.locale ?? 'en',
            timeZone: dto.timeZone ?? 'UTC',
          }),
        )
        .catch((error: unknown) => {
          // A concurrent invitation of the same address got past the check above first.
          throw isEmailIndexViolation(error) ? UserErrors.emailTaken(dto.email) : error;
        });
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'user.invited',
        entityType: 'user',
        entityId: user.id,
        after: auditView(user),
      });
      const { invitation, outbox } = await this.issueInvitation(manager, actor, user, token, tokenHash);
      return { user, invitation, outbox };
    });
    await this.notifications.dispatch(outbox);
    return {
      ...UserView.from(user, false),
      invitation: { invitationId: invitation.id, expiresAt: invitation.expiresAt.toISOString() },
    };
  }

  /** Sends a new invitation to a user who has not set a password yet; earlier links stop working. */
  async reinvite(actor: Actor, userId: string): Promise<CreatedUserView> {
    await this.limits.consume('invitationSend', actor.id);
    const { token, hash: tokenHash } = newOneTimeToken();
    const { user, invitation, outbox } = await this.dataSource.transaction(async (manager) => {
      const user = await lockUser(manager, userId);
      if (user.passwordHash) throw UserErrors.alreadyActivated();
      if (user.roles.includes('admin') && !hasRole(actor, 'admin')) throw UserErrors.adminOnly();
      const { invitation, outbox } = await this.issueInvitation(manager, actor, user, token, tokenHash);
      return { user, invitation, outbox };
    });
    await this.notifications.dispatch(outbox);
    return {
      ...UserView.from(user, false),
      invitation: { invitationId: invitation.id, expiresAt: invitation.expiresAt.toISOString() },
    };
  }

  async list(query: ListUsersQuery): Promise<Page<UserView>> {
    const qb = this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .orderBy('u.name', 'ASC')
      .addOrderBy('u.id', 'ASC');
    if (query.role) qb.andWhere(':role = ANY(u.roles)', { role: query.role });
    if (query.active) qb.andWhere('u.active = :active', { active: query.active === 'true' });
    if (query.q) {
      qb.andWhere('(u.name ILIKE :q OR u.email ILIKE :q)', { q: `%${escapeLike(query.q)}%` });
    }
    const { skip, take } = query.format === 'json' ? skipTake(query) : { skip: 0, take: 10000 };
    const [users, total] = await qb.skip(skip).take(take).getManyAndCount();
    return { items: users.map((u) => UserView.from(u)), page: query.page, limit: query.limit, total };
  }

  async get(userId: string): Promise<UserView> {
    return UserView.from(await lockUser(this.dataSource.manager, userId, false));
  }

  async update(actor: Actor, userId: string, dto: UpdateUserDto): Promise<UserView> {
    const user = await this.dataSource.transaction(async (manager) => {
      const user = await lockUser(manager, userId);
      const touchesAdmin = user.roles.includes('admin') || (dto.roles ?? []).includes('admin');
      if (touchesAdmin && !hasRole(actor, 'admin')) throw UserErrors.adminOnly();
      if (dto.active === false && user.id === actor.id) throw UserErrors.cannotDeactivateSelf();
      if (dto.active === false && user.active) {
        const openWork = await this.openWork(manager, user.id);
        if (openWork.length > 0) throw UserErrors.hasOpenWork(openWork);
      }
      const roles = dto.roles ?? user.roles;
      const scope: UserScope = {
        organizationCode: dto.organizationCode === undefined ? user.organizationCode : dto.organizationCode,
        countryCodes: dto.countryCodes ?? user.countryCodes,
        thematicAreaCodes: dto.thematicAreaCodes ?? user.thematicAreaCodes,
      };
      // Checked when the edit touches roles or scope, on the result: granting a role without its
      // scope and removing the scope a held role needs are refused alike. An edit of anything else
      // (a name, deactivation) does not trip over a user recorded before the rule existed.
      const touchesScope =
        dto.roles !== undefined ||
        dto.organizationCode !== undefined ||
        dto.countryCodes !== undefined ||
        dto.thematicAreaCodes !== undefined;
      if (touchesScope) checkScope(roles, scope);
      await this.checkReferences(manager, dto);
      const before = auditView(user);
      const wasActive = user.active;
      Object.assign(user, {
        name: dto.name ?? user.name,
        roles,
        organizationCode: scope.organizationCode,
        countryCodes: [...scope.countryCodes],
        thematicAreaCodes: [...scope.thematicAreaCodes],
        locale: dto.locale ?? user.locale,
        timeZone: dto.timeZone ?? user.timeZone,
        active: dto.active ?? user.active,
      });
      if (wasActive && !user.active) user.deactivatedAt = this.clock.now();
      if (!wasActive && user.active) user.deactivatedAt = null;
      const saved = await manager.save(user);
      const action =
        wasActive && !saved.active
          ? 'user.deactivated'
          : !wasActive && saved.active
            ? 'user.reactivated'
            : 'user.updated';
      await this.audit.record(manager, {
        actorId: actor.id,
        action,
        entityType: 'user',
        entityId: saved.id,
        before,
        after: auditView(saved),
      });
      return saved;
    });
    return UserView.from(user);
  }

  async updateMe(actor: Actor, dto: UpdateMeDto): Promise<UserView> {
    const user = await this.dataSource.transaction(async (manager) => {
      const user = await lockUser(manager, actor.id);
      const before = auditView(user);
      user.name = dto.name ?? user.name;
      user.locale = dto.locale ?? user.locale;
      user.timeZone = dto.timeZone ?? user.timeZone;
      const saved = await manager.save(user);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'user.profile_updated',
        entityType: 'user',
        entityId: user.id,
        before,
        after: auditView(saved),
      });
      return saved;
    });
    return UserView.from(user);
  }

  /**
   * What a user still carries and must hand over before deactivation: the open notes they lead (a
   * note is open until it reaches a final status), and the reviews assigned to them on notes in review.
   */
  private async openWork(
    manager: EntityManager,
    userId: string,
  ): Promise<{ kind: string; id: string; title: string }[]> {
    const notes = await manager.query<{ id: string; title: string }[]>(
      `SELECT id, title FROM concept_notes
        WHERE lead_user_id = $1 AND status <> ALL($2)
        ORDER BY created_at`,
      [userId, FINAL_STATUSES],
    );
    // Reviews still to do on notes in review; the secretariat reassigns them (or closes the reviews).
    const reviews = await manager.query<{ id: string; title: string }[]>(
      `SELECT a.id, n.title FROM review_assignments a JOIN concept_notes n ON n.id = a.note_id
        WHERE a.reviewer_id = $1 AND a.status = 'assigned' AND n.status = 'in_review'
        ORDER BY a.due_at, a.id`,
      [userId],
    );
    return [
      ...notes.map((n) => ({ kind: 'concept_note_lead', id: n.id, title: n.title })),
      ...reviews.map((r) => ({ kind: 'review_assignment', id: r.id, title: r.title })),
    ];
  }

  private async issueInvitation(
    manager: EntityManager,
    actor: Actor,
    user: User,
    token: string,
    tokenHash: string,
  ): Promise<{ invitation: Invitation; outbox: string[] }> {
    const now = this.clock.now();
    await manager
      .createQueryBuilder()
      .update(Invitation)
      .set({ revokedAt: now })
      .where('user_id = :userId AND accepted_at IS NULL AND revoked_at IS NULL', { userId: user.id })
      .execute();
    const invitation = await manager.save(
      manager.create(Invitation, {
        userId: user.id,
        tokenHash,
        expiresAt: new Date(now.getTime() + this.config.invitationTtl.as('milliseconds')),
        createdById: actor.id,
      }),
    );
    await this.audit.record(manager, {
      actorId: actor.id,
      action: 'invitation.sent',
      entityType: 'user',
      entityId: user.id,
      after: { invitationId: invitation.id, expiresAt: invitation.expiresAt.toISOString() },
    });
    const outbox = await this.notifications.record(manager, [
      {
        to: { email: user.email, userId: user.id, locale: user.locale, timeZone: user.timeZone },
        template: 'invitation',
        payload: {
          name: user.name,
          invitedBy: actor.name,
          roles: user.roles,
          expiresAt: invitation.expiresAt.toISOString(),
          secret: { acceptUrl: `${this.config.publicUrl}/accept-invitation?token=${token}` },
        },
        dedupeKey: `invitation:${invitation.id}`,
        subject: { type: 'user', id: user.id },
      },
    ]);
    return { invitation, outbox };
  }

  private async checkReferences(
    manager: EntityManager,
    dto: { organizationCode?: string | null; countryCodes?: string[]; thematicAreaCodes?: string[] },
  ): Promise<void> {
    if (dto.organizationCode) {
      const exists = await manager.existsBy(Organization, { code: dto.organizationCode });
      if (!exists)
        throw UserErrors.unknownReference(
          'organizationCode',
          `${dto.organizationCode} is not a known organization`,
        );
    }
    if (dto.countryCodes?.length) {
      const found = await manager.findBy(Country, { code: In(dto.countryCodes) });
      const missing = dto.countryCodes.filter((c) => !found.some((f) => f.code === c));
      if (missing.length)
        throw UserErrors.unknownReference('countryCodes', `unknown country codes: ${missing.join(', ')}`);
    }
    if (dto.thematicAreaCodes?.length) {
      const found = await manager.findBy(ThematicArea, { code: In(dto.thematicAreaCodes) });
      const missing = dto.thematicAreaCodes.filter((c) => !found.some((f) => f.code === c));
      if (missing.length)
        throw UserErrors.unknownReference(
          'thematicAreaCodes',
          `unknown thematic areas: ${missing.join(', ')}`,
        );
    }
  }
}
