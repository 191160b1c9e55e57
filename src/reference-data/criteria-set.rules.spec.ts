import criteriaSeed from '../../migrations/seed/review-criteria.json';
import { precheck, type NoteContent } from '../concept-notes/concept-note.rules';
import type { FundRules } from './reference.entity';
import { AUTOMATIC_SCREENING_CODES, criteriaSetProblems, type CriteriaSetInput } from './criteria-set.rules';

/** The seeded criteria set, in the shape the secretariat publishes one. */
function seeded(): CriteriaSetInput {
  return JSON.parse(
    JSON.stringify({
      screeningCriteria: criteriaSeed.screening,
      qualityScale: criteriaSeed.quality.scale,
      qualityCriteria: criteriaSeed.quality.criteria,
    }),
  ) as CriteriaSetInput;
}

const fields = (input: CriteriaSetInput) => criteriaSetProblems(input).map((p) => p.field);

const RULES: FundRules = {
  submissionCutoffWeeks: 6,
  minimumParticipatingOrganizations: 2,
  budgetBandsUsd: {
    national: { min: 500000, max: 3000000 },
    multi_country: { min: 500000, max: 5000000 },
    regional: { min: 500000, max: 5000000 },
    global: { min: 500000, max: 5000000 },
  },
  durationMonths: { min: 12, max: 36 },
  markerMinimums: { gender: 2, humanRights: 0, childSensitivity: 0 },
  indirectSupportCostRate: 0.07,
  acceptedLanguages: ['en'],
  minimumSubmittedReviews: 2,
  technicalRevisionDays: 10,
  idleDraftDaysForReminders: 90,
  endorsementBacklogAlertDaysBeforeCutoff: 7,
};

const EMPTY_NOTE: NoteContent = {
  title: '',
  summary: '',
  summaryEn: null,
  language: 'en',
  scope: 'national',
  countryCodes: [],
  primaryThematicAreaCode: null,
  gcmObjectiveNumbers: [],
  conveningOrganizationCode: null,
  participatingOrganizations: [],
  totalBudgetUsd: null,
  implementingPartners: [],
  durationMonths: null,
  markers: {
    gender: { marker: null, justification: null },
    humanRights: { marker: null, justification: null },
    childSensitivity: { marker: null, justification: null },
  },
  beneficiaries: null,
  theoryOfChange: null,
  expectedResults: null,
  sustainability: null,
  risks: null,
  template: null,
};

describe('AUTOMATIC_SCREENING_CODES', () => {
  it('are exactly the criteria precheck reports, so screening can pre-fill every automatic criterion', () => {
    const result = precheck(EMPTY_NOTE, {
      rules: RULES,
      areaOfObjective: new Map(),
      signedOff: false,
      endorsedCountries: [],
    });
    // Besides the criteria, precheck reports structural checks of its own (required fields, budget sums).
    const checked = result.items.map((i) => i.code).filter((code) => /^E\d+$/.test(code));
    expect([...checked].sort()).toEqual([...AUTOMATIC_SCREENING_CODES].sort());
  });

  it('are the criteria the seeded set marks automatic', () => {
    expect(criteriaSeed.screening.filter((c) => c.automatic).map((c) => c.code)).toEqual([
      ...AUTOMATIC_SCREENING_CODES,
    ]);
  });
});

describe('criteriaSetProblems', () => {
  it('finds nothing wrong with the seeded set', () => {
    expect(criteriaSetProblems(seeded())).toEqual([]);
  });

  it('accepts a set that drops criteria, rewords them and adds a manual one', () => {
    const input = seeded();
    input.screeningCriteria = [
      { code: 'E1', title: 'Endorsed by every Resident Coordinator concerned', automatic: true },
      { code: 'E12', title: 'Local authorities consulted', automatic: false },
    ];
    expect(criteriaSetProblems(input)).toEqual([]);
  });

  it('names the list when the weights do not add up to 100, with their sum', () => {
    const input = seeded();
    input.qualityCriteria[2].weight = 10;
    expect(criteriaSetProblems(input)).toEqual([
      { field: 'qualityCriteria', message: 'the weights must add up to 100; they add up to 95' },
    ]);
    input.qualityCriteria[2].weight = 25;
    expect(fields(input)).toEqual(['qualityCriteria']);
  });

  it('names each repeated code by its index, in both lists', () => {
    const input = seeded();
    input.qualityCriteria[4].code = 'Q2';
    input.screeningCriteria[10].code = 'E9';
    expect(criteriaSetProblems(input)).toEqual([
      {
        field: 'screeningCriteria.10.code',
        message: 'repeats E9, already the code of screeningCriteria.8; codes must be unique',
      },
      {
        field: 'qualityCriteria.4.code',
        message: 'repeats Q2, already the code of qualityCriteria.1; codes must be unique',
      },
    ]);
  });

  it('refuses an automatic criterion the system cannot check, and a manual one under an automatic code', () => {
    const input = seeded();
    input.screeningCriteria[9].automatic = true; // E10
    input.screeningCriteria[4].automatic = false; // E5
    const problems = criteriaSetProblems(input);
    expect(problems.map((p) => p.field)).toEqual([
      'screeningCriteria.4.automatic',
      'screeningCriteria.9.automatic',
    ]);
    expect(problems[1].message).toBe(
      'E10 is not a check the system can make; the automatic criteria are E1, E2, E3, E4, E5, E6, E7, E8',
    );
  });

  it('needs min below max on the scale', () => {
    const input = seeded();
    input.qualityScale = { min: 4, max: 4, labels: { '4': 'Excellent' } };
    expect(criteriaSetProblems(input)).toEqual([
      { field: 'qualityScale', message: 'min (4) must be below max (4)' },
    ]);
  });

  it('needs a label for each point of the scale and none off it', () => {
    const input = seeded();
    input.qualityScale = { min: 0, max: 3, labels: { '1': 'Weak', '2': 'Fair', '3': 'Good', '5': 'Top' } };
    expect(criteriaSetProblems(input)).toEqual([
      {
        field: 'qualityScale.labels',
        message: 'must label each point of the scale, 0 to 3 (missing 0; not on the scale: 5)',
      },
    ]);
    input.qualityScale.labels = { '0': 'None', '1': ' ', '2': 7, '3': 'Good' };
    expect(fields(input)).toEqual(['qualityScale.labels.1', 'qualityScale.labels.2']);
  });

  it('accepts a five-point scale from 0', () => {
    const input = seeded();
    input.qualityScale = {
      min: 0,
      max: 4,
      labels: { '0': 'Absent', '1': 'Weak', '2': 'Adequate', '3': 'Good', '4': 'Excellent' },
    };
    expect(criteriaSetProblems(input)).toEqual([]);
  });
});
