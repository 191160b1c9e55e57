import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ConceptNotesModule } from '../concept-notes/concept-notes.module';
import { CalendarController } from './calendar.controller';
import { CalendarService } from './calendar.service';
import { CutoffService } from './cutoff.service';
import { MeetingsController } from './meetings.controller';
import { MEETINGS_QUEUE } from './meetings.queue';
import { MeetingScheduler } from './meetings.scheduler';
import { MeetingsService } from './meetings.service';
import { MeetingTargeting } from './targeting';

const providers = [MeetingsService, MeetingScheduler, MeetingTargeting, CutoffService, CalendarService];

/** Meetings for the API. The worker adds MeetingsProcessor on top (see WorkerModule). */
@Module({
  imports: [ConceptNotesModule, BullModule.registerQueue({ name: MEETINGS_QUEUE })],
  controllers: [MeetingsController, CalendarController],
  providers,
  exports: [...providers, BullModule],
})
export class MeetingsModule {}
