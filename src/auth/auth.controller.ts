import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Public, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { AuthService } from './auth.service';
import { AcceptInvitationDto, DashboardSessionView, LoginDto, TokenView } from './dto/auth.dto';
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
