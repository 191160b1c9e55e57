import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ExportablePageQuery } from '../../common/pagination';
import { OrganizationAmountView } from './decision.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const PIPELINE_STATUSES = ['approved', 'funded'] as const;
export type PipelineStatus = (typeof PIPELINE_STATUSES)[number];

export class PipelineQuery extends ExportablePageQuery {
  @ApiPropertyOptional({ enum: PIPELINE_STATUSES })
  @IsOptional()
  @IsIn(PIPELINE_STATUSES)
  status?: PipelineStatus;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only notes whose approval or funding in force was decided at this meeting',
  })
  @IsOptional()
  @IsUUID()
  meeting?: string;
}

export class PipelineEntryView {
  @ApiProperty({ format: 'uuid' }) conceptNoteId!: string;
  @ApiProperty({ nullable: true, type: String, example: 'MIG-CN-2026-0042' }) referenceCode!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: PIPELINE_STATUSES }) status!: PipelineStatus;
  @ApiProperty({ nullable: true, type: String, example: 'TA4' }) primaryThematicAreaCode!: string | null;
  @ApiProperty({ type: [String], example: ['SRB', 'MKD'] }) countryCodes!: string[];
  @ApiProperty({ nullable: true, type: String, example: 'IOM' }) conveningOrganizationCode!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The note’s total budget' })
  requestedTotalUsd!: number | null;
  @ApiProperty({ type: [OrganizationAmountView], description: 'Funded: the amounts per organization' })
  fundedAmounts!: OrganizationAmountView[];
  @ApiProperty({ nullable: true, type: Number }) fundedTotalUsd!: number | null;
  @ApiProperty({ nullable: true, type: String, example: '2027-09-30' }) fullProgrammeDueOn!: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Mean weighted score (0–100) of the submitted reviews of the last revision reviewed',
  })
  meanScore!: number | null;
  @ApiProperty() reviewCount!: number;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The decision in force' })
  decisionId!: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) meetingId!: string | null;
  @ApiProperty({ nullable: true, type: String }) meetingTitle!: string | null;
}

export class PipelinePage {
  @ApiProperty({ type: [PipelineEntryView] }) items!: PipelineEntryView[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}

export class RemovalDto {
  @ApiProperty({ maxLength: 2000, description: 'Why the approved note leaves the pipeline' })
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  reason!: string;
}

export class RemovalView {
  @ApiProperty({ format: 'uuid' }) conceptNoteId!: string;
  @ApiProperty({ example: 'removed_from_pipeline' }) status!: string;
  @ApiProperty() removedFromPipelineAt!: string;
  @ApiProperty() removalReason!: string;
}
