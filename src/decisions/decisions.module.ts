import { Module } from '@nestjs/common';
import { ConceptNotesModule } from '../concept-notes/concept-notes.module';
import { MeetingsModule } from '../meetings/meetings.module';

@Module({ imports: [ConceptNotesModule, MeetingsModule], controllers: [], providers: [], exports: [] })
export class DecisionsModule {}
