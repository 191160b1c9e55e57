import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import type { FieldProblem } from '../common/errors';
import { centsToDecimal, toCents } from '../common/money';
import { Attachment } from '../attachments/attachment.entity';
import {
  Country,
  FundRulesVersion,
  GcmObjective,
  Organization,
  ThematicArea,
  type FundRules,
} from '../reference-data/reference.entity';
import { ConceptNote, ParticipatingOrganization } from './concept-note.entity';
import { share, sharesTotal, type NoteContent, type OrganizationShare } from './concept-note.rules';
import { ConceptNoteErrors } from './concept-notes.errors';
import type { ConceptNoteContentDto } from './dto/concept-note.dto';

/** Reads and writes a note's working copy: the fields of the template and the organizations' shares. */
@Injectable()
export class ConceptNoteContent {
  async fundRules(manager: EntityManager): Promise<FundRules> {
    const [current] = await manager.find(FundRulesVersion, { order: { version: 'DESC' }, take: 1 });
    return current.rules;
  }

  async areaOfObjective(manager: EntityManager): Promise<Map<number, string>> {
    const objectives = await manager.find(GcmObjective);
    return new Map(objectives.map((o) => [o.number, o.thematicAreaCode]));
  }

  /** The working copy as a revision would freeze it. */
  async read(manager: EntityManager, note: ConceptNote): Promise<NoteContent> {
    const organizations = await manager.find(ParticipatingOrganization, {
      where: { noteId: note.id },
      order: { position: 'ASC' },
    });
    const template = note.templateAttachmentId
      ? await manager.findOneBy(Attachment, { id: note.templateAttachmentId })
      : null;
    const shares: OrganizationShare[] = organizations.map((o) => ({
      organizationCode: o.organizationCode,
      directCostsUsd: o.directCostsUsd,
      indirectSupportCostsUsd: o.indirectSupportCostsUsd,
      totalUsd: sharesTotal([{ totalUsd: o.directCostsUsd }, { totalUsd: o.indirectSupportCostsUsd }]),
    }));
    return {
      title: note.title,
      summary: note.summary,
      summaryEn: note.summaryEn,
      language: note.language,
      scope: note.scope,
      countryCodes: note.countryCodes,
      primaryThematicAreaCode: note.primaryThematicAreaCode,
      gcmObjectiveNumbers: [...note.gcmObjectiveNumbers].sort((a, b) => a - b),
      conveningOrganizationCode: note.conveningOrganizationCode,
      participatingOrganizations: shares,
      totalBudgetUsd: note.totalBudgetUsd,
      implementingPartners: note.implementingPartners,
      durationMonths: note.durationMonths,
      markers: {
        gender: { marker: note.genderMarker, justification: note.genderJustification },
        humanRights: { marker: note.humanRightsMarker, justification: note.humanRightsJustification },
        childSensitivity: {
          marker: note.childSensitivityMarker,
          justification: note.childSensitivityJustification,
        },
      },
      beneficiaries: note.beneficiaries,
      theoryOfChange: note.theoryOfChange,
      expectedResults: note.expectedResults,
      sustainability: note.sustainability,
      risks: note.risks,
      template: template
        ? { attachmentId: template.id, filename: template.filename, sha256: template.sha256 }
        : null,
    };
  }

