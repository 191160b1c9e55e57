import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { User } from '../users/user.entity';

export type LocalizedNames = Record<'ar' | 'en' | 'es' | 'fr' | 'ru' | 'zh', string>;

@Entity('thematic_areas')
export class ThematicArea {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'int' })
  position!: number;
}

@Entity('gcm_objectives')
export class GcmObjective {
  @PrimaryColumn({ type: 'int' })
  number!: number;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  thematicAreaCode!: string;

  @ManyToOne(() => ThematicArea, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'thematic_area_code' })
  thematicArea?: ThematicArea;
}

@Entity('guiding_principles')
export class GuidingPrinciple {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  title!: string;
}

@Entity('organizations')
export class Organization {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @ManyToMany(() => User)
  @JoinTable({
    name: 'organization_focal_points',
    joinColumn: { name: 'organization_code', referencedColumnName: 'code' },
    inverseJoinColumn: { name: 'user_id', referencedColumnName: 'id' },
  })
  focalPoints?: User[];
}

@Entity('countries')
export class Country {
  /** ISO 3166-1 alpha-3. */
  @PrimaryColumn({ type: 'char', length: 3 })
  code!: string;

  @Column({ type: 'char', length: 2 })
  alpha2!: string;

  /** UN M49 numeric code of the country or area. */
  @Column({ type: 'char', length: 3 })
  m49Code!: string;

  @Column({ type: 'jsonb' })
  names!: LocalizedNames;

  @Column({ type: 'char', length: 3 })
  regionCode!: string;

  @Column({ type: 'text' })
  regionName!: string;

  @Column({ type: 'char', length: 3 })
  subregionCode!: string;

  @Column({ type: 'text' })
  subregionName!: string;
}

/** Fund rules are versioned: an edit adds a version, so what was decided under a version stays explained. */
@Entity('fund_rules')
export class FundRulesVersion {
  @PrimaryColumn({ type: 'int' })
  version!: number;

  @Column({ type: 'jsonb' })
  rules!: FundRules;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  createdById!: string | null;
}

@Entity('criteria_sets')
export class CriteriaSet {
  @PrimaryColumn({ type: 'int' })
  version!: number;

  @Column({ type: 'jsonb' })
  screening!: ScreeningCriterion[];

  @Column({ type: 'jsonb' })
  quality!: QualityCriteria;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  publishedAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  publishedById!: string | null;
}

export interface ScreeningCriterion {
  code: string;
  title: string;
  automatic: boolean;
}

export interface QualityCriteria {
  scale: { min: number; max: number; labels: Record<string, string> };
  criteria: { code: string; title: string; weight: number }[];
}

export type Scope = 'national' | 'multi_country' | 'regional' | 'global';

export interface FundRules {
  submissionCutoffWeeks: number;
  minimumParticipatingOrganizations: number;
  budgetBandsUsd: Record<Scope, { min: number; max: number }>;
  durationMonths: { min: number; max: number };
  markerMinimums: { gender: number; humanRights: number; childSensitivity: number };
  indirectSupportCostRate: number;
  acceptedLanguages: string[];
  minimumSubmittedReviews: number;
  technicalRevisionDays: number;
  idleDraftDaysForReminders: number;
  endorsementBacklogAlertDaysBeforeCutoff: number;
}
