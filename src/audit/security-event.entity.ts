import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type SecurityEventKind =
  'sign_in_failed' | 'access_denied' | 'rate_limited' | 'token_rejected' | 'password_reset_refused';

/** The security log: failed sign-ins and denied requests. Append-only like the audit trail. */
@Entity('security_events')
export class SecurityEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  @Index()
  occurredAt!: Date;

  @Column({ type: 'text' })
  kind!: SecurityEventKind;

  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ type: 'text', nullable: true })
  method!: string | null;

  @Column({ type: 'text', nullable: true })
  path!: string | null;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;
}
