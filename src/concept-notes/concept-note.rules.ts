/**
 * Pure rules of a concept note's content: the snapshot a revision freezes, its hash, and the
 * precheck of the automatic screening criteria. No framework, no database.
 */
import { canonicalHash } from '../common/canonical-json';
import { applyRate, centsToDecimal, sumCents, toCents } from '../common/money';
import type { FundRules } from '../reference-data/reference.entity';

export type NoteScope = 'national' | 'multi_country' | 'regional' | 'global';

export interface MarkerContent {
  marker: number | null;
  justification: string | null;
}

export interface OrganizationShare {
  organizationCode: string;
  directCostsUsd: string;
  indirectSupportCostsUsd: string;
  totalUsd: string;
}

/** What a revision freezes: everything the applicants wrote, none of the workflow state. */
export interface NoteContent {
  title: string;
  summary: string;
  summaryEn: string | null;
  language: string;
  scope: NoteScope | null;
  countryCodes: string[];
  primaryThematicAreaCode: string | null;
  gcmObjectiveNumbers: number[];
  conveningOrganizationCode: string | null;
  participatingOrganizations: OrganizationShare[];
  totalBudgetUsd: string | null;
  implementingPartners: string[];
  durationMonths: number | null;
  markers: { gender: MarkerContent; humanRights: MarkerContent; childSensitivity: MarkerContent };
  beneficiaries: string | null;
  theoryOfChange: string | null;
  expectedResults: string | null;
  sustainability: string | null;
  risks: string | null;
  template: { attachmentId: string; filename: string; sha256: string } | null;
}

export function contentHash(content: NoteContent): string {
  return canonicalHash(content);
}

/** A participating organization's share: direct costs plus indirect support costs at the fund's rate. */
export function share(
  organizationCode: string,
  directCostsUsd: string | number,
  rate: number,
): OrganizationShare {
  const direct = toCents(directCostsUsd);
  const indirect = applyRate(direct, rate);
  return {
    organizationCode,
    directCostsUsd: centsToDecimal(direct),
    indirectSupportCostsUsd: centsToDecimal(indirect),
    totalUsd: centsToDecimal(direct + indirect),
  };
}

export function sharesTotal(shares: Pick<OrganizationShare, 'totalUsd'>[]): string {
  return centsToDecimal(sumCents(shares.map((s) => toCents(s.totalUsd))));
}

/** Fields compared between two revisions, in the template's order. */
export const COMPARED_FIELDS: (keyof NoteContent)[] = [
  'title',
  'summary',
  'summaryEn',
  'language',
  'scope',
  'countryCodes',
  'primaryThematicAreaCode',
  'gcmObjectiveNumbers',
  'conveningOrganizationCode',
  'participatingOrganizations',
  'totalBudgetUsd',
  'implementingPartners',
  'durationMonths',
  'markers',
  'beneficiaries',
  'theoryOfChange',
  'expectedResults',
  'sustainability',
  'risks',
  'template',
];

export interface FieldChange {
  field: keyof NoteContent;
  before: unknown;
  after: unknown;
}

/** Field-by-field comparison of two snapshots: the fields whose values differ. */
export function compare(before: NoteContent, after: NoteContent): FieldChange[] {
  return COMPARED_FIELDS.filter((field) => canonicalHash(before[field]) !== canonicalHash(after[field])).map(
    (field) => ({ field, before: before[field], after: after[field] }),
  );
}

export type CheckOutcome = 'pass' | 'fail' | 'pending';
export type CheckSeverity = 'blocking' | 'warning' | 'info';

export interface PrecheckItem {
  code: string;
  outcome: CheckOutcome;
  severity: CheckSeverity;
  reasons: string[];
}

export interface PrecheckResult {
  /** Failures that stop the endorsement request (422). */
  blocking: PrecheckItem[];
  /** Failures carried into screening as warnings. */
  warnings: PrecheckItem[];
  items: PrecheckItem[];
}

export interface PrecheckContext {
  rules: FundRules;
  /** Thematic area of each GCM objective. */
  areaOfObjective: ReadonlyMap<number, string>;
  /** Regional and global notes: has a focal point signed off the current content? */
  signedOff: boolean;
  /** National and multi-country notes: countries already covered by an endorsement of this content. */
  endorsedCountries: readonly string[];
}

const NARRATIVE: (keyof NoteContent)[] = [
  'beneficiaries',
  'theoryOfChange',
  'expectedResults',
  'sustainability',
  'risks',
];

function blank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}

/** Required fields of the template, by name. */
export function missingFields(content: NoteContent): string[] {
  const missing: string[] = [];
  if (blank(content.title)) missing.push('title');
  if (blank(content.summary)) missing.push('summary');
  if (content.language !== 'en' && blank(content.summaryEn)) missing.push('summaryEn');
  if (!content.scope) missing.push('scope');
  if (!content.primaryThematicAreaCode) missing.push('primaryThematicAreaCode');
  if (content.gcmObjectiveNumbers.length === 0) missing.push('gcmObjectiveNumbers');
  if (!content.conveningOrganizationCode) missing.push('conveningOrganizationCode');
  if (content.participatingOrganizations.length === 0) missing.push('participatingOrganizations');
  if (content.totalBudgetUsd === null) missing.push('totalBudgetUsd');
  if (content.durationMonths === null) missing.push('durationMonths');
  for (const [name, marker] of Object.entries(content.markers)) {
    if (marker.marker === null) missing.push(`markers.${name}`);
    if (blank(marker.justification)) missing.push(`markers.${name}.justification`);
  }
  for (const field of NARRATIVE) if (blank(content[field] as string | null)) missing.push(field);
  return missing;
}

