import fundRulesSeed from '../../migrations/seed/fund-rules.json';
import thematicAreasSeed from '../../migrations/seed/thematic-areas.json';
import type { FundRules } from '../reference-data/reference.entity';
import {
  COMPARED_FIELDS,
  compare,
  contentHash,
  precheck,
  share,
  sharesTotal,
  type NoteContent,
  type PrecheckContext,
  type PrecheckResult,
} from './concept-note.rules';

/** Fund rules version 1, as the seed migration builds them from the seed file. */
const RULES: FundRules = {
  submissionCutoffWeeks: fundRulesSeed.submissionCutoff.calendarWeeksBeforeMeeting,
  minimumParticipatingOrganizations: fundRulesSeed.minimumParticipatingUnOrganizations,
  budgetBandsUsd: fundRulesSeed.budgetBandsUsd,
  durationMonths: fundRulesSeed.durationMonths,
  markerMinimums: {
    gender: fundRulesSeed.markers.gender.minimum,
    humanRights: fundRulesSeed.markers.humanRights.minimum,
    childSensitivity: fundRulesSeed.markers.childSensitivity.minimum,
  },
  indirectSupportCostRate: fundRulesSeed.indirectSupportCostRate,
  acceptedLanguages: fundRulesSeed.languages.acceptedForConceptNotes,
  minimumSubmittedReviews: fundRulesSeed.minimumSubmittedReviews,
  technicalRevisionDays: fundRulesSeed.technicalRevisionDays,
  idleDraftDaysForReminders: fundRulesSeed.idleDraftDaysForReminders,
  endorsementBacklogAlertDaysBeforeCutoff: fundRulesSeed.endorsementBacklogAlertDaysBeforeCutoff,
};

const AREA_OF_OBJECTIVE: ReadonlyMap<number, string> = new Map(
  thematicAreasSeed.thematicAreas.flatMap((area) =>
    area.objectives.map((objective) => [objective, area.code] as const),
  ),
);

/**
 * A note that meets every criterion: national (Serbia), TA2 with objectives 2 and 7 (both TA2),
 * IOM convening with UNDP, shares 749,000 + 535,000 = 1,284,000 (direct costs plus 7%), 24 months,
 * markers at or above the minimums, the template attached.
 */
function completeNote(): NoteContent {
  return {
    title: 'Safe and dignified return and reintegration in Serbia',
    summary: 'A joint programme on return and sustainable reintegration.',
    summaryEn: null,
    language: 'en',
    scope: 'national',
    countryCodes: ['SRB'],
    primaryThematicAreaCode: 'TA2',
    gcmObjectiveNumbers: [2, 7],
    conveningOrganizationCode: 'IOM',
    participatingOrganizations: [
      {
        organizationCode: 'IOM',
        directCostsUsd: '700000.00',
        indirectSupportCostsUsd: '49000.00',
        totalUsd: '749000.00',
      },
      {
        organizationCode: 'UNDP',
        directCostsUsd: '500000.00',
        indirectSupportCostsUsd: '35000.00',
        totalUsd: '535000.00',
      },
    ],
    totalBudgetUsd: '1284000.00',
    implementingPartners: ['Commissariat for Refugees and Migration'],
    durationMonths: 24,
    markers: {
      gender: { marker: 2, justification: 'Women returnees are a third of the target group.' },
      humanRights: { marker: 1, justification: 'Access to documentation and legal aid.' },
      childSensitivity: { marker: 1, justification: 'School enrolment of returning children.' },
    },
    beneficiaries: '3,000 returnees and their host communities',
    theoryOfChange: 'If returnees have documents, jobs and services, then reintegration lasts.',
    expectedResults: 'Reintegration plans for 3,000 returnees.',
    sustainability: 'Municipal services take over the case management.',
    risks: 'Changes in return flows.',
    template: {
      attachmentId: '6f1c2f0e-8a4b-4c55-9a7e-0b5d2f1e9c11',
      filename: 'concept-note.docx',
      sha256: 'a'.repeat(64),
    },
  };
}

function note(changes: Partial<NoteContent>): NoteContent {
  return { ...completeNote(), ...changes };
}

