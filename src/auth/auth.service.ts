import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash, verify } from 'argon2';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../config/config';
import type { Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { UserView } from '../users/dto/user.dto';
import { Invitation } from '../users/invitation.entity';
import { hashInvitationToken } from '../users/invitations';
import { User } from '../users/user.entity';
import { ARGON2_OPTIONS } from '../users/users.service';
import { AuthErrors } from './auth.errors';
import type { AcceptInvitationDto, LoginDto, TokenView } from './dto/auth.dto';
import { RateLimitService } from '../common/rate-limit.service';
import { DASHBOARD_TTL_SECONDS, JWT_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from './tokens';

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
  async acceptInvitation(dto: AcceptInvitationDto, ip: string): Promise<TokenView> {
    await this.limits.consume('invitationAccept', ip);
    const passwordHash = await hash(dto.password, ARGON2_OPTIONS);
    const user = await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const claimed = await manager
        .createQueryBuilder()
        .update(Invitation)
        .set({ acceptedAt: now })
        .where(
          'token_hash = :tokenHash AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > :now',
          {
            tokenHash: hashInvitationToken(dto.token),
            now,
          },
        )
        .returning(['id', 'userId'])
        .execute();
      const invitation = (claimed.raw as { id: string; user_id: string }[])[0];
      if (!invitation) throw AuthErrors.invitationInvalid();
      const user = await manager.findOneBy(User, { id: invitation.user_id, active: true });
      if (!user) throw AuthErrors.invitationInvalid();
      await manager.update(User, { id: user.id }, { passwordHash, lastSignInAt: now });
      await this.audit.record(manager, {
        actorId: user.id,
        action: 'invitation.accepted',
        entityType: 'user',
        entityId: user.id,
        after: { invitationId: invitation.id },
      });
      return user;
    });
    return this.issue({ ...user, passwordHash });
  }

  /** A short-lived token for the queue dashboard, to be carried in an HttpOnly cookie. */
  async dashboardToken(actor: Actor): Promise<{ token: string; expiresAt: Date }> {
    const token = await this.jwt.signAsync(
      { sub: actor.id },
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

  private async issue(user: User): Promise<TokenView> {
    const accessToken = await this.jwt.signAsync(
      { sub: user.id },
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
