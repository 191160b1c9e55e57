import { Body, Controller, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
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
  @ApiOkResponse({ type: [CriteriaSetView], description: 'Every published version, newest first' })
  criteriaSets(): Promise<CriteriaSetView[]> {
    return this.reference.criteriaSets();
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
