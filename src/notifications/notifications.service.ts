import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { createTransport, type Transporter } from 'nodemailer';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { returnedRows } from '../database/sql';
import { Clock } from '../common/clock';
import { skipTake, type Page } from '../common/pagination';
import { currentRequestId } from '../common/request-context';
import { ListNotificationsQuery, NotificationView } from './dto/notification.dto';
import { Notification } from './notification.entity';
import { deliverJobOptions, EMAIL_QUEUE, EmailJobs, type DeliverEmailJob } from './notifications.queue';
import { Storage } from '../storage/storage';
import { EmailTemplates } from './templates';

/** A file from storage to attach to an e-mail (read when the e-mail is sent, not copied into the outbox). */
export interface StoredAttachment {
  filename: string;
  contentType: string;
  storageKey: string;
}

export interface OutgoingEmail {
  to: { email: string; userId?: string | null; locale: string; timeZone?: string };
  template: string;
  /** Template variables. Anything under `secret` (one-time links) is erased once the e-mail is sent. */
  payload: Record<string, unknown>;
  /** One e-mail per key, ever: e.g. `invitation:<invitationId>`. */
  dedupeKey: string;
  subject?: { type: string; id: string };
  attachments?: StoredAttachment[];
}

@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);
  private readonly templates = new EmailTemplates();
  private transport?: Transporter;
  private readonly mailDomain: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(EMAIL_QUEUE) private readonly queue: Queue<DeliverEmailJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly storage: Storage,
  ) {
    this.mailDomain = /@([^>\s]+)/.exec(config.mailFrom)?.[1] ?? new URL(config.publicUrl).hostname;
    // Without a listener BullMQ prints every failed reconnect; one warning a minute says enough.
    let lastWarning = 0;
    queue.on('error', (error: Error) => {
      if (Date.now() - lastWarning < 60_000) return;
      lastWarning = Date.now();
      this.logger.warn({ err: error.message }, 'Redis unreachable; e-mails wait in the outbox');
    });
  }

  /**
   * Records e-mails in the outbox inside the caller's transaction. Returns the ids of the rows
   * written (a dedupe key seen before writes nothing); pass them to `dispatch` after the commit.
   */
  async record(manager: EntityManager, emails: OutgoingEmail[]): Promise<string[]> {
    if (emails.length === 0) return [];
    const rows = emails.map((email) => {
      const id = randomUUID();
      return {
        id,
        recipientEmail: email.to.email,
        recipientUserId: email.to.userId ?? null,
        template: email.template,
        locale: email.to.locale,
        payload: {
          ...email.payload,
          _timeZone: email.to.timeZone ?? 'UTC',
          ...(email.attachments?.length ? { _attachments: email.attachments } : {}),
        },
        messageId: `<${id}@${this.mailDomain}>`,
        dedupeKey: email.dedupeKey,
        subjectType: email.subject?.type ?? null,
        subjectId: email.subject?.id ?? null,
        requestId: currentRequestId() ?? null,
      };
    });
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(Notification)
      .values(rows)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as { id: string }[]).map((row) => row.id);
  }

  /**
   * Wakes the worker up for rows already committed. Best effort: when Redis is unreachable the
   * rows stay pending and the outbox sweeper enqueues them once it is back.
   */
  async dispatch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const { retryDelayMs, maxAttempts } = this.config.mail;
    try {
      await withTimeout(
        this.queue.addBulk(
          ids.map((id) => ({
            name: EmailJobs.deliver,
            data: { notificationId: id, requestId: currentRequestId() },
            opts: deliverJobOptions(id, retryDelayMs, maxAttempts),
          })),
        ),
        2000,
      );
    } catch (error) {
      this.logger.warn(
        { err: error, count: ids.length },
        'e-mail queue unreachable; the outbox sweeper will send them',
      );
    }
  }

  /** Sends one notification. Safe to call twice: a row already sent, or held by another worker, is skipped. */
  async deliver(notificationId: string): Promise<'sent' | 'skipped'> {
    const claimed: unknown = await this.dataSource.query(
      `UPDATE notifications
          SET status = 'sending', attempts = attempts + 1, locked_until = $2
        WHERE id = $1
          AND (status = 'pending' OR (status = 'sending' AND locked_until < $3))
      RETURNING id, recipient_email AS "recipientEmail", template, locale, payload,
                message_id AS "messageId", attempts`,
      [notificationId, new Date(this.clock.now().getTime() + this.config.mail.claimMs), this.clock.now()],
    );
    const row = returnedRows<Notification>(claimed)[0];
    if (!row) return 'skipped';
    try {
      const { _timeZone, _attachments, ...payload } = row.payload as {
        _timeZone?: string;
        _attachments?: StoredAttachment[];
      };
      const email = this.templates.render(row.template, row.locale, payload, _timeZone);
      const attachments = await Promise.all(
        (_attachments ?? []).map(async (a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: await streamToBuffer(await this.storage.get(a.storageKey)),
        })),
      );
      await this.transporter().sendMail({
        attachments,
        from: this.config.mailFrom,
        to: row.recipientEmail,
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId: row.messageId,
        headers: { 'Content-Language': email.locale, 'X-MPTF-Notification': notificationId },
      });
    } catch (error) {
      const failed = row.attempts >= this.config.mail.maxAttempts;
      const backoff = this.config.mail.retryDelayMs * 2 ** Math.max(0, row.attempts - 1);
      await this.dataSource.query(
        // A row given up on keeps no one-time link either (as a sent one, below).
        `UPDATE notifications
            SET status = $2, last_error = $3, locked_until = NULL, next_attempt_at = $4,
                payload = CASE WHEN $2::text = 'failed' THEN payload - 'secret' ELSE payload END
          WHERE id = $1`,
        [
          notificationId,
          failed ? 'failed' : 'pending',
          String((error as Error).message).slice(0, 2000),
          new Date(this.clock.now().getTime() + backoff),
        ],
      );
      throw error;
    }
    await this.dataSource.query(
      `UPDATE notifications
          SET status = 'sent', sent_at = $2, locked_until = NULL, last_error = NULL,
              payload = payload - 'secret'
        WHERE id = $1`,
      [notificationId, this.clock.now()],
    );
    return 'sent';
  }

  /** Re-enqueues what is due and not in flight: rows a Redis outage or a worker crash left behind. */
  async sweep(limit = 1000): Promise<number> {
    const now = this.clock.now();
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM notifications
        WHERE (status = 'pending' AND next_attempt_at <= $1)
           OR (status = 'sending' AND locked_until < $2)
        ORDER BY created_at
        LIMIT $3`,
      [new Date(now.getTime() - 5000), now, limit],
    );
    if (rows.length > 0) {
      const { retryDelayMs, maxAttempts } = this.config.mail;
      await this.queue.addBulk(
        rows.map(({ id }) => ({
          name: EmailJobs.deliver,
          data: { notificationId: id },
          opts: deliverJobOptions(id, retryDelayMs, maxAttempts),
        })),
      );
    }
    return rows.length;
  }

  async backlog(): Promise<Record<string, number>> {
    const rows = await this.dataSource.query<{ status: string; count: string }[]>(
      `SELECT status, count(*) AS count FROM notifications WHERE status <> 'sent' GROUP BY status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
  }

  async list(query: ListNotificationsQuery): Promise<Page<NotificationView>> {
    const qb = this.dataSource
      .getRepository(Notification)
      .createQueryBuilder('n')
      .orderBy('n.createdAt', 'DESC')
      // The e-mails of one event share their creation instant: the id makes the order total, so
      // pages neither repeat nor skip a row.
      .addOrderBy('n.id', 'DESC');
    if (query.status) qb.andWhere('n.status = :status', { status: query.status });
    if (query.recipient)
      qb.andWhere('n.recipientEmail ILIKE :recipient', { recipient: `%${escapeLike(query.recipient)}%` });
    if (query.subjectId) qb.andWhere('n.subjectId = :subjectId', { subjectId: query.subjectId });
    if (query.template) qb.andWhere('n.template = :template', { template: query.template });
    const { skip, take } = query.format === 'json' ? skipTake(query) : { skip: 0, take: 10000 };
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return {
      items: rows.map((row) => NotificationView.from(row)),
      page: query.page,
      limit: query.limit,
      total,
    };
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  private transporter(): Transporter {
    const url = new URL(this.config.smtpUrl);
    if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
    this.transport ??= createTransport(url.toString());
    return this.transport;
  }
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
