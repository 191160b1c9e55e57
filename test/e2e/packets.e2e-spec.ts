import { JwtService } from '@nestjs/jwt';
import { readyDraft } from '../factories';
import { actor, http, startTestSystem, TestClock, type TestSystem } from '../harness';
import { closedMeeting, DAY_MS, must, packetMails, waitForPacket, type SignedIn } from '../packet-meetings';
import { normalise, pdfText } from '../pdf-readback';
import { Revision } from '../../src/concept-notes/concept-note.entity';
import { CutoffService } from '../../src/meetings/cutoff.service';
import { PacketsService } from '../../src/packets/packets.service';
import { Screening } from '../../src/screening/screening.entity';

/** A meeting whose agenda is closed with one submitted note on it, reviewed by a named reviewer. */
async function closedMeetingWithNote(
  system: TestSystem,
  clock: TestClock,
  title: string,
  startsLocal = '2027-01-20T10:00',
) {
  const secretariat = await actor(system, ['secretariat']);
  const meeting = await http(system, 'POST', '/api/v1/meetings', {
    token: secretariat.token,
    body: {
      title: 'Steering Committee, January 2027',
      kind: 'in_person',
      startsLocal,
      timeZone: 'Europe/Zurich',
    },
  });
  const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
  const rc = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] });
  const noteId = await readyDraft(system, lead.token, { title, scope: 'national', countryCodes: ['SRB'] });
  await http(system, 'POST', `/api/v1/concept-notes/${noteId}/endorsement-requests`, { token: lead.token });
  const endorsed = await http(system, 'POST', `/api/v1/concept-notes/${noteId}/endorsements`, {
    token: rc.token,
    body: { decision: 'endorse' },
  });
  expect(endorsed.body.targetMeetingId).toBe(meeting.body.id);
  clock.set(meeting.body.cutoffAt);
  await system
    .worker!.get(CutoffService)
    .closeAgenda(meeting.body.id, new Date(meeting.body.cutoffAt).getTime());
  return {
    secretariat,
    meetingId: meeting.body.id as string,
    noteId,
    lead,
    referenceCode: endorsed.body.referenceCode as string,
  };
}

