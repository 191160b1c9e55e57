import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STATUSES, type ConceptNoteStatus } from '../concept-note.state';
import {
  COMPARED_FIELDS,
  type FieldChange,
  type NoteContent,
  type PrecheckItem,
} from '../concept-note.rules';

class ShareView {
  @ApiProperty({ example: 'IOM' }) organizationCode!: string;
  @ApiProperty({ example: 700000 }) directCostsUsd!: number;
  @ApiProperty({ example: 49000, description: 'At the fund’s indirect support cost rate' })
  indirectSupportCostsUsd!: number;
  @ApiProperty({ example: 749000 }) totalUsd!: number;
}

class MarkerView {
  @ApiProperty({ nullable: true, type: Number }) marker!: number | null;
  @ApiProperty({ nullable: true, type: String }) justification!: string | null;
}

class MarkersView {
  @ApiProperty({ type: MarkerView }) gender!: MarkerView;
  @ApiProperty({ type: MarkerView }) humanRights!: MarkerView;
  @ApiProperty({ type: MarkerView }) childSensitivity!: MarkerView;
}

export class PersonView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ nullable: true, type: String }) organizationCode!: string | null;
}

export class CountryEndorsementView {
  @ApiProperty({ example: 'SRB' }) countryCode!: string;
  @ApiProperty({ enum: ['pending', 'endorsed', 'returned'] }) state!: 'pending' | 'endorsed' | 'returned';
  @ApiPropertyOptional({
    description: 'Who endorsed or returned it, e.g. "Ana Acting for RC Rada Coordinator"',
  })
  by?: string;
  @ApiPropertyOptional({ enum: ['resident_coordinator', 'acting', 'offline'] }) kind?: string;
  @ApiPropertyOptional() at?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) comment?: string | null;
  @ApiProperty({ description: 'Days since endorsement was requested (pending) or since the decision' })
  ageDays!: number;
}

export class AttachmentRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() filename!: string;
  @ApiProperty() sha256!: string;
}

export class ConceptNoteView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String, example: 'MIG-CN-2026-0042' }) referenceCode!: string | null;
  @ApiProperty({ enum: STATUSES }) status!: ConceptNoteStatus;
  @ApiProperty() title!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ nullable: true, type: String }) summaryEn!: string | null;
  @ApiProperty() language!: string;
  @ApiProperty({ nullable: true, enum: ['national', 'multi_country', 'regional', 'global'] }) scope!:
    string | null;
  @ApiProperty({ type: [String] }) countryCodes!: string[];
  @ApiProperty({ nullable: true, type: String }) primaryThematicAreaCode!: string | null;
  @ApiProperty({ type: [Number] }) gcmObjectiveNumbers!: number[];
  @ApiProperty({ nullable: true, type: String }) conveningOrganizationCode!: string | null;
  @ApiProperty({ type: [ShareView] }) participatingOrganizations!: ShareView[];
  @ApiProperty({ description: 'Sum of the shares' }) sharesTotalUsd!: number;
  @ApiProperty({ nullable: true, type: Number }) totalBudgetUsd!: number | null;
  @ApiProperty({ type: [String] }) implementingPartners!: string[];
  @ApiProperty({ nullable: true, type: Number }) durationMonths!: number | null;
  @ApiProperty({ type: MarkersView }) markers!: MarkersView;
  @ApiProperty({ nullable: true, type: String }) beneficiaries!: string | null;
  @ApiProperty({ nullable: true, type: String }) theoryOfChange!: string | null;
  @ApiProperty({ nullable: true, type: String }) expectedResults!: string | null;
  @ApiProperty({ nullable: true, type: String }) sustainability!: string | null;
  @ApiProperty({ nullable: true, type: String }) risks!: string | null;
  @ApiProperty({ nullable: true, type: AttachmentRef }) template!: AttachmentRef | null;
  @ApiProperty({ type: PersonView }) lead!: PersonView;
  @ApiProperty({ type: [PersonView] }) team!: PersonView[];
  @ApiProperty({ type: [CountryEndorsementView] }) endorsements!: CountryEndorsementView[];
  @ApiProperty({ nullable: true, type: String }) signedOffAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The meeting the note is considered at' })
  targetMeetingId!: string | null;
  @ApiProperty({ description: 'Number of the latest frozen revision (0 before any)' })
  currentRevision!: number;
  @ApiProperty({ nullable: true, type: String }) submittedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) withdrawnAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) withdrawalReason!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'Send it back in If-Match when editing' }) version!: number;
}

export class ConceptNoteSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) referenceCode!: string | null;
  @ApiProperty({ enum: STATUSES }) status!: ConceptNoteStatus;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) scope!: string | null;
  @ApiProperty({ type: [String] }) countryCodes!: string[];
  @ApiProperty({ nullable: true, type: String }) primaryThematicAreaCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) conveningOrganizationCode!: string | null;
  @ApiProperty({ type: [String] }) participatingOrganizationCodes!: string[];
  @ApiProperty({ nullable: true, type: Number }) totalBudgetUsd!: number | null;
  @ApiProperty() leadName!: string;
  @ApiProperty({ nullable: true, type: String }) submittedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) targetMeetingId!: string | null;
  @ApiProperty() updatedAt!: string;
}

export class ConceptNotePage {
  @ApiProperty({ type: [ConceptNoteSummaryView] }) items!: ConceptNoteSummaryView[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}

class PrecheckItemView implements PrecheckItem {
  @ApiProperty({ example: 'E2' }) code!: string;
  @ApiProperty({ enum: ['pass', 'fail', 'pending'] }) outcome!: 'pass' | 'fail' | 'pending';
  @ApiProperty({ enum: ['blocking', 'warning', 'info'] }) severity!: 'blocking' | 'warning' | 'info';
  @ApiProperty({ type: [String] }) reasons!: string[];
}

export class PrecheckView {
  @ApiProperty({ description: 'No blocking failure: endorsement may be requested' }) ready!: boolean;
  @ApiProperty({ type: [PrecheckItemView] }) blocking!: PrecheckItemView[];
  @ApiProperty({ type: [PrecheckItemView] }) warnings!: PrecheckItemView[];
  @ApiProperty({ type: [PrecheckItemView] }) items!: PrecheckItemView[];
}

export class RevisionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: number;
  @ApiProperty() contentHash!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: 'The frozen content' }) content!: NoteContent;
}

export class FieldChangeView implements FieldChange {
  @ApiProperty({ type: String, enum: COMPARED_FIELDS }) field!: FieldChange['field'];
  @ApiProperty({ description: 'Value in the first revision' }) before!: unknown;
  @ApiProperty({ description: 'Value in the second revision' }) after!: unknown;
}

export class RevisionComparisonView {
  @ApiProperty() from!: number;
  @ApiProperty() to!: number;
  @ApiProperty({ type: [FieldChangeView] }) changes!: FieldChangeView[];
}

export class HistoryEntryView {
  @ApiProperty() at!: string;
  @ApiProperty() action!: string;
  @ApiProperty({ nullable: true, type: String }) actorName!: string | null;
  @ApiProperty({ nullable: true, type: Object }) details!: Record<string, unknown> | null;
}
