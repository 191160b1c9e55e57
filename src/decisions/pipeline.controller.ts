import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { sendExport, type ExportColumn } from '../common/export';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { UuidParam } from '../common/params';
import { PipelineEntryView, PipelinePage, PipelineQuery, RemovalDto, RemovalView } from './dto/pipeline.dto';
import { PipelineService } from './pipeline.service';

@ApiTags('pipeline')
@ApiBearerAuth()
@Controller('pipeline')
export class PipelineController {
  constructor(private readonly pipeline: PipelineService) {}

  @Get()
  @Roles('secretariat', 'steering_committee')
  @ApiOkResponse({
    type: PipelinePage,
    description:
      'Approved and funded notes; `?format=csv|xlsx` exports the pipeline report (per meeting with `meeting=`)',
  })
  async list(@Query() query: PipelineQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.pipeline.list(query);
    if (query.format === 'json') return page;
    return sendExport(reply, query.format, 'pipeline', PIPELINE_COLUMNS, page.items);
  }

  @Post(':conceptNoteId/removal')
  @Roles('secretariat')
  @Idempotent()
  @HttpCode(200)
  @ApiOkResponse({
    type: RemovalView,
    description:
      'approved → removed_from_pipeline, with a reason; the team and the RCs and RC office of the note’s ' +
      'countries are e-mailed the reason (removed_from_pipeline)',
  })
  remove(
    @CurrentActor() actor: Actor,
    @UuidParam('conceptNoteId') conceptNoteId: string,
    @Body() dto: RemovalDto,
  ): Promise<RemovalView> {
    return this.pipeline.remove(actor, conceptNoteId, dto);
  }
}

const PIPELINE_COLUMNS: ExportColumn<PipelineEntryView>[] = [
  { header: 'Reference', value: (e) => e.referenceCode },
  { header: 'Title', value: (e) => e.title },
  { header: 'Status', value: (e) => e.status },
  { header: 'Thematic area', value: (e) => e.primaryThematicAreaCode },
  { header: 'Countries', value: (e) => e.countryCodes.join(', ') },
  { header: 'Convening organization', value: (e) => e.conveningOrganizationCode },
  { header: 'Requested (USD)', value: (e) => e.requestedTotalUsd },
  { header: 'Funded (USD)', value: (e) => e.fundedTotalUsd },
  {
    header: 'Funded amounts (USD)',
    value: (e) => e.fundedAmounts.map((a) => `${a.organizationCode}: ${a.amountUsd.toFixed(2)}`).join('; '),
  },
  { header: 'Mean score', value: (e) => e.meanScore },
  { header: 'Reviews', value: (e) => e.reviewCount },
  { header: 'Decided at (UTC)', value: (e) => e.decidedAt },
  { header: 'Meeting', value: (e) => e.meetingTitle },
  { header: 'Full programme due', value: (e) => e.fullProgrammeDueOn },
];
