import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Clock } from '../../src/common/clock';
import { CutoffService } from '../../src/meetings/cutoff.service';
import { WorkerModule } from '../../src/worker.module';
import { actor, http, startTestSystem, TestClock, type HttpAnswer, type TestSystem } from '../harness';
import { readyDraft } from '../factories';
import { PrivateRedis } from '../private-redis';

/**
 * The worker's side of the cut-off (DESIGN §3 "At the cut-off instant", "Reminders"; §6 jobs and
 * reconciliation): the agenda closes once whatever the number of workers, each reminder reaches
 * each person once, a flushed Redis is rebuilt from PostgreSQL, and in real time the job closes
 * the agenda on its own.
 */

const DAY = 24 * 60 * 60 * 1000;

type SignedIn = Awaited<ReturnType<typeof actor>>;

interface Meeting {
  id: string;
  title: string;
  startsAt: string;
  cutoffAt: string;
  status: string;
  agendaClosedAt: string | null;
}

/** Setup steps must work; a failure names the answer instead of failing later for an unclear reason. */
function must(answer: HttpAnswer, status = 200): HttpAnswer {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer;
}

/** Polls until `read` returns something `done` accepts (a wait, not a timing assertion). */
async function waitUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 20000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function schedule(
  system: TestSystem,
  secretariat: SignedIn,
  title: string,
  startsLocal: string,
  timeZone = 'UTC',
): Promise<Meeting> {
  const created = await http(system, 'POST', '/api/v1/meetings', {
    token: secretariat.token,
    body: { title, kind: 'in_person', startsLocal, timeZone },
  });
  return must(created, 201).body as Meeting;
}

async function requestEndorsement(system: TestSystem, lead: SignedIn, id: string): Promise<void> {
  must(await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsement-requests`, { token: lead.token }));
}

async function endorse(system: TestSystem, rc: SignedIn, id: string): Promise<HttpAnswer> {
  return must(
    await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsements`, {
      token: rc.token,
      body: { decision: 'endorse' },
    }),
  );
}

async function agendaNotes(system: TestSystem, meetingId: string): Promise<string[]> {
  const rows = await system.dataSource.query<{ note_id: string }[]>(
    `SELECT note_id FROM agenda_items WHERE meeting_id = $1 AND status = 'listed' ORDER BY note_id`,
    [meetingId],
  );
  return rows.map((r) => r.note_id);
}

