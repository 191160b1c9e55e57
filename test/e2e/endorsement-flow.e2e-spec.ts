import { actor, http, startTestSystem, TestClock, type TestSystem } from '../harness';
import { readyDraft } from '../factories';

describe('endorsement is submission', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2026-11-02T09:00:00.000Z'));
  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true });
  });
  afterAll(() => system.close());

  it('submits a multi-country note when the last country is endorsed, at that instant', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rcSerbia = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
    const rcMacedonia = await actor(system, ['resident_coordinator'], {
      countryCodes: ['MKD'],
      locale: 'fr',
    });
    const id = await readyDraft(system, lead.token);

    const precheck = await http(system, 'GET', `/api/v1/concept-notes/${id}/precheck`, { token: lead.token });
    expect(precheck.body.ready).toBe(true);

    const requested = await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsement-requests`, {
      token: lead.token,
    });
    expect(requested.status).toBe(200);
    expect(requested.body.status).toBe('awaiting_endorsement');

    const first = await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsements`, {
      token: rcSerbia.token,
      body: { decision: 'endorse' },
    });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('awaiting_endorsement');
    expect(first.body.referenceCode).toBeNull();

    clock.set('2026-11-03T10:15:30.123Z');
    const last = await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsements`, {
      token: rcMacedonia.token,
      body: { decision: 'endorse' },
    });
    expect(last.status).toBe(200);
    expect(last.body.status).toBe('submitted');
    expect(last.body.submittedAt).toBe('2026-11-03T10:15:30.123Z');
    expect(last.body.referenceCode).toBe('MIG-CN-2026-0001');
    expect(last.body.endorsements.map((e: { state: string }) => e.state)).toEqual(['endorsed', 'endorsed']);

    await system.smtp.waitFor(
      (messages) => messages.filter((m) => m.subject.includes('MIG-CN-2026-0001')).length >= 3,
    );
  });
});

describe('the lead contact works for the convening organization', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  it('refuses another convening organization at creation, by edit, and a lead from another organization', async () => {
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const refused = await http(system, 'POST', '/api/v1/concept-notes', {
      token: lead.token,
      body: { title: 'Convened by someone else', conveningOrganizationCode: 'ILO' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { field: 'conveningOrganizationCode', message: expect.any(String) },
    ]);

    const untitled = await http(system, 'POST', '/api/v1/concept-notes', { token: lead.token, body: {} });
    expect(untitled.status).toBe(400);
    expect(untitled.body.errors).toEqual([{ field: 'title', message: 'is required' }]);

    const id = await readyDraft(system, lead.token);
    const note = await http(system, 'GET', `/api/v1/concept-notes/${id}`, { token: lead.token });
    const edit = await http(system, 'PATCH', `/api/v1/concept-notes/${id}`, {
      token: lead.token,
      headers: { 'if-match': String(note.headers.etag) },
      body: { conveningOrganizationCode: 'ILO' },
    });
    expect(edit.status).toBe(400);
    expect(edit.body.errors[0].field).toBe('conveningOrganizationCode');

    const iloMember = await actor(system, ['applicant'], { organizationCode: 'ILO' });
    const team = await http(system, 'PUT', `/api/v1/concept-notes/${id}/team`, {
      token: lead.token,
      body: { memberIds: [iloMember.user.id] },
    });
    expect(team.status).toBe(200);
    const handOver = await http(system, 'POST', `/api/v1/concept-notes/${id}/lead`, {
      token: lead.token,
      body: { userId: iloMember.user.id },
    });
    expect(handOver.status).toBe(400);
    expect(handOver.body.errors[0].field).toBe('userId');
  });
});
