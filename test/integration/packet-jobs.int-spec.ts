import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { PacketsService } from '../../src/packets/packets.service';
import { automaticIssueAt, renderClaimMs } from '../../src/packets/packet.rules';
import { PACKETS_QUEUE, renderJobId, takeoverJobId } from '../../src/packets/packets.queue';
import { actor, http, startTestSystem, TestClock, type TestSystem } from '../harness';
import {
  closedMeeting,
  must,
  packetMails,
  packetRows,
  waitForPacket,
  type ClosedMeeting,
  type SignedIn,
} from '../packet-meetings';
import { pdfText } from '../pdf-readback';

/**
 * The packet jobs of the worker (DESIGN §3 "Packet", §6 jobs and reconciliation): the automatic
 * issue at PACKET_OFFSET before a meeting, renders taken over from a worker that died, and the
 * agenda a version records being the agenda it printed.
 */
describe('packet jobs', () => {
  const clock = new TestClock(new Date('2027-01-04T09:00:00.000Z'));
  let system: TestSystem;
  let people: { secretariat: SignedIn; lead: SignedIn; rc: SignedIn };
  const packets = () => system.worker!.get(PacketsService);
  const offsetMs = () => system.config.packetOffset.as('milliseconds');

  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true });
    people = {
      secretariat: await actor(system, ['secretariat']),
      lead: await actor(system, ['applicant'], { organizationCode: 'IOM' }),
      rc: await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'] }),
    };
  });
  afterAll(() => system.close());

  const request = async (meetingId: string) =>
    must(
      await http(system, 'POST', `/api/v1/meetings/${meetingId}/packet`, { token: people.secretariat.token }),
      202,
    ).body as { id: string; version: number; items: number };

  async function jobState(jobId: string): Promise<{ state: string; returned: unknown } | null> {
    const job = await system.app.get<Queue>(getQueueToken(PACKETS_QUEUE)).getJob(jobId);
    return job ? { state: await job.getState(), returned: job.returnvalue } : null;
  }

  async function jobFinished(jobId: string): Promise<unknown> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const job = await jobState(jobId);
      if (job?.state === 'completed') return job.returned;
      if (job?.state === 'failed') throw new Error(`job ${jobId} failed`);
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job?.state} after 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  describe('the automatic packet at PACKET_OFFSET before the meeting', () => {
    it('is rendered and mailed to each committee member once, from the offset instant on, for every kind of meeting whose agenda is closed', async () => {
      const members = [
        await actor(system, ['steering_committee']),
        await actor(system, ['steering_committee']),
      ];
      for (const kind of ['in_person', 'written_procedure']) {
        const meeting = await closedMeeting(system, clock, people, {
          kind,
          titles: kind === 'in_person' ? ['Automatic packet of an in-person meeting'] : [],
        });
        const issueAt = automaticIssueAt(meeting.startsAt, offsetMs());
        expect(issueAt.getTime()).toBe(meeting.startsAt.getTime() - 14 * 24 * 60 * 60 * 1000);

        clock.set(new Date(issueAt.getTime() - 1));
        await packets().automatic();
        expect(await packetRows(system, meeting.id)).toEqual([]);

        clock.set(issueAt);
        await packets().automatic();
        const [issued] = await packetRows(system, meeting.id);
        expect(issued).toMatchObject({ version: 1, requestedById: null });
        await waitForPacket(system, issued.id);
        const mails = await packetMails(system, issued.id);
        expect(mails.recipients).toEqual(members.map((m) => m.user.email).sort());
        for (const member of members) {
          expect(mails.messages.filter((m) => m.to.includes(member.user.email))).toHaveLength(1);
        }

        // The next sweeps, at once and later before the meeting, issue nothing more.
        await packets().automatic();
        clock.advance(24 * 60 * 60 * 1000);
        await packets().automatic();
        expect((await packetRows(system, meeting.id)).map((p) => p.version)).toEqual([1]);
        clock.advance(60_000);
      }
    });

    it('still issues a fresh version at the offset when the only one was issued by hand before it, and none when one was issued after it', async () => {
      const early = await closedMeeting(system, clock, people, { titles: ['Packet issued early by hand'] });
      clock.advance(24 * 60 * 60 * 1000);
      const manual = await request(early.id);
      await waitForPacket(system, manual.id);

      const issueAt = automaticIssueAt(early.startsAt, offsetMs());
      clock.set(new Date(issueAt.getTime() - 1));
      await packets().automatic();
      expect((await packetRows(system, early.id)).map((p) => p.version)).toEqual([1]);
      clock.set(issueAt);
      await packets().automatic();
      const rows = await packetRows(system, early.id);
      expect(rows.map((p) => [p.version, p.requestedById])).toEqual([
        [1, people.secretariat.user.id],
        [2, null],
      ]);
      await waitForPacket(system, rows[1].id);
      await packets().automatic();
      expect(await packetRows(system, early.id)).toHaveLength(2);

      clock.advance(60_000);
      const late = await closedMeeting(system, clock, people);
      clock.set(new Date(automaticIssueAt(late.startsAt, offsetMs()).getTime() + 60 * 60 * 1000));
      const byHand = await request(late.id);
      await packets().automatic();
      expect((await packetRows(system, late.id)).map((p) => p.id)).toEqual([byHand.id]);
      await waitForPacket(system, byHand.id);
    });
  });

  describe('a render whose worker died', () => {
    let meeting: ClosedMeeting;
    const claimMs = () => renderClaimMs(system.config.worker);
    const claim = (packetId: string, startedAt: Date) =>
      system.dataSource.query(
        `UPDATE packets SET status = 'rendering', rendering_started_at = $2 WHERE id = $1`,
        [packetId, startedAt],
      );

    beforeAll(async () => {
      clock.advance(60_000);
      meeting = await closedMeeting(system, clock, people, { titles: ['Packet of a crashed worker'] });
      clock.advance(60_000);
    });

    it('is taken over by the job’s retry once its claim is older than the lock allowance', async () => {
      await system.stopWorker();
      const packet = await request(meeting.id);
      // The worker claimed it, then died: its job goes back to the queue as a stalled job does.
      await claim(packet.id, new Date(clock.now().getTime() - claimMs() - 1));
      await system.startWorker();
      await waitForPacket(system, packet.id);
      expect(await jobFinished(renderJobId(packet.id))).toBe('ready');
      const [row] = await system.dataSource.query<{ renderingStartedAt: Date }[]>(
        'SELECT rendering_started_at AS "renderingStartedAt" FROM packets WHERE id = $1',
        [packet.id],
      );
      expect(row.renderingStartedAt).toEqual(clock.now());
    });

    it('is left alone while its claim is fresh, and handed by the sweep to a takeover job once it is not', async () => {
      await system.stopWorker();
      const packet = await request(meeting.id);
      const startedAt = clock.now();
      await claim(packet.id, startedAt);
      await system.startWorker();
      expect(await jobFinished(renderJobId(packet.id))).toBe('skipped');
      clock.advance(claimMs());
      await packets().automatic();
      expect(await jobState(takeoverJobId(packet.id, startedAt))).toBeNull();
      expect((await packetRows(system, meeting.id)).find((p) => p.id === packet.id)?.status).toBe(
        'rendering',
      );

      clock.advance(1);
      await packets().automatic();
      await waitForPacket(system, packet.id);
      expect(await jobFinished(takeoverJobId(packet.id, startedAt))).toBe('ready');
      const mails = await packetMails(system, packet.id);
      expect(new Set(mails.recipients).size).toBe(mails.recipients.length);
      expect(mails.messages).toHaveLength(mails.recipients.length);
    });
  });

  it('records the agenda it rendered: an item removed, one moved and an assessment written between the request and the render are in the PDF and the recorded agenda alike', async () => {
    clock.advance(60_000);
    const meeting = await closedMeeting(system, clock, people, {
      titles: ['Agenda item kept', 'Agenda item removed', 'Agenda item moved first'],
    });
    const [kept, removed, moved] = meeting.notes;
    const [keptItem, removedItem, movedItem] = meeting.itemIds;
    const item = (id: string, body: Record<string, unknown>) =>
      http(system, 'PATCH', `/api/v1/meetings/${meeting.id}/agenda/${id}`, {
        token: people.secretariat.token,
        body,
      });
    for (const [position, id] of [keptItem, removedItem, movedItem].entries())
      must(await item(id, { position: position + 1 }));
    clock.advance(60_000);
    await system.stopWorker();
    const packet = await request(meeting.id);
    expect(packet.items).toBe(3);
    expect((await packetRows(system, meeting.id)).find((p) => p.id === packet.id)?.agenda).toEqual([
      expect.objectContaining({ itemId: keptItem, position: 1 }),
      expect.objectContaining({ itemId: removedItem, position: 2 }),
      expect.objectContaining({ itemId: movedItem, position: 3 }),
    ]);

    must(await item(removedItem, { status: 'removed', reason: 'Withdrawn from this meeting by the team.' }));
    must(
      await item(keptItem, {
        position: 10,
        assessmentSummary: 'Assessment written after the packet was requested.',
      }),
    );
    await system.startWorker();
    await waitForPacket(system, packet.id);

    const [row] = (await packetRows(system, meeting.id)).filter((p) => p.id === packet.id);
    expect(row.agenda.map((a) => [a.itemId, a.noteId, a.position])).toEqual([
      [movedItem, moved.id, 3],
      [keptItem, kept.id, 10],
    ]);
    const versions = must(
      await http(system, 'GET', `/api/v1/meetings/${meeting.id}/packet/versions`, {
        token: people.secretariat.token,
      }),
    );
    expect(versions.body.find((v: { id: string }) => v.id === packet.id).items).toBe(2);

    const pdf = await http(system, 'GET', `/api/v1/meetings/${meeting.id}/packet?download=true`, {
      token: people.secretariat.token,
    });
    expect(pdf.status).toBe(200);
    const text = pdfText(pdf.raw);
    expect(text).not.toContain(removed.referenceCode);
    expect(text).not.toContain(removed.title);
    const agendaPage = text.split('\f').find((page) => page.includes('Agenda'))!;
    expect(agendaPage.indexOf(moved.referenceCode)).toBeGreaterThan(-1);
    expect(agendaPage.indexOf(moved.referenceCode)).toBeLessThan(agendaPage.indexOf(kept.referenceCode));
    expect(text).toMatch(/Items on the agenda\s+2 items;/);
    // Each item's section: its heading, and its running header on every page it takes.
    const sections = text
      .split('\f')
      .map((page) => /Item (\d+) · (MIG-CN-\d{4}-\d{4})/.exec(page)?.slice(1).join(' '))
      .filter((section, i, all) => section !== undefined && section !== all[i - 1]);
    expect(sections).toEqual([`3 ${moved.referenceCode}`, `10 ${kept.referenceCode}`]);
    expect(text).toContain('Assessment written after the packet was requested.');
  });
});
