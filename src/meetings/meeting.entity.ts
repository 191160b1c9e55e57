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
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { ConceptNote, Revision } from '../concept-notes/concept-note.entity';

export type MeetingKind = 'in_person' | 'virtual' | 'written_procedure';
export type MeetingStatus = 'scheduled' | 'agenda_closed' | 'held' | 'cancelled';

@Entity('meetings')
@Check('ck_meetings_status', `status IN ('scheduled', 'agenda_closed', 'held', 'cancelled')`)
@Check('ck_meetings_kind', `kind IN ('in_person', 'virtual', 'written_procedure')`)
export class Meeting {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  kind!: MeetingKind;

  /** The start as the secretariat wrote it: wall-clock time in `timeZone`. */
  @Column({ type: 'text' })
  startsLocal!: string;

  @Column({ type: 'text' })
  timeZone!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  @Index()
  startsAt!: Date;

  /** Derived from the start (six calendar weeks earlier in the meeting's zone), stored. */
  @Column({ type: 'timestamptz', precision: 3 })
  @Index()
  cutoffAt!: Date;

  @Column({ type: 'text', nullable: true })
  location!: string | null;

  @Column({ type: 'text', default: 'scheduled' })
  @Index()
  status!: MeetingStatus;

  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true })
  envelopeUsd!: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  agendaClosedAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  heldAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  cancelledAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  cancellationReason!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;
}

export type AgendaItemStatus = 'listed' | 'carried_over' | 'removed';

/** A note on a meeting's agenda, with the revision it is considered on. */
@Entity('agenda_items')
@Unique('uq_agenda_items_note', ['meetingId', 'noteId'])
@Check('ck_agenda_items_status', `status IN ('listed', 'carried_over', 'removed')`)
export class AgendaItem {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  @Index()
  meetingId!: string;

  @ManyToOne(() => Meeting, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id' })
  meeting?: Meeting;

  @Column({ type: 'uuid' })
  @Index()
  noteId!: string;

  @ManyToOne(() => ConceptNote, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'note_id' })
  note?: ConceptNote;

  @Column({ type: 'uuid' })
  revisionId!: string;

  @ManyToOne(() => Revision, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'revision_id' })
  revision?: Revision;

  @Column({ type: 'int' })
  position!: number;

  /** Heading the item is listed under (by default its thematic area). */
  @Column({ type: 'text', nullable: true })
  groupLabel!: string | null;

  @Column({ type: 'text', default: 'listed' })
  status!: AgendaItemStatus;

  /** Why an item was carried over or removed. */
  @Column({ type: 'text', nullable: true })
  statusReason!: string | null;

  /** Set when the item was added after the cut-off; printed wherever the agenda is. */
  @Column({ type: 'text', nullable: true })
  lateExceptionReason!: string | null;

  /** The meeting this item was carried over from (deferred, cancelled or carried), with no cut-off check. */
  @Column({ type: 'uuid', nullable: true })
  carriedFromMeetingId!: string | null;

  @Column({ type: 'text', nullable: true })
  assessmentSummary!: string | null;

  @Column({ type: 'text', nullable: true })
  assessmentRecommendation!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
