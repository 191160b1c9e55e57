import { readyDraft } from '../factories';
import { actor, http, startTestSystem, TestClock, type TestSystem } from '../harness';

describe('meetings', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2026-11-02T09:00:00.000Z'));
  beforeAll(async () => {
    system = await startTestSystem({ clock });
  });
  afterAll(() => system.close());

  it('derives the cut-off six calendar weeks earlier in the meeting’s zone', async () => {
    const secretariat = await actor(system, ['secretariat']);
    const created = await http(system, 'POST', '/api/v1/meetings', {
      token: secretariat.token,
      body: {
        title: 'Steering Committee, May 2027',
        kind: 'in_person',
        startsLocal: '2027-05-09T10:00',
        timeZone: 'Europe/Zurich',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      startsAt: '2027-05-09T08:00:00.000Z',
      cutoffAt: '2027-03-28T08:00:00.000Z',
      cutoffLocal: '2027-03-28T10:00',
      status: 'scheduled',
    });
  });

  it('lists the notes of a meeting with the meeting filter, and nothing else', async () => {
    const secretariat = await actor(system, ['secretariat']);
    const meeting = await http(system, 'POST', '/api/v1/meetings', {
      token: secretariat.token,
      body: {
        title: 'Steering Committee, June 2027',
        kind: 'virtual',
        startsLocal: '2027-06-10T14:00',
        timeZone: 'America/New_York',
      },
    });
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
    const submitted = await readyDraft(system, lead.token, { scope: 'national', countryCodes: ['SRB'] });
    const draft = await readyDraft(system, lead.token, { scope: 'national', countryCodes: ['SRB'] });
    await http(system, 'POST', `/api/v1/concept-notes/${submitted}/endorsement-requests`, {
      token: lead.token,
    });
    const endorsed = await http(system, 'POST', `/api/v1/concept-notes/${submitted}/endorsements`, {
      token: rc.token,
      body: { decision: 'endorse' },
    });
    // The May meeting of the first test starts earlier, and its cut-off is met: the note targets it.
    const may = await http(system, 'GET', '/api/v1/meetings', { token: secretariat.token });
    const first = may.body.items.find((m: { id: string }) => m.id !== meeting.body.id);
    expect(endorsed.body.targetMeetingId).toBe(first.id);
    const none = await http(system, 'GET', `/api/v1/concept-notes?meeting=${meeting.body.id}`, {
      token: secretariat.token,
    });
    expect(none.body.items).toEqual([]);
    const listed = await http(system, 'GET', `/api/v1/concept-notes?meeting=${first.id}`, {
      token: secretariat.token,
    });
    expect(listed.body.items.map((n: { id: string }) => n.id)).toEqual([submitted]);
    expect(listed.body.items.map((n: { id: string }) => n.id)).not.toContain(draft);
    const bad = await http(system, 'GET', '/api/v1/concept-notes?meeting=june', { token: secretariat.token });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('meeting');
  });
});