async function waitReady(system: TestSystem, token: string, meetingId: string, version: number) {
  for (let i = 0; i < 300; i += 1) {
    const latest = await http(system, 'GET', `/api/v1/meetings/${meetingId}/packet`, { token });
    if (latest.body.version === version && latest.body.status === 'ready') return latest.body;
    if (latest.body.status === 'failed') throw new Error(`packet failed: ${latest.body.error}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('packet not ready in time');
}

describe('meeting packets', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2026-11-02T09:00:00.000Z'));
  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true });
  });
  afterAll(() => system.close());

  it('renders a new version on each request, with its checksum, and mails each committee member once with the PDF attached', async () => {
    const committee = await actor(system, ['steering_committee'], { locale: 'fr' });
    const { secretariat, meetingId, referenceCode } = await closedMeetingWithNote(
      system,
      clock,
      'Программа безопасной миграции',
    );

    const first = await http(system, 'POST', `/api/v1/meetings/${meetingId}/packet`, {
      token: secretariat.token,
    });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ version: 1, status: 'queued', jobId: `packet-${first.body.id}` });
    const ready = await waitReady(system, secretariat.token, meetingId, 1);
    expect(ready.sha256).toMatch(/^[0-9a-f]{64}$/);

    const download = await http(system, 'GET', `/api/v1/meetings/${meetingId}/packet?download=true`, {
      token: committee.token,
    });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    const text = pdfText(download.raw);
    expect(text).toContain(referenceCode);
    expect(text.normalize('NFKC')).toContain('Программа безопасной миграции');

    clock.advance(60_000);
    await http(system, 'POST', `/api/v1/meetings/${meetingId}/packet`, { token: secretariat.token });
    const second = await waitReady(system, secretariat.token, meetingId, 2);
    expect(second.sha256).not.toBe(ready.sha256);
    const versions = await http(system, 'GET', `/api/v1/meetings/${meetingId}/packet/versions`, {
      token: committee.token,
    });
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    await system.smtp.waitFor(
      (messages) => messages.filter((m) => m.to.includes(committee.user.email)).length >= 2,
    );
    const mails = system.smtp.to(committee.user.email);
    expect(mails).toHaveLength(2);
    expect(mails[0].attachments).toHaveLength(1);
    expect(mails[0].attachments[0].contentType).toBe('application/pdf');
    expect(mails[0].subject).toContain('Comité de pilotage');

    const applicant = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    expect(
      (await http(system, 'GET', `/api/v1/meetings/${meetingId}/packet`, { token: applicant.token })).status,
    ).toBe(403);
  });

  it('serves the per-note PDF to those who may read the note, with the revision’s fields', async () => {
    const { noteId, lead, referenceCode } = await closedMeetingWithNote(
      system,
      clock,
      'Safe labour migration corridors',
      '2027-09-20T10:00',
    );
    const pdf = await http(system, 'GET', `/api/v1/concept-notes/${noteId}/pdf`, { token: lead.token });
    expect(pdf.status).toBe(200);
    const text = pdfText(pdf.raw);
    expect(text).toContain(referenceCode);
    expect(text).toContain('Safe labour migration corridors');
    expect(text).toContain('749,000.00');
    const outsider = await actor(system, ['applicant'], { organizationCode: 'ILO' });
    expect(
      (await http(system, 'GET', `/api/v1/concept-notes/${noteId}/pdf`, { token: outsider.token })).status,
    ).toBe(404);
  });
});

/** The manual criteria of the screening checklist; the automatic ones are pre-filled from the revision. */
const MANUAL = [
  { code: 'E9', result: 'pass' },
  { code: 'E10', result: 'pass' },
  { code: 'E11', result: 'pass' },
];

/** Q1…Q9 scored in order on the published 1–4 scale (weights 20, 15, 15, 10, 10, 10, 10, 5, 5). */
const scores = (values: number[], comments: Record<string, string> = {}) =>
  values.map((score, i) => ({ code: `Q${i + 1}`, score, comment: comments[`Q${i + 1}`] ?? null }));
/** (20×3 + 15×2 + 15×2 + 10×1 + 10×3 + 10×2 + 10×1 + 5×0 + 5×3) / 3 = 205 / 3 → 68.33 */
const REVIEW_A = [4, 3, 3, 2, 4, 3, 2, 1, 4];
/** (20×2 + 15×2 + 15×1 + 10×2 + 10×1 + 10×1 + 10×2 + 5×1 + 5×1) / 3 = 155 / 3 → 51.67 */
const REVIEW_B = [3, 3, 2, 3, 2, 2, 3, 2, 2];

describe('meeting packets from the database', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2027-01-04T09:00:00.000Z'));
  let people: { secretariat: SignedIn; lead: SignedIn; rc: SignedIn };
  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true });
    people = {
      secretariat: await actor(system, ['secretariat']),
      lead: await actor(system, ['applicant'], { organizationCode: 'IOM' }),
      rc: await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] }),
    };
  });
  afterAll(() => system.close());

  const post = async (path: string, who: SignedIn, body?: unknown, status = 200) =>
    must(await http(system, 'POST', `/api/v1${path}`, { token: who.token, body }), status);

  it('prints reviewers’ comments and weighted scores but never their names or e-mail addresses, and the screening of the revision on the agenda', async () => {
    const meeting = await closedMeeting(system, clock, people, {
      titles: ['Fair recruitment in the Western Balkans', 'Return and reintegration in Serbia'],
    });
    const [reviewed, revised] = meeting.notes;
    const { secretariat, lead } = people;
    clock.advance(DAY_MS);

    // The first note: screened eligible, reviewed by two named reviewers, reviews closed.
    await post(
      `/concept-notes/${reviewed.id}/screening`,
      secretariat,
      { checklist: MANUAL, outcome: 'eligible' },
      201,
    );
    const reviewers: {
      fields: { name: string; email: string };
      values: number[];
      overall: string;
      criterion: Record<string, string>;
    }[] = [
      {
        fields: {
          name: 'Philomena Quarrington-Vasquez',
          email: 'philomena.quarrington@reviewers.example.org',
        },
        values: REVIEW_A,
        overall: 'The corridor analysis is persuasive and well evidenced.',
        criterion: { Q3: 'The results chain from outputs to outcomes is explicit.' },
      },
      {
        fields: { name: 'Bartholomew Zyskowski', email: 'b.zyskowski@reviewers.example.org' },
        values: REVIEW_B,
        overall: 'Coordination costs look high against the outputs.',
        criterion: { Q5: 'Sustainability depends on one ministry only.' },
      },
    ];
    for (const reviewer of reviewers) {
      const who = await actor(system, ['reviewer'], { organizationCode: 'UNDP', ...reviewer.fields });
      const assignment = await post(
        `/concept-notes/${reviewed.id}/review-assignments`,
        secretariat,
        { reviewerId: who.user.id, dueAt: new Date(clock.now().getTime() + 14 * DAY_MS).toISOString() },
        201,
      );
      clock.advance(60 * 60 * 1000);
      must(
        await http(system, 'PUT', `/api/v1/review-assignments/${assignment.body.id}/review`, {
          token: who.token,
          body: {
            scores: scores(reviewer.values, reviewer.criterion),
            recommendation: 'approve',
            overallComment: reviewer.overall,
            submit: true,
          },
        }),
      );
    }
    await post(`/concept-notes/${reviewed.id}/reviews/close`, secretariat, {});

    // The second: screened eligible on revision 1, the revision the agenda lists it with. Then a
    // later revision, screened ineligible, stored through the repositories: the note has moved on
    // while this agenda keeps the revision it was closed with.
    await post(
      `/concept-notes/${revised.id}/screening`,
      secretariat,
      {
        checklist: [{ ...MANUAL[0], comment: 'Remark on revision one.' }, ...MANUAL.slice(1)],
        outcome: 'eligible',
      },
      201,
    );
    const frozen = await system.dataSource
      .getRepository(Revision)
      .findOneByOrFail({ noteId: revised.id, number: 1 });
    const later = await system.dataSource.getRepository(Revision).save({
      noteId: revised.id,
      number: 2,
      content: frozen.content,
      contentHash: `${frozen.contentHash}-2`,
      createdById: lead.user.id,
    });
    await system.dataSource.query('UPDATE concept_notes SET current_revision = 2 WHERE id = $1', [
      revised.id,
    ]);
    const [screened] = await system.dataSource.getRepository(Screening).findBy({ noteId: revised.id });
    clock.advance(60_000);
    await system.dataSource.getRepository(Screening).save({
      noteId: revised.id,
      revisionId: later.id,
      criteriaSetVersion: screened.criteriaSetVersion,
      checklist: screened.checklist.map((c) =>
        c.code === 'E9' ? { ...c, result: 'fail' as const, comment: 'Remark on revision two.' } : c,
      ),
      outcome: 'ineligible',
      screenedById: secretariat.user.id,
    });
    const agenda = must(
      await http(system, 'GET', `/api/v1/meetings/${meeting.id}/agenda`, { token: secretariat.token }),
    );
    expect(
      agenda.body.items.find((i: { conceptNoteId: string }) => i.conceptNoteId === revised.id).revision,
    ).toBe(1);

    const packet = await post(`/meetings/${meeting.id}/packet`, secretariat, undefined, 202);
    await waitForPacket(system, packet.body.id);
    const committee = await actor(system, ['steering_committee']);
    const pdf = await http(system, 'GET', `/api/v1/meetings/${meeting.id}/packet?download=true`, {
      token: committee.token,
    });
    expect(pdf.status).toBe(200);
    const text = pdfText(pdf.raw);
    const flat = normalise(text);
    const section = (reference: string) => {
      const pages = text.split('\f').filter((page) => page.includes(`· ${reference}`));
      return normalise(pages.join(''));
    };

    // The reviews: figures, each comment with its review's weighted score, under a label.
    const first = section(reviewed.referenceCode);
    for (const expected of [
      'mean 60.00 · median 60.00 · spread 16.66',
      'Reviewer A · weighted score 68.33 · recommends: Approve',
      'Reviewer B · weighted score 51.67 · recommends: Approve',
      ...reviewers.flatMap((r) => [
        r.overall,
        ...Object.entries(r.criterion).map(([code, c]) => `${code}: ${c}`),
      ]),
    ]) {
      expect(first).toContain(normalise(expected));
    }
    // …and nobody named: no name, no part of one, no e-mail address or its domain.
    for (const { fields } of reviewers) {
      for (const part of [
        fields.name,
        ...fields.name.split(/[\s-]+/),
        fields.email,
        fields.email.split('@')[0],
      ]) {
        expect(flat.toLowerCase()).not.toContain(normalise(part).toLowerCase());
      }
    }
    expect(flat).not.toContain('reviewers.example.org');

    // The second note's screening is that of revision 1, on the agenda: not the later one.
    const second = section(revised.referenceCode);
    expect(second).toContain(normalise('Revision 1'));
    expect(second).toContain(normalise('Remark on revision one.'));
    expect(second).not.toContain(normalise('Remark on revision two.'));
    expect(second).not.toContain(normalise('Ineligible'));
  });

  it('mails the packet to each active committee member exactly once, and running the mail step again sends nothing twice', async () => {
    clock.advance(DAY_MS);
    const members = await Promise.all(
      ['Mariam Haddad', 'Li Wei', 'Olena Kovalenko'].map((name) =>
        actor(system, ['steering_committee'], { name }),
      ),
    );
    const inactive = await actor(system, ['steering_committee'], { name: 'Former Member' });
    await system.dataSource.query('UPDATE users SET active = false WHERE id = $1', [inactive.user.id]);
    const meeting = await closedMeeting(system, clock, people, {
      titles: ['Packet for the whole committee'],
    });
    const packet = await post(`/meetings/${meeting.id}/packet`, people.secretariat, undefined, 202);
    await waitForPacket(system, packet.body.id);

    const { recipients } = await packetMails(system, packet.body.id);
    const everyone = members.map((m) => m.user.email);
    for (const email of everyone) {
      expect(recipients.filter((r) => r === email)).toHaveLength(1);
      expect(system.smtp.to(email)).toHaveLength(1);
    }
    expect(recipients).not.toContain(inactive.user.email);
    expect(system.smtp.to(inactive.user.email)).toHaveLength(0);

    // The render's retry, and the mail step run again: nothing new.
    const service = system.worker!.get(PacketsService);
    expect(await service.render(packet.body.id)).toBe('skipped');
    expect(await service.mailCommittee(packet.body.id)).toBe(0);
    expect((await packetMails(system, packet.body.id)).recipients.sort()).toEqual(recipients.sort());

    // A member who joins afterwards gets it from the next run, once; the others nothing more.
    const newcomer = await actor(system, ['steering_committee'], { name: 'New Member' });
    expect(await service.mailCommittee(packet.body.id)).toBe(1);
    expect(await service.mailCommittee(packet.body.id)).toBe(0);
    const after = await packetMails(system, packet.body.id);
    expect(after.recipients.sort()).toEqual([...recipients, newcomer.user.email].sort());
    for (const email of [...everyone, newcomer.user.email]) expect(system.smtp.to(email)).toHaveLength(1);
  });
});

describe('packets too large to attach', () => {
  let system: TestSystem;
  const clock = new TestClock(new Date('2026-11-02T09:00:00.000Z'));
  beforeAll(async () => {
    system = await startTestSystem({
      clock,
      worker: true,
      env: { PACKET_ATTACH_MAX_BYTES: '1000', PACKET_LINK_TTL: 'P2D' },
    });
  });
  afterAll(() => system.close());

  it('go out as a signed link; the link downloads the packet until PACKET_LINK_TTL has passed by the application clock, then answers 410; a forged link is refused', async () => {
    const committee = await actor(system, ['steering_committee']);
    const { secretariat, meetingId } = await closedMeetingWithNote(system, clock, 'Labour mobility');
    const issuedAt = clock.now();
    await http(system, 'POST', `/api/v1/meetings/${meetingId}/packet`, { token: secretariat.token });
    const ready = await waitReady(system, secretariat.token, meetingId, 1);
    await system.smtp.waitFor((messages) => messages.some((m) => m.to.includes(committee.user.email)));
    const [mail] = system.smtp.to(committee.user.email);
    expect(mail.attachments).toHaveLength(0);
    const link = /https?:\/\/\S+\/api\/v1\/packets\/download\?token=[\w.-]+/.exec(mail.text)?.[0];
    expect(link).toBeDefined();
    const path = new URL(link!).pathname + new URL(link!).search;
    const downloaded = await http(system, 'GET', path);
    expect(downloaded.status).toBe(200);
    expect(downloaded.raw.length).toBe(ready.sizeBytes);

    // The clock was not moved while the packet rendered: the link was signed at `issuedAt`.
    const ttl = system.config.packetLinkTtl.as('milliseconds');
    expect(ttl).toBe(2 * DAY_MS);
    clock.set(new Date(issuedAt.getTime() + ttl - 1000));
    expect((await http(system, 'GET', path)).status).toBe(200);
    clock.set(new Date(issuedAt.getTime() + ttl + 1000));
    const refused = await http(system, 'GET', path);
    expect(refused.status).toBe(410);
    expect(refused.body.code).toBe('PACKET.LINK_EXPIRED');

    const forged = new JwtService({ secret: 'another-secret-that-is-long-enough-for-hs256' }).sign(
      { sub: ready.id },
      { audience: 'mptf-packet', issuer: 'mptf' },
    );
    expect((await http(system, 'GET', `/api/v1/packets/download?token=${forged}`)).status).toBe(401);
  });
});