function context(changes: Partial<PrecheckContext> = {}): PrecheckContext {
  return {
    rules: RULES,
    areaOfObjective: AREA_OF_OBJECTIVE,
    signedOff: false,
    endorsedCountries: ['SRB'],
    ...changes,
  };
}

const codes = (items: { code: string }[]) => items.map((i) => i.code);

function itemOf(result: PrecheckResult, code: string) {
  const found = result.items.find((i) => i.code === code);
  if (!found) throw new Error(`no precheck item ${code}`);
  return found;
}

/**
 * Two shares adding up to `totalUsd` (precheck sums the shares' totals only): UNDP 100,000.00
 * (93,457.94 + 7%), IOM the rest.
 */
function withTotal(totalUsd: string, changes: Partial<NoteContent> = {}): NoteContent {
  const [whole, fraction = '00'] = totalUsd.split('.');
  const rest = `${BigInt(whole) - 100000n}.${fraction.padEnd(2, '0')}`;
  return note({
    participatingOrganizations: [
      { organizationCode: 'IOM', directCostsUsd: rest, indirectSupportCostsUsd: '0.00', totalUsd: rest },
      {
        organizationCode: 'UNDP',
        directCostsUsd: '93457.94',
        indirectSupportCostsUsd: '6542.06',
        totalUsd: '100000.00',
      },
    ],
    totalBudgetUsd: totalUsd,
    ...changes,
  });
}

describe('the fixtures', () => {
  it('restate the seeded fund rules', () => {
    expect(RULES.minimumParticipatingOrganizations).toBe(2);
    expect(RULES.budgetBandsUsd.national).toEqual({ min: 500000, max: 3000000 });
    expect(RULES.budgetBandsUsd.multi_country).toEqual({ min: 500000, max: 5000000 });
    expect(RULES.durationMonths).toEqual({ min: 12, max: 36 });
    expect(RULES.markerMinimums).toEqual({ gender: 2, humanRights: 0, childSensitivity: 0 });
    expect(RULES.indirectSupportCostRate).toBe(0.07);
  });

  it('map each of the 23 GCM objectives to one thematic area', () => {
    expect([...AREA_OF_OBJECTIVE.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 23 }, (_, i) => i + 1),
    );
    expect(AREA_OF_OBJECTIVE.get(2)).toBe('TA2');
    expect(AREA_OF_OBJECTIVE.get(1)).toBe('TA1');
  });
});

