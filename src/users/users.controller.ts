import { Body, Controller, Get, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { sendExport } from '../common/export';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { UuidParam } from '../common/params';
import {
  CreatedUserView,
  CreateUserDto,
  ListUsersQuery,
  UpdateMeDto,
  UpdateUserDto,
  UserPage,
  UserView,
} from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOkResponse({ type: UserView })
  me(@CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.get(actor.id);
  }

  @Patch('me')
  @ApiOkResponse({ type: UserView })
  updateMe(@CurrentActor() actor: Actor, @Body() dto: UpdateMeDto): Promise<UserView> {
    return this.users.updateMe(actor, dto);
  }

  @Post('users')
  @Roles('admin', 'secretariat')
  @Idempotent()
  @ApiCreatedResponse({ type: CreatedUserView, description: 'User created and invitation e-mailed' })
  invite(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<CreatedUserView> {
    return this.users.invite(actor, dto);
  }

  @Get('users')
  @Roles('admin', 'secretariat')
  @ApiOkResponse({ type: UserPage, description: '`?format=csv|xlsx` exports the list' })
  async list(@Query() query: ListUsersQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.users.list(query);
    if (query.format === 'json') return page;
    return sendExport(reply, query.format, 'users', USER_COLUMNS, page.items);
  }

  @Get('users/:id')
  @Roles('admin', 'secretariat')
  @ApiOkResponse({ type: UserView })
  get(@UuidParam('id') id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Patch('users/:id')
  @Roles('admin', 'secretariat')
  @ApiOkResponse({ type: UserView })
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserView> {
    return this.users.update(actor, id, dto);
  }

  @Post('users/:id/invitations')
  @Roles('admin', 'secretariat')
  @ApiCreatedResponse({ type: CreatedUserView, description: 'A new invitation; earlier links stop working' })
  reinvite(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<CreatedUserView> {
    return this.users.reinvite(actor, id);
  }
}

const USER_COLUMNS = [
  { header: 'Name', value: (u: UserView) => u.name },
  { header: 'E-mail', value: (u: UserView) => u.email },
  { header: 'Roles', value: (u: UserView) => u.roles.join(' ') },
  { header: 'Organization', value: (u: UserView) => u.organizationCode },
  { header: 'Countries', value: (u: UserView) => u.countryCodes.join(' ') },
  { header: 'Thematic areas', value: (u: UserView) => u.thematicAreaCodes.join(' ') },
  { header: 'Language', value: (u: UserView) => u.locale },
  { header: 'Time zone', value: (u: UserView) => u.timeZone },
  { header: 'Active', value: (u: UserView) => u.active },
  { header: 'Activated', value: (u: UserView) => u.activated },
];
