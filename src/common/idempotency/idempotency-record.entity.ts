import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type IdempotencyState = 'in_progress' | 'completed';

/**
 * The first answer to a POST sent with an `Idempotency-Key` header, kept so a retry with the same
 * key and body gets the same answer. Keys are per signed-in user. Rows older than
 * IDEMPOTENCY_WINDOW_MS (24 h) are ignored and taken over by the next request using their key; the
 * index on created_at lets a purge delete them.
 */
@Entity('idempotency_keys')
export class IdempotencyRecord {
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  method!: string;

  /** The path as requested (parameters filled in), without the query string. */
  @Column({ type: 'text' })
  path!: string;

  /** SHA-256 (hex) of the canonical JSON of the request body. */
  @Column({ type: 'text' })
  requestHash!: string;

  @Column({ type: 'text' })
  state!: IdempotencyState;

  @Column({ type: 'integer', nullable: true })
  responseStatus!: number | null;

  /** json, not jsonb: a replay gives back the very bytes of the first answer (jsonb would reorder keys). */
  @Column({ type: 'json', nullable: true })
  responseBody!: unknown;

  /** The response headers a replay repeats: location, etag, content-type (those that were set). */
  @Column({ type: 'jsonb', nullable: true })
  responseHeaders!: Record<string, string> | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  @Index()
  createdAt!: Date;
}