async function auditCount(system: TestSystem, meetingId: string, action: string): Promise<number> {
  const [row] = await system.dataSource.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'meeting' AND entity_id = $1 AND action = $2`,
    [meetingId, action],
  );
  return row.n;
}

/** Waits until the outbox holds nothing left to send (a worker must be running). */
async function allSent(system: TestSystem): Promise<void> {
  await waitUntil(
    () =>
      system.dataSource.query<{ status: string; n: number }[]>(
        `SELECT status, count(*)::int AS n FROM notifications WHERE status <> 'sent' GROUP BY status`,
      ),
    (rows) => rows.length === 0,
    'unsent notifications',
  );
}

/**
 * E-mails of `template` that reached `email` through SMTP (matched by the outbox id each message
 * carries), optionally about one subject (meeting or note). Counts messages, not rows: a row sent
 * twice counts twice.
 */
async function received(
  system: TestSystem,
  email: string,
  template: string,
  subjectId?: string,
): Promise<number> {
  const rows = await system.dataSource.query<{ id: string }[]>(
    `SELECT id FROM notifications WHERE recipient_email = $1 AND template = $2 AND ($3::uuid IS NULL OR subject_id = $3::uuid)`,
    [email, template, subjectId ?? null],
  );
  const ids = new Set(rows.map((r) => r.id));
  return system.smtp.to(email).filter((m) => {
    const id = m.headers.get('x-mptf-notification');
    return typeof id === 'string' && ids.has(id);
  }).length;
}

describe('cut-off jobs with a TestClock and a Redis of their own', () => {
  const clock = new TestClock(new Date());
  let redis: PrivateRedis;
  let system: TestSystem;
  const replicas = new Set<INestApplicationContext>();
  let secretariat: SignedIn;
  let lead: SignedIn;
  let otherLead: SignedIn;
  let member: SignedIn;
  let idleLead: SignedIn;
  let rcSerbia: SignedIn;
  let rcMacedonia: SignedIn;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    system = await startTestSystem({
      clock,
      worker: true,
      // Only the start-up reconciliation runs: the periodic one would act at an unknown moment.
      env: { REDIS_URL: redis.url, RECONCILE_INTERVAL: 'PT1H' },
    });
    secretariat = await actor(system, ['secretariat']);
    lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    otherLead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    member = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    idleLead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    rcSerbia = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
    rcMacedonia = await actor(system, ['resident_coordinator'], { countryCodes: ['MKD'] });
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await system?.close();
    await redis?.stop();
  });

  const queue = () => system.app.get<Queue>(getQueueToken('meetings'));

  /** Another worker process's context on the same database and queue prefix (same config, same clock). */
  async function startReplica(): Promise<INestApplicationContext> {
    const replica = await Test.createTestingModule({ imports: [WorkerModule.register(system.config)] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    replicas.add(replica);
    await replica.init();
    return replica;
  }

  async function stopReplica(replica: INestApplicationContext): Promise<void> {
    replicas.delete(replica);
    await replica.close();
  }

  async function jobIds(ids: string[]): Promise<boolean[]> {
    return (await Promise.all(ids.map((id) => queue().getJob(id)))).map((job) => job !== undefined);
  }

  /** Waits until no meetings job (a start-up reconciliation) is waiting or running. */
  async function quiet(): Promise<void> {
    await waitUntil(
      () => queue().getJobCounts('active', 'waiting', 'prioritized'),
      (counts) => Object.values(counts).every((n) => n === 0),
      'meetings jobs in flight',
    );
  }

  async function submitAt(instant: string, by = lead): Promise<string> {
    clock.set(instant);
    const id = await readyDraft(system, by.token, { scope: 'national', countryCodes: ['SRB'] });
    await requestEndorsement(system, by, id);
    expect((await endorse(system, rcSerbia, id)).body.submittedAt).toBe(clock.now().toISOString());
    return id;
  }

  it('sends each reminder before a cut-off to each person once, however often and from wherever it runs', async () => {
    clock.set('2029-05-01T09:00:00.000Z');
    const meeting = await schedule(
      system,
      secretariat,
      'Steering Committee, August 2029',
      '2029-08-01T09:00',
    );
    const cutoffMs = Date.parse(meeting.cutoffAt);
    const remindAt = cutoffMs - 7 * DAY;

    const draft = await readyDraft(system, lead.token, { scope: 'national', countryCodes: ['SRB'] });
    must(
      await http(system, 'PUT', `/api/v1/concept-notes/${draft}/team`, {
        token: lead.token,
        body: { memberIds: [member.user.id] },
      }),
    );
    // Serbia endorses, North Macedonia has not yet.
    const awaiting = await readyDraft(system, otherLead.token, {
      scope: 'multi_country',
      countryCodes: ['SRB', 'MKD'],
    });
    await requestEndorsement(system, otherLead, awaiting);
    expect((await endorse(system, rcSerbia, awaiting)).body.status).toBe('awaiting_endorsement');
    // Last changed 91 days before the reminder, by the application clock: idle.
    clock.set(new Date(remindAt - 91 * DAY));
    await readyDraft(system, idleLead.token, { scope: 'national', countryCodes: ['SRB'] });

    clock.set(new Date(remindAt));
    const first = system.worker!.get(CutoffService);
    await Promise.all([first.remind(meeting.id, cutoffMs, 'P7D'), first.remind(meeting.id, cutoffMs, 'P7D')]);
    await system.stopWorker();
    await system.startWorker();
    await system.worker!.get(CutoffService).remind(meeting.id, cutoffMs, 'P7D');
    await allSent(system);

    const count = (who: SignedIn, template: string) => received(system, who.user.email, template, meeting.id);
    expect(await count(lead, 'cutoff_reminder')).toBe(1);
    expect(await count(member, 'cutoff_reminder')).toBe(1);
    expect(await count(otherLead, 'cutoff_reminder')).toBe(1);
    expect(await count(rcMacedonia, 'endorsement_reminder')).toBe(1);
    expect(await count(secretariat, 'endorsement_backlog')).toBe(1);
    // Serbia has endorsed: its RC has nothing pending. The idle draft's lead hears nothing at all.
    expect(await count(rcSerbia, 'endorsement_reminder')).toBe(0);
    expect(system.smtp.to(idleLead.user.email)).toHaveLength(0);

    const listed = async (who: SignedIn) => {
      const rows = await system.dataSource.query<{ payload: { notes: { url: string }[] } }[]>(
        `SELECT payload FROM notifications WHERE template = 'cutoff_reminder' AND recipient_email = $1`,
        [who.user.email],
      );
      return rows.flatMap((r) => r.payload.notes.map((n) => n.url.split('/').pop()));
    };
    expect(await listed(lead)).toEqual([draft]);
    expect(await listed(member)).toEqual([draft]);
    expect(await listed(otherLead)).toEqual([awaiting]);
  });

  it('counts a draft as active for exactly 90 days before a reminder, by the application clock', async () => {
    clock.set('2029-07-01T09:00:00.000Z');
    const meeting = await schedule(
      system,
      secretariat,
      'Steering Committee, December 2029',
      '2029-12-01T09:00',
    );
    const cutoffMs = Date.parse(meeting.cutoffAt);
    const remindAt = cutoffMs - 7 * DAY;
    const ages = {
      '89 days': 89 * DAY,
      '90 days': 90 * DAY,
      '90 days and 1 ms': 90 * DAY + 1,
      '91 days': 91 * DAY,
    };
    const leads: Record<string, SignedIn> = {};
    for (const [age, ms] of Object.entries(ages)) {
      leads[age] = await actor(system, ['applicant'], { organizationCode: 'IOM' });
      clock.set(new Date(remindAt - ms));
      await readyDraft(system, leads[age].token, { scope: 'national', countryCodes: ['SRB'] });
    }

    clock.set(new Date(remindAt));
    await system.worker!.get(CutoffService).remind(meeting.id, cutoffMs, 'P7D');
    const reminded: Record<string, number> = {};
    for (const [age, who] of Object.entries(leads)) {
      const [row] = await system.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM notifications
          WHERE template = 'cutoff_reminder' AND recipient_email = $1 AND subject_id = $2`,
        [who.user.email, meeting.id],
      );
      reminded[age] = row.n;
    }
    expect(reminded).toEqual({ '89 days': 1, '90 days': 1, '90 days and 1 ms': 0, '91 days': 0 });
  });

  it('closes an agenda once when two workers close it at the same instant, and skips it after a restart', async () => {
    clock.set('2030-01-01T08:00:00.000Z');
    const meeting = await schedule(
      system,
      secretariat,
      'Steering Committee, March 2030',
      '2030-03-10T10:00',
      'Europe/Zurich',
    );
    const cutoffMs = Date.parse(meeting.cutoffAt);
    const teams = [lead, otherLead];
    const notes = [
      await submitAt('2030-01-05T08:00:00.000Z', teams[0]),
      await submitAt('2030-01-06T08:00:00.000Z', teams[1]),
    ];

    const replica = await startReplica();
    await quiet();
    clock.set(meeting.cutoffAt);
    const results = await Promise.all([
      system.worker!.get(CutoffService).closeAgenda(meeting.id, cutoffMs),
      replica.get(CutoffService).closeAgenda(meeting.id, cutoffMs),
    ]);
    expect(results.sort()).toEqual(['closed', 'skipped']);

    expect(await auditCount(system, meeting.id, 'meeting.agenda_closed')).toBe(1);
    const items = await system.dataSource.query<{ note_id: string }[]>(
      'SELECT note_id FROM agenda_items WHERE meeting_id = $1 ORDER BY note_id',
      [meeting.id],
    );
    expect(items.map((i) => i.note_id)).toEqual([...notes].sort());
    await allSent(system);
    expect(await received(system, secretariat.user.email, 'agenda_closed', meeting.id)).toBe(1);
    for (const [i, note] of notes.entries()) {
      expect(await received(system, teams[i].user.email, 'agenda_confirmation', note)).toBe(1);
    }

    await stopReplica(replica);
    await system.stopWorker();
    await system.startWorker();
    expect(await system.worker!.get(CutoffService).closeAgenda(meeting.id, cutoffMs)).toBe('skipped');
    expect(await auditCount(system, meeting.id, 'meeting.agenda_closed')).toBe(1);
    expect(await agendaNotes(system, meeting.id)).toEqual([...notes].sort());
  });

  it('rebuilds every future job after Redis is flushed, and closes a cut-off missed meanwhile exactly once', async () => {
    clock.set('2031-01-01T08:00:00.000Z');
    const missed = await schedule(system, secretariat, 'Steering Committee, March 2031', '2031-03-01T10:00');
    const future = await schedule(
      system,
      secretariat,
      'Steering Committee, September 2031',
      '2031-09-01T10:00',
    );
    const note = await submitAt('2031-01-05T08:00:00.000Z');
    const futureCutoff = Date.parse(future.cutoffAt);
    const futureJobs = [
      `cutoff-${future.id}-${futureCutoff}`,
      `reminder-${future.id}-${futureCutoff}-P21D`,
      `reminder-${future.id}-${futureCutoff}-P7D`,
      `reminder-${future.id}-${futureCutoff}-P1D`,
      `held-${future.id}-${Date.parse(future.startsAt)}`,
      `held-${missed.id}-${Date.parse(missed.startsAt)}`,
    ];
    const missedClose = `cutoff-${missed.id}-${Date.parse(missed.cutoffAt)}`;
    expect(await jobIds([...futureJobs, missedClose])).toEqual(futureJobs.map(() => true).concat(true));

    await system.stopWorker();
    const client = new Redis(redis.url);
    try {
      await client.flushall();
    } finally {
      client.disconnect();
    }
    expect(await jobIds([...futureJobs, missedClose])).toEqual(futureJobs.map(() => false).concat(false));

    // The cut-off passes while no worker runs; then two workers start, each reconciling at start-up.
    clock.set('2031-01-20T08:00:00.000Z');
    const [first, second] = await Promise.all([system.startWorker(), startReplica()]);
    const again = await Promise.all([
      first.get(CutoffService).reconcile(),
      second.get(CutoffService).reconcile(),
    ]);
    expect(again.map((r) => r.closed)).toEqual([0, 0]);

    expect(await jobIds(futureJobs)).toEqual(futureJobs.map(() => true));
    expect(await jobIds([missedClose])).toEqual([false]);
    const [row] = await system.dataSource.query<{ status: string }[]>(
      'SELECT status FROM meetings WHERE id = $1',
      [missed.id],
    );
    expect(row.status).toBe('agenda_closed');
    expect(await auditCount(system, missed.id, 'meeting.agenda_closed')).toBe(1);
    expect(await agendaNotes(system, missed.id)).toEqual([note]);
    await allSent(system);
    expect(await received(system, secretariat.user.email, 'agenda_closed', missed.id)).toBe(1);
    await stopReplica(second);
  });

  // A person on the teams of several listed notes gets one confirmation per note (regression test).
  it('confirms its agenda place to the team of every listed note, one person leading two of them', async () => {
    clock.set('2032-01-01T08:00:00.000Z');
    const meeting = await schedule(system, secretariat, 'Steering Committee, March 2032', '2032-03-01T10:00');
    const notes = [await submitAt('2032-01-05T08:00:00.000Z'), await submitAt('2032-01-06T08:00:00.000Z')];
    clock.set(meeting.cutoffAt);
    expect(
      await system.worker!.get(CutoffService).closeAgenda(meeting.id, Date.parse(meeting.cutoffAt)),
    ).toBe('closed');
    const rows = await system.dataSource.query<{ subject_id: string }[]>(
      `SELECT subject_id FROM notifications WHERE template = 'agenda_confirmation' AND recipient_email = $1
          AND subject_id = ANY($2::uuid[])`,
      [lead.user.email, notes],
    );
    expect(rows.map((r) => r.subject_id).sort()).toEqual([...notes].sort());
  });
});

