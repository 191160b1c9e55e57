import { Body, Controller, Delete, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { sendExport } from '../common/export';
import { ExportablePageQuery } from '../common/pagination';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { UuidParam } from '../common/params';
import { ConceptNoteView } from '../concept-notes/dto/concept-note.view';
import {
  CreateDelegationDto,
  DelegationPage,
  DelegationView,
  EndorsementDecisionDto,
  OfflineEndorsementDto,
} from './dto/endorsement.dto';
import { EndorsementsService } from './endorsements.service';

@ApiTags('endorsements')
@ApiBearerAuth()
@Controller()
export class EndorsementsController {
  constructor(private readonly endorsements: EndorsementsService) {}

  @Post('concept-notes/:id/endorsement-requests')
  @HttpCode(200)
  @ApiOkResponse({
    type: ConceptNoteView,
    description: 'Revision frozen; the RCs are asked (422 lists what blocks it)',
  })
  request(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ConceptNoteView> {
    return this.endorsements.requestEndorsement(actor, id);
  }

  @Post('concept-notes/:id/endorsement-requests/recall')
  @HttpCode(200)
  @ApiOkResponse({ type: ConceptNoteView, description: 'Back to draft' })
  recall(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ConceptNoteView> {
    return this.endorsements.recall(actor, id);
  }

  @Post('concept-notes/:id/endorsements')
  @HttpCode(200)
  @ApiOkResponse({
    type: ConceptNoteView,
    description: 'Endorse every listed country you cover (the last one submits), or return the note',
  })
  decide(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: EndorsementDecisionDto,
  ): Promise<ConceptNoteView> {
    return this.endorsements.decide(actor, id, dto);
  }

  @Delete('concept-notes/:id/endorsements/mine')
  @ApiOkResponse({
    type: ConceptNoteView,
    description: 'Withdraw your endorsement before the note is submitted',
  })
  withdrawMine(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ConceptNoteView> {
    return this.endorsements.withdrawMine(actor, id);
  }

  @Post('concept-notes/:id/offline-endorsements')
  @Roles('secretariat')
  @Idempotent()
  @HttpCode(200)
  @ApiOkResponse({ type: ConceptNoteView })
  offline(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Body() dto: OfflineEndorsementDto,
  ): Promise<ConceptNoteView> {
    return this.endorsements.offline(actor, id, dto);
  }

  @Post('concept-notes/:id/sign-off')
  @HttpCode(200)
  @ApiOkResponse({
    type: ConceptNoteView,
    description: 'A focal point of the convening organization signs off a regional or global note',
  })
  signOff(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ConceptNoteView> {
    return this.endorsements.signOff(actor, id);
  }

  @Post('concept-notes/:id/submit')
  @HttpCode(200)
  @ApiOkResponse({
    type: ConceptNoteView,
    description: 'The lead submits a signed-off regional or global note',
  })
  submit(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ConceptNoteView> {
    return this.endorsements.submitSignedOff(actor, id);
  }

  @Post('delegations')
  @Roles('resident_coordinator')
  @Idempotent()
  @ApiCreatedResponse({ type: DelegationView })
  createDelegation(@CurrentActor() actor: Actor, @Body() dto: CreateDelegationDto): Promise<DelegationView> {
    return this.endorsements.createDelegation(actor, dto);
  }

  @Get('delegations')
  @Roles('resident_coordinator', 'rc_office', 'secretariat')
  @ApiOkResponse({
    type: DelegationPage,
    description:
      'Delegations you gave or received (the secretariat: all), latest first; `?format=csv|xlsx` exports them',
  })
  async listDelegations(
    @CurrentActor() actor: Actor,
    @Query() query: ExportablePageQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = await this.endorsements.listDelegations(actor, query);
    if (query.format === 'json') return page;
    return sendExport(reply, query.format, 'delegations', DELEGATION_COLUMNS, page.items);
  }

  @Delete('delegations/:id')
  @Roles('resident_coordinator')
  @ApiOkResponse({ type: DelegationView })
  revokeDelegation(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<DelegationView> {
    return this.endorsements.revokeDelegation(actor, id);
  }
}

const DELEGATION_COLUMNS = [
  { header: 'Resident Coordinator', value: (d: DelegationView) => d.residentCoordinatorName },
  { header: 'Acting RC', value: (d: DelegationView) => d.delegateName },
  { header: 'From', value: (d: DelegationView) => d.startsOn },
  { header: 'To (inclusive)', value: (d: DelegationView) => d.endsOn },
  { header: 'Created', value: (d: DelegationView) => d.createdAt },
  { header: 'Revoked', value: (d: DelegationView) => d.revokedAt },
];
