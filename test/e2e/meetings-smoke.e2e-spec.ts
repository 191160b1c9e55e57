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
});
