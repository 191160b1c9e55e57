import { Module } from '@nestjs/common';
import { ConceptNotesModule } from '../concept-notes/concept-notes.module';
import { MeetingsModule } from '../meetings/meetings.module';
import { EndorsementsController } from './endorsements.controller';
import { EndorsementsService } from './endorsements.service';

@Module({
  imports: [ConceptNotesModule, MeetingsModule],
  controllers: [EndorsementsController],
  providers: [EndorsementsService],
})
export class EndorsementsModule {}
