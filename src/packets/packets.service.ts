import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { Readable } from 'node:stream';
import { Between, DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { JWT_ALGORITHM, TOKEN_ISSUER } from '../auth/tokens';
import type { Actor } from '../common/auth/roles';
import { sha256Hex } from '../common/canonical-json';
import { Clock } from '../common/clock';
import { currentRequestId } from '../common/request-context';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ConceptNoteAccess } from '../concept-notes/concept-note.access';
import { ConceptNoteContent } from '../concept-notes/concept-note.content';
import { Revision } from '../concept-notes/concept-note.entity';
import { returnedRows } from '../database/sql';
import { AgendaItem, Meeting } from '../meetings/meeting.entity';
import { NotificationsService } from '../notifications/notifications.service';
import { Storage } from '../storage/storage';
import { User } from '../users/user.entity';
import { renderNotePdf } from './note-pdf';
import { Packet, type PacketStatus } from './packet.entity';
import { PacketDataLoader } from './packet-data';
import { renderPacketFrom } from './packet-pdf';
import { automaticPacketDue, renderAbandoned, renderClaimMs } from './packet.rules';
import { PacketErrors } from './packets.errors';
import {
  PACKETS_QUEUE,
  PacketJobs,
  renderJobId,
  renderJobOptions,
  takeoverJobId,
  type RenderPacketJob,
} from './packets.queue';
import type { PacketView } from './packets.view';

const LINK_AUDIENCE = 'mptf-packet';

/** Seconds since the epoch, as JWT claims count them. */
const epochSeconds = (instant: Date) => Math.floor(instant.getTime() / 1000);

/**
 * Meeting packets: each issue is a new version, rendered by the worker, stored with its checksum
 * through the storage interface, and e-mailed to the Steering Committee (attached below a size,
 * otherwise as a signed link that expires). Also the per-note PDF.
 */
