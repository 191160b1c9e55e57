import { Body, Controller, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import {
  CountriesQuery,
  CountryView,
  CreateOrganizationDto,
  CriteriaSetView,
  FundRulesDto,
  FundRulesView,
  GcmObjectiveView,
  GuidingPrincipleView,
  OrganizationView,
  PublishCriteriaSetDto,
  ThematicAreaView,
  UpdateOrganizationDto,
} from './dto/reference.dto';
import { ReferenceDataService } from './reference-data.service';

@ApiTags('reference data')
@ApiBearerAuth()
@Controller()
export class ReferenceDataController {
  constructor(private readonly reference: ReferenceDataService) {}

  @Get('thematic-areas')
  @ApiOkResponse({ type: [ThematicAreaView] })
  thematicAreas(): Promise<ThematicAreaView[]> {
    return this.reference.thematicAreas();
  }

  @Get('gcm-objectives')
  @ApiOkResponse({ type: [GcmObjectiveView] })
  gcmObjectives(): Promise<GcmObjectiveView[]> {
    return this.reference.gcmObjectives();
  }

  @Get('guiding-principles')
  @ApiOkResponse({ type: [GuidingPrincipleView] })
  guidingPrinciples(): Promise<GuidingPrincipleView[]> {
    return this.reference.guidingPrinciples();
  }

  @Get('organizations')
  @ApiOkResponse({ type: [OrganizationView] })
  organizations(): Promise<OrganizationView[]> {
    return this.reference.organizations();
  }

  @Post('organizations')
  @Roles('secretariat')
  @ApiCreatedResponse({ type: OrganizationView })
  createOrganization(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateOrganizationDto,
  ): Promise<OrganizationView> {
    return this.reference.createOrganization(actor, dto);
  }

  @Patch('organizations/:code')
  @Roles('secretariat')
  @ApiOkResponse({ type: OrganizationView })
  updateOrganization(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() dto: UpdateOrganizationDto,
  ): Promise<OrganizationView> {
    return this.reference.updateOrganization(actor, code.toUpperCase(), dto);
  }

  @Get('countries')
  @ApiOkResponse({ type: [CountryView] })
  countries(@Query() query: CountriesQuery): Promise<CountryView[]> {
    return this.reference.countries(query.locale);
  }

  @Get('criteria-sets')
  @ApiOkResponse({
    type: [CriteriaSetView],
    description: 'Every published version, newest first; the newest is `current`',
  })
  criteriaSets(): Promise<CriteriaSetView[]> {
    return this.reference.criteriaSets();
  }

  @Post('criteria-sets')
  @Roles('secretariat')
  @Idempotent()
  @ApiCreatedResponse({
    type: CriteriaSetView,
    description:
      'Publishes a new version of the screening and quality criteria, current for screenings and reviews ' +
      'begun from now on (a review already begun keeps its version). 400 names each field at fault: ' +
      '`qualityCriteria` when the weights do not add up to 100, `qualityCriteria.2.code` for a repeated code, ' +
      '`screeningCriteria.4.automatic` for an automatic criterion the system cannot check. Audited',
  })
  publishCriteriaSet(
    @CurrentActor() actor: Actor,
    @Body() dto: PublishCriteriaSetDto,
  ): Promise<CriteriaSetView> {
    return this.reference.publishCriteriaSet(actor, dto);
  }

  @Get('fund-rules')
  @ApiOkResponse({ type: FundRulesView })
  fundRules(): Promise<FundRulesView> {
    return this.reference.fundRules();
  }

  @Put('fund-rules')
  @Roles('secretariat')
  @ApiOkResponse({ type: FundRulesView, description: 'Publishes a new version of the fund rules' })
  updateFundRules(@CurrentActor() actor: Actor, @Body() dto: FundRulesDto): Promise<FundRulesView> {
    return this.reference.updateFundRules(actor, dto);
  }
}
