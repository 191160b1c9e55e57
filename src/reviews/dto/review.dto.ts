import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageQuery, type Page } from '../../common/pagination';
import { STATUSES, type ConceptNoteStatus } from '../../concept-notes/concept-note.state';
import type { AssignmentStatus } from '../review.entity';
import { RECOMMENDATIONS, type Recommendation } from '../review.rules';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = [
  'assigned',
  'submitted',
  'conflict_declared',
  'cancelled',
];
export const REVIEW_STATES = ['not_started', 'draft', 'submitted'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const INSTANT_MESSAGE = 'must be an ISO-8601 date-time with a time zone, such as 2027-01-20T17:00:00Z';

// ---- Requests ----

export class CreateAssignmentDto {
  @ApiProperty({ format: 'uuid', description: 'An active user with the reviewer role' })
  @IsUUID(undefined, { message: 'must be a UUID' })
  reviewerId!: string;

  @ApiProperty({ example: '2027-01-20T17:00:00Z', description: 'When the review is due; in the future' })
  @IsISO8601({ strict: true }, { message: INSTANT_MESSAGE })
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  dueAt!: string;

  @ApiPropertyOptional({
    maxLength: 2000,
    description:
      'Assigns a reviewer of the convening or a participating organization anyway; audited, and stated ' +
      '(without names) in the review summary',
  })
  @IsOptional()
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  conflictOverrideReason?: string;

  @ApiPropertyOptional({
    maxLength: 2000,
    description:
      'Assigns a reviewer who already has REVIEWER_MAX_OPEN_ASSIGNMENTS open assignments anyway; audited. ' +
      'Without it such an assignment answers 409 REVIEW.LOAD_CAP_REACHED',
  })
  @IsOptional()
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  loadOverrideReason?: string;
}

export class DeclareConflictDto {
  @ApiProperty({ maxLength: 2000, description: 'Why you cannot review this note impartially' })
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  reason!: string;
}

export class ScoreDto {
  @ApiProperty({ example: 'Q1', description: 'A criterion of the review’s criteria set' })
  @IsString()
  @Length(1, 20)
  code!: string;

  @ApiProperty({ example: 3, description: 'A whole number on the criteria set’s scale (1–4 by default)' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' })
  score!: number;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  @Transform(trim)
  comment?: string | null;
}

export class SaveReviewDto {
  @ApiProperty({
    type: [ScoreDto],
    description: 'Replaces the saved scores. A draft may leave criteria out; a submission scores them all.',
  })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ScoreDto)
  scores!: ScoreDto[];

  @ApiPropertyOptional({ enum: RECOMMENDATIONS, nullable: true, description: 'Required to submit' })
  @IsOptional()
  @IsIn(RECOMMENDATIONS)
  recommendation?: Recommendation | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  @Transform(trim)
  overallComment?: string | null;

  @ApiPropertyOptional({
    default: false,
    description: 'Submit the review: the weighted score is computed and nothing can change afterwards',
  })
  @IsOptional()
  @IsBoolean()
  submit?: boolean;
}

export class CloseReviewsDto {
  @ApiPropertyOptional({
    maxLength: 2000,
    description: 'Required when fewer reviews than the fund’s minimum are submitted',
  })
  @IsOptional()
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  reason?: string;
}

export class ListMyAssignmentsQuery extends PageQuery {
  @ApiProperty({ enum: ['true'], description: 'Your own assignments (the only list there is)' })
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true], { message: 'must be true: you list your own assignments' })
  mine!: boolean;

  @ApiPropertyOptional({ enum: ASSIGNMENT_STATUSES })
  @IsOptional()
  @IsIn(ASSIGNMENT_STATUSES)
  status?: AssignmentStatus;
}

export class ReviewsQuery {
  @ApiPropertyOptional({
    enum: ['json', 'csv', 'xlsx'],
    default: 'json',
    description: 'csv and xlsx (secretariat): one row per review and criterion',
  })
  @IsOptional()
  @IsIn(['json', 'csv', 'xlsx'])
  format: 'json' | 'csv' | 'xlsx' = 'json';
}