  /** Refuses codes that name nothing (400 naming the field) and a language the Fund does not accept. */
  async validate(manager: EntityManager, dto: ConceptNoteContentDto, rules: FundRules): Promise<void> {
    const problems: FieldProblem[] = [];
    if (dto.language && !rules.acceptedLanguages.includes(dto.language)) {
      problems.push({
        field: 'language',
        message: `must be one of the Fund's accepted languages: ${rules.acceptedLanguages.join(', ')}`,
      });
    }
    if (dto.countryCodes?.length) {
      const found = await manager.findBy(Country, { code: In(dto.countryCodes) });
      const unknown = dto.countryCodes.filter((c) => !found.some((f) => f.code === c));
      if (unknown.length)
        problems.push({ field: 'countryCodes', message: `unknown countries: ${unknown.join(', ')}` });
    }
    if (
      dto.primaryThematicAreaCode &&
      !(await manager.existsBy(ThematicArea, { code: dto.primaryThematicAreaCode }))
    ) {
      problems.push({
        field: 'primaryThematicAreaCode',
        message: `${dto.primaryThematicAreaCode} is not a thematic area`,
      });
    }
    const codes = [
      ...(dto.conveningOrganizationCode ? [dto.conveningOrganizationCode] : []),
      ...(dto.participatingOrganizations ?? []).map((p) => p.organizationCode),
    ];
    if (codes.length) {
      const found = await manager.findBy(Organization, { code: In(codes), active: true });
      if (dto.conveningOrganizationCode && !found.some((f) => f.code === dto.conveningOrganizationCode)) {
        problems.push({
          field: 'conveningOrganizationCode',
          message: `${dto.conveningOrganizationCode} is not an active UN organization`,
        });
      }
      (dto.participatingOrganizations ?? []).forEach((p, i) => {
        if (!found.some((f) => f.code === p.organizationCode)) {
          problems.push({
            field: `participatingOrganizations.${i}.organizationCode`,
            message: `${p.organizationCode} is not an active UN organization`,
          });
        }
      });
      const seen = new Set<string>();
      (dto.participatingOrganizations ?? []).forEach((p, i) => {
        if (seen.has(p.organizationCode)) {
          problems.push({
            field: `participatingOrganizations.${i}.organizationCode`,
            message: `${p.organizationCode} is listed twice`,
          });
        }
        seen.add(p.organizationCode);
      });
    }
    if (problems.length) throw ConceptNoteErrors.invalidReference(problems);
  }

  /** Applies the fields present in `dto` to the note (not saved) and replaces the shares if given. */
  async apply(
    manager: EntityManager,
    note: ConceptNote,
    dto: ConceptNoteContentDto,
    rules: FundRules,
  ): Promise<void> {
    const text = (value: string | null | undefined) =>
      value === undefined ? undefined : value === null || value.trim() === '' ? null : value;
    const assign = <K extends keyof ConceptNote>(key: K, value: ConceptNote[K] | undefined) => {
      if (value !== undefined) note[key] = value;
    };
    assign('title', dto.title);
    assign('summary', dto.summary);
    assign('summaryEn', text(dto.summaryEn));
    assign('language', dto.language);
    assign('scope', dto.scope);
    assign('countryCodes', dto.countryCodes);
    assign('primaryThematicAreaCode', dto.primaryThematicAreaCode);
    assign('gcmObjectiveNumbers', dto.gcmObjectiveNumbers);
    assign('conveningOrganizationCode', dto.conveningOrganizationCode);
    assign('implementingPartners', dto.implementingPartners);
    assign('durationMonths', dto.durationMonths);
    if (dto.totalBudgetUsd !== undefined) {
      note.totalBudgetUsd = dto.totalBudgetUsd === null ? null : centsToDecimal(toCents(dto.totalBudgetUsd));
    }
    const markers = dto.markers;
    if (markers?.gender) {
      assign('genderMarker', markers.gender.marker);
      assign('genderJustification', text(markers.gender.justification));
    }
    if (markers?.humanRights) {
      assign('humanRightsMarker', markers.humanRights.marker);
      assign('humanRightsJustification', text(markers.humanRights.justification));
    }
    if (markers?.childSensitivity) {
      assign('childSensitivityMarker', markers.childSensitivity.marker);
      assign('childSensitivityJustification', text(markers.childSensitivity.justification));
    }
    assign('beneficiaries', text(dto.beneficiaries));
    assign('theoryOfChange', text(dto.theoryOfChange));
    assign('expectedResults', text(dto.expectedResults));
    assign('sustainability', text(dto.sustainability));
    assign('risks', text(dto.risks));

    if (dto.participatingOrganizations) {
      await manager.delete(ParticipatingOrganization, { noteId: note.id });
      const rows = dto.participatingOrganizations.map((p, position) => {
        const computed = share(p.organizationCode, p.directCostsUsd, rules.indirectSupportCostRate);
        return manager.create(ParticipatingOrganization, {
          noteId: note.id,
          organizationCode: p.organizationCode,
          position,
          directCostsUsd: computed.directCostsUsd,
          indirectSupportCostsUsd: computed.indirectSupportCostsUsd,
        });
      });
      if (rows.length) await manager.insert(ParticipatingOrganization, rows);
    }
  }
}
