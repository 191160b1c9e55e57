import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { UuidParam } from '../common/params';
import { ConceptNoteView } from '../concept-notes/dto/concept-note.view';
import { RevisionResponsesDto, ScreeningDto } from './dto/screening.dto';
import { RevisionRequestView, ScreeningView } from './dto/screening.view';
import { ScreeningService } from './screening.service';

@ApiTags('screening')
@ApiBearerAuth()
@Controller('concept-notes')
export class ScreeningController {
  constructor(private readonly screening: ScreeningService) {}

  @Post(':id/screening')
  @Idempotent()
  @ApiCreatedResponse({
    type: ScreeningView,
    description:
      'The secretariat screens a submitted note: eligible (→ in_review, or ready_for_committee with ' +
      'reviewAgain false), ineligible (final), or revision_requested (technical or substantive, with points)',
  })
  screen(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: ScreeningDto,
  ): Promise<ScreeningView> {
    return this.screening.screen(actor, id, dto);
  }

  @Get(':id/screening')
  @ApiOkResponse({
    type: [ScreeningView],
    description: 'The screenings of the note, newest first (checklist notes and screener: secretariat only)',
  })
  list(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ScreeningView[]> {
    return this.screening.list(actor, id);
  }

  @Get(':id/revision-request')
  @ApiOkResponse({
    type: RevisionRequestView,
    description: 'The open revision request with the team’s answers so far (404 when none is open)',
  })
  revisionRequest(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<RevisionRequestView> {
    return this.screening.revisionRequest(actor, id);
  }

  @Put(':id/revision-responses')
  @ApiOkResponse({
    type: RevisionRequestView,
    description: 'The team answers each point of the open revision request, in order',
  })
  answer(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: RevisionResponsesDto,
  ): Promise<RevisionRequestView> {
    return this.screening.answer(actor, id, dto);
  }

  @Post(':id/resubmit')
  @HttpCode(200)
  @ApiOkResponse({
    type: ConceptNoteView,
    description:
      'The lead resubmits a technical revision: same submission time and meeting, no new endorsement ' +
      '(409 CONCEPT_NOTE.POINTS_UNANSWERED until every point is answered; 422 when precheck fails)',
  })
  resubmit(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ConceptNoteView> {
    return this.screening.resubmit(actor, id);
  }
}
