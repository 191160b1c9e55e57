import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor, Locale } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { CommonErrors } from '../common/errors';
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
  PublishCriteriaSetDto,
  ThematicAreaView,
  UpdateOrganizationDto,
} from './dto/reference.dto';
import { criteriaSetProblems } from './criteria-set.rules';
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
    private readonly clock: Clock,
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

  /** Every published version, newest first; the newest is current (new screenings and reviews use it). */
  async criteriaSets(): Promise<CriteriaSetView[]> {
    const rows = await this.dataSource.getRepository(CriteriaSet).find({ order: { version: 'DESC' } });
    return rows.map((row, index) => criteriaSetView(row, index === 0));
  }

  /**
   * Publishes a new version of the criteria: it becomes current for screenings and reviews begun
   * from now on; a review already begun keeps the version it was begun with, and every earlier
   * version stays for what was scored or screened under it.
   */
  async publishCriteriaSet(actor: Actor, dto: PublishCriteriaSetDto): Promise<CriteriaSetView> {
    const problems = criteriaSetProblems(dto);
    if (problems.length > 0) throw CommonErrors.validation(problems);
    const screening = dto.screeningCriteria.map(({ code, title, automatic }) => ({ code, title, automatic }));
    const { min, max } = dto.qualityScale;
    const labels = Object.fromEntries(
      Array.from({ length: max - min + 1 }, (_, i) => String(min + i)).map((p) => [
        p,
        dto.qualityScale.labels[p],
      ]),
    );
    const quality = {
      scale: { min, max, labels },
      criteria: dto.qualityCriteria.map(({ code, title, weight }) => ({ code, title, weight })),
    };
    const saved = await this.dataSource.transaction(async (manager) => {
      // One publication at a time: each gets the next version, none is lost.
      await manager.query('LOCK TABLE criteria_sets IN EXCLUSIVE MODE');
      const [current] = await manager.find(CriteriaSet, { order: { version: 'DESC' }, take: 1 });
      const next = await manager.save(
        manager.create(CriteriaSet, {
          version: (current?.version ?? 0) + 1,
          screening,
          quality,
          publishedAt: this.clock.now(),
          publishedById: actor.id,
        }),
      );
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'criteria_set.published',
        entityType: 'criteria_set',
        entityId: String(next.version),
        before: current
          ? { version: current.version, screening: current.screening, quality: current.quality }
          : null,
        after: { version: next.version, screening, quality },
      });
      return next;
    });
    return criteriaSetView(saved, true);
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

function criteriaSetView(set: CriteriaSet, current: boolean): CriteriaSetView {
  return {
    version: set.version,
    current,
    screening: set.screening.map(({ code, title, automatic }) => ({ code, title, automatic })),
    quality: {
      scale: { min: set.quality.scale.min, max: set.quality.scale.max, labels: set.quality.scale.labels },
      criteria: set.quality.criteria.map(({ code, title, weight }) => ({ code, title, weight })),
    },
    publishedAt: set.publishedAt.toISOString(),
  };
}

function organizationView(organization: Organization): OrganizationView {
  return {
    code: organization.code,
    name: organization.name,
    active: organization.active,
    focalPointUserIds: (organization.focalPoints ?? []).map((u) => u.id).sort(),
  };
}
