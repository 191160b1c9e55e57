import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { CommonErrors } from '../common/errors';
import { sendExport } from '../common/export';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { UuidParam } from '../common/params';
import { ConceptNotesService } from './concept-notes.service';
import {
  CreateConceptNoteDto,
  HandOverLeadDto,
  ListConceptNotesQuery,
  TeamDto,
  UpdateConceptNoteDto,
  WithdrawDto,
} from './dto/concept-note.dto';
import {
  ConceptNotePage,
  ConceptNoteSummaryView,
  ConceptNoteView,
  HistoryEntryView,
  PrecheckView,
  RevisionComparisonView,
  RevisionView,
} from './dto/concept-note.view';

const revisionNumber = (name: string) => {
  const invalid = () => CommonErrors.validation([{ field: name, message: 'must be a revision number' }]);
  // Beyond PostgreSQL's integer, the comparison query itself would fail (a 500, not a 404).
  const inRange = {
    transform: (value: number) => {
      if (value < 1 || value > 2_147_483_647) throw invalid();
      return value;
    },
  };
  return Param(name, new ParseIntPipe({ exceptionFactory: invalid }), inRange);
};

@ApiTags('concept notes')
@ApiBearerAuth()
@Controller('concept-notes')
export class ConceptNotesController {
  constructor(private readonly notes: ConceptNotesService) {}

  @Post()
  @Roles('applicant')
  @Idempotent()
  @ApiCreatedResponse({ type: ConceptNoteView, description: 'A draft; its author leads its team' })
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateConceptNoteDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConceptNoteView> {
    const note = await this.notes.create(actor, dto);
    void reply.header('etag', `"${note.version}"`).header('location', `/api/v1/concept-notes/${note.id}`);
    return note;
  }

  @Get()
  @ApiOkResponse({
    type: ConceptNotePage,
    description: 'The notes the reader may see; `?format=csv|xlsx` exports them',
  })
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: ListConceptNotesQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = await this.notes.list(actor, query);
    if (query.format === 'json') return page;
    return sendExport(reply, query.format, 'concept-notes', NOTE_COLUMNS, page.items);
  }

  @Get(':id')
  @ApiOkResponse({
    type: ConceptNoteView,
    description: 'The ETag header carries the version to send back in If-Match',
  })
  async get(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConceptNoteView> {
    const note = await this.notes.get(actor, id);
    void reply.header('etag', `"${note.version}"`);
    return note;
  }

  @Patch(':id')
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'The version read (ETag); 412 when the note changed since',
  })
  @ApiOkResponse({ type: ConceptNoteView })
  async update(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateConceptNoteDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConceptNoteView> {
    const note = await this.notes.update(actor, id, ifMatch, dto);
    void reply.header('etag', `"${note.version}"`);
    return note;
  }

  @Put(':id/team')
  @ApiOkResponse({ type: ConceptNoteView })
  setTeam(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: TeamDto,
  ): Promise<ConceptNoteView> {
    return this.notes.setTeam(actor, id, dto);
  }

  @Post(':id/lead')
  @HttpCode(200)
  @ApiOkResponse({ type: ConceptNoteView })
  handOverLead(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: HandOverLeadDto,
  ): Promise<ConceptNoteView> {
    return this.notes.handOverLead(actor, id, dto);
  }

  @Get(':id/precheck')
  @ApiOkResponse({ type: PrecheckView })
  precheck(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<PrecheckView> {
    return this.notes.precheck(actor, id);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: ConceptNoteView })
  withdraw(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: WithdrawDto,
  ): Promise<ConceptNoteView> {
    return this.notes.withdraw(actor, id, dto);
  }

  @Get(':id/revisions')
  @ApiOkResponse({ type: [RevisionView] })
  revisions(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<RevisionView[]> {
    return this.notes.revisions(actor, id);
  }

  @Get(':id/revisions/:a/compare/:b')
  @ApiOkResponse({ type: RevisionComparisonView })
  compare(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @revisionNumber('a') a: number,
    @revisionNumber('b') b: number,
  ): Promise<RevisionComparisonView> {
    return this.notes.compareRevisions(actor, id, a, b);
  }

  @Get(':id/history')
  @ApiOkResponse({ type: [HistoryEntryView] })
  history(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<HistoryEntryView[]> {
    return this.notes.history(actor, id);
  }
}

const NOTE_COLUMNS = [
  { header: 'Reference', value: (n: ConceptNoteSummaryView) => n.referenceCode },
  { header: 'Title', value: (n: ConceptNoteSummaryView) => n.title },
  { header: 'Status', value: (n: ConceptNoteSummaryView) => n.status },
  { header: 'Scope', value: (n: ConceptNoteSummaryView) => n.scope },
  { header: 'Countries', value: (n: ConceptNoteSummaryView) => n.countryCodes.join(' ') },
  { header: 'Thematic area', value: (n: ConceptNoteSummaryView) => n.primaryThematicAreaCode },
  { header: 'Convening organization', value: (n: ConceptNoteSummaryView) => n.conveningOrganizationCode },
  {
    header: 'Participating organizations',
    value: (n: ConceptNoteSummaryView) => n.participatingOrganizationCodes.join(' '),
  },
  { header: 'Total budget (USD)', value: (n: ConceptNoteSummaryView) => n.totalBudgetUsd },
  { header: 'Lead', value: (n: ConceptNoteSummaryView) => n.leadName },
  { header: 'Submitted', value: (n: ConceptNoteSummaryView) => n.submittedAt },
  { header: 'Updated', value: (n: ConceptNoteSummaryView) => n.updatedAt },
];
