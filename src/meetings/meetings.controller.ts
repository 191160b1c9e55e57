import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { sendExport } from '../common/export';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { UuidParam } from '../common/params';
import {
  AgendaItemView,
  AgendaView,
  CancelMeetingDto,
  CreateMeetingDto,
  LateExceptionDto,
  ListMeetingsQuery,
  MeetingPage,
  MeetingView,
  UpdateAgendaItemDto,
  UpdateMeetingDto,
} from './dto/meeting.dto';
import { MeetingsService } from './meetings.service';

@ApiTags('meetings')
@ApiBearerAuth()
@Controller('meetings')
export class MeetingsController {
  constructor(private readonly meetings: MeetingsService) {}

  @Post()
  @Roles('secretariat')
  @Idempotent()
  @ApiCreatedResponse({
    type: MeetingView,
    description: 'startsAt and cutoffAt are derived in the meeting’s time zone',
  })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateMeetingDto): Promise<MeetingView> {
    return this.meetings.create(actor, dto);
  }

  @Get()
  @ApiOkResponse({ type: MeetingPage, description: '`?format=csv|xlsx` exports the list' })
  async list(@Query() query: ListMeetingsQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.meetings.list(query);
    if (query.format === 'json') return page;
    return sendExport(reply, query.format, 'meetings', MEETING_COLUMNS, page.items);
  }

  @Get(':id')
  @ApiOkResponse({ type: MeetingView })
  get(@UuidParam('id') id: string): Promise<MeetingView> {
    return this.meetings.get(id);
  }

  @Patch(':id')
  @Roles('secretariat')
  @ApiOkResponse({
    type: MeetingView,
    description: 'Reschedule (re-targets notes before the cut-off) or edit',
  })
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: UpdateMeetingDto,
  ): Promise<MeetingView> {
    return this.meetings.update(actor, id, dto);
  }

  @Post(':id/cancel')
  @Roles('secretariat')
  @HttpCode(200)
  @ApiOkResponse({ type: MeetingView })
  cancel(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: CancelMeetingDto,
  ): Promise<MeetingView> {
    return this.meetings.cancel(actor, id, dto);
  }

  @Post(':id/held')
  @Roles('secretariat')
  @HttpCode(200)
  @ApiOkResponse({ type: MeetingView })
  held(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<MeetingView> {
    return this.meetings.markHeld(actor, id);
  }

  @Delete(':id/held')
  @Roles('secretariat')
  @ApiOkResponse({ type: MeetingView, description: 'Undo: back to agenda_closed' })
  undoHeld(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<MeetingView> {
    return this.meetings.undoHeld(actor, id);
  }

  @Get(':id/agenda')
  @ApiOkResponse({ type: AgendaView, description: 'Secretariat and committee: all items; teams: their own' })
  agenda(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<AgendaView> {
    return this.meetings.agenda(actor, id);
  }

  @Post(':id/agenda')
  @Roles('secretariat')
  @ApiCreatedResponse({
    type: AgendaItemView,
    description: 'A late exception: a note added after the cut-off, with a reason',
  })
  addLateException(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: LateExceptionDto,
  ): Promise<AgendaItemView> {
    return this.meetings.addLateException(actor, id, dto);
  }

  @Patch(':id/agenda/:itemId')
  @Roles('secretariat')
  @ApiOkResponse({ type: AgendaItemView })
  updateItem(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @UuidParam('itemId') itemId: string,
    @Body() dto: UpdateAgendaItemDto,
  ): Promise<AgendaItemView> {
    return this.meetings.updateItem(actor, id, itemId, dto);
  }
}

const MEETING_COLUMNS = [
  { header: 'Title', value: (m: MeetingView) => m.title },
  { header: 'Kind', value: (m: MeetingView) => m.kind },
  { header: 'Starts (local)', value: (m: MeetingView) => m.startsLocal },
  { header: 'Time zone', value: (m: MeetingView) => m.timeZone },
  { header: 'Starts (UTC)', value: (m: MeetingView) => m.startsAt },
  { header: 'Cut-off (UTC)', value: (m: MeetingView) => m.cutoffAt },
  { header: 'Status', value: (m: MeetingView) => m.status },
  { header: 'Notes', value: (m: MeetingView) => m.noteCount },
  { header: 'Envelope (USD)', value: (m: MeetingView) => m.envelopeUsd },
];
