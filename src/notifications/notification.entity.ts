import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** The outbox: every e-mail the system sends, written in the transaction of the change that causes it. */
@Entity('notifications')
@Index('ix_notifications_unsent', ['status', 'nextAttemptAt'])
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  recipientEmail!: string;

  @Column({ type: 'uuid', nullable: true })
  @Index()
  recipientUserId!: string | null;

  @Column({ type: 'text' })
  template!: string;

  @Column({ type: 'text' })
  locale!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  /** Stable across retries, so a duplicate delivery is recognisable as the same message. */
  @Column({ type: 'text', unique: true })
  messageId!: string;

  /** One e-mail per event and recipient, whatever retries or replicas occur. */
  @Column({ type: 'text', unique: true })
  dedupeKey!: string;

  /** What the e-mail is about (a concept note, a meeting, a user), to filter the log. */
  @Column({ type: 'text', nullable: true })
  subjectType!: string | null;

  @Column({ type: 'uuid', nullable: true })
  @Index()
  subjectId!: string | null;

  @Column({ type: 'text', default: 'pending' })
  status!: NotificationStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  @Index()
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  sentAt!: Date | null;
}
