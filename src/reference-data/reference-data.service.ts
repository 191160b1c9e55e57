import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor, Locale } from '../common/auth/roles';
import { User } from '../users/user.entity';
import {
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
import {
  Country,
  CriteriaSet,
  FundRulesVersion,
  GcmObjective,
  GuidingPrinciple,
  Organization,
  ThematicArea,
} from './reference.entity';
import { ReferenceDataErrors } from './reference-data.errors';

@Injectable()
export class ReferenceDataService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async thematicAreas(): Promise<ThematicAreaView[]> {
    const [areas, objectives] = await Promise.all([
      this.dataSource.getRepository(ThematicArea).find({ order: { position: 'ASC' } }),
      this.dataSource.getRepository(GcmObjective).find({ order: { number: 'ASC' } }),
    ]);
    return areas.map((area) => ({
      code: area.code,
      title: area.title,
      gcmObjectiveNumbers: objectives.filter((o) => o.thematicAreaCode === area.code).map((o) => o.number),
    }));
  }

  async gcmObjectives(): Promise<GcmObjectiveView[]> {
    const rows = await this.dataSource.getRepository(GcmObjective).find({ order: { number: 'ASC' } });
    return rows.map(({ number, title, thematicAreaCode }) => ({ number, title, thematicAreaCode }));
  }

  async guidingPrinciples(): Promise<GuidingPrincipleView[]> {
    const rows = await this.dataSource.getRepository(GuidingPrinciple).find({ order: { code: 'ASC' } });
    return rows.map(({ code, title }) => ({ code, title }));
  }

  async organizations(): Promise<OrganizationView[]> {
    const rows = await this.dataSource
      .getRepository(Organization)
      .find({ relations: { focalPoints: true }, order: { code: 'ASC' } });
    return rows.map(organizationView);
  }

  async countries(locale: Locale): Promise<CountryView[]> {
    const rows = await this.dataSource.getRepository(Country).find();
    const collator = new Intl.Collator(locale);
    return rows.map((c) => CountryView.from(c, locale)).sort((a, b) => collator.compare(a.name, b.name));
  }

  async criteriaSets(): Promise<CriteriaSetView[]> {
    const rows = await this.dataSource.getRepository(CriteriaSet).find({ order: { version: 'DESC' } });
    return rows.map((r) => ({
      version: r.version,
      screening: r.screening,
      quality: r.quality,
      publishedAt: r.publishedAt.toISOString(),
    }));
  }

  async fundRules(): Promise<FundRulesView> {
    const [current] = await this.dataSource
      .getRepository(FundRulesVersion)
      .find({ order: { version: 'DESC' }, take: 1 });
    return {
      version: current.version,
      rules: current.rules,
      createdAt: current.createdAt.toISOString(),
    };
  }

  /** Publishes a new version of the fund rules; earlier versions stay for what was decided under them. */
  async updateFundRules(actor: Actor, rules: FundRulesDto): Promise<FundRulesView> {
    for (const [scope, band] of Object.entries(rules.budgetBandsUsd) as [
      string,
      { min: number; max: number },
    ][]) {
      if (band.min > band.max) throw ReferenceDataErrors.invalidRange(`budgetBandsUsd.${scope}`);
    }
    if (rules.durationMonths.min > rules.durationMonths.max)
      throw ReferenceDataErrors.invalidRange('durationMonths');
    const saved = await this.dataSource.transaction(async (manager) => {
      await manager.query('LOCK TABLE fund_rules IN EXCLUSIVE MODE');
      const [current] = await manager.find(FundRulesVersion, { order: { version: 'DESC' }, take: 1 });
      const plain = JSON.parse(JSON.stringify(rules)) as FundRulesDto;
      const next = await manager.save(
        manager.create(FundRulesVersion, {
          version: (current?.version ?? 0) + 1,
          rules: plain,
          createdById: actor.id,
        }),
      );
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'fund_rules.updated',
        entityType: 'fund_rules',
        entityId: String(next.version),
        before: current ? { version: current.version, rules: current.rules } : null,
        after: { version: next.version, rules: plain },
      });
      return next;
    });
    return {
      version: saved.version,
      rules: saved.rules,
      createdAt: saved.createdAt.toISOString(),
    };
  }

  async createOrganization(actor: Actor, dto: CreateOrganizationDto): Promise<OrganizationView> {
    const organization = await this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(Organization, { code: dto.code }))
        throw ReferenceDataErrors.organizationExists(dto.code);
      const organization = await manager.save(
        manager.create(Organization, { code: dto.code, name: dto.name, active: true }),
      );
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'organization.created',
        entityType: 'organization',
        entityId: dto.code,
        after: { code: dto.code, name: dto.name, active: true },
      });
      return { ...organization, focalPoints: [] };
    });
    return organizationView(organization);
  }

  async updateOrganization(
    actor: Actor,
    code: string,
    dto: UpdateOrganizationDto,
  ): Promise<OrganizationView> {
    const organization = await this.dataSource.transaction(async (manager) => {
      const organization = await manager.findOne(Organization, {
        where: { code },
        relations: { focalPoints: true },
        lock: { mode: 'pessimistic_write', tables: ['organizations'] },
      });
      if (!organization) throw ReferenceDataErrors.organizationNotFound();
      const before = organizationView(organization);
      if (dto.name !== undefined) organization.name = dto.name;
      if (dto.active !== undefined) organization.active = dto.active;
      if (dto.focalPointUserIds) {
        const users = await manager.findBy(User, { id: In(dto.focalPointUserIds), active: true });
        const missing = dto.focalPointUserIds.filter((id) => !users.some((u) => u.id === id));
        if (missing.length) throw ReferenceDataErrors.unknownFocalPoints(missing);
        organization.focalPoints = users;
      }
      const saved = await manager.save(organization);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'organization.updated',
        entityType: 'organization',
        entityId: code,
        before,
        after: organizationView(saved),
      });
      return saved;
    });
    return organizationView(organization);
  }
}

function organizationView(organization: Organization): OrganizationView {
  return {
    code: organization.code,
    name: organization.name,
    active: organization.active,
    focalPointUserIds: (organization.focalPoints ?? []).map((u) => u.id).sort(),
  };
}
