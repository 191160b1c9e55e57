import { Body, Controller, Get, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { sendExport, type ExportColumn } from '../common/export';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { UuidParam } from '../common/params';
import { ConceptNoteView } from '../concept-notes/dto/concept-note.view';
import {
  AssignmentView,
  CloseReviewsDto,
  CreateAssignmentDto,
  DeclareConflictDto,
  ListMyAssignmentsQuery,
  MyAssignmentPage,
  MyAssignmentView,
  ReviewerSuggestionView,
  ReviewListView,
  ReviewsQuery,
  ReviewSummaryView,
  ReviewView,
  SaveReviewDto,
  type ReviewExportRow,
} from './dto/review.dto';
import { ReviewsService } from './reviews.service';

@ApiTags('reviews')
@ApiBearerAuth()
@Controller()
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Post('concept-notes/:id/review-assignments')
  @Roles('secretariat')
  @Idempotent()
  @ApiCreatedResponse({
    type: AssignmentView,
    description:
      'Assigns a reviewer to a note in review and e-mails them. A reviewer of the convening or a participating ' +
      'organization answers 409 REVIEW.CONFLICTED unless conflictOverrideReason is given; a reviewer who ' +
      'already has REVIEWER_MAX_OPEN_ASSIGNMENTS open assignments answers 409 REVIEW.LOAD_CAP_REACHED (with ' +
      'openAssignments and maxOpenAssignments) unless loadOverrideReason is given. Overrides are audited',
  })
  assign(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: CreateAssignmentDto,
  ): Promise<AssignmentView> {
    return this.reviews.assign(actor, id, dto);
  }

  @Get('concept-notes/:id/review-assignments/suggestions')
  @Roles('secretariat')
  @ApiOkResponse({
    type: [ReviewerSuggestionView],
    description:
      'Reviewers ranked: experts in the primary thematic area first, then the least loaded; never a conflicted ' +
      'reviewer, one already assigned, or one at REVIEWER_MAX_OPEN_ASSIGNMENTS',
  })
  suggestions(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ReviewerSuggestionView[]> {
    return this.reviews.suggestions(actor, id);
  }

  @Get('review-assignments')
  @Roles('reviewer')
  @ApiOkResponse({ type: MyAssignmentPage, description: 'Your assignments (`mine=true`), soonest due first' })
  mine(@CurrentActor() actor: Actor, @Query() query: ListMyAssignmentsQuery): Promise<MyAssignmentPage> {
    return this.reviews.mine(actor, query);
  }

  @Post('review-assignments/:id/conflict')
  @Roles('reviewer')
  @HttpCode(200)
  @ApiOkResponse({
    type: MyAssignmentView,
    description: 'Declare a conflict of interest: the assignment ends and the secretariat is told',
  })
  declareConflict(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: DeclareConflictDto,
  ): Promise<MyAssignmentView> {
    return this.reviews.declareConflict(actor, id, dto);
  }

  @Put('review-assignments/:id/review')
  @Roles('reviewer')
  @ApiOkResponse({
    type: ReviewView,
    description:
      'Save a draft (scores may be partial) or submit (`submit: true`: every criterion scored, a recommendation); ' +
      'a submitted review answers 409 REVIEW.SUBMITTED',
  })
  saveReview(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: SaveReviewDto,
  ): Promise<ReviewView> {
    return this.reviews.saveReview(actor, id, dto);
  }

  @Get('concept-notes/:id/reviews')
  @ApiOkResponse({
    type: ReviewListView,
    description:
      'Secretariat: every review with its reviewer (`?format=csv|xlsx`: one row per review and criterion). ' +
      'Reviewer: your own, and once it is submitted the other submitted reviews, anonymized',
  })
  async list(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Query() query: ReviewsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (query.format === 'json') return this.reviews.list(actor, id);
    const rows = await this.reviews.exportRows(actor, id);
    return sendExport(reply, query.format, `reviews-${id}`, REVIEW_COLUMNS, rows);
  }

  @Get('concept-notes/:id/review-summary')
  @ApiOkResponse({
    type: ReviewSummaryView,
    description:
      'Anonymized: count, mean, median and spread of the weighted scores, per-criterion means, comments under ' +
      'labels, conflict overrides without names. Secretariat, committee, and a reviewer who has submitted. ' +
      'Reviews scored against different criteria set versions: the weighted scores (each 0–100) are taken ' +
      'together; a criterion’s mean pools the versions where it and the scale are the same, else one row per version',
  })
  summary(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ReviewSummaryView> {
    return this.reviews.summary(actor, id);
  }

  @Post('concept-notes/:id/reviews/close')
  @Roles('secretariat')
  @HttpCode(200)
  @ApiOkResponse({
    type: ConceptNoteView,
    description:
      '→ ready_for_committee; under the fund’s minimum of submitted reviews a reason is required. ' +
      'Open assignments are cancelled. The team and the RCs and RC office of the note’s countries are e-mailed ' +
      '(reviews_closed: the meeting it goes to, nothing of the reviews)',
  })
  close(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: CloseReviewsDto,
  ): Promise<ConceptNoteView> {
    return this.reviews.close(actor, id, dto);
  }
}

const REVIEW_COLUMNS: ExportColumn<ReviewExportRow>[] = [
  { header: 'Reviewer', value: (r) => r.reviewer },
  { header: 'Organization', value: (r) => r.organizationCode },
  { header: 'Label', value: (r) => r.label },
  { header: 'State', value: (r) => r.state },
  { header: 'Criteria set', value: (r) => r.criteriaSetVersion },
  { header: 'Criterion', value: (r) => r.criterion },
  { header: 'Criterion title', value: (r) => r.criterionTitle },
  { header: 'Score', value: (r) => r.score },
  { header: 'Comment', value: (r) => r.comment },
  { header: 'Weighted score', value: (r) => r.weightedScore },
  { header: 'Recommendation', value: (r) => r.recommendation },
  { header: 'Submitted (UTC)', value: (r) => r.submittedAt },
];
