import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { LOCALES, type Locale } from '../../common/auth/roles';
import type { Country, FundRules } from '../reference.entity';
import { IsOmittable } from '../../common/validation';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class ThematicAreaView {
  @ApiProperty({ example: 'TA2' }) code!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [Number], example: [2, 7, 8, 12, 13] }) gcmObjectiveNumbers!: number[];
}

export class GcmObjectiveView {
  @ApiProperty({ example: 7 }) number!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 'TA2' }) thematicAreaCode!: string;
}

export class GuidingPrincipleView {
  @ApiProperty({ example: 'a' }) code!: string;
  @ApiProperty() title!: string;
}

export class OrganizationView {
  @ApiProperty({ example: 'IOM' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: [String], description: 'Users who are the organization’s designated focal points' })
  focalPointUserIds!: string[];
}

export class CountriesQuery {
  @ApiPropertyOptional({ enum: LOCALES, default: 'en', description: 'Language of the `name` field' })
  @IsOptional()
  @IsIn(LOCALES)
  locale: Locale = 'en';
}

export class CountryView {
  @ApiProperty({ example: 'SRB', description: 'ISO 3166-1 alpha-3' }) code!: string;
  @ApiProperty({ example: 'RS' }) alpha2!: string;
  @ApiProperty({ example: '688', description: 'UN M49 code' }) m49Code!: string;
  @ApiProperty({ example: 'Serbia', description: 'Name in the requested locale' }) name!: string;
  @ApiProperty({ description: 'Names in the six UN languages' }) names!: Record<Locale, string>;
  @ApiProperty({ example: '150' }) regionCode!: string;
  @ApiProperty({ example: 'Europe' }) regionName!: string;
  @ApiProperty({ example: '039' }) subregionCode!: string;
  @ApiProperty({ example: 'Southern Europe' }) subregionName!: string;

  static from(country: Country, locale: Locale): CountryView {
    return {
      code: country.code,
      alpha2: country.alpha2,
      m49Code: country.m49Code,
      name: country.names[locale] ?? country.names.en,
      names: country.names,
      regionCode: country.regionCode,
      regionName: country.regionName,
      subregionCode: country.subregionCode,
      subregionName: country.subregionName,
    };
  }
}

export class CreateOrganizationDto {
  @ApiProperty({ example: 'UNODC' })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9-]{1,19}$/, { message: 'must be 2–20 capital letters, digits or hyphens' })
  code!: string;

  @ApiProperty()
  @IsString()
  @Length(2, 300)
  @Transform(trim)
  name!: string;
}

export class UpdateOrganizationDto {
  @ApiPropertyOptional()
  @IsOmittable()
  @IsString()
  @Length(2, 300)
  @Transform(trim)
  name?: string;

