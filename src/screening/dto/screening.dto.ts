import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { RevisionKind, ScreeningOutcome } from '../screening.entity';

export const CHECK_RESULTS = ['pass', 'fail', 'n.a.'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];
export const SCREENING_OUTCOMES: ScreeningOutcome[] = ['eligible', 'revision_requested', 'ineligible'];
export const REVISION_KINDS: RevisionKind[] = ['technical', 'substantive'];

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;
const upper = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;

export class ChecklistItemDto {
  @ApiProperty({ example: 'E9', description: 'A screening criterion of the latest criteria set' })
  @IsString({ message: 'must be a criterion code such as E9' })
  @Matches(/^[A-Z][A-Z0-9]{0,9}$/, { message: 'must be a criterion code such as E9' })
  @Transform(upper)
  code!: string;

  @ApiProperty({ enum: CHECK_RESULTS })
  @IsIn(CHECK_RESULTS, { message: 'must be pass, fail or n.a.' })
  result!: CheckResult;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 5000 })
  @IsOptional()
  @IsString({ message: 'must be a text' })
  @MaxLength(5000, { message: 'must be at most 5000 characters' })
  @Transform(trim)
  comment?: string | null;
}

export class ScreeningDto {
  @ApiProperty({
    type: [ChecklistItemDto],
    description:
      'One entry per screening criterion of the latest criteria set. Automatic criteria left out are ' +
      'pre-filled from the precheck of the current revision; an entry given for one overrides it.',
  })
  @IsArray({ message: 'must be a list of criteria' })
  @ArrayMaxSize(100, { message: 'must list at most 100 criteria' })
  @ValidateNested({ each: true })
  @Type(() => ChecklistItemDto)
  checklist!: ChecklistItemDto[];

  @ApiProperty({ enum: SCREENING_OUTCOMES })
  @IsIn(SCREENING_OUTCOMES, { message: 'must be eligible, revision_requested or ineligible' })
  outcome!: ScreeningOutcome;

  @ApiPropertyOptional({
    enum: REVISION_KINDS,
    description: 'Required when the outcome is revision_requested',
  })
  @IsOptional()
  @IsIn(REVISION_KINDS, { message: 'must be technical or substantive' })
  revisionKind?: RevisionKind;

  @ApiPropertyOptional({
    type: [String],
    description: 'The numbered points of a revision request, in order (required for revision_requested)',
  })
  @IsOptional()
  @IsArray({ message: 'must be a list of points' })
  @ArrayMaxSize(50, { message: 'must list at most 50 points' })
  @IsString({ each: true, message: 'each point must be a text' })
  @IsNotEmpty({ each: true, message: 'each point must be a non-empty text' })
  @MaxLength(5000, { each: true, message: 'each point must be at most 5000 characters' })
  @Transform(trimEach)
  points?: string[];

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    maxLength: 10000,
    description: 'Feedback to the team, RCs and RC office (sent in the e-mail)',
  })
  @IsOptional()
  @IsString({ message: 'must be a text' })
  @MaxLength(10000, { message: 'must be at most 10000 characters' })
  @Transform(trim)
  comment?: string | null;

  @ApiPropertyOptional({
    default: true,
    description:
      'Eligible only: false keeps the earlier reviews and sends the note straight to ready_for_committee; ' +
      'allowed when it has at least the minimum number of submitted reviews (fund rules)',
  })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  reviewAgain?: boolean;
}

export class RevisionResponsesDto {
  @ApiProperty({
    type: [String],
    description: 'One non-empty answer per point of the open revision request, in the order of the points',
  })
  @IsArray({ message: 'must be a list of answers, one per point' })
  @ArrayMaxSize(50, { message: 'must list at most 50 answers' })
  @IsString({ each: true, message: 'each answer must be a text' })
  @IsNotEmpty({ each: true, message: 'each answer must be a non-empty text' })
  @MaxLength(10000, { each: true, message: 'each answer must be at most 10000 characters' })
  @Transform(trimEach)
  responses!: string[];
}
