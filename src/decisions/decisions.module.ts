import { Module } from '@nestjs/common';
import { ConceptNotesModule } from '../concept-notes/concept-notes.module';
import { MeetingsModule } from '../meetings/meetings.module';
import { DecisionsController } from './decisions.controller';
import { DecisionsService } from './decisions.service';
import { PipelineController } from './pipeline.controller';
import { PipelineService } from './pipeline.service';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

/** Decisions of the Steering Committee, the pipeline of approved and funded notes, and the figures. */
@Module({
  imports: [ConceptNotesModule, MeetingsModule],
  controllers: [DecisionsController, PipelineController, StatsController],
  providers: [DecisionsService, PipelineService, StatsService],
  exports: [DecisionsService],
})
export class DecisionsModule {}
