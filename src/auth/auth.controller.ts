import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Public, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { AuthService } from './auth.service';
import {
  AcceptInvitationDto,
  ChangePasswordDto,
  DashboardSessionView,
  LoginDto,
  PasswordResetRequestedView,
  RequestPasswordResetDto,
  ResetPasswordDto,
  TokenView,
} from './dto/auth.dto';
import { DASHBOARD_COOKIE, DASHBOARD_PATH, DASHBOARD_TTL_SECONDS } from './tokens';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { Inject } from '@nestjs/common';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenView })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts from this address or for this account' })
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest): Promise<TokenView> {
    return this.auth.login(dto, request.ip);
  }

  @Post('invitations/accept')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenView, description: 'Password set; the user is signed in' })
  acceptInvitation(@Body() dto: AcceptInvitationDto, @Req() request: FastifyRequest): Promise<TokenView> {
    return this.auth.acceptInvitation(dto, request.ip);
  }

  @Post('password-reset')
  @Public()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: PasswordResetRequestedView,
    description: 'The same answer whether or not the address has an account',
  })
  @ApiTooManyRequestsResponse({ description: 'Too many requests from this address or for this e-mail' })
  requestPasswordReset(
    @Body() dto: RequestPasswordResetDto,
    @Req() request: FastifyRequest,
  ): Promise<PasswordResetRequestedView> {
    return this.auth.requestPasswordReset(dto, request.ip);
  }

  @Post('password-reset/confirm')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenView, description: 'Password changed; the user is signed in' })
  resetPassword(@Body() dto: ResetPasswordDto, @Req() request: FastifyRequest): Promise<TokenView> {
    return this.auth.resetPassword(dto, request.ip);
  }

  @Post('refresh')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOkResponse({
    type: TokenView,
    description:
      'A new token for the session of the one sent, which must still be valid; 401 AUTH.SESSION_TOO_OLD once SESSION_MAX_AGE has passed since the sign-in',
  })
  refresh(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<TokenView> {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    return this.auth.refresh(actor, token);
  }

  @Post('dashboard-session')
  @Roles('admin', 'secretariat')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOkResponse({
    type: DashboardSessionView,
    description: 'Sets a short-lived HttpOnly cookie for /admin/queues',
  })
  async dashboardSession(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DashboardSessionView> {
    const { token, expiresAt } = await this.auth.dashboardToken(actor);
    void reply.setCookie(DASHBOARD_COOKIE, token, {
      path: DASHBOARD_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.publicUrl.startsWith('https://'),
      maxAge: DASHBOARD_TTL_SECONDS,
    });
    return { url: DASHBOARD_PATH, expiresAt: expiresAt.toISOString() };
  }
}

@ApiTags('auth')
@Controller('me')
export class PasswordController {
  constructor(private readonly auth: AuthService) {}

  @Post('password')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOkResponse({
    type: TokenView,
    description: 'Password changed; every other session ends, and this token replaces the one sent',
  })
  changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto): Promise<TokenView> {
    return this.auth.changePassword(actor, dto);
  }
}
