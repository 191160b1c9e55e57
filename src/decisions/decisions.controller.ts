import { Body, Controller, Delete, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { sendExport, type ExportColumn } from '../common/export';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { UuidParam } from '../common/params';
import { DecisionsService } from './decisions.service';
import {
  CorrectDecisionDto,
  CreateDecisionDto,
  DecisionPage,
  DecisionView,
  ListDecisionsQuery,
  NoteDecisionView,
  ReleaseView,
} from './dto/decision.dto';

@ApiTags('decisions')
@ApiBearerAuth()
@Controller()
export class DecisionsController {
  constructor(private readonly decisions: DecisionsService) {}

  @Post('meetings/:id/decisions')
  @Roles('secretariat')
  @Idempotent()
  @ApiCreatedResponse({
    type: DecisionView,
    description:
      'A draft decision on a listed agenda item; posting again for the same note replaces the draft. Nothing is e-mailed until release. Funding beyond the meeting’s envelope needs envelopeOverrideReason (409 DECISION.OVER_ENVELOPE otherwise).',
  })
  draft(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: CreateDecisionDto,
  ): Promise<DecisionView> {
    return this.decisions.draft(actor, id, dto);
  }

  @Get('meetings/:id/decisions')
  @Roles('secretariat', 'steering_committee')
  @ApiOkResponse({ type: DecisionPage, description: '`?format=csv|xlsx` exports the record of decisions' })
  async list(
    @UuidParam('id') id: string,
    @Query() query: ListDecisionsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = await this.decisions.list(id, query);
    if (query.format === 'json') return page;
    return sendExport(reply, query.format, 'decisions', DECISION_COLUMNS, page.items);
  }

  @Delete('meetings/:id/decisions/:decisionId')
  @Roles('secretariat')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Discards a draft (a released decision is corrected instead: 409)' })
  async discard(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @UuidParam('decisionId') decisionId: string,
  ): Promise<void> {
    await this.decisions.discard(actor, id, decisionId);
  }

  @Post('meetings/:id/decisions/release')
  @Roles('secretariat')
  @Idempotent()
  @HttpCode(200)
  @ApiOkResponse({
    type: ReleaseView,
    description:
      'Releases every draft at once: statuses change and the decision e-mails go out; if one cannot apply, nothing is released (409 naming the note)',
  })
  release(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ReleaseView> {
    return this.decisions.release(actor, id);
  }

  @Post('decisions/:id/corrections')
  @Roles('secretariat')
  @Idempotent()
  @ApiCreatedResponse({
    type: DecisionView,
    description: 'A released decision replaced, with a reason; the earlier one is kept as superseded',
  })
  correct(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: CorrectDecisionDto,
  ): Promise<DecisionView> {
    return this.decisions.correct(actor, id, dto);
  }

  @Get('concept-notes/:id/decisions')
  @ApiOkResponse({
    type: [NoteDecisionView],
    description:
      'The released decisions on a note (and those corrections superseded), for whoever reads the note',
  })
  forNote(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<NoteDecisionView[]> {
    return this.decisions.forNote(actor, id);
  }
}

const DECISION_COLUMNS: ExportColumn<DecisionView>[] = [
  { header: 'Reference', value: (d) => d.referenceCode },
  { header: 'Title', value: (d) => d.noteTitle },
  { header: 'Revision', value: (d) => d.revision },
  { header: 'Outcome', value: (d) => d.outcome },
  { header: 'Status', value: (d) => d.status },
  { header: 'Rationale', value: (d) => d.rationale },
  { header: 'Points', value: (d) => d.points.map((p, i) => `${i + 1}. ${p}`).join('\n') },
  {
    header: 'Amounts (USD)',
    value: (d) => d.amounts.map((a) => `${a.organizationCode}: ${a.amountUsd.toFixed(2)}`).join('; '),
  },
  { header: 'Total (USD)', value: (d) => d.totalAmountUsd },
  { header: 'Full programme due', value: (d) => d.fullProgrammeDueOn },
  { header: 'Envelope override', value: (d) => d.envelopeOverrideReason },
  { header: 'Recorded by', value: (d) => d.recordedByName },
  { header: 'Released by', value: (d) => d.releasedByName },
  { header: 'Released at (UTC)', value: (d) => d.releasedAt },
  { header: 'Correction reason', value: (d) => d.correctionReason },
];