  @ApiPropertyOptional({ description: 'false retires the organization' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Replaces the list of focal points' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  focalPointUserIds?: string[];
}

const AMOUNT = { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false };
const AMOUNT_MESSAGE = { message: 'must be an amount in USD with at most two decimals' };

class BandDto {
  @ApiProperty({ minimum: 0, maximum: 100_000_000_000 })
  @IsNumber(AMOUNT, AMOUNT_MESSAGE)
  @Min(0)
  @Max(100_000_000_000)
  min!: number;
  @ApiProperty({ minimum: 0, maximum: 100_000_000_000 })
  @IsNumber(AMOUNT, AMOUNT_MESSAGE)
  @Min(0)
  @Max(100_000_000_000)
  max!: number;
}

class BudgetBandsDto {
  @ApiProperty({ type: BandDto }) @IsDefined() @ValidateNested() @Type(() => BandDto) national!: BandDto;
  @ApiProperty({ type: BandDto }) @IsDefined() @ValidateNested() @Type(() => BandDto) multi_country!: BandDto;
  @ApiProperty({ type: BandDto }) @IsDefined() @ValidateNested() @Type(() => BandDto) regional!: BandDto;
  @ApiProperty({ type: BandDto }) @IsDefined() @ValidateNested() @Type(() => BandDto) global!: BandDto;
}

class RangeDto {
  @ApiProperty() @IsInt() @Min(1) @Max(240) min!: number;
  @ApiProperty() @IsInt() @Min(1) @Max(240) max!: number;
}

class MarkerMinimumsDto {
  @ApiProperty() @IsInt() @Min(0) @Max(3) gender!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(3) humanRights!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(3) childSensitivity!: number;
}

export class FundRulesDto implements FundRules {
  @ApiProperty({ example: 6 }) @IsInt() @Min(1) @Max(52) submissionCutoffWeeks!: number;
  @ApiProperty({ example: 2 }) @IsInt() @Min(1) @Max(20) minimumParticipatingOrganizations!: number;
  @ApiProperty({ type: BudgetBandsDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => BudgetBandsDto)
  budgetBandsUsd!: BudgetBandsDto;
  @ApiProperty({ type: RangeDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => RangeDto)
  durationMonths!: RangeDto;
  @ApiProperty({ type: MarkerMinimumsDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => MarkerMinimumsDto)
  markerMinimums!: MarkerMinimumsDto;
  @ApiProperty({ example: 0.07 })
  @IsNumber({ maxDecimalPlaces: 4 })
  @Min(0)
  @Max(0.25)
  indirectSupportCostRate!: number;
  @ApiProperty({ enum: LOCALES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(LOCALES, { each: true })
  acceptedLanguages!: string[];
  @ApiProperty({ example: 2 }) @IsInt() @Min(1) @Max(20) minimumSubmittedReviews!: number;
  @ApiProperty({ example: 10 }) @IsInt() @Min(1) @Max(365) technicalRevisionDays!: number;
  @ApiProperty({ example: 90 }) @IsInt() @Min(1) @Max(3650) idleDraftDaysForReminders!: number;
  @ApiProperty({ example: 7 }) @IsInt() @Min(1) @Max(365) endorsementBacklogAlertDaysBeforeCutoff!: number;
}

export class FundRulesView {
  @ApiProperty() version!: number;
  @ApiProperty({ type: FundRulesDto }) rules!: FundRulesDto;
  @ApiProperty() createdAt!: string;
}

const CODE = /^[A-Z][A-Z0-9]{0,9}$/;
const CODE_MESSAGE = 'must be 1–10 capital letters or digits, starting with a letter (such as E9 or Q3)';

/** What every criterion has: a code and a title. */
class CriterionDto {
  @ApiProperty({ example: 'E9', pattern: CODE.source })
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ maxLength: 500 })
  @IsString()
  @Length(3, 500)
  @Transform(trim)
  title!: string;
}

export class ScreeningCriterionDto extends CriterionDto {
  @ApiProperty({
    description:
      'Checked by the system from the note and pre-filled in screening: only, and always, for the codes ' +
      'of the checks it makes (E1–E8)',
  })
  @IsBoolean()
  automatic!: boolean;
}

export class QualityScaleDto {
  @ApiProperty({ example: 1, minimum: 0, maximum: 10 })
  @IsInt()
  @Min(0)
  @Max(10)
  min!: number;

  @ApiProperty({ example: 4, minimum: 1, maximum: 10 })
  @IsInt()
  @Min(1)
  @Max(10)
  max!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { '1': 'Weak', '2': 'Adequate', '3': 'Good', '4': 'Excellent' },
    description: 'A label for each point of the scale, min to max',
  })
  @IsObject()
  labels!: Record<string, string>;
}

export class QualityCriterionDto extends CriterionDto {
  @ApiProperty({ example: 20, minimum: 1, maximum: 100, description: 'The weights of a set add up to 100' })
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(100)
  weight!: number;
}

/** A new version of the criteria: it becomes current for screenings and reviews begun from now on. */
export class PublishCriteriaSetDto {
  @ApiProperty({ type: [ScreeningCriterionDto], description: 'The screening checklist, in its order' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ScreeningCriterionDto)
  screeningCriteria!: ScreeningCriterionDto[];

  @ApiProperty({ type: QualityScaleDto, description: 'The whole-number scale reviewers score on' })
  @IsDefined()
  @ValidateNested()
  @Type(() => QualityScaleDto)
  qualityScale!: QualityScaleDto;

  @ApiProperty({
    type: [QualityCriterionDto],
    description: 'The weighted quality criteria, in their order; codes unique, weights adding up to 100',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => QualityCriterionDto)
  qualityCriteria!: QualityCriterionDto[];
}

export class ScreeningCriterionView {
  @ApiProperty({ example: 'E1' }) code!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'Checked by the system and pre-filled in screening' }) automatic!: boolean;
}

export class QualityScaleView {
  @ApiProperty({ example: 1 }) min!: number;
  @ApiProperty({ example: 4 }) max!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { '1': 'Weak', '2': 'Adequate', '3': 'Good', '4': 'Excellent' },
  })
  labels!: Record<string, string>;
}

export class QualityCriterionView {
  @ApiProperty({ example: 'Q1' }) code!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 20 }) weight!: number;
}

export class QualityCriteriaView {
  @ApiProperty({ type: QualityScaleView }) scale!: QualityScaleView;
  @ApiProperty({ type: [QualityCriterionView] }) criteria!: QualityCriterionView[];
}

export class CriteriaSetView {
  @ApiProperty() version!: number;
  @ApiProperty({
    description:
      'The version new screenings and reviews use (the newest); a review keeps the version it was begun with',
  })
  current!: boolean;
  @ApiProperty({ type: [ScreeningCriterionView], description: 'The screening checklist' })
  screening!: ScreeningCriterionView[];
  @ApiProperty({ type: QualityCriteriaView, description: 'The scale and the weighted quality criteria' })
  quality!: QualityCriteriaView;
  @ApiProperty() publishedAt!: string;
}
