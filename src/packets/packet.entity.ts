import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Meeting } from '../meetings/meeting.entity';

export type PacketStatus = 'queued' | 'rendering' | 'ready' | 'failed';

/** An agenda item a packet version was built from. */
export interface RecordedAgendaItem {
  itemId: string;
  noteId: string;
  revisionId: string;
  position: number;
}

/** One issue of a meeting's packet: a new version each time, with its checksum and the agenda it was built from. */
@Entity('packets')
@Unique('uq_packets_version', ['meetingId', 'version'])
@Check('ck_packets_status', `status IN ('queued', 'rendering', 'ready', 'failed')`)
export class Packet {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  @Index()
  meetingId!: string;

  @ManyToOne(() => Meeting, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id' })
  meeting?: Meeting;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'text', default: 'queued' })
  status!: PacketStatus;

  /** What asked for it: the secretariat, or the automatic render before the meeting. */
  @Column({ type: 'uuid', nullable: true })
  requestedById!: string | null;

  /** When it was asked for, by the application clock (the automatic issue compares it with the meeting's offset). */
  @Column({ type: 'timestamptz', precision: 3 })
  requestedAt!: Date;

  /**
   * The agenda items (id, note, revision, position) the packet was built from: the listed items
   * when it was requested, replaced when it is rendered by the items actually printed (read in the
   * same snapshot as their content).
   */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  agenda!: RecordedAgendaItem[];

  /**
   * When the render now holding the packet claimed it (application clock). A `rendering` packet
   * whose claim is older than the render allowance (see renderClaimMs) is presumed abandoned by a
   * worker that died, and another render takes it over.
   */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  renderingStartedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  sha256!: string | null;

  @Column({ type: 'int', nullable: true })
  pageCount!: number | null;

  @Column({ type: 'int', nullable: true })
  sizeBytes!: number | null;

  @Column({ type: 'text', nullable: true })
  storageKey!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  renderedAt!: Date | null;
}
