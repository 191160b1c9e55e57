import { JwtService } from '@nestjs/jwt';
import { readyDraft } from '../factories';
import { actor, http, startTestSystem, TestClock, TEST_JWT_SECRET, type TestSystem } from '../harness';
import { pdfText } from '../pdf-readback';
import { CutoffService } from '../../src/meetings/cutoff.service';

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

  it('go out as a signed link; the link downloads the packet, and an expired or forged link is refused', async () => {
    const committee = await actor(system, ['steering_committee']);
    const { secretariat, meetingId } = await closedMeetingWithNote(system, clock, 'Labour mobility');
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

    const jwt = new JwtService({ secret: TEST_JWT_SECRET });
    const expired = jwt.sign(
      { sub: ready.id, exp: Math.floor(Date.now() / 1000) - 60 },
      { audience: 'mptf-packet', issuer: 'mptf', algorithm: 'HS256' },
    );
    const refused = await http(system, 'GET', `/api/v1/packets/download?token=${expired}`);
    expect(refused.status).toBe(410);
    expect(refused.body.code).toBe('PACKET.LINK_EXPIRED');
    const forged = new JwtService({ secret: 'another-secret-that-is-long-enough-for-hs256' }).sign(
      { sub: ready.id },
      { audience: 'mptf-packet', issuer: 'mptf' },
    );
    expect((await http(system, 'GET', `/api/v1/packets/download?token=${forged}`)).status).toBe(401);
  });
});