// ---- Answers ----

export class ReviewerRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) organizationCode!: string | null;
}

/** An assignment as the secretariat sees it. */
export class AssignmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) noteId!: string;
  @ApiProperty({ description: 'The revision under review' }) revisionNumber!: number;
  @ApiProperty({ type: ReviewerRef }) reviewer!: ReviewerRef;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ enum: ASSIGNMENT_STATUSES }) status!: AssignmentStatus;
  @ApiProperty({ nullable: true, type: String }) conflictOverrideReason!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the reviewer was assigned beyond the cap of open assignments',
  })
  loadOverrideReason!: string | null;
  @ApiProperty() assignedAt!: string;
}

export class ReviewerSuggestionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ nullable: true, type: String }) organizationCode!: string | null;
  @ApiProperty({ type: [String] }) thematicAreaCodes!: string[];
  @ApiProperty({ description: 'Expert in the note’s primary thematic area' }) expertise!: boolean;
  @ApiProperty({ description: 'Reviews assigned and not yet submitted, on notes in review' })
  openAssignments!: number;
}

export class MyReviewStateView {
  @ApiProperty({ enum: REVIEW_STATES }) state!: ReviewState;
  @ApiProperty({ nullable: true, type: Number }) weightedScore!: number | null;
  @ApiProperty({ nullable: true, type: String }) submittedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Last saved' }) savedAt!: string | null;
}

/** An assignment as its reviewer sees it. */
export class MyAssignmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) noteId!: string;
  @ApiProperty() noteTitle!: string;
  @ApiProperty({ nullable: true, type: String }) referenceCode!: string | null;
  @ApiProperty({ enum: STATUSES }) noteStatus!: ConceptNoteStatus;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ enum: ASSIGNMENT_STATUSES }) status!: AssignmentStatus;
  @ApiProperty({ nullable: true, type: String, description: 'Your declaration of a conflict' })
  conflictReason!: string | null;
  @ApiProperty({ type: MyReviewStateView }) review!: MyReviewStateView;
}

export class MyAssignmentPage implements Page<MyAssignmentView> {
  @ApiProperty({ type: [MyAssignmentView] }) items!: MyAssignmentView[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}

export class ScoreView {
  @ApiProperty() code!: string;
  @ApiProperty() score!: number;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
}

/**
 * One review. The secretariat sees every field; a reviewer sees their own review with its
 * assignment, and (once theirs is submitted) the others' submitted reviews under a label only.
 */
export class ReviewView {
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Reviewer A',
    description: 'Submitted reviews are labelled in the order they came in',
  })
  label!: string | null;
  @ApiProperty({ description: 'Your own review' }) mine!: boolean;
  @ApiPropertyOptional({ type: ReviewerRef, description: 'Secretariat only' }) reviewer?: ReviewerRef;
  @ApiPropertyOptional({ format: 'uuid', description: 'Secretariat and your own' }) assignmentId?: string;
  @ApiPropertyOptional({ enum: ASSIGNMENT_STATUSES, description: 'Secretariat and your own' })
  assignmentStatus?: AssignmentStatus;
  @ApiPropertyOptional({ description: 'Secretariat and your own' }) dueAt?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Secretariat only' })
  conflictOverrideReason?: string | null;
  @ApiProperty({ enum: REVIEW_STATES }) state!: ReviewState;
  @ApiProperty({ nullable: true, type: Number }) criteriaSetVersion!: number | null;
  @ApiProperty({ type: [ScoreView] }) scores!: ScoreView[];
  @ApiProperty({ enum: RECOMMENDATIONS, nullable: true }) recommendation!: Recommendation | null;
  @ApiProperty({ nullable: true, type: String }) overallComment!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: '0–100, set on submission' })
  weightedScore!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Secretariat and your own' })
  submittedAt?: string | null;
}