/** Countries the scope asks for: one for national, several for multi-country, at least one for regional. */
function countryProblems(content: NoteContent): string[] {
  const count = content.countryCodes.length;
  switch (content.scope) {
    case 'national':
      return count === 1 ? [] : ['a national note covers exactly one country'];
    case 'multi_country':
      return count >= 2 ? [] : ['a multi-country note covers at least two countries'];
    case 'regional':
      return count >= 1 ? [] : ['a regional note lists at least one country'];
    default:
      return [];
  }
}

/**
 * The automatic screening criteria (E1–E8) on a working copy. Structural failures block the
 * endorsement request; budget band, duration and marker minimums are warnings.
 */
export function precheck(content: NoteContent, context: PrecheckContext): PrecheckResult {
  const { rules } = context;
  const item = (code: string, severity: CheckSeverity, reasons: string[], pending = false): PrecheckItem => ({
    code,
    severity,
    outcome: reasons.length > 0 ? 'fail' : pending ? 'pending' : 'pass',
    reasons,
  });
  const items: PrecheckItem[] = [];

  const missing = missingFields(content);
  items.push(
    item('REQUIRED', 'blocking', [
      ...missing.map((field) => `${field} is required`),
      ...countryProblems(content),
    ]),
  );

  // E1: endorsed by the RC of every country (national, multi-country) or signed off (regional, global).
  const endorsementRoute = content.scope === 'national' || content.scope === 'multi_country';
  const uncovered = content.countryCodes.filter((c) => !context.endorsedCountries.includes(c));
  items.push({
    code: 'E1',
    severity: 'info',
    outcome: endorsementRoute
      ? uncovered.length === 0 && content.countryCodes.length > 0
        ? 'pass'
        : 'pending'
      : context.signedOff
        ? 'pass'
        : 'pending',
    reasons: endorsementRoute
      ? uncovered.map((c) => `awaiting the endorsement for ${c}`)
      : context.signedOff
        ? []
        : ['awaiting the sign-off of a focal point of the convening organization'],
  });

  const organizations = content.participatingOrganizations.map((p) => p.organizationCode);
  const e2: string[] = [];
  if (organizations.length < rules.minimumParticipatingOrganizations) {
    e2.push(
      `at least ${rules.minimumParticipatingOrganizations} participating UN organizations are needed (${organizations.length} listed)`,
    );
  }
  if (content.conveningOrganizationCode && !organizations.includes(content.conveningOrganizationCode)) {
    e2.push('the convening organization must be one of the participating organizations');
  }
  items.push(item('E2', 'blocking', e2));

  items.push(
    item('E3', 'blocking', content.template ? [] : ['the completed concept-note template is not attached']),
  );

  const e4: string[] = [];
  if (content.primaryThematicAreaCode && content.gcmObjectiveNumbers.length > 0) {
    const inArea = content.gcmObjectiveNumbers.filter(
      (n) => context.areaOfObjective.get(n) === content.primaryThematicAreaCode,
    );
    if (inArea.length === 0) {
      e4.push(
        `no targeted GCM objective belongs to the primary thematic area ${content.primaryThematicAreaCode}`,
      );
    }
  }
  items.push(item('E4', 'blocking', e4));

  const shares: string[] = [];
  if (content.totalBudgetUsd !== null && content.participatingOrganizations.length > 0) {
    const sum = sharesTotal(content.participatingOrganizations);
    if (toCents(sum) !== toCents(content.totalBudgetUsd)) {
      shares.push(`the shares add up to USD ${sum}, not the stated total of USD ${content.totalBudgetUsd}`);
    }
  }
  items.push(item('BUDGET', 'blocking', shares));

  const e5: string[] = [];
  if (content.scope && content.totalBudgetUsd !== null) {
    const band = rules.budgetBandsUsd[content.scope];
    const total = toCents(content.totalBudgetUsd);
    if (total < toCents(band.min) || total > toCents(band.max)) {
      e5.push(
        `the total of USD ${content.totalBudgetUsd} is outside the band for a ${content.scope} note (USD ${band.min}–${band.max})`,
      );
    }
  }
  items.push(item('E5', 'warning', e5));

  const e6: string[] = [];
  const { min, max } = rules.durationMonths;
  if (content.durationMonths !== null && (content.durationMonths < min || content.durationMonths > max)) {
    e6.push(`${content.durationMonths} months is outside the allowed ${min}–${max} months`);
  }
  items.push(item('E6', 'warning', e6));

  const { gender, humanRights, childSensitivity } = content.markers;
  const minimums = rules.markerMinimums;
  const e7: string[] = [];
  if (gender.marker !== null && gender.marker < minimums.gender) {
    e7.push(`the gender marker ${gender.marker} is under the Fund's minimum of ${minimums.gender}`);
  }
  items.push(item('E7', 'warning', e7));

  const e8: string[] = [];
  if (humanRights.marker !== null && humanRights.marker < minimums.humanRights) {
    e8.push(`the human-rights marker ${humanRights.marker} is under the minimum of ${minimums.humanRights}`);
  }
  if (childSensitivity.marker !== null && childSensitivity.marker < minimums.childSensitivity) {
    e8.push(
      `the child-sensitivity marker ${childSensitivity.marker} is under the minimum of ${minimums.childSensitivity}`,
    );
  }
  items.push(item('E8', 'warning', e8));

  return {
    items,
    blocking: items.filter((i) => i.severity === 'blocking' && i.outcome === 'fail'),
    warnings: items.filter((i) => i.severity === 'warning' && i.outcome === 'fail'),
  };
}
