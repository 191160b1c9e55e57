import { Module } from '@nestjs/common';
import { ConceptNotesModule } from '../concept-notes/concept-notes.module';
import { CommentsController } from './comments.controller';
import { CommentsService } from './comments.service';

@Module({ imports: [ConceptNotesModule], controllers: [CommentsController], providers: [CommentsService] })
export class CommentsModule {}