export class ReviewListView {
  @ApiProperty({ format: 'uuid' }) noteId!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'The revision these reviews are of' })
  revisionNumber!: number | null;
  @ApiProperty({ type: [ReviewView] }) items!: ReviewView[];
}

export class ScaleRangeView {
  @ApiProperty({ example: 1 }) min!: number;
  @ApiProperty({ example: 4 }) max!: number;
}

/**
 * The mean score of one quality criterion. Reviews scored against different criteria set versions
 * are pooled where the criterion (code, title, weight) and the scale are the same; a criterion that
 * changed gives a row per version.
 */
export class CriterionMeanView {
  @ApiProperty() code!: string;
  @ApiProperty() title!: string;
  @ApiProperty() weight!: number;
  @ApiProperty({ type: ScaleRangeView, description: 'The scale the mean is on' }) scale!: ScaleRangeView;
  @ApiProperty({ type: [Number], description: 'The criteria set versions whose reviews this row pools' })
  criteriaSetVersions!: number[];
  @ApiProperty({ description: 'Submitted reviews that scored the criterion' }) count!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'On the scale above' })
  mean!: number | null;
}

export class CriterionCommentView {
  @ApiProperty() code!: string;
  @ApiProperty() comment!: string;
}

export class AnonymousCommentView {
  @ApiProperty({ example: 'Reviewer A' }) label!: string;
  @ApiProperty({ description: 'The criteria set version the review was scored against' })
  criteriaSetVersion!: number;
  @ApiProperty({ enum: RECOMMENDATIONS, nullable: true }) recommendation!: Recommendation | null;
  @ApiProperty({ nullable: true, type: String }) overallComment!: string | null;
  @ApiProperty({ type: [CriterionCommentView] }) criterionComments!: CriterionCommentView[];
}

export class RecommendationCountsView {
  @ApiProperty() fund!: number;
  @ApiProperty() approve!: number;
  @ApiProperty() revise!: number;
  @ApiProperty() reject!: number;
}

export class ConflictOverridesView {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({
    nullable: true,
    type: String,
    example: '1 conflict overridden: only expert on the corridor',
  })
  text!: string | null;
}

/** The anonymized summary of a note's submitted reviews: figures, comments, overrides; never a name. */
export class ReviewSummaryView {
  @ApiProperty({ format: 'uuid' }) noteId!: string;
  @ApiProperty({ nullable: true, type: Number }) revisionNumber!: number | null;
  @ApiProperty({ description: 'Submitted reviews' }) count!: number;
  @ApiProperty({ description: 'Assigned reviews not submitted yet' }) outstanding!: number;
  @ApiProperty({
    type: [Number],
    description:
      'The criteria set versions the submitted reviews were scored against, newest first; each weighted ' +
      'score is 0–100 under its own version',
  })
  criteriaSetVersions!: number[];
  @ApiProperty({ nullable: true, type: Number, description: 'Of the weighted scores (0–100)' })
  mean!: number | null;
  @ApiProperty({ nullable: true, type: Number }) median!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Highest minus lowest weighted score' })
  spread!: number | null;
  @ApiProperty({ type: [CriterionMeanView] }) perCriterion!: CriterionMeanView[];
  @ApiProperty({ type: RecommendationCountsView }) recommendations!: RecommendationCountsView;
  @ApiProperty({ type: [AnonymousCommentView] }) comments!: AnonymousCommentView[];
  @ApiProperty({ type: ConflictOverridesView }) conflictOverrides!: ConflictOverridesView;
}

/** One row of the reviews export: a review's score on one criterion. */
export interface ReviewExportRow {
  reviewer: string;
  organizationCode: string | null;
  label: string | null;
  state: ReviewState;
  criteriaSetVersion: number | null;
  criterion: string;
  criterionTitle: string;
  score: number | null;
  comment: string | null;
  weightedScore: number | null;
  recommendation: string | null;
  submittedAt: string | null;
}
