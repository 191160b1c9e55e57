import { ApiProperty } from '@nestjs/swagger';
import { STATUSES } from '../../concept-notes/concept-note.state';
import { BACKLOG_BUCKETS } from '../decision.rules';

export class StatusCount {
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty() count!: number;
}

export class MeetingDecisionCounts {
  @ApiProperty() approved!: number;
  @ApiProperty() funded!: number;
  @ApiProperty() revisionRequested!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty() deferred!: number;
}

export class MeetingStats {
  @ApiProperty({ format: 'uuid' }) meetingId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() startsAt!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ description: 'Notes listed on its agenda now' }) agendaItems!: number;
  @ApiProperty({ description: 'Submitted notes waiting for it (before its agenda closes)' })
  targeted!: number;
  @ApiProperty({ type: MeetingDecisionCounts, description: 'Released decisions in force, by outcome' })
  decisions!: MeetingDecisionCounts;
  @ApiProperty({ description: 'Sum of the released funding decisions in force' }) fundedUsd!: number;
  @ApiProperty({ nullable: true, type: Number }) envelopeUsd!: number | null;
}

export class ThematicAreaCount {
  @ApiProperty({ example: 'TA4' }) thematicAreaCode!: string;
  @ApiProperty() count!: number;
}

export class RegionCount {
  @ApiProperty({ example: '150', description: 'UN M49 region code' }) regionCode!: string;
  @ApiProperty({ example: 'Europe' }) regionName!: string;
  @ApiProperty({ description: 'Notes with at least one country in the region (each note once per region)' })
  count!: number;
}

export class OrganizationCount {
  @ApiProperty({ example: 'IOM' }) organizationCode!: string;
  @ApiProperty({ description: 'Notes it convenes' }) convening!: number;
  @ApiProperty({ description: 'Notes it participates in (with a budget share)' }) participating!: number;
}

export class BacklogBucketCount {
  @ApiProperty({ enum: BACKLOG_BUCKETS, description: 'Whole days since endorsement was requested' })
  bucket!: string;
  @ApiProperty() count!: number;
}

export class OverdueReview {
  @ApiProperty({ format: 'uuid' }) assignmentId!: string;
  @ApiProperty({ format: 'uuid' }) conceptNoteId!: string;
  @ApiProperty({ nullable: true, type: String }) referenceCode!: string | null;
  @ApiProperty() dueAt!: string;
  @ApiProperty() daysOverdue!: number;
}

export class OverdueReviews {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [OverdueReview], description: 'Oldest first; reviewers are not named' })
  items!: OverdueReview[];
}

export class FundingStats {
  @ApiProperty({ description: 'Sum of the total budgets of the notes submitted at least once' })
  requestedUsd!: number;
  @ApiProperty() requestedNotes!: number;
  @ApiProperty({ description: 'Sum of the released funding decisions in force' }) allocatedUsd!: number;
  @ApiProperty() fundedNotes!: number;
}

export class StatsView {
  @ApiProperty() generatedAt!: string;
  @ApiProperty({ type: [StatusCount], description: 'Every note, drafts included' }) byStatus!: StatusCount[];
  @ApiProperty({ type: [MeetingStats] }) byMeeting!: MeetingStats[];
  @ApiProperty({ type: [ThematicAreaCount], description: 'Notes submitted at least once' })
  byThematicArea!: ThematicAreaCount[];
  @ApiProperty({ type: [RegionCount], description: 'Notes submitted at least once' })
  byRegion!: RegionCount[];
  @ApiProperty({ type: [OrganizationCount], description: 'Notes submitted at least once' })
  byOrganization!: OrganizationCount[];
  @ApiProperty({ type: [BacklogBucketCount], description: 'Notes awaiting endorsement, by age' })
  endorsementBacklog!: BacklogBucketCount[];
  @ApiProperty({ type: OverdueReviews, description: 'Assigned reviews past their due date' })
  overdueReviews!: OverdueReviews;
  @ApiProperty({ type: FundingStats }) funding!: FundingStats;
}
