import { Module } from '@nestjs/common';
import { ConceptNoteAccess } from './concept-note.access';
import { ConceptNoteContent } from './concept-note.content';
import { ConceptNoteMail } from './concept-note.mail';
import { ConceptNotesController } from './concept-notes.controller';
import { ConceptNotesService } from './concept-notes.service';

@Module({
  controllers: [ConceptNotesController],
  providers: [ConceptNotesService, ConceptNoteAccess, ConceptNoteContent, ConceptNoteMail],
  exports: [ConceptNotesService, ConceptNoteAccess, ConceptNoteContent, ConceptNoteMail],
})
export class ConceptNotesModule {}
