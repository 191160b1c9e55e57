import { ApiProperty } from '@nestjs/swagger';
import { STATUSES, type ConceptNoteStatus } from '../../concept-notes/concept-note.state';
import type { RevisionKind, ScreeningOutcome } from '../screening.entity';
import { CHECK_RESULTS, REVISION_KINDS, SCREENING_OUTCOMES, type CheckResult } from './screening.dto';

export class ChecklistEntryView {
  @ApiProperty({ example: 'E2' }) code!: string;
  @ApiProperty({ description: 'The criterion as its criteria set words it' }) title!: string;
  @ApiProperty({ enum: CHECK_RESULTS }) result!: CheckResult;
  @ApiProperty({ description: 'Pre-filled by the automatic check rather than given by the secretariat' })
  automatic!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The secretariat’s note (secretariat only)' })
  comment!: string | null;
}

export class PersonRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class ScreeningView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Number of the revision screened' }) revision!: number;
  @ApiProperty() criteriaSetVersion!: number;
  @ApiProperty({ enum: SCREENING_OUTCOMES }) outcome!: ScreeningOutcome;
  @ApiProperty({ enum: STATUSES, description: 'The status the screening moved the note to' })
  resultingStatus!: ConceptNoteStatus;
  @ApiProperty({ nullable: true, enum: REVISION_KINDS }) revisionKind!: RevisionKind | null;
  @ApiProperty({ type: [String], description: 'Numbered points of a revision request, in order' })
  points!: string[];
  @ApiProperty({ nullable: true, type: String, description: 'Due date of a technical revision (UTC)' })
  dueAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Feedback to the team' }) comment!: string | null;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'Eligible: whether the note is reviewed again (secretariat only)',
  })
  reviewAgain!: boolean | null;
  @ApiProperty({ type: [ChecklistEntryView] }) checklist!: ChecklistEntryView[];
  @ApiProperty({ nullable: true, type: PersonRef, description: 'Who screened it (secretariat only)' })
  screenedBy!: PersonRef | null;
  @ApiProperty() createdAt!: string;
}

export class RevisionRequestView {
  @ApiProperty({ nullable: true, enum: REVISION_KINDS }) kind!: RevisionKind | null;
  @ApiProperty({ nullable: true, enum: ['screening', 'committee'] }) source!:
    'screening' | 'committee' | null;
  @ApiProperty({ type: [String], description: 'The numbered points, in order' }) points!: string[];
  @ApiProperty({ type: [String], description: 'The team’s answers so far, one per point' })
  responses!: string[];
  @ApiProperty({ type: [Number], description: 'Numbers (from 1) of the points still without an answer' })
  unanswered!: number[];
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Technical revisions: the date it is due' })
  dueAt!: string | null;
}
