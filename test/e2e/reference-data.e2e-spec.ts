import fundRulesSeed from '../../migrations/seed/fund-rules.json';
import objectivesSeed from '../../migrations/seed/gcm-objectives.json';
import principlesSeed from '../../migrations/seed/guiding-principles.json';
import criteriaSeed from '../../migrations/seed/review-criteria.json';
import areasSeed from '../../migrations/seed/thematic-areas.json';
import organizationsSeed from '../../migrations/seed/un-organizations.json';
import { actor, createUser, http, startTestSystem, TestClock, type TestSystem } from '../harness';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Version 1 of the fund rules, as the seed states them. */
const SEEDED_RULES = {
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
  acceptedLanguages: ['en', 'es', 'fr'],
  minimumSubmittedReviews: 2,
  technicalRevisionDays: 10,
  idleDraftDaysForReminders: 90,
  endorsementBacklogAlertDaysBeforeCutoff: 7,
};

type Rules = typeof SEEDED_RULES;
const copy = (rules: Rules): Rules => JSON.parse(JSON.stringify(rules));

describe('reference data as seeded', () => {
  let system: TestSystem;
  let token: string;
  beforeAll(async () => {
    system = await startTestSystem();
    ({ token } = await actor(system, ['applicant'], { organizationCode: 'IOM' }));
  });
  afterAll(() => system.close());

  it('refuses every reference list to an unauthenticated request with 401 problem details', async () => {
    for (const path of [
      'gcm-objectives',
      'thematic-areas',
      'guiding-principles',
      'organizations',
      'countries',
      'criteria-sets',
      'fund-rules',
    ]) {
      const answer = await http(system, 'GET', `/api/v1/${path}`);
      expect({ path, status: answer.status }).toEqual({ path, status: 401 });
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.body).toMatchObject({
        status: 401,
        code: 'UNAUTHENTICATED',
        requestId: expect.any(String),
      });
    }
  });

  it('lists the 23 GCM objectives numbered 1..23 with their titles from the seed', async () => {
    const answer = await http(system, 'GET', '/api/v1/gcm-objectives', { token });
    expect(answer.status).toBe(200);
    expect(answer.body.map((o: { number: number }) => o.number)).toEqual(range(1, 23));
    expect(
      answer.body.map((o: { number: number; title: string }) => ({ number: o.number, title: o.title })),
    ).toEqual(objectivesSeed.objectives.map((o) => ({ number: o.number, title: o.title })));
  });

  it('lists the 5 thematic areas TA1..TA5, each objective in exactly one of them', async () => {
    const [areas, objectives] = await Promise.all([
      http(system, 'GET', '/api/v1/thematic-areas', { token }),
      http(system, 'GET', '/api/v1/gcm-objectives', { token }),
    ]);
    expect(areas.status).toBe(200);
    expect(areas.body.map((a: { code: string }) => a.code)).toEqual(['TA1', 'TA2', 'TA3', 'TA4', 'TA5']);
    expect(areas.body).toEqual(
      areasSeed.thematicAreas.map((a) => ({
        code: a.code,
        title: a.title,
        gcmObjectiveNumbers: [...a.objectives].sort((x, y) => x - y),
      })),
    );
    const all: number[] = areas.body.flatMap((a: { gcmObjectiveNumbers: number[] }) => a.gcmObjectiveNumbers);
    expect(all).toHaveLength(23);
    expect([...all].sort((x, y) => x - y)).toEqual(range(1, 23));
    for (const objective of objectives.body as { number: number; thematicAreaCode: string }[]) {
      const area = areas.body.find((a: { gcmObjectiveNumbers: number[] }) =>
        a.gcmObjectiveNumbers.includes(objective.number),
      );
      expect({ objective: objective.number, area: objective.thematicAreaCode }).toEqual({
        objective: objective.number,
        area: area.code,
      });
    }
  });

  it('lists the 10 guiding principles a..j', async () => {
    const answer = await http(system, 'GET', '/api/v1/guiding-principles', { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toHaveLength(10);
    expect(answer.body).toEqual(principlesSeed.principles);
  });

  it('lists the UN organizations of the seed, active and without focal points', async () => {
    const answer = await http(system, 'GET', '/api/v1/organizations', { token });
    expect(answer.status).toBe(200);
    const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : 1);
    expect([...answer.body].sort(byCode)).toEqual(
      organizationsSeed.organizations
        .map((o) => ({ code: o.code, name: o.name, active: true, focalPointUserIds: [] }))
        .sort(byCode),
    );
  });

  it('lists the countries with ISO alpha-3 codes, names in the six UN languages and their UN M49 region', async () => {
    const answer = await http(system, 'GET', '/api/v1/countries?locale=fr', { token });
    expect(answer.status).toBe(200);
    const countries = answer.body as {
      code: string;
      alpha2: string;
      m49Code: string;
      name: string;
      names: Record<string, string>;
      regionName: string;
      subregionName: string;
    }[];
    expect(countries.length).toBeGreaterThanOrEqual(240);
    expect(countries.length).toBeLessThanOrEqual(250);
    expect(new Set(countries.map((c) => c.code)).size).toBe(countries.length);
    for (const country of countries) {
      expect(country.code).toMatch(/^[A-Z]{3}$/);
      expect(country.alpha2).toMatch(/^[A-Z]{2}$/);
      expect(country.m49Code).toMatch(/^\d{3}$/);
      expect(country.name).toBe(country.names.fr);
      expect(Object.keys(country.names).sort()).toEqual(['ar', 'en', 'es', 'fr', 'ru', 'zh']);
    }
    // Names come from the locale data, not an English fallback.
    const script = (pattern: RegExp, locale: string) =>
      countries.filter((c) => pattern.test(c.names[locale])).length / countries.length;
    expect(script(/[\u0600-\u06FF]/, 'ar')).toBeGreaterThan(0.95);
    expect(script(/[\u0400-\u04FF]/, 'ru')).toBeGreaterThan(0.95);
    expect(script(/[\u4E00-\u9FFF]/, 'zh')).toBeGreaterThan(0.95);
    // Sorted by name in the requested language.
    const names = countries.map((c) => c.name);
    expect(names).toEqual([...names].sort(new Intl.Collator('fr').compare));

    const serbia = countries.find((c) => c.code === 'SRB');
    expect(serbia).toMatchObject({
      alpha2: 'RS',
      m49Code: '688',
      name: 'Serbie',
      regionCode: '150',
      regionName: 'Europe',
      subregionCode: '039',
      subregionName: 'Southern Europe',
    });
    expect(serbia!.names).toMatchObject({
      en: 'Serbia',
      fr: 'Serbie',
      es: 'Serbia',
      ru: 'Сербия',
      zh: '塞尔维亚',
    });
    expect(serbia!.names.ar).toMatch(/صربيا/);
    expect(countries.find((c) => c.code === 'KEN')).toMatchObject({
      regionName: 'Africa',
      subregionName: 'Sub-Saharan Africa',
    });
  });

  it('names the countries in English by default', async () => {
    const answer = await http(system, 'GET', '/api/v1/countries', { token });
    expect(answer.status).toBe(200);
    expect(answer.body.find((c: { code: string }) => c.code === 'SRB').name).toBe('Serbia');
  });

  it('answers 400 naming the locale field for an unsupported locale', async () => {
    const answer = await http(system, 'GET', '/api/v1/countries?locale=de', { token });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(answer.body.errors).toEqual([{ field: 'locale', message: expect.any(String) }]);
  });

  it('publishes criteria set version 1 with screening E1..E11 and quality Q1..Q9 weighing 100 in all', async () => {
    const answer = await http(system, 'GET', '/api/v1/criteria-sets', { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toHaveLength(1);
    const [set] = answer.body;
    expect(set.version).toBe(1);
    expect(set.current).toBe(true);
    expect(set.screening.map((c: { code: string }) => c.code)).toEqual(range(1, 11).map((n) => `E${n}`));
    expect(set.screening).toEqual(criteriaSeed.screening);
    expect(set.quality.criteria.map((c: { code: string }) => c.code)).toEqual(
      range(1, 9).map((n) => `Q${n}`),
    );
    expect(set.quality.criteria).toEqual(criteriaSeed.quality.criteria);
    expect(set.quality.scale).toEqual(criteriaSeed.quality.scale);
    const total = set.quality.criteria.reduce((sum: number, c: { weight: number }) => sum + c.weight, 0);
    expect(total).toBe(100);
  });

  it('publishes fund rules version 1 as the seed states them', async () => {
    const answer = await http(system, 'GET', '/api/v1/fund-rules', { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ version: 1, rules: SEEDED_RULES, createdAt: expect.any(String) });
    // The expectation above restates the seed; keep the two in step.
    expect(SEEDED_RULES).toMatchObject({
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
    });
  });
});

describe('secretariat edits of the fund rules', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    system = await startTestSystem();
    secretariat = await actor(system, ['secretariat']);
  });
  afterAll(() => system.close());

  const current = async () =>
    (await http(system, 'GET', '/api/v1/fund-rules', { token: secretariat.token })).body;
  const auditCount = async (action: string) =>
    Number(
      (await system.dataSource.query(`SELECT count(*) AS n FROM audit_events WHERE action = $1`, [action]))[0]
        .n,
    );

  it('publishes a new version, audited with the rules before and after', async () => {
    const before = await current();
    const rules = { ...copy(before.rules), indirectSupportCostRate: 0.065, minimumSubmittedReviews: 3 };
    const answer = await http(system, 'PUT', '/api/v1/fund-rules', { token: secretariat.token, body: rules });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ version: before.version + 1, rules, createdAt: expect.any(String) });

    const after = await current();
    expect(after).toEqual({ version: before.version + 1, rules, createdAt: answer.body.createdAt });

    const rows = await system.dataSource.query(
      `SELECT actor_id, entity_type, entity_id, before, after, request_id FROM audit_events
        WHERE action = 'fund_rules.updated' AND entity_id = $1`,
      [String(before.version + 1)],
    );
    expect(rows).toEqual([
      {
        actor_id: secretariat.user.id,
        entity_type: 'fund_rules',
        entity_id: String(before.version + 1),
        before: { version: before.version, rules: before.rules },
        after: { version: before.version + 1, rules },
        request_id: expect.any(String),
      },
    ]);
  });

  it('keeps earlier versions, so each edit adds one', async () => {
    const before = await current();
    const rules = { ...copy(before.rules), technicalRevisionDays: 14 };
    const answer = await http(system, 'PUT', '/api/v1/fund-rules', { token: secretariat.token, body: rules });
    expect(answer.status).toBe(200);
    const versions = await system.dataSource.query(`SELECT version FROM fund_rules ORDER BY version`);
    expect(versions.map((v: { version: number }) => v.version)).toEqual(range(1, before.version + 1));
    const [first] = await system.dataSource.query(`SELECT rules FROM fund_rules WHERE version = 1`);
    expect(first.rules).toEqual(SEEDED_RULES);
  });

  it('gives two simultaneous edits consecutive versions, neither lost', async () => {
    const before = await current();
    const edits = [8, 9].map((days) => ({ ...copy(before.rules), technicalRevisionDays: days }));
    const answers = await Promise.all(
      edits.map((body) => http(system, 'PUT', '/api/v1/fund-rules', { token: secretariat.token, body })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.body.version as number).sort((x, y) => x - y)).toEqual([
      before.version + 1,
      before.version + 2,
    ]);
    const latest = answers.find((a) => a.body.version === before.version + 2)!;
    expect(await current()).toEqual(latest.body);
  });

  const invalid: [string, (rules: Rules) => unknown, string][] = [
    [
      'a budget band whose min exceeds its max',
      (r) => ({ ...r, budgetBandsUsd: { ...r.budgetBandsUsd, national: { min: 4000000, max: 3000000 } } }),
      'budgetBandsUsd.national',
    ],
    [
      'a duration range whose min exceeds its max',
      (r) => ({ ...r, durationMonths: { min: 40, max: 12 } }),
      'durationMonths',
    ],
    [
      'a negative band minimum',
      (r) => ({ ...r, budgetBandsUsd: { ...r.budgetBandsUsd, regional: { min: -1, max: 5000000 } } }),
      'budgetBandsUsd.regional.min',
    ],
    [
      // 1e21 prints as "1e+21": it has no decimals to refuse, yet no amount in USD can hold it.
      'a band maximum beyond any amount in USD',
      (r) => ({ ...r, budgetBandsUsd: { ...r.budgetBandsUsd, multi_country: { min: 0, max: 1e21 } } }),
      'budgetBandsUsd.multi_country.max',
    ],
    [
      'a negative indirect support cost rate',
      (r) => ({ ...r, indirectSupportCostRate: -0.07 }),
      'indirectSupportCostRate',
    ],
    [
      'a marker minimum above 3',
      (r) => ({ ...r, markerMinimums: { ...r.markerMinimums, gender: 4 } }),
      'markerMinimums.gender',
    ],
    ['a missing durationMonths', ({ durationMonths: _omitted, ...r }) => r, 'durationMonths'],
    ['a missing markerMinimums', ({ markerMinimums: _omitted, ...r }) => r, 'markerMinimums'],
    [
      'a budget band given as null',
      (r) => ({ ...r, budgetBandsUsd: { ...r.budgetBandsUsd, national: null } }),
      'budgetBandsUsd.national',
    ],
    [
      'a missing budget band',
      (r) => {
        const { global: _omitted, ...bands } = r.budgetBandsUsd;
        return { ...r, budgetBandsUsd: bands };
      },
      'budgetBandsUsd.global',
    ],
    [
      'a missing minimumSubmittedReviews',
      ({ minimumSubmittedReviews: _omitted, ...r }) => r,
      'minimumSubmittedReviews',
    ],
    ['a band given as a string', (r) => ({ ...r, durationMonths: '12-36' }), 'durationMonths'],
    ['an unknown language', (r) => ({ ...r, acceptedLanguages: ['en', 'de'] }), 'acceptedLanguages'],
    ['an unknown property', (r) => ({ ...r, maximumReviews: 5 }), 'maximumReviews'],
  ];

  it.each(invalid)('answers 400 to %s, naming the field, and stores nothing', async (_, change, field) => {
    const before = await current();
    const audits = await auditCount('fund_rules.updated');
    const answer = await http(system, 'PUT', '/api/v1/fund-rules', {
      token: secretariat.token,
      body: change(copy(before.rules)),
    });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await current()).toEqual(before);
    expect(await auditCount('fund_rules.updated')).toBe(audits);
  });

  it('refuses an applicant with 403 and stores nothing', async () => {
    const applicant = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const before = await current();
    const answer = await http(system, 'PUT', '/api/v1/fund-rules', {
      token: applicant.token,
      body: { ...copy(before.rules), indirectSupportCostRate: 0.1 },
    });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('FORBIDDEN');
    expect(await current()).toEqual(before);
  });

  it('refuses an unauthenticated edit with 401', async () => {
    const answer = await http(system, 'PUT', '/api/v1/fund-rules', { body: SEEDED_RULES });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('UNAUTHENTICATED');
  });
});