describe('precheck of a complete note', () => {
  const result = precheck(completeNote(), context());

  it('has no blocking failure and no warning', () => {
    expect(result.blocking).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('lists every criterion once, in order, each passing', () => {
    expect(codes(result.items)).toEqual([
      'REQUIRED',
      'E1',
      'E2',
      'E3',
      'E4',
      'BUDGET',
      'E5',
      'E6',
      'E7',
      'E8',
    ]);
    for (const item of result.items) {
      expect(item).toEqual({ code: item.code, severity: expect.any(String), outcome: 'pass', reasons: [] });
    }
  });

  it('grades structural criteria blocking, the Fund minimums warnings and E1 information', () => {
    const severity = Object.fromEntries(result.items.map((i) => [i.code, i.severity]));
    expect(severity).toEqual({
      REQUIRED: 'blocking',
      E1: 'info',
      E2: 'blocking',
      E3: 'blocking',
      E4: 'blocking',
      BUDGET: 'blocking',
      E5: 'warning',
      E6: 'warning',
      E7: 'warning',
      E8: 'warning',
    });
  });

  it('passes without endorsements too: E1 is pending, never blocking', () => {
    const pending = precheck(completeNote(), context({ endorsedCountries: [] }));
    expect(pending.blocking).toEqual([]);
    expect(pending.warnings).toEqual([]);
    expect(itemOf(pending, 'E1').outcome).toBe('pending');
  });
});

describe('blocking failures', () => {
  function blockingOnly(content: NoteContent, code: string) {
    const result = precheck(content, context());
    expect(codes(result.blocking)).toEqual([code]);
    expect(result.warnings).toEqual([]);
    const item = itemOf(result, code);
    expect(item.outcome).toBe('fail');
    expect(item.severity).toBe('blocking');
    return item.reasons;
  }

  it('E2: one participating organization', () => {
    const reasons = blockingOnly(
      note({
        participatingOrganizations: [completeNote().participatingOrganizations[0]],
        totalBudgetUsd: '749000.00',
      }),
      'E2',
    );
    expect(reasons).toEqual(['at least 2 participating UN organizations are needed (1 listed)']);
  });

  it('E2: two organizations are enough', () => {
    expect(itemOf(precheck(completeNote(), context()), 'E2').outcome).toBe('pass');
  });

  it('E2: the convening organization is not among the participating organizations', () => {
    const reasons = blockingOnly(note({ conveningOrganizationCode: 'UNHCR' }), 'E2');
    expect(reasons).toEqual(['the convening organization must be one of the participating organizations']);
  });

  it('E2: both at once give both reasons', () => {
    const reasons = blockingOnly(
      note({
        conveningOrganizationCode: 'UNHCR',
        participatingOrganizations: [completeNote().participatingOrganizations[0]],
        totalBudgetUsd: '749000.00',
      }),
      'E2',
    );
    expect(reasons).toHaveLength(2);
  });

  it('E2: a higher minimum in the fund rules is applied', () => {
    const result = precheck(
      completeNote(),
      context({ rules: { ...RULES, minimumParticipatingOrganizations: 3 } }),
    );
    expect(itemOf(result, 'E2').reasons).toEqual([
      'at least 3 participating UN organizations are needed (2 listed)',
    ]);
  });

  it('E3: the completed template is not attached', () => {
    expect(blockingOnly(note({ template: null }), 'E3')).toEqual([
      'the completed concept-note template is not attached',
    ]);
  });

  it('E4: every targeted objective belongs to another thematic area', () => {
    // 1 and 3 are TA1 objectives; the primary area is TA2
    expect(blockingOnly(note({ gcmObjectiveNumbers: [1, 3] }), 'E4')).toEqual([
      'no targeted GCM objective belongs to the primary thematic area TA2',
    ]);
  });

  it('E4: an unknown objective belongs to no area', () => {
    expect(blockingOnly(note({ gcmObjectiveNumbers: [24] }), 'E4')).toHaveLength(1);
  });

  it('E4: one objective of the primary area is enough', () => {
    const result = precheck(note({ gcmObjectiveNumbers: [1, 2, 23] }), context());
    expect(itemOf(result, 'E4').outcome).toBe('pass');
  });

  test.each(thematicAreasSeed.thematicAreas.map((area) => [area.code, area.objectives] as const))(
    'E4: %s with its own objectives %j passes, with every other objective fails',
    (code, objectives) => {
      expect(
        itemOf(
          precheck(note({ primaryThematicAreaCode: code, gcmObjectiveNumbers: [...objectives] }), context()),
          'E4',
        ).outcome,
      ).toBe('pass');
      const others = [...AREA_OF_OBJECTIVE.keys()].filter((n) => !objectives.includes(n));
      expect(
        itemOf(
          precheck(note({ primaryThematicAreaCode: code, gcmObjectiveNumbers: others }), context()),
          'E4',
        ).outcome,
      ).toBe('fail');
    },
  );

  it('BUDGET: shares adding up to one cent more than the stated total', () => {
    expect(blockingOnly(note({ totalBudgetUsd: '1283999.99' }), 'BUDGET')).toEqual([
      'the shares add up to USD 1284000.00, not the stated total of USD 1283999.99',
    ]);
  });

  it('BUDGET: shares adding up to one cent less than the stated total', () => {
    expect(blockingOnly(note({ totalBudgetUsd: '1284000.01' }), 'BUDGET')).toHaveLength(1);
  });

  it('BUDGET: the total compares as an amount, not as text', () => {
    const result = precheck(note({ totalBudgetUsd: '1284000' }), context());
    expect(itemOf(result, 'BUDGET').outcome).toBe('pass');
  });

  it('BUDGET: cents add up exactly', () => {
    const shares = ['0.10', '0.20', '1499999.70'].map((totalUsd, i) => ({
      organizationCode: ['IOM', 'UNDP', 'UNICEF'][i],
      directCostsUsd: totalUsd,
      indirectSupportCostsUsd: '0.00',
      totalUsd,
    }));
    const result = precheck(
      note({ participatingOrganizations: shares, totalBudgetUsd: '1500000.00' }),
      context(),
    );
    expect(result.blocking).toEqual([]);
  });
});

describe('required fields', () => {
  const blankNarrative = (field: keyof NoteContent) => [
    [`${field} null`, field, { [field]: null }],
    [`${field} blank`, field, { [field]: '  ' }],
  ];
  const marker = (name: 'gender' | 'humanRights' | 'childSensitivity', change: object) => {
    const markers = completeNote().markers;
    return { markers: { ...markers, [name]: { ...markers[name], ...change } } };
  };

  const cases: [string, string, Partial<NoteContent>, string[]?][] = [
    ['title empty', 'title', { title: '' }],
    ['title blank', 'title', { title: '   ' }],
    ['summary empty', 'summary', { summary: '' }],
    ['summaryEn of a French note', 'summaryEn', { language: 'fr', summaryEn: null }],
    ['summaryEn of a Spanish note, blank', 'summaryEn', { language: 'es', summaryEn: ' ' }],
    ['scope', 'scope', { scope: null }],
    ['primary thematic area', 'primaryThematicAreaCode', { primaryThematicAreaCode: null }],
    ['GCM objectives', 'gcmObjectiveNumbers', { gcmObjectiveNumbers: [] }],
    ['convening organization', 'conveningOrganizationCode', { conveningOrganizationCode: null }],
    ['participating organizations', 'participatingOrganizations', { participatingOrganizations: [] }, ['E2']],
    ['total budget', 'totalBudgetUsd', { totalBudgetUsd: null }],
    ['duration', 'durationMonths', { durationMonths: null }],
    ['gender marker', 'markers.gender', marker('gender', { marker: null })],
    ['gender justification', 'markers.gender.justification', marker('gender', { justification: '' })],
    ['human-rights marker', 'markers.humanRights', marker('humanRights', { marker: null })],
    [
      'human-rights justification',
      'markers.humanRights.justification',
      marker('humanRights', { justification: null }),
    ],
    ['child-sensitivity marker', 'markers.childSensitivity', marker('childSensitivity', { marker: null })],
    [
      'child-sensitivity justification',
      'markers.childSensitivity.justification',
      marker('childSensitivity', { justification: ' ' }),
    ],
    ...(['beneficiaries', 'theoryOfChange', 'expectedResults', 'sustainability', 'risks'] as const).flatMap(
      (field) => blankNarrative(field) as [string, string, Partial<NoteContent>][],
    ),
  ];

  test.each(cases)('missing %s: REQUIRED lists %s', (_label, field, changes, alsoBlocking = []) => {
    const result = precheck(note(changes), context());
    const required = itemOf(result, 'REQUIRED');
    expect(required).toEqual({
      code: 'REQUIRED',
      severity: 'blocking',
      outcome: 'fail',
      reasons: [`${field} is required`],
    });
    expect(codes(result.blocking)).toEqual(['REQUIRED', ...alsoBlocking]);
  });

  it('lists every missing field together', () => {
    const result = precheck(note({ title: '', risks: null, durationMonths: null }), context());
    expect(itemOf(result, 'REQUIRED').reasons).toEqual([
      'title is required',
      'durationMonths is required',
      'risks is required',
    ]);
  });

  it('does not ask an English note for an English summary', () => {
    const result = precheck(note({ language: 'en', summaryEn: null }), context());
    expect(result.blocking).toEqual([]);
  });

  test.each(['fr', 'es', 'ar'])('takes the English summary of a note in %s', (language) => {
    const result = precheck(note({ language, summaryEn: 'A joint programme on return.' }), context());
    expect(result.blocking).toEqual([]);
  });

  const countryCases: [string, Partial<NoteContent>, string | null][] = [
    [
      'national with no country',
      { scope: 'national', countryCodes: [] },
      'a national note covers exactly one country',
    ],
    ['national with one country', { scope: 'national', countryCodes: ['SRB'] }, null],
    [
      'national with two countries',
      { scope: 'national', countryCodes: ['SRB', 'MKD'] },
      'a national note covers exactly one country',
    ],
    [
      'multi-country with no country',
      { scope: 'multi_country', countryCodes: [] },
      'a multi-country note covers at least two countries',
    ],
    [
      'multi-country with one country',
      { scope: 'multi_country', countryCodes: ['SRB'] },
      'a multi-country note covers at least two countries',
    ],
    ['multi-country with two countries', { scope: 'multi_country', countryCodes: ['SRB', 'MKD'] }, null],
    [
      'multi-country with three countries',
      { scope: 'multi_country', countryCodes: ['SRB', 'MKD', 'ALB'] },
      null,
    ],
    [
      'regional with no country',
      { scope: 'regional', countryCodes: [] },
      'a regional note lists at least one country',
    ],
    ['regional with one country', { scope: 'regional', countryCodes: ['SRB'] }, null],
    ['global with no country', { scope: 'global', countryCodes: [] }, null],
  ];

  test.each(countryCases)('countries: %s', (_label, changes, reason) => {
    const result = precheck(note(changes), context());
    expect(itemOf(result, 'REQUIRED').reasons).toEqual(reason ? [reason] : []);
    expect(codes(result.blocking)).toEqual(reason ? ['REQUIRED'] : []);
  });
});

describe('warnings carried into screening, never blocking', () => {
  function warningOnly(content: NoteContent, code: string, ctx = context()) {
    const result = precheck(content, ctx);
    expect(result.blocking).toEqual([]);
    expect(codes(result.warnings)).toEqual([code]);
    const item = itemOf(result, code);
    expect(item.outcome).toBe('fail');
    expect(item.severity).toBe('warning');
    return item.reasons;
  }

  function passes(content: NoteContent, ctx = context()) {
    const result = precheck(content, ctx);
    expect(result.blocking).toEqual([]);
    expect(result.warnings).toEqual([]);
  }

  const scopes: [string, Partial<NoteContent>, string, string][] = [
    ['national', { scope: 'national', countryCodes: ['SRB'] }, '500000.00', '3000000.00'],
    ['multi_country', { scope: 'multi_country', countryCodes: ['SRB', 'MKD'] }, '500000.00', '5000000.00'],
    ['regional', { scope: 'regional', countryCodes: ['SRB'] }, '500000.00', '5000000.00'],
    ['global', { scope: 'global', countryCodes: [] }, '500000.00', '5000000.00'],
  ];

  describe.each(scopes)('E5: the budget band of a %s note', (scope, scoped, min, max) => {
    const ctx = context({ signedOff: true, endorsedCountries: scoped.countryCodes });

    it(`accepts the minimum, ${min}, inclusive`, () => passes(withTotal(min, scoped), ctx));
    it(`accepts the maximum, ${max}, inclusive`, () => passes(withTotal(max, scoped), ctx));

    it('warns one cent under the minimum', () => {
      expect(warningOnly(withTotal('499999.99', scoped), 'E5', ctx)).toEqual([
        `the total of USD 499999.99 is outside the band for a ${scope} note (USD 500000–${Number(max)})`,
      ]);
    });

    it('warns one cent over the maximum', () => {
      const over = `${max.split('.')[0]}.01`;
      expect(warningOnly(withTotal(over, scoped), 'E5', ctx)).toHaveLength(1);
    });
  });

  it('E5: bands are per scope (3,000,000.01 is over the national band, within the multi-country one)', () => {
    warningOnly(withTotal('3000000.01'), 'E5');
    passes(
      withTotal('3000000.01', { scope: 'multi_country', countryCodes: ['SRB', 'MKD'] }),
      context({ endorsedCountries: ['SRB', 'MKD'] }),
    );
  });

  test.each([
    [11, true],
    [12, false],
    [24, false],
    [36, false],
    [37, true],
    [0, true],
  ])('E6: a duration of %i months warns: %s', (durationMonths, warns) => {
    const content = note({ durationMonths });
    if (warns) {
      expect(warningOnly(content, 'E6')).toEqual([
        `${durationMonths} months is outside the allowed 12–36 months`,
      ]);
    } else {
      passes(content);
    }
  });

  const withMarkers = (gender: number, humanRights: number, childSensitivity: number) => {
    const markers = completeNote().markers;
    return note({
      markers: {
        gender: { ...markers.gender, marker: gender },
        humanRights: { ...markers.humanRights, marker: humanRights },
        childSensitivity: { ...markers.childSensitivity, marker: childSensitivity },
      },
    });
  };

  test.each([
    [0, true],
    [1, true],
    [2, false],
    [3, false],
  ])('E7: a gender marker of %i (minimum 2) warns: %s', (gender, warns) => {
    if (warns) {
      expect(warningOnly(withMarkers(gender, 1, 1), 'E7')).toEqual([
        `the gender marker ${gender} is under the Fund's minimum of 2`,
      ]);
    } else {
      passes(withMarkers(gender, 1, 1));
    }
  });

  it('E8: the seeded minimums of 0 accept human-rights and child markers of 0', () => {
    passes(withMarkers(2, 0, 0));
  });

  describe('E8 under raised minimums (human rights 2, child sensitivity 1)', () => {
    const raised = context({
      rules: { ...RULES, markerMinimums: { gender: 2, humanRights: 2, childSensitivity: 1 } },
    });

    test.each([
      [1, 1, ['the human-rights marker 1 is under the minimum of 2']],
      [0, 1, ['the human-rights marker 0 is under the minimum of 2']],
      [2, 0, ['the child-sensitivity marker 0 is under the minimum of 1']],
      [
        1,
        0,
        [
          'the human-rights marker 1 is under the minimum of 2',
          'the child-sensitivity marker 0 is under the minimum of 1',
        ],
      ],
    ])('human rights %i, child sensitivity %i warn', (humanRights, child, reasons) => {
      expect(warningOnly(withMarkers(2, humanRights, child), 'E8', raised)).toEqual(reasons);
    });

    test.each([
      [2, 1],
      [3, 3],
    ])('human rights %i, child sensitivity %i pass', (humanRights, child) => {
      passes(withMarkers(2, humanRights, child), raised);
    });
  });

  it('several warnings at once, still nothing blocking', () => {
    const content = withTotal('6000000.00', { markers: withMarkers(1, 1, 1).markers, durationMonths: 48 });
    const result = precheck(content, context());
    expect(result.blocking).toEqual([]);
    expect(codes(result.warnings)).toEqual(['E5', 'E6', 'E7']);
  });
});

describe('E1: endorsement or sign-off', () => {
  const e1 = (content: NoteContent, ctx: Partial<PrecheckContext>) =>
    itemOf(precheck(content, context(ctx)), 'E1');

  it('national: passes once the country is endorsed', () => {
    expect(e1(completeNote(), { endorsedCountries: ['SRB'] })).toEqual({
      code: 'E1',
      severity: 'info',
      outcome: 'pass',
      reasons: [],
    });
  });

  it('national: pending until the country is endorsed', () => {
    expect(e1(completeNote(), { endorsedCountries: [] })).toEqual({
      code: 'E1',
      severity: 'info',
      outcome: 'pending',
      reasons: ['awaiting the endorsement for SRB'],
    });
  });

  it('national: an endorsement for another country does not count', () => {
    expect(e1(completeNote(), { endorsedCountries: ['MKD'] }).outcome).toBe('pending');
  });

  it('national: a sign-off does not replace the endorsement', () => {
    expect(e1(completeNote(), { endorsedCountries: [], signedOff: true }).outcome).toBe('pending');
  });

  const multi = note({ scope: 'multi_country', countryCodes: ['SRB', 'MKD', 'ALB'] });

  it('multi-country: pending while some countries are uncovered, naming them', () => {
    expect(e1(multi, { endorsedCountries: ['MKD'] })).toMatchObject({
      outcome: 'pending',
      reasons: ['awaiting the endorsement for SRB', 'awaiting the endorsement for ALB'],
    });
  });

  it('multi-country: passes when every country is covered', () => {
    expect(e1(multi, { endorsedCountries: ['ALB', 'SRB', 'MKD'] })).toMatchObject({
      outcome: 'pass',
      reasons: [],
    });
  });

  it('national with no country yet: pending', () => {
    expect(e1(note({ countryCodes: [] }), { endorsedCountries: [] }).outcome).toBe('pending');
  });

  test.each(['regional', 'global'] as const)('%s: pending until a focal point signs off', (scope) => {
    const content = note({ scope, countryCodes: ['SRB'] });
    expect(e1(content, { signedOff: false, endorsedCountries: ['SRB'] })).toEqual({
      code: 'E1',
      severity: 'info',
      outcome: 'pending',
      reasons: ['awaiting the sign-off of a focal point of the convening organization'],
    });
  });

  test.each(['regional', 'global'] as const)('%s: passes once signed off', (scope) => {
    const content = note({ scope, countryCodes: ['SRB'] });
    expect(e1(content, { signedOff: true, endorsedCountries: [] })).toMatchObject({
      outcome: 'pass',
      reasons: [],
    });
  });
});

describe('share(): direct costs plus indirect support costs at the fund rate', () => {
  const rate = RULES.indirectSupportCostRate;

  test.each([
    [700000, '700000.00', '49000.00', '749000.00'],
    ['700000', '700000.00', '49000.00', '749000.00'],
    [500000, '500000.00', '35000.00', '535000.00'],
    // 7 cents × 7% = 0.49 cent, rounded down
    ['0.07', '0.07', '0.00', '0.07'],
    [0.07, '0.07', '0.00', '0.07'],
    // 123,457 cents × 7% = 8,641.99 cents
    [1234.57, '1234.57', '86.42', '1320.99'],
    // 50 cents × 7% = 3.5 cents, a half, rounded up
    ['0.50', '0.50', '0.04', '0.54'],
    // 150 cents × 7% = 10.5 cents
    [1.5, '1.50', '0.11', '1.61'],
    // 49 cents × 7% = 3.43 cents
    ['0.49', '0.49', '0.03', '0.52'],
    [93457.94, '93457.94', '6542.06', '100000.00'],
    [0, '0.00', '0.00', '0.00'],
    ['999999999.99', '999999999.99', '70000000.00', '1069999999.99'],
  ])('%j at 7%%', (direct, directUsd, indirectUsd, totalUsd) => {
    expect(share('IOM', direct, rate)).toEqual({
      organizationCode: 'IOM',
      directCostsUsd: directUsd,
      indirectSupportCostsUsd: indirectUsd,
      totalUsd,
    });
  });

  it('rounds half up to the cent for every amount up to USD 2,000', () => {
    const wrong: string[] = [];
    for (let cents = 0; cents <= 200000; cents += 1) {
      // integer arithmetic: cents × 7 / 100, plus a half, then down
      const indirect = Math.floor((cents * 7 + 50) / 100);
      const computed = share('IOM', (cents / 100).toFixed(2), rate);
      const expectedUsd = [indirect, cents + indirect].map(
        (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`,
      );
      if (computed.indirectSupportCostsUsd !== expectedUsd[0] || computed.totalUsd !== expectedUsd[1]) {
        wrong.push(`${computed.directCostsUsd}: ${computed.indirectSupportCostsUsd} ${computed.totalUsd}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('takes another rate', () => {
    expect(share('UNDP', '1000.00', 0.08).indirectSupportCostsUsd).toBe('80.00');
    expect(share('UNDP', '0.10', 0.0725).indirectSupportCostsUsd).toBe('0.01');
  });

  it('refuses an amount with more than two decimals', () => {
    expect(() => share('IOM', '1.234', rate)).toThrow();
  });
});

describe('sharesTotal()', () => {
  test.each([
    [[], '0.00'],
    [['749000.00', '535000.00'], '1284000.00'],
    [['0.10', '0.20'], '0.30'],
    [['1320.99', '0.01', '0.5'], '1321.50'],
  ])('%j → %s', (totals, sum) => {
    expect(sharesTotal(totals.map((totalUsd) => ({ totalUsd })))).toBe(sum);
  });

  it('adds a thousand shares of 0.10 to exactly 100.00', () => {
    expect(sharesTotal(Array.from({ length: 1000 }, () => ({ totalUsd: '0.10' })))).toBe('100.00');
  });
});

/** One change to each field of the content, nested changes included. */
const MUTATIONS: [keyof NoteContent, (content: NoteContent) => NoteContent][] = [
  ['title', (c) => ({ ...c, title: `${c.title}.` })],
  ['summary', (c) => ({ ...c, summary: `${c.summary} ` })],
  ['summaryEn', (c) => ({ ...c, summaryEn: 'English summary' })],
  ['language', (c) => ({ ...c, language: 'fr' })],
  ['scope', (c) => ({ ...c, scope: 'multi_country' })],
  ['countryCodes', (c) => ({ ...c, countryCodes: ['SRB', 'MKD'] })],
  ['primaryThematicAreaCode', (c) => ({ ...c, primaryThematicAreaCode: 'TA3' })],
  ['gcmObjectiveNumbers', (c) => ({ ...c, gcmObjectiveNumbers: [2] })],
  ['conveningOrganizationCode', (c) => ({ ...c, conveningOrganizationCode: 'UNDP' })],
  [
    'participatingOrganizations',
    (c) => ({
      ...c,
      participatingOrganizations: c.participatingOrganizations.map((p, i) =>
        i === 1 ? { ...p, indirectSupportCostsUsd: '35000.01' } : p,
      ),
    }),
  ],
  ['totalBudgetUsd', (c) => ({ ...c, totalBudgetUsd: '1284000.01' })],
  ['implementingPartners', (c) => ({ ...c, implementingPartners: [] })],
  ['durationMonths', (c) => ({ ...c, durationMonths: 25 })],
  [
    'markers',
    (c) => ({
      ...c,
      markers: { ...c.markers, childSensitivity: { ...c.markers.childSensitivity, justification: 'Other.' } },
    }),
  ],
  ['beneficiaries', (c) => ({ ...c, beneficiaries: null })],
  ['theoryOfChange', (c) => ({ ...c, theoryOfChange: 'If … then …' })],
  ['expectedResults', (c) => ({ ...c, expectedResults: 'More results.' })],
  ['sustainability', (c) => ({ ...c, sustainability: 'Handed over.' })],
  ['risks', (c) => ({ ...c, risks: '' })],
  ['template', (c) => ({ ...c, template: { ...c.template!, sha256: 'b'.repeat(64) } })],
];

/** The same content with the keys of every object in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => reversedKeys(item as unknown)) as T;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .reverse()
      .map((key) => [key, reversedKeys(record[key])]),
  ) as T;
}

describe('compare()', () => {
  it('covers every field of the content, and each change case covers one', () => {
    const fields = Object.keys(completeNote()).sort();
    expect([...COMPARED_FIELDS].sort()).toEqual(fields);
    expect(MUTATIONS.map(([field]) => field).sort()).toEqual(fields);
  });

  it('finds nothing between equal snapshots, whatever their key order', () => {
    expect(compare(completeNote(), completeNote())).toEqual([]);
    expect(compare(completeNote(), reversedKeys(completeNote()))).toEqual([]);
  });

  test.each(MUTATIONS)('lists exactly %s when only it changes', (field, mutate) => {
    const before = completeNote();
    const after = mutate(completeNote());
    expect(compare(before, after)).toEqual([{ field, before: before[field], after: after[field] }]);
  });

  it('lists several changes in the order of the template', () => {
    const before = completeNote();
    const after = { ...before, risks: 'Other risks.', title: 'Other title', durationMonths: 30 };
    expect(compare(before, after)).toEqual([
      { field: 'title', before: before.title, after: 'Other title' },
      { field: 'durationMonths', before: 24, after: 30 },
      { field: 'risks', before: before.risks, after: 'Other risks.' },
    ]);
  });

  it('sees a field going from null to a value and back', () => {
    const withTemplate = completeNote();
    const without = note({ template: null });
    expect(compare(withTemplate, without).map((c) => c.field)).toEqual(['template']);
    expect(compare(without, withTemplate).map((c) => c.field)).toEqual(['template']);
  });
});

describe('contentHash()', () => {
  const hash = contentHash(completeNote());

  it('is a SHA-256 in hex', () => {
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is stable: equal content, whatever its key order, hashes the same', () => {
    expect(contentHash(completeNote())).toBe(hash);
    expect(contentHash(reversedKeys(completeNote()))).toBe(hash);
    expect(contentHash(JSON.parse(JSON.stringify(completeNote())) as NoteContent)).toBe(hash);
  });

  test.each(MUTATIONS)('changes when %s changes', (_field, mutate) => {
    expect(contentHash(mutate(completeNote()))).not.toBe(hash);
  });

  it('tells every changed content apart', () => {
    const hashes = MUTATIONS.map(([, mutate]) => contentHash(mutate(completeNote())));
    expect(new Set([hash, ...hashes]).size).toBe(MUTATIONS.length + 1);
  });
});
