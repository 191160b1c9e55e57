import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ExportablePageQuery } from '../../common/pagination';
import { OUTCOMES, type Outcome } from '../decision.rules';
import type { DecisionStatus } from '../decision.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;
const upper = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;
const AMOUNT = { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false };
const AMOUNT_MESSAGE = { message: 'must be an amount in USD with at most two decimals' };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const DECISION_STATUSES: DecisionStatus[] = ['draft', 'released', 'superseded'];

export class OrganizationAmountDto {
  @ApiProperty({ example: 'IOM' })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9-]{1,19}$/, { message: 'must be an organization code such as IOM' })
  @Transform(upper)
  organizationCode!: string;

  @ApiProperty({ example: 500000 })
  @IsNumber(AMOUNT, AMOUNT_MESSAGE)
  @Min(0)
  @Max(100_000_000_000)
  amountUsd!: number;
}

/** The fields a decision and a correction share. */
class DecisionFields {
  @ApiPropertyOptional({
    type: [OrganizationAmountDto],
    description:
      'Funded only: the amount per participating organization. Without it, the total (or the whole requested budget) is split pro rata to the budget shares.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => OrganizationAmountDto)
  amountsUsd?: OrganizationAmountDto[];

  @ApiPropertyOptional({
    example: 1000000,
    description: 'Funded only: the total, split pro rata to the budget shares (or the sum of amountsUsd)',
  })
  @IsOptional()
  @IsNumber(AMOUNT, AMOUNT_MESSAGE)
  @Min(0.01)
  @Max(100_000_000_000)
  totalAmountUsd?: number;

  @ApiPropertyOptional({
    type: [String],
    description: 'Revision requested: the numbered points the resubmission answers, in order',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 5000, { each: true })
  @Transform(trimEach)
  points?: string[];

  @ApiPropertyOptional({
    example: '2027-09-30',
    description: 'Funded: the date by which the full joint programme is invited',
  })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be a date such as 2027-09-30' })
  @Matches(DATE, { message: 'must be a date such as 2027-09-30' })
  fullProgrammeDueOn?: string;

  @ApiPropertyOptional({
    maxLength: 2000,
    description: 'Funded beyond the meeting’s envelope: why (without it, going over answers 409)',
  })
  @IsOptional()
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  envelopeOverrideReason?: string;
}

export class CreateDecisionDto extends DecisionFields {
  @ApiProperty({ format: 'uuid', description: 'A note listed on this meeting’s agenda' })
  @IsUUID()
  conceptNoteId!: string;

  @ApiProperty({ enum: OUTCOMES })
  @IsIn(OUTCOMES)
  outcome!: Outcome;

  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @Length(3, 20000)
  @Transform(trim)
  rationale!: string;
}

export class CorrectDecisionDto extends DecisionFields {
  @ApiProperty({ maxLength: 2000, description: 'Why the released decision is corrected' })
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  reason!: string;

  @ApiPropertyOptional({
    enum: OUTCOMES,
    description:
      'A new outcome, among approved, funded and rejected only, while the note is still where the decision left it',
  })
  @IsOptional()
  @IsIn(OUTCOMES)
  outcome?: Outcome;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @Length(3, 20000)
  @Transform(trim)
  rationale?: string;
}

export class ListDecisionsQuery extends ExportablePageQuery {
  @ApiPropertyOptional({ enum: DECISION_STATUSES })
  @IsOptional()
  @IsIn(DECISION_STATUSES)
  status?: DecisionStatus;
}

export class OrganizationAmountView {
  @ApiProperty({ example: 'IOM' }) organizationCode!: string;
  @ApiProperty({ example: 500000 }) amountUsd!: number;
}

/** What the team and the RCs learn of a released decision, through the note. */
export class NoteDecisionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) meetingId!: string;
  @ApiProperty() meetingTitle!: string;
  @ApiProperty({ enum: OUTCOMES }) outcome!: Outcome;
  @ApiProperty() rationale!: string;
  @ApiProperty({ type: [String] }) points!: string[];
  @ApiProperty({ type: [OrganizationAmountView] }) amounts!: OrganizationAmountView[];
  @ApiProperty({ nullable: true, type: Number }) totalAmountUsd!: number | null;
  @ApiProperty({ nullable: true, type: String, example: '2027-09-30' }) fullProgrammeDueOn!: string | null;
  @ApiProperty({ enum: ['released', 'superseded'], description: 'superseded: replaced by a correction' })
  status!: DecisionStatus;
  @ApiProperty({ nullable: true, type: String }) releasedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) correctionOfId!: string | null;
  @ApiProperty({ nullable: true, type: String }) correctionReason!: string | null;
}

export class DecisionView extends NoteDecisionView {
  @ApiProperty({ format: 'uuid' }) conceptNoteId!: string;
  @ApiProperty({ nullable: true, type: String, example: 'MIG-CN-2026-0042' }) referenceCode!: string | null;
  @ApiProperty() noteTitle!: string;
  @ApiProperty({ description: 'Status of the note now' }) noteStatus!: string;
  @ApiProperty({ description: 'The revision decided on' }) revision!: number;
  @ApiProperty({ format: 'uuid' }) agendaItemId!: string;
  @ApiProperty({ nullable: true, type: String }) envelopeOverrideReason!: string | null;
  @ApiProperty({ format: 'uuid' }) recordedById!: string;
  @ApiProperty() recordedByName!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) releasedById!: string | null;
  @ApiProperty({ nullable: true, type: String }) releasedByName!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The note’s status before the release' })
  noteStatusBefore!: string | null;
  @ApiProperty({ enum: DECISION_STATUSES }) declare status: DecisionStatus;
  @ApiProperty() createdAt!: string;
}

export class DecisionPage {
  @ApiProperty({ type: [DecisionView] }) items!: DecisionView[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}

export class ReleaseView {
  @ApiProperty({ format: 'uuid' }) meetingId!: string;
  @ApiProperty({ type: [DecisionView] }) released!: DecisionView[];
}
