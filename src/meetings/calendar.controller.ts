import { Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Public } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { CalendarService } from './calendar.service';

class CalendarTokenView {
  token!: string;
  url!: string;
}

@ApiTags('meetings')
@Controller()
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get('calendar.ics')
  @Public()
  @Header('content-type', 'text/calendar; charset=utf-8')
  @Header('cache-control', 'private, max-age=300')
  @ApiProduces('text/calendar')
  @ApiQuery({ name: 'token', required: true, description: 'Your calendar token (POST /me/calendar-token)' })
  @ApiOkResponse({ description: 'Meetings and their cut-offs as iCalendar' })
  feed(@Query('token') token: string | undefined): Promise<string> {
    return this.calendar.feed(token);
  }

  @Post('me/calendar-token')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOkResponse({
    type: CalendarTokenView,
    description: 'A new calendar token; the previous one stops working',
  })
  rotate(@CurrentActor() actor: Actor): Promise<CalendarTokenView> {
    return this.calendar.rotate(actor);
  }
}
