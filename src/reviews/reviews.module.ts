import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ConceptNotesModule } from '../concept-notes/concept-notes.module';
import { MeetingsModule } from '../meetings/meetings.module';
import { ReviewsController } from './reviews.controller';
import { REVIEWS_QUEUE } from './reviews.queue';
import { ReviewsService } from './reviews.service';

/** Reviews for the API. The worker adds ReviewsProcessor on top (see WorkerModule). */
@Module({
  imports: [ConceptNotesModule, MeetingsModule, BullModule.registerQueue({ name: REVIEWS_QUEUE })],
  controllers: [ReviewsController],
  providers: [ReviewsService],
  exports: [ReviewsService, BullModule],
})
export class ReviewsModule {}
