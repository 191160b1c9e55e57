import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { AuthErrors } from '../../auth/auth.errors';
import { JWT_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER, type AccessClaims } from '../../auth/tokens';
import { User } from '../../users/user.entity';
import { CommonErrors } from '../errors';
import { redactUrl } from '../redact';
import { IS_PUBLIC, ROLES_KEY, type AuthenticatedRequest } from './decorators';
import type { Actor, Role } from './roles';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toActor(user: User): Actor {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    organizationCode: user.organizationCode,
    countryCodes: user.countryCodes,
    thematicAreaCodes: user.thematicAreaCodes,
    locale: user.locale,
    timeZone: user.timeZone,
  };
}

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(); @Roles() narrows
 * it to roles. The user is re-read on every request, so deactivation takes effect at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const actor = await this.authenticate(request, request.headers.authorization);
    request.actor = actor;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.some((role) => actor.roles.includes(role))) {
      await this.audit.security('access_denied', {
        userId: actor.id,
        email: actor.email,
        method: request.method,
        path: redactUrl(request.url),
        detail: `needs one of ${roles.join(', ')}`,
      });
      throw CommonErrors.forbidden();
    }
    return true;
  }

  /** Verifies a bearer token (or a token of another audience, such as the dashboard cookie's). */
  async authenticate(
    request: AuthenticatedRequest,
    header: string | undefined,
    audience: string = TOKEN_AUDIENCE.api,
  ): Promise<Actor> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw CommonErrors.unauthenticated();
    return this.verify(request, match[1], audience);
  }

  async verify(request: AuthenticatedRequest, token: string, audience: string): Promise<Actor> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, {
        algorithms: [JWT_ALGORITHM],
        audience,
        issuer: TOKEN_ISSUER,
      });
      // jsonwebtoken accepts a token without `exp` as never expiring; every token we sign has one.
      if (typeof claims.exp !== 'number') throw new Error('jwt has no expiry (exp)');
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      await this.audit.security('token_rejected', {
        method: request.method,
        path: redactUrl(request.url),
        detail: expired ? 'expired' : (error as Error).message,
      });
      throw expired ? AuthErrors.tokenExpired() : AuthErrors.tokenInvalid();
    }
    const user = UUID.test(String(claims.sub))
      ? await this.dataSource.getRepository(User).findOneBy({ id: claims.sub })
      : null;
    if (!user || !user.active) {
      await this.audit.security('token_rejected', {
        userId: claims.sub,
        method: request.method,
        path: redactUrl(request.url),
        detail: 'deactivated or deleted user',
      });
      throw AuthErrors.accountInactive();
    }
    if ((claims.ver ?? 0) !== user.sessionEpoch) {
      await this.audit.security('token_rejected', {
        userId: user.id,
        method: request.method,
        path: redactUrl(request.url),
        detail: 'signed in before the password changed',
      });
      throw AuthErrors.sessionEnded();
    }
    return toActor(user);
  }
}