describe('the agenda closing in real time', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ worker: true });
  });
  afterAll(() => system.close());

  it('closes the agenda on its own when the cut-off comes, with the note submitted before it', async () => {
    const secretariat = await actor(system, ['secretariat']);
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
    const id = await readyDraft(system, lead.token, { scope: 'national', countryCodes: ['SRB'] });
    await requestEndorsement(system, lead, id);

    // Whole seconds, written with seconds, in UTC: the cut-off falls two to three seconds from now.
    const startsMs = Math.ceil((Date.now() + 42 * DAY + 2000) / 1000) * 1000;
    const meeting = await schedule(
      system,
      secretariat,
      'Steering Committee, in six weeks',
      new Date(startsMs).toISOString().slice(0, 19),
    );
    expect(Date.parse(meeting.cutoffAt)).toBe(startsMs - 42 * DAY);
    const submitted = await endorse(system, rc, id);
    expect(Date.parse(submitted.body.submittedAt)).toBeLessThanOrEqual(Date.parse(meeting.cutoffAt));

    const closed = await waitUntil(
      async () =>
        must(await http(system, 'GET', `/api/v1/meetings/${meeting.id}`, { token: secretariat.token }))
          .body as Meeting,
      (m) => m.status === 'agenda_closed',
      'the agenda to close',
      15000,
    );
    expect(Date.parse(closed.agendaClosedAt!)).toBeGreaterThanOrEqual(Date.parse(meeting.cutoffAt));
    expect(await agendaNotes(system, meeting.id)).toEqual([id]);
  });
});
