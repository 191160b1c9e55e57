import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash, verify } from 'argon2';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../config/config';
import type { Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { UserView } from '../users/dto/user.dto';
import { Invitation } from '../users/invitation.entity';
import { hashOneTimeToken, newOneTimeToken } from './one-time-token';
import { NotificationsService } from '../notifications/notifications.service';
import { PasswordReset } from './password-reset.entity';
import { User } from '../users/user.entity';
import { ARGON2_OPTIONS } from '../users/users.service';
import { AuthErrors } from './auth.errors';
import type { DomainError } from '../common/errors';
import type {
  AcceptInvitationDto,
  ChangePasswordDto,
  LoginDto,
  PasswordResetRequestedView,
  RequestPasswordResetDto,
  ResetPasswordDto,
  TokenView,
} from './dto/auth.dto';
import { RateLimitService } from '../common/rate-limit.service';
import {
  DASHBOARD_TTL_SECONDS,
  JWT_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  type AccessClaims,
} from './tokens';

@Injectable()
export class AuthService {
  /** Verified against when the e-mail is unknown, so a miss costs as much time as a wrong password. */
  private readonly decoyHash: Promise<string>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly limits: RateLimitService,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
  ) {
    this.decoyHash = hash('decoy password that matches nothing', ARGON2_OPTIONS);
  }

  async login(dto: LoginDto, ip: string): Promise<TokenView> {
    await this.limits.consume('signInIp', ip);
    await this.limits.check('signInFailures', dto.email);
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = :email', { email: dto.email })
      .getOne();
    const valid = await verify(user?.passwordHash ?? (await this.decoyHash), dto.password).catch(() => false);
    if (!user || !user.passwordHash || !valid || !user.active) {
      await this.audit.security('sign_in_failed', {
        userId: user?.id,
        email: dto.email,
        detail: !user ? 'unknown e-mail' : !user.active ? 'deactivated account' : 'wrong password',
      });
      await this.limits.consume('signInFailures', dto.email);
      throw user && valid && !user.active ? AuthErrors.accountInactive() : AuthErrors.badCredentials();
    }
    await this.limits.reset('signInFailures', dto.email);
    await this.dataSource.getRepository(User).update({ id: user.id }, { lastSignInAt: this.clock.now() });
    return this.issue(user);
  }

  /** Sets the password from a one-time invitation token and signs the user in. */
  acceptInvitation(dto: AcceptInvitationDto, ip: string): Promise<TokenView> {
    return this.passwordFromLink(dto, ip, {
      entity: Invitation,
      used: 'acceptedAt',
      unused: 'accepted_at IS NULL AND revoked_at IS NULL',
      invalid: AuthErrors.invitationInvalid,
      action: 'invitation.accepted',
      idKey: 'invitationId',
    });
  }

  /**
   * "Forgot my password": e-mails an active account a one-time link (PASSWORD_RESET_TTL) in its
   * language; a newer link voids the older ones. The answer is the same whether or not the
   * address has an account, so it tells nobody which addresses exist.
   */
  async requestPasswordReset(dto: RequestPasswordResetDto, ip: string): Promise<PasswordResetRequestedView> {
    await this.limits.consume('passwordResetIp', ip);
    await this.limits.consume('passwordResetEmail', dto.email);
    const { token, hash: tokenHash } = newOneTimeToken();
    const outbox = await this.dataSource.transaction(async (manager) => {
      const user = await manager
        .createQueryBuilder(User, 'u')
        .where('lower(u.email) = :email AND u.active', { email: dto.email })
        .setLock('pessimistic_write')
        .getOne();
      if (!user) {
        await this.audit.security('password_reset_refused', {
          email: dto.email,
          detail: 'no active account with this e-mail',
        });
        return [];
      }
      const now = this.clock.now();
      await manager
        .createQueryBuilder()
        .update(PasswordReset)
        .set({ usedAt: now })
        .where('user_id = :userId AND used_at IS NULL', { userId: user.id })
        .execute();
      const reset = await manager.save(
        manager.create(PasswordReset, {
          userId: user.id,
          tokenHash,
          expiresAt: new Date(now.getTime() + this.config.passwordResetTtl.as('milliseconds')),
        }),
      );
      await this.audit.record(manager, {
        actorId: user.id,
        action: 'password_reset.requested',
        entityType: 'user',
        entityId: user.id,
        after: { passwordResetId: reset.id, expiresAt: reset.expiresAt.toISOString() },
      });
      return this.notifications.record(manager, [
        {
          to: { email: user.email, userId: user.id, locale: user.locale, timeZone: user.timeZone },
          template: 'password_reset',
          payload: {
            name: user.name,
            expiresAt: reset.expiresAt.toISOString(),
            secret: { resetUrl: `${this.config.publicUrl}/reset-password?token=${token}` },
          },
          dedupeKey: `password_reset:${reset.id}`,
          subject: { type: 'user', id: user.id },
        },
      ]);
    });
    await this.notifications.dispatch(outbox);
    return {
      message: 'If an active account uses this address, a link to choose a new password is on its way',
    };
  }

  /** Sets a new password from a one-time reset link and signs the user in. */
  resetPassword(dto: ResetPasswordDto, ip: string): Promise<TokenView> {
    return this.passwordFromLink(dto, ip, {
      entity: PasswordReset,
      used: 'usedAt',
      unused: 'used_at IS NULL',
      invalid: AuthErrors.passwordResetInvalid,
      action: 'password_reset.completed',
      idKey: 'passwordResetId',
    });
  }

  /**
   * Spends a one-time link (an invitation or a password reset: only the SHA-256 of its token is
   * stored) with one conditional update, so it works once however many requests race for it; sets
   * the password, which ends every earlier session, and signs the user in.
   */
  private async passwordFromLink(
    dto: { token: string; password: string },
    ip: string,
    link: {
      entity: typeof Invitation | typeof PasswordReset;
      used: 'acceptedAt' | 'usedAt';
      unused: string;
      invalid: () => DomainError;
      action: 'invitation.accepted' | 'password_reset.completed';
      idKey: string;
    },
  ): Promise<TokenView> {
    await this.limits.consume('invitationAccept', ip);
    const passwordHash = await hash(dto.password, ARGON2_OPTIONS);
    const user = await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const claimed = await manager
        .createQueryBuilder()
        .update(link.entity)
        .set({ [link.used]: now })
        .where(`token_hash = :tokenHash AND ${link.unused} AND expires_at > :now`, {
          tokenHash: hashOneTimeToken(dto.token),
          now,
        })
        .returning(['id', 'userId'])
        .execute();
      const spent = (claimed.raw as { id: string; user_id: string }[])[0];
      if (!spent) throw link.invalid();
      const user = await manager.findOneBy(User, { id: spent.user_id, active: true });
      if (!user) throw link.invalid();
      user.sessionEpoch = await this.setPassword(manager, user.id, passwordHash, now);
      await this.audit.record(manager, {
        actorId: user.id,
        action: link.action,
        entityType: 'user',
        entityId: user.id,
        after: { [link.idKey]: spent.id },
      });
      return user;
    });
    await this.limits.reset('signInFailures', user.email);
    return this.issue({ ...user, passwordHash });
  }

  /**
   * A signed-in user changes their password, giving the current one. Every other session ends; the
   * answer carries a new token for this one.
   */
  async changePassword(actor: Actor, dto: ChangePasswordDto): Promise<TokenView> {
    await this.limits.check('signInFailures', actor.email);
    const current = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id: actor.id })
      .getOneOrFail();
    const valid =
      current.passwordHash !== null &&
      (await verify(current.passwordHash, dto.currentPassword).catch(() => false));
    if (!valid) {
      await this.audit.security('sign_in_failed', {
        userId: actor.id,
        email: actor.email,
        detail: 'wrong current password on a password change',
      });
      await this.limits.consume('signInFailures', actor.email);
      throw AuthErrors.currentPasswordWrong();
    }
    const passwordHash = await hash(dto.newPassword, ARGON2_OPTIONS);
    const user = await this.dataSource.transaction(async (manager) => {
      current.sessionEpoch = await this.setPassword(manager, actor.id, passwordHash, this.clock.now());
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'user.password_changed',
        entityType: 'user',
        entityId: actor.id,
      });
      return current;
    });
    return this.issue({ ...user, passwordHash });
  }

  /**
   * A fresh access token for a session still valid (the guard checked the one sent: signature,
   * expiry, epoch, active user), keeping the time of the sign-in: a session is refreshed for at
   * most SESSION_MAX_AGE after it began, then its user signs in again.
   */
  async refresh(actor: Actor, token: string): Promise<TokenView> {
    const claims = this.jwt.decode<AccessClaims>(token);
    const authTime = claims.auth_time ?? claims.iat;
    const age = this.clock.now().getTime() / 1000 - authTime;
    if (age > this.config.jwt.sessionMaxAgeSeconds) throw AuthErrors.sessionTooOld();
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: actor.id });
    return this.issue(user, authTime);
  }

  /** Stores a new password hash and moves the session epoch on; answers the new epoch. */
  private async setPassword(
    manager: EntityManager,
    userId: string,
    passwordHash: string,
    now: Date,
  ): Promise<number> {
    const updated = await manager
      .createQueryBuilder()
      .update(User)
      .set({ passwordHash, lastSignInAt: now, sessionEpoch: () => 'session_epoch + 1' })
      .where('id = :userId', { userId })
      .returning(['sessionEpoch'])
      .execute();
    return (updated.raw as { session_epoch: number }[])[0].session_epoch;
  }

  /** A short-lived token for the queue dashboard, to be carried in an HttpOnly cookie. */
  async dashboardToken(actor: Actor): Promise<{ token: string; expiresAt: Date }> {
    const { sessionEpoch } = await this.dataSource.getRepository(User).findOneByOrFail({ id: actor.id });
    const token = await this.jwt.signAsync(
      { sub: actor.id, ver: sessionEpoch },
      {
        audience: TOKEN_AUDIENCE.dashboard,
        issuer: TOKEN_ISSUER,
        expiresIn: DASHBOARD_TTL_SECONDS,
        algorithm: JWT_ALGORITHM,
      },
    );
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, {
        actorId: actor.id,
        action: 'dashboard.session_opened',
        entityType: 'user',
        entityId: actor.id,
      }),
    );
    return { token, expiresAt: new Date(this.clock.now().getTime() + DASHBOARD_TTL_SECONDS * 1000) };
  }

  /** A new access token; `authTime` (seconds) is when the user signed in, now unless refreshing. */
  private async issue(
    user: User,
    authTime = Math.floor(this.clock.now().getTime() / 1000),
  ): Promise<TokenView> {
    const accessToken = await this.jwt.signAsync(
      { sub: user.id, ver: user.sessionEpoch, auth_time: authTime },
      {
        audience: TOKEN_AUDIENCE.api,
        issuer: TOKEN_ISSUER,
        expiresIn: this.config.jwt.ttlSeconds,
        algorithm: JWT_ALGORITHM,
      },
    );
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.jwt.ttlSeconds,
      user: UserView.from(user),
    };
  }
}
