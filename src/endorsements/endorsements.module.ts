import { Module } from '@nestjs/common';
import { ConceptNotesModule } from '../concept-notes/concept-notes.module';
import { EndorsementsController } from './endorsements.controller';
import { EndorsementsService } from './endorsements.service';

@Module({
  imports: [ConceptNotesModule],
  controllers: [EndorsementsController],
  providers: [EndorsementsService],
})
export class EndorsementsModule {}
