import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { LOCALES } from '../../common/auth/roles';
import { ExportablePageQuery } from '../../common/pagination';
import { IsOmittable } from '../../common/validation';
import { STATUSES, type ConceptNoteStatus } from '../concept-note.state';
import type { NoteScope } from '../concept-note.rules';

export const SCOPES: NoteScope[] = ['national', 'multi_country', 'regional', 'global'];
const LONG_TEXT = 20000;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const upper = ({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? value.map((v: unknown) => (typeof v === 'string' ? v.trim().toUpperCase() : v))
    : typeof value === 'string'
      ? value.trim().toUpperCase()
      : value;
const AMOUNT = { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false };

export class MarkerDto {
  @ApiProperty({ minimum: 0, maximum: 3, nullable: true, type: Number })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3)
  marker!: number | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  @Transform(trim)
  justification?: string | null;
}

export class MarkersDto {
  @ApiPropertyOptional({ type: MarkerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MarkerDto)
  gender?: MarkerDto;
  @ApiPropertyOptional({ type: MarkerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MarkerDto)
  humanRights?: MarkerDto;
  @ApiPropertyOptional({ type: MarkerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MarkerDto)
  childSensitivity?: MarkerDto;
}

export class ParticipatingOrganizationDto {
  @ApiProperty({ example: 'IOM' })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9-]{1,19}$/, { message: 'must be an organization code such as IOM' })
  @Transform(upper)
  organizationCode!: string;

  @ApiProperty({
    example: 700000,
    description: 'Direct costs in USD; indirect support costs are added at the fund rate',
  })
  @IsDefined()
  @IsNumber(AMOUNT, { message: 'must be an amount in USD with at most two decimals' })
  @Min(0)
  @Max(100_000_000_000)
  directCostsUsd!: number;
}

/** The fields of the template. On a draft every one is optional; precheck says what is missing. */
export class ConceptNoteContentDto {
  @ApiPropertyOptional({ maxLength: 300 })
  @IsOmittable()
  @IsString()
  @Length(1, 300)
  @Transform(trim)
  title?: string;

  @ApiPropertyOptional({ maxLength: 10000 })
  @IsOmittable()
  @IsString()
  @MaxLength(10000)
  summary?: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Required when the language is not English',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  summaryEn?: string | null;

  @ApiPropertyOptional({ enum: LOCALES, description: 'One of the Fund’s accepted languages' })
  @IsOmittable()
  @IsIn(LOCALES)
  language?: string;

  @ApiPropertyOptional({ enum: SCOPES, nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsIn(SCOPES)
  scope?: NoteScope | null;

  @ApiPropertyOptional({ type: [String], example: ['SRB', 'MKD'] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(/^[A-Z]{3}$/, { each: true, message: 'each value must be an ISO 3166-1 alpha-3 code' })
  @Transform(upper)
  countryCodes?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, example: 'TA2', description: 'null clears it' })
  @IsOptional()
  @IsString()
  @Matches(/^TA\d+$/, { message: 'must be a thematic area code such as TA2' })
  @Transform(upper)
  primaryThematicAreaCode?: string | null;

  @ApiPropertyOptional({ type: [Number], example: [2, 7] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(23)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(23, { each: true })
  gcmObjectiveNumbers?: number[];

  @ApiPropertyOptional({ example: 'IOM' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z][A-Z0-9-]{1,19}$/, { message: 'must be an organization code such as IOM' })
  @Transform(upper)
  conveningOrganizationCode?: string;

  @ApiPropertyOptional({ type: [ParticipatingOrganizationDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => ParticipatingOrganizationDto)
  participatingOrganizations?: ParticipatingOrganizationDto[];

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 1498000,
    description: 'The total the note states; the shares must add up to it',
  })
  @IsOptional()
  @IsNumber(AMOUNT, { message: 'must be an amount in USD with at most two decimals' })
  @Min(0)
  @Max(100_000_000_000)
  totalBudgetUsd?: number | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 300, { each: true })
  implementingPartners?: string[];

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 120 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  durationMonths?: number | null;

  @ApiPropertyOptional({ type: MarkersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MarkersDto)
  markers?: MarkersDto;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(LONG_TEXT)
  beneficiaries?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(LONG_TEXT)
  theoryOfChange?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(LONG_TEXT)
  expectedResults?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(LONG_TEXT)
  sustainability?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(LONG_TEXT)
  risks?: string | null;
}

export class CreateConceptNoteDto extends ConceptNoteContentDto {
  @ApiProperty({ maxLength: 300 })
  @IsString()
  @Length(1, 300)
  @Transform(trim)
  declare title: string;
}

export class UpdateConceptNoteDto extends ConceptNoteContentDto {}

export class TeamDto {
  @ApiProperty({ type: [String], description: 'User ids of the members besides the lead (the whole list)' })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  memberIds!: string[];
}

export class HandOverLeadDto {
  @ApiProperty({ format: 'uuid', description: 'A member of the team' })
  @IsUUID()
  userId!: string;
}

export class WithdrawDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  reason!: string;
}

export class ListConceptNotesQuery extends ExportablePageQuery {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: ConceptNoteStatus;

  @ApiPropertyOptional({ example: 'TA2' })
  @IsOptional()
  @Matches(/^TA\d+$/, { message: 'must be a thematic area code such as TA2' })
  thematicArea?: string;

  @ApiPropertyOptional({ example: 'SRB' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 3166-1 alpha-3 code' })
  country?: string;

  @ApiPropertyOptional({ example: '150', description: 'UN M49 region or subregion code' })
  @IsOptional()
  @Matches(/^\d{3}$/, { message: 'must be a UN M49 code such as 150' })
  region?: string;

  @ApiPropertyOptional({ example: 'IOM', description: 'Convening or participating organization' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9-]{1,19}$/, { message: 'must be an organization code such as IOM' })
  organization?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The meeting the notes target or are on the agenda of',
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be a meeting id' })
  meeting?: string;

  @ApiPropertyOptional({ description: 'Words in the title, summary or reference code' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  text?: string;
}
