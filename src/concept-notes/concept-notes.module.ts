import { Module } from '@nestjs/common';
import { ConceptNoteAccess } from './concept-note.access';
import { ConceptNoteActivity } from './concept-note.activity';
import { ConceptNoteContent } from './concept-note.content';
import { ConceptNoteMail } from './concept-note.mail';
import { ConceptNoteRevisions } from './concept-note.revisions';
import { ConceptNotesController } from './concept-notes.controller';
import { ConceptNotesService } from './concept-notes.service';

@Module({
  controllers: [ConceptNotesController],
  providers: [
    ConceptNotesService,
    ConceptNoteAccess,
    ConceptNoteActivity,
    ConceptNoteContent,
    ConceptNoteMail,
    ConceptNoteRevisions,
  ],
  exports: [
    ConceptNotesService,
    ConceptNoteAccess,
    ConceptNoteContent,
    ConceptNoteMail,
    ConceptNoteRevisions,
  ],
})
export class ConceptNotesModule {}
