import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager, In, LessThanOrEqual } from 'typeorm';
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
import { Packet } from './packet.entity';
import { PacketDataLoader } from './packet-data';
import { renderPacket } from './packet-pdf';
import { PacketErrors } from './packets.errors';
import {
  PACKETS_QUEUE,
  PacketJobs,
  renderJobId,
  renderJobOptions,
  type RenderPacketJob,
} from './packets.queue';
import type { PacketView } from './packets.view';

const LINK_AUDIENCE = 'mptf-packet';

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
      const items = await manager.find(AgendaItem, {
        where: { meetingId, status: 'listed' },
        order: { position: 'ASC' },
      });
      const version = ((await manager.maximum(Packet, 'version', { meetingId })) ?? 0) + 1;
      const packet = await manager.save(
        manager.create(Packet, {
          meetingId,
          version,
          requestedById: actor?.id ?? null,
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
        entityId: meetingId,
        after: { packetId: packet.id, version, items: items.length, automatic: actor === null },
      });
      return packet;
    });
    await this.enqueue(packet.id);
    return this.view(packet);
  }

  async enqueue(packetId: string): Promise<void> {
    try {
      await this.queue.add(
        PacketJobs.render,
        { packetId, requestId: currentRequestId() },
        renderJobOptions(packetId),
      );
    } catch (error) {
      this.logger.warn(
        { err: (error as Error).message, packetId },
        'packet queue unreachable; the worker picks queued packets up later',
      );
    }
  }

  /** Renders a queued packet (the worker). Safe to run twice: only a queued or failed packet is taken. */
  async render(packetId: string): Promise<'ready' | 'skipped'> {
    const claimed = returnedRows<{ id: string }>(
      await this.dataSource.query(
        `UPDATE packets SET status = 'rendering', error = NULL WHERE id = $1 AND status IN ('queued', 'failed') RETURNING id`,
        [packetId],
      ),
    );
    if (claimed.length === 0) return 'skipped';
    try {
      const packet = await this.dataSource.getRepository(Packet).findOneByOrFail({ id: packetId });
      const meeting = await this.dataSource.getRepository(Meeting).findOneByOrFail({ id: packet.meetingId });
      const generatedAt = this.clock.now();
      const data = await this.loader.packet(this.dataSource.manager, meeting, packet.version, generatedAt);
      const rendered = await renderPacket(data);
      const bytes = Buffer.from(rendered.bytes);
      const pageCount = rendered.pageCount;
      const storageKey = `packets/${meeting.id}/v${packet.version}-${packet.id}.pdf`;
      await this.storage.put(storageKey, bytes);
      const outbox = await this.dataSource.transaction(async (manager) => {
        await manager.update(
          Packet,
          { id: packetId },
          {
            status: 'ready',
            storageKey,
            sha256: sha256Hex(bytes),
            pageCount,
            sizeBytes: bytes.length,
            renderedAt: generatedAt,
          },
        );
        await this.audit.record(manager, {
          actorId: null,
          action: 'packet.issued',
          entityType: 'meeting',
          entityId: meeting.id,
          after: {
            packetId,
            version: packet.version,
            sha256: sha256Hex(bytes),
            pageCount,
            sizeBytes: bytes.length,
          },
        });
        return this.mailCommittee(manager, meeting, {
          ...packet,
          storageKey,
          pageCount,
          sizeBytes: bytes.length,
        });
      });
      await this.notifications.dispatch(outbox);
      return 'ready';
    } catch (error) {
      await this.dataSource.query(`UPDATE packets SET status = 'failed', error = $2 WHERE id = $1`, [
        packetId,
        String((error as Error).message).slice(0, 2000),
      ]);
      throw error;
    }
  }

  /** Each committee member once per version: the PDF attached when small enough, else a signed link. */
  private async mailCommittee(manager: EntityManager, meeting: Meeting, packet: Packet): Promise<string[]> {
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

  private async signedLink(packetId: string, expiresAt: Date): Promise<string> {
    const token = await this.jwt.signAsync(
      { sub: packetId },
      {
        audience: LINK_AUDIENCE,
        issuer: TOKEN_ISSUER,
        algorithm: JWT_ALGORITHM,
        expiresIn: Math.max(1, Math.round((expiresAt.getTime() - this.clock.now().getTime()) / 1000)),
      },
    );
    return `${this.config.publicUrl}/api/v1/packets/download?token=${token}`;
  }

  /** Opens the packet a signed link points at; an expired link answers 410. */
  async openSigned(token: string | undefined): Promise<{ packet: Packet; stream: Readable }> {
    let packetId: string;
    try {
      const claims = await this.jwt.verifyAsync<{ sub: string; exp?: number }>(token ?? '', {
        audience: LINK_AUDIENCE,
        issuer: TOKEN_ISSUER,
        algorithms: [JWT_ALGORITHM],
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

  /** At PACKET_OFFSET before a meeting whose agenda is closed, a packet is issued unless one exists. */
  async automatic(): Promise<number> {
    const horizon = new Date(this.clock.now().getTime() + this.config.packetOffset.as('milliseconds'));
    const meetings = await this.dataSource
      .getRepository(Meeting)
      .find({ where: { status: 'agenda_closed', startsAt: LessThanOrEqual(horizon) } });
    const withPackets = meetings.length
      ? new Set(
          (
            await this.dataSource
              .getRepository(Packet)
              .find({ where: { meetingId: In(meetings.map((m) => m.id)) } })
          ).map((p) => p.meetingId),
        )
      : new Set<string>();
    let issued = 0;
    for (const meeting of meetings.filter(
      (m) => !withPackets.has(m.id) && m.startsAt.getTime() > this.clock.now().getTime(),
    )) {
      await this.request(null, meeting.id);
      issued += 1;
    }
    // Packets queued while Redis was away get their job now.
    const queued = await this.dataSource.getRepository(Packet).find({ where: { status: 'queued' } });
    for (const packet of queued) await this.enqueue(packet.id);
    return issued;
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