describe('secretariat edits of the organizations', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    system = await startTestSystem();
    secretariat = await actor(system, ['secretariat']);
  });
  afterAll(() => system.close());

  const organization = async (code: string) =>
    (await http(system, 'GET', '/api/v1/organizations', { token: secretariat.token })).body.find(
      (o: { code: string }) => o.code === code,
    );
  const audits = (action: string, code: string) =>
    system.dataSource.query(
      `SELECT actor_id, before, after FROM audit_events WHERE action = $1 AND entity_id = $2 ORDER BY id`,
      [action, code],
    );

  it('creates an organization, audited', async () => {
    const answer = await http(system, 'POST', '/api/v1/organizations', {
      token: secretariat.token,
      body: { code: 'UNOSSC', name: '  United Nations Office for South-South Cooperation ' },
    });
    expect(answer.status).toBe(201);
    const created = {
      code: 'UNOSSC',
      name: 'United Nations Office for South-South Cooperation',
      active: true,
      focalPointUserIds: [],
    };
    expect(answer.body).toEqual(created);
    expect(await organization('UNOSSC')).toEqual(created);
    expect(await audits('organization.created', 'UNOSSC')).toEqual([
      {
        actor_id: secretariat.user.id,
        before: null,
        after: { code: 'UNOSSC', name: 'United Nations Office for South-South Cooperation', active: true },
      },
    ]);
  });

  it('answers 409 to a code that exists already, and changes nothing', async () => {
    const answer = await http(system, 'POST', '/api/v1/organizations', {
      token: secretariat.token,
      body: { code: 'IOM', name: 'Another organization' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('REFERENCE.ORGANIZATION_EXISTS');
    expect((await organization('IOM')).name).toBe('International Organization for Migration');
    expect(await audits('organization.created', 'IOM')).toEqual([]);
  });

  it('answers 400 naming the code for a malformed code', async () => {
    const answer = await http(system, 'POST', '/api/v1/organizations', {
      token: secretariat.token,
      body: { code: 'unicef!', name: 'Lower case' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['code']);
  });

  it('sets the focal points of an organization, audited with before and after', async () => {
    const [a, b] = await Promise.all([
      createUser(system, { roles: ['applicant'], organizationCode: 'UNDP' }),
      createUser(system, { roles: ['applicant'], organizationCode: 'UNDP' }),
    ]);
    const ids = [a.id, b.id].sort();
    const answer = await http(system, 'PATCH', '/api/v1/organizations/undp', {
      token: secretariat.token,
      body: { focalPointUserIds: [b.id, a.id] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ code: 'UNDP', active: true, focalPointUserIds: ids });
    expect((await organization('UNDP')).focalPointUserIds).toEqual(ids);
    const [audit] = await audits('organization.updated', 'UNDP');
    expect(audit).toMatchObject({
      actor_id: secretariat.user.id,
      before: { code: 'UNDP', focalPointUserIds: [] },
      after: { code: 'UNDP', focalPointUserIds: ids },
    });

    const replaced = await http(system, 'PATCH', '/api/v1/organizations/UNDP', {
      token: secretariat.token,
      body: { focalPointUserIds: [a.id] },
    });
    expect(replaced.status).toBe(200);
    expect((await organization('UNDP')).focalPointUserIds).toEqual([a.id]);
  });

  it('answers 400 naming focalPointUserIds for an unknown or inactive user, and changes nothing', async () => {
    const known = await createUser(system, { roles: ['applicant'], organizationCode: 'WFP' });
    const inactive = await createUser(system, {
      roles: ['applicant'],
      organizationCode: 'WFP',
      active: false,
    });
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const focalPointUserIds of [[known.id, unknown], [inactive.id]]) {
      const answer = await http(system, 'PATCH', '/api/v1/organizations/WFP', {
        token: secretariat.token,
        body: { focalPointUserIds },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('VALIDATION_FAILED');
      expect(answer.body.errors).toEqual([{ field: 'focalPointUserIds', message: expect.any(String) }]);
    }
    expect((await organization('WFP')).focalPointUserIds).toEqual([]);
    expect(await audits('organization.updated', 'WFP')).toEqual([]);
  });

  it('answers 400 naming focalPointUserIds for an id that is not a UUID', async () => {
    const answer = await http(system, 'PATCH', '/api/v1/organizations/WFP', {
      token: secretariat.token,
      body: { focalPointUserIds: ['not-a-uuid'] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['focalPointUserIds']);
  });

  it('retires an organization, audited', async () => {
    const answer = await http(system, 'PATCH', '/api/v1/organizations/UNITAR', {
      token: secretariat.token,
      body: { active: false },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ code: 'UNITAR', active: false });
    expect(await organization('UNITAR')).toMatchObject({ code: 'UNITAR', active: false });
    expect(await audits('organization.updated', 'UNITAR')).toEqual([
      {
        actor_id: secretariat.user.id,
        before: expect.objectContaining({ active: true }),
        after: expect.objectContaining({ active: false }),
      },
    ]);
  });

  it('answers 404 for an organization that does not exist', async () => {
    const answer = await http(system, 'PATCH', '/api/v1/organizations/NOPE', {
      token: secretariat.token,
      body: { active: false },
    });
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('NOT_FOUND');
  });

  it('refuses an applicant with 403 on creating and editing, and changes nothing', async () => {
    const applicant = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const create = await http(system, 'POST', '/api/v1/organizations', {
      token: applicant.token,
      body: { code: 'ROGUE', name: 'Rogue organization' },
    });
    expect(create.status).toBe(403);
    const retire = await http(system, 'PATCH', '/api/v1/organizations/IOM', {
      token: applicant.token,
      body: { active: false },
    });
    expect(retire.status).toBe(403);
    expect(await organization('ROGUE')).toBeUndefined();
    expect((await organization('IOM')).active).toBe(true);
  });
});

describe('secretariat publishes criteria sets', () => {
  const clock = new TestClock(new Date('2027-02-01T09:00:00.000Z'));
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    system = await startTestSystem({ clock });
    secretariat = await actor(system, ['secretariat']);
  });
  afterAll(() => system.close());

  interface Published {
    screeningCriteria: { code: string; title: string; automatic: boolean }[];
    qualityScale: { min: number; max: number; labels: Record<string, string> };
    qualityCriteria: { code: string; title: string; weight: number }[];
  }
  /** The seeded set, in the shape it is published in. */
  const seeded = (): Published =>
    JSON.parse(
      JSON.stringify({
        screeningCriteria: criteriaSeed.screening,
        qualityScale: criteriaSeed.quality.scale,
        qualityCriteria: criteriaSeed.quality.criteria,
      }),
    );
  const sets = async () =>
    (await http(system, 'GET', '/api/v1/criteria-sets', { token: secretariat.token })).body as {
      version: number;
      current: boolean;
      publishedAt: string;
    }[];
  const publish = (body: unknown, token = secretariat.token, headers: Record<string, string> = {}) =>
    http(system, 'POST', '/api/v1/criteria-sets', { token, body, headers });
  const auditCount = async () =>
    Number(
      (
        await system.dataSource.query(
          `SELECT count(*) AS n FROM audit_events WHERE action = 'criteria_set.published'`,
        )
      )[0].n,
    );

  it('publishes a new current version, keeps the earlier one, and audits it with the set before and after', async () => {
    // Q9 (value for money, 5) gives way to Q10 (5); Q1 takes 5 from Q2.
    const body = seeded();
    body.qualityCriteria[0].weight = 25;
    body.qualityCriteria[1].weight = 10;
    body.qualityCriteria.splice(8, 1);
    body.qualityCriteria.push({ code: 'Q10', title: 'Data and evidence on migration', weight: 5 });
    body.screeningCriteria.push({ code: 'E12', title: 'Local authorities consulted', automatic: false });
    clock.set('2027-02-03T10:30:00.000Z');

    const answer = await publish(body);
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      version: 2,
      current: true,
      screening: body.screeningCriteria,
      quality: { scale: body.qualityScale, criteria: body.qualityCriteria },
      publishedAt: '2027-02-03T10:30:00.000Z',
    });

    const listed = await sets();
    expect(listed.map((s) => [s.version, s.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(listed[0]).toEqual(answer.body);

    const rows = await system.dataSource.query(
      `SELECT actor_id, entity_type, entity_id, before, after, request_id FROM audit_events
        WHERE action = 'criteria_set.published'`,
    );
    expect(rows).toEqual([
      {
        actor_id: secretariat.user.id,
        entity_type: 'criteria_set',
        entity_id: '2',
        before: {
          version: 1,
          screening: criteriaSeed.screening,
          quality: { scale: criteriaSeed.quality.scale, criteria: criteriaSeed.quality.criteria },
        },
        after: { version: 2, screening: answer.body.screening, quality: answer.body.quality },
        request_id: expect.any(String),
      },
    ]);
  });

  it('gives two simultaneous publications consecutive versions, and replays a retry with the same Idempotency-Key', async () => {
    const before = (await sets())[0].version;
    const answers = await Promise.all([publish(seeded()), publish(seeded())]);
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    expect(answers.map((a) => a.body.version as number).sort((x, y) => x - y)).toEqual([
      before + 1,
      before + 2,
    ]);

    const headers = { 'idempotency-key': 'publish-criteria-once' };
    const first = await publish(seeded(), secretariat.token, headers);
    const retry = await publish(seeded(), secretariat.token, headers);
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body.version).toBe(first.body.version);
    expect((await sets())[0].version).toBe(first.body.version);
  });

  const invalid: [string, (set: Published) => unknown, string][] = [
    [
      'weights that add up to 95',
      (s) => ({
        ...s,
        qualityCriteria: s.qualityCriteria.map((c, i) => (i === 2 ? { ...c, weight: 10 } : c)),
      }),
      'qualityCriteria',
    ],
    [
      'a weight with decimals',
      (s) => ({
        ...s,
        qualityCriteria: s.qualityCriteria.map((c, i) => (i === 2 ? { ...c, weight: 15.5 } : c)),
      }),
      'qualityCriteria.2.weight',
    ],
    [
      'a weight of 0',
      (s) => ({
        ...s,
        qualityCriteria: s.qualityCriteria.map((c, i) => (i === 2 ? { ...c, weight: 0 } : c)),
      }),
      'qualityCriteria.2.weight',
    ],
    [
      'a weight given as text',
      (s) => ({
        ...s,
        qualityCriteria: s.qualityCriteria.map((c, i) => (i === 2 ? { ...c, weight: '15' } : c)),
      }),
      'qualityCriteria.2.weight',
    ],
    [
      'a repeated quality code',
      (s) => ({
        ...s,
        qualityCriteria: s.qualityCriteria.map((c, i) => (i === 4 ? { ...c, code: 'Q2' } : c)),
      }),
      'qualityCriteria.4.code',
    ],
    [
      'a malformed quality code',
      (s) => ({
        ...s,
        qualityCriteria: s.qualityCriteria.map((c, i) => (i === 0 ? { ...c, code: 'q 1' } : c)),
      }),
      'qualityCriteria.0.code',
    ],
    [
      'a quality criterion without a title',
      (s) => ({
        ...s,
        qualityCriteria: s.qualityCriteria.map((c, i) => (i === 1 ? { code: c.code, weight: c.weight } : c)),
      }),
      'qualityCriteria.1.title',
    ],
    ['no quality criteria', (s) => ({ ...s, qualityCriteria: [] }), 'qualityCriteria'],
    [
      'a repeated screening code',
      (s) => ({ ...s, screeningCriteria: [...s.screeningCriteria, { ...s.screeningCriteria[0] }] }),
      'screeningCriteria.11.code',
    ],
    [
      'an automatic criterion the system does not check',
      (s) => ({
        ...s,
        screeningCriteria: s.screeningCriteria.map((c) => (c.code === 'E10' ? { ...c, automatic: true } : c)),
      }),
      'screeningCriteria.9.automatic',
    ],
    [
      'a check of the system published as manual',
      (s) => ({
        ...s,
        screeningCriteria: s.screeningCriteria.map((c) => (c.code === 'E2' ? { ...c, automatic: false } : c)),
      }),
      'screeningCriteria.1.automatic',
    ],
    [
      'a scale whose min is not below its max',
      (s) => ({ ...s, qualityScale: { ...s.qualityScale, min: 4 } }),
      'qualityScale',
    ],
    [
      'a scale with a point left unlabelled',
      (s) => ({ ...s, qualityScale: { ...s.qualityScale, max: 5 } }),
      'qualityScale.labels',
    ],
    ['a missing scale', ({ qualityScale: _omitted, ...s }) => s, 'qualityScale'],
    ['an unknown property', (s) => ({ ...s, version: 7 }), 'version'],
  ];

  it.each(invalid)('answers 400 to %s, naming the field, and publishes nothing', async (_, change, field) => {
    const before = await sets();
    const audits = await auditCount();
    const answer = await publish(change(seeded()));
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    const fields = (answer.body.errors as { field: string; message: string }[]).map((e) => e.field);
    expect(fields).toContain(field);
    for (const error of answer.body.errors as { message: string }[]) expect(error.message).not.toBe('');
    expect(await sets()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it('says what the weights add up to', async () => {
    const set = seeded();
    set.qualityCriteria[0].weight = 30;
    const answer = await publish(set);
    expect(answer.body.errors).toEqual([
      { field: 'qualityCriteria', message: 'the weights must add up to 100; they add up to 110' },
    ]);
  });

  it('refuses an applicant and a reviewer with 403, and an unauthenticated request with 401; publishes nothing', async () => {
    const before = await sets();
    for (const roles of [['applicant'], ['reviewer'], ['steering_committee']] as const) {
      const who = await actor(system, [...roles], { organizationCode: 'IOM' });
      const answer = await publish(seeded(), who.token);
      expect({ roles, status: answer.status, code: answer.body.code }).toEqual({
        roles,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    const anonymous = await http(system, 'POST', '/api/v1/criteria-sets', { body: seeded() });
    expect(anonymous.status).toBe(401);
    expect(await sets()).toEqual(before);
  });
});