@Injectable()
export class PacketsService {
  private readonly logger = new Logger(PacketsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(PACKETS_QUEUE) private readonly queue: Queue<RenderPacketJob>,
    private readonly loader: PacketDataLoader,
    private readonly access: ConceptNoteAccess,
    private readonly content: ConceptNoteContent,
    private readonly storage: Storage,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new version of the meeting's packet, queued for rendering (202). */
  async request(actor: Actor | null, meetingId: string): Promise<PacketView> {
    const packet = await this.dataSource.transaction(async (manager) => {
      const meeting = await manager.findOne(Meeting, {
        where: { id: meetingId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!meeting) throw PacketErrors.notFound();
      const open =
        meeting.status === 'agenda_closed' ||
        meeting.status === 'held' ||
        (meeting.kind === 'written_procedure' && meeting.status === 'scheduled');
      if (!open) throw PacketErrors.agendaNotClosed();
      return this.newVersion(manager, meeting, actor);
    });
    await this.enqueue(packet.id);
    return this.view(packet);
  }

  /**
   * The next version of a meeting whose row the caller has locked, with the agenda as listed now
   * (replaced at render time by the agenda actually rendered).
   */
  private async newVersion(manager: EntityManager, meeting: Meeting, actor: Actor | null): Promise<Packet> {
    const items = await manager.find(AgendaItem, {
      where: { meetingId: meeting.id, status: 'listed' },
      order: { position: 'ASC', createdAt: 'ASC' },
    });
    const version = ((await manager.maximum(Packet, 'version', { meetingId: meeting.id })) ?? 0) + 1;
    const packet = await manager.save(
      manager.create(Packet, {
        meetingId: meeting.id,
        version,
        requestedById: actor?.id ?? null,
        requestedAt: this.clock.now(),
        agenda: items.map((i) => ({
          itemId: i.id,
          noteId: i.noteId,
          revisionId: i.revisionId,
          position: i.position,
        })),
      }),
    );
    await this.audit.record(manager, {
      actorId: actor?.id ?? null,
      action: 'packet.requested',
      entityType: 'meeting',
      entityId: meeting.id,
      after: { packetId: packet.id, version, items: items.length, automatic: actor === null },
    });
    return packet;
  }

  async enqueue(packetId: string, jobId = renderJobId(packetId)): Promise<void> {
    try {
      await this.queue.add(
        PacketJobs.render,
        { packetId, requestId: currentRequestId() },
        renderJobOptions(packetId, jobId),
      );
    } catch (error) {
      this.logger.warn(
        { err: (error as Error).message, packetId },
        'packet queue unreachable; the worker picks queued packets up later',
      );
    }
  }

  /** How long a render holds a packet before another may take it over (see renderClaimMs). */
  private get claimMs(): number {
    return renderClaimMs(this.config.worker);
  }

  /**
   * Renders a packet (the worker) and issues it: stored under a key of its own, marked ready with
   * its checksum and the agenda it printed, and mailed to the committee in the same transaction.
   *
   * Safe to run twice. It takes a queued or failed packet, or one left `rendering` by a render
   * whose claim is older than the allowance (a worker that died mid-render); anything else answers
   * 'skipped'. Should the first render still be at work after all, both render and the first to
   * finish issues the version; the other finds it issued, removes its file and answers 'skipped'.
   * A render that fails marks the packet failed only while the claim is still its own.
   */
  async render(packetId: string): Promise<'ready' | 'skipped'> {
    const claimedAt = await this.claim(packetId);
    if (!claimedAt) return 'skipped';
    let storageKey: string | null = null;
    let outbox: string[] | null;
    try {
      const generatedAt = this.clock.now();
      // One snapshot for the agenda and every item's content, held while the items are rendered
      // one by one: the agenda recorded is the agenda printed, whatever changes meanwhile.
      const { packet, meeting, agenda, rendered } = await this.dataSource.transaction(
        'REPEATABLE READ',
        async (manager) => {
          await manager.query('SET TRANSACTION READ ONLY');
          const packet = await manager.findOneByOrFail(Packet, { id: packetId });
          const meeting = await manager.findOneByOrFail(Meeting, { id: packet.meetingId });
          const loaded = await this.loader.packet(manager, meeting, packet.version, generatedAt);
          return { packet, meeting, agenda: loaded.agenda, rendered: await renderPacketFrom(loaded.source) };
        },
      );
      const bytes = Buffer.from(rendered.bytes);
      const sha256 = sha256Hex(bytes);
      // A key of this claim's own: a render taken over and the one taking over never write one file.
      storageKey = `packets/${meeting.id}/v${packet.version}-${packet.id}-${claimedAt.getTime()}.pdf`;
      await this.storage.put(storageKey, bytes);
      const issued = { storageKey, pageCount: rendered.pageCount, sizeBytes: bytes.length };
      outbox = await this.dataSource.transaction(async (manager) => {
        const updated = await manager.update(
          Packet,
          { id: packetId, status: 'rendering' },
          { status: 'ready', sha256, renderedAt: generatedAt, agenda, ...issued },
        );
        if (!updated.affected) return null;
        await this.audit.record(manager, {
          actorId: null,
          action: 'packet.issued',
          entityType: 'meeting',
          entityId: meeting.id,
          after: { packetId, version: packet.version, sha256, items: agenda.length, ...issued },
        });
        return this.recordCommitteeMail(manager, meeting, { ...packet, ...issued, status: 'ready' });
      });
    } catch (error) {
      await this.dataSource.query(
        `UPDATE packets SET status = 'failed', error = $2
          WHERE id = $1 AND status = 'rendering' AND rendering_started_at = $3`,
        [packetId, String((error as Error).message).slice(0, 2000), claimedAt],
      );
      if (storageKey) await this.storage.remove(storageKey);
      throw error;
    }
    if (outbox === null) {
      this.logger.warn({ packetId }, 'packet issued by another render meanwhile; this render is dropped');
      await this.storage.remove(storageKey);
      return 'skipped';
    }
    await this.notifications.dispatch(outbox);
    return 'ready';
  }

  /** Claims the packet for this render; the claim's instant, or null when it is not to be rendered. */
  private async claim(packetId: string): Promise<Date | null> {
    const now = this.clock.now();
    const [claimed] = returnedRows<{ previousStatus: PacketStatus; previousStartedAt: Date | null }>(
      await this.dataSource.query(
        `UPDATE packets p SET status = 'rendering', error = NULL, rendering_started_at = $2
           FROM (SELECT id, status, rendering_started_at FROM packets WHERE id = $1 FOR UPDATE) before
          WHERE p.id = before.id
            AND (before.status IN ('queued', 'failed')
                 OR (before.status = 'rendering'
                     AND (before.rendering_started_at IS NULL OR before.rendering_started_at < $3)))
        RETURNING before.status AS "previousStatus", before.rendering_started_at AS "previousStartedAt"`,
        [packetId, now, new Date(now.getTime() - this.claimMs)],
      ),
    );
    if (!claimed) return null;
    if (claimed.previousStatus === 'rendering') {
      this.logger.warn(
        { packetId, abandonedClaim: claimed.previousStartedAt?.toISOString() ?? null },
        'packet render taken over from a render presumed dead',
      );
    }
    return now;
  }

  /**
   * Mails a ready version to every active committee member who has not had it yet: each member
   * once per version (the outbox's dedupe key), so running it again, after a retry or once a member
   * has joined the committee, sends nothing twice. render() does the same in the transaction that
   * issues the version. The number of e-mails newly recorded.
   */
  async mailCommittee(packetId: string): Promise<number> {
    const outbox = await this.dataSource.transaction(async (manager) => {
      const packet = await manager.findOneBy(Packet, { id: packetId, status: 'ready' });
      if (!packet) throw PacketErrors.notFound();
      const meeting = await manager.findOneByOrFail(Meeting, { id: packet.meetingId });
      return this.recordCommitteeMail(manager, meeting, packet);
    });
    await this.notifications.dispatch(outbox);
    return outbox.length;
  }

  /** Each committee member once per version: the PDF attached when small enough, else a signed link. */
  private async recordCommitteeMail(
    manager: EntityManager,
    meeting: Meeting,
    packet: Packet,
  ): Promise<string[]> {
    const members = await manager
      .createQueryBuilder(User, 'u')
      .where(`u.active AND 'steering_committee' = ANY(u.roles)`)
      .getMany();
    const attach = (packet.sizeBytes ?? 0) <= this.config.packetAttachMaxBytes;
    const expiresAt = new Date(this.clock.now().getTime() + this.config.packetLinkTtl.as('milliseconds'));
    const filename = `packet-${meeting.startsLocal.slice(0, 10)}-v${packet.version}.pdf`;
    return this.notifications.record(
      manager,
      await Promise.all(
        members.map(async (user) => ({
          to: { email: user.email, userId: user.id, locale: user.locale, timeZone: user.timeZone },
          template: 'packet_issued',
          payload: {
            recipientName: user.name,
            meetingTitle: meeting.title,
            meetingStartsAt: meeting.startsAt.toISOString(),
            version: packet.version,
            pageCount: packet.pageCount,
            attached: attach,
            linkExpiresAt: attach ? null : expiresAt.toISOString(),
            secret: attach ? undefined : { link: await this.signedLink(packet.id, expiresAt) },
          },
          dedupeKey: `packet:${packet.id}:${user.id}`,
          subject: { type: 'meeting', id: meeting.id },
          attachments: attach
            ? [{ filename, contentType: 'application/pdf', storageKey: packet.storageKey! }]
            : undefined,
        })),
      ),
    );
  }

  /**
   * A link that downloads the packet until `expiresAt`. Issued-at and expiry come from the
   * application clock, and openSigned checks them against it too (jsonwebtoken would otherwise read
   * the wall clock for both).
   */
  private async signedLink(packetId: string, expiresAt: Date): Promise<string> {
    const token = await this.jwt.signAsync(
      { sub: packetId, iat: epochSeconds(this.clock.now()), exp: epochSeconds(expiresAt) },
      { audience: LINK_AUDIENCE, issuer: TOKEN_ISSUER, algorithm: JWT_ALGORITHM },
    );
    return `${this.config.publicUrl}/api/v1/packets/download?token=${token}`;
  }

  /** Opens the packet a signed link points at; a link past its expiry (by the application clock) answers 410. */
  async openSigned(token: string | undefined): Promise<{ packet: Packet; stream: Readable }> {
    let packetId: string;
    try {
      const claims = await this.jwt.verifyAsync<{ sub: string; exp?: number }>(token ?? '', {
        audience: LINK_AUDIENCE,
        issuer: TOKEN_ISSUER,
        algorithms: [JWT_ALGORITHM],
        clockTimestamp: epochSeconds(this.clock.now()),
      });
      // A link without an expiry would never expire; every link we sign has one.
      if (typeof claims.exp !== 'number') throw new Error('jwt has no expiry (exp)');
      packetId = claims.sub;
    } catch (error) {
      throw (error as Error).name === 'TokenExpiredError'
        ? PacketErrors.linkExpired()
        : PacketErrors.linkInvalid();
    }
    const packet = await this.dataSource.getRepository(Packet).findOneBy({ id: packetId, status: 'ready' });
    if (!packet?.storageKey) throw PacketErrors.notFound();
    return { packet, stream: await this.storage.get(packet.storageKey) };
  }

  async latest(meetingId: string): Promise<PacketView> {
    const [packet] = await this.dataSource
      .getRepository(Packet)
      .find({ where: { meetingId }, order: { version: 'DESC' }, take: 1 });
    if (!packet) throw PacketErrors.notFound();
    return this.view(packet);
  }

  async openLatest(meetingId: string): Promise<{ packet: Packet; stream: Readable }> {
    const [packet] = await this.dataSource
      .getRepository(Packet)
      .find({ where: { meetingId, status: 'ready' }, order: { version: 'DESC' }, take: 1 });
    if (!packet?.storageKey) {
      const latest = await this.latest(meetingId);
      throw PacketErrors.notReady(latest.status);
    }
    return { packet, stream: await this.storage.get(packet.storageKey) };
  }

  async versions(meetingId: string): Promise<PacketView[]> {
    if (!(await this.dataSource.getRepository(Meeting).existsBy({ id: meetingId })))
      throw PacketErrors.notFound();
    const packets = await this.dataSource
      .getRepository(Packet)
      .find({ where: { meetingId }, order: { version: 'DESC' } });
    return packets.map((p) => this.view(p));
  }

  /**
   * The worker's periodic sweep: issues the automatic packets that are due (automaticPacketDue:
   * at PACKET_OFFSET before a meeting whose agenda is closed, unless a version was requested since
   * that instant), gives queued packets whose job was lost (Redis away) their job, and hands renders
   * abandoned by a dead worker to a takeover job. Safe on every replica at once: each issue is
   * decided under the meeting's row lock, and job ids are deterministic. The number issued.
   */
  async automatic(): Promise<number> {
    const now = this.clock.now();
    const offsetMs = this.config.packetOffset.as('milliseconds');
    const meetings = await this.dataSource.getRepository(Meeting).find({
      where: { status: 'agenda_closed', startsAt: Between(now, new Date(now.getTime() + offsetMs)) },
    });
    let issued = 0;
    for (const meeting of meetings) if (await this.issueAutomatic(meeting.id, offsetMs)) issued += 1;

    const packets = this.dataSource.getRepository(Packet);
    for (const packet of await packets.find({ where: { status: 'queued' } })) await this.enqueue(packet.id);
    for (const packet of await packets.find({ where: { status: 'rendering' } })) {
      if (renderAbandoned(packet.renderingStartedAt, this.clock.now(), this.claimMs)) {
        await this.enqueue(packet.id, takeoverJobId(packet.id, packet.renderingStartedAt));
      }
    }
    return issued;
  }

  /** The automatic version of one meeting, when due; decided under the meeting's row lock. */
  private async issueAutomatic(meetingId: string, offsetMs: number): Promise<boolean> {
    const packet = await this.dataSource.transaction(async (manager) => {
      const meeting = await manager.findOne(Meeting, {
        where: { id: meetingId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!meeting) return null;
      const [{ latest }] = await manager.query<{ latest: Date | null }[]>(
        'SELECT max(requested_at) AS latest FROM packets WHERE meeting_id = $1',
        [meetingId],
      );
      if (!automaticPacketDue(meeting, latest, this.clock.now(), offsetMs)) return null;
      return this.newVersion(manager, meeting, null);
    });
    if (!packet) return false;
    await this.enqueue(packet.id);
    return true;
  }

  /** The note's current revision (or, before the first, its working copy) as a PDF. */
  async notePdf(actor: Actor, noteId: string): Promise<{ filename: string; bytes: Uint8Array }> {
    const manager = this.dataSource.manager;
    const { note } = await this.access.load(manager, actor, noteId);
    const revision = note.currentRevision
      ? await manager.findOneBy(Revision, { noteId, number: note.currentRevision })
      : null;
    const content = revision
      ? (revision.content as unknown as Awaited<ReturnType<ConceptNoteContent['read']>>)
      : await this.content.read(manager, note);
    const data = await this.loader.revision(manager, note, revision, content);
    const bytes = await renderNotePdf({ ...data, generatedAt: this.clock.now() });
    return { filename: `${note.referenceCode ?? 'concept-note'}-r${revision?.number ?? 0}.pdf`, bytes };
  }

  jobId(packetId: string): string {
    return renderJobId(packetId);
  }

  private view(packet: Packet): PacketView {
    return {
      id: packet.id,
      meetingId: packet.meetingId,
      version: packet.version,
      status: packet.status,
      jobId: renderJobId(packet.id),
      sha256: packet.sha256,
      pageCount: packet.pageCount,
      sizeBytes: packet.sizeBytes,
      items: packet.agenda.length,
      createdAt: packet.createdAt.toISOString(),
      renderedAt: packet.renderedAt?.toISOString() ?? null,
      error: packet.error,
      downloadUrl:
        packet.status === 'ready' ? `/api/v1/meetings/${packet.meetingId}/packet?download=true` : null,
    };
  }
}
