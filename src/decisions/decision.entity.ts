import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ConceptNote, Revision } from '../concept-notes/concept-note.entity';
import { AgendaItem, Meeting } from '../meetings/meeting.entity';

export type DecisionOutcome = 'approved' | 'funded' | 'revision_requested' | 'rejected' | 'deferred';
/** draft: recorded during the meeting; released: in force and notified; superseded: replaced by a correction. */
export type DecisionStatus = 'draft' | 'released' | 'superseded';

export interface OrganizationAmount {
  organizationCode: string;
  amountUsd: string;
}

/** The Steering Committee's decision on an agenda item. */
@Entity('decisions')
@Index('uq_decisions_draft', ['meetingId', 'noteId'], { unique: true, where: `status = 'draft'` })
@Check(
  'ck_decisions_outcome',
  `outcome IN ('approved', 'funded', 'revision_requested', 'rejected', 'deferred')`,
)
@Check('ck_decisions_status', `status IN ('draft', 'released', 'superseded')`)
export class Decision {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  @Index()
  meetingId!: string;

  @ManyToOne(() => Meeting, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id' })
  meeting?: Meeting;

  @Column({ type: 'uuid' })
  agendaItemId!: string;

  @ManyToOne(() => AgendaItem, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agenda_item_id' })
  agendaItem?: AgendaItem;

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

  @Column({ type: 'text' })
  outcome!: DecisionOutcome;

  /** Funded: the amount per participating organization (pro rata to the budget shares by default). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  amounts!: OrganizationAmount[];

  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true })
  totalAmountUsd!: string | null;

  @Column({ type: 'text' })
  rationale!: string;

  /** Revision requested: numbered points, in order. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  points!: string[];

  /** Funded: the date by which the full joint programme is invited. */
  @Column({ type: 'date', nullable: true })
  fullProgrammeDueOn!: string | null;

  /** Funded beyond the meeting's envelope: why. */
  @Column({ type: 'text', nullable: true })
  envelopeOverrideReason!: string | null;

  @Column({ type: 'text', default: 'draft' })
  status!: DecisionStatus;

  @Column({ type: 'uuid' })
  recordedById!: string;

  @Column({ type: 'uuid', nullable: true })
  releasedById!: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  releasedAt!: Date | null;

  /** A correction points at the decision it replaces, and says why. */
  @Column({ type: 'uuid', nullable: true })
  correctionOfId!: string | null;

  @Column({ type: 'text', nullable: true })
  correctionReason!: string | null;

  /** The note's status before this decision was released (to check a correction still applies). */
  @Column({ type: 'text', nullable: true })
  noteStatusBefore!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
