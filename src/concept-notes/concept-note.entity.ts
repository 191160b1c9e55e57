import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { Meeting } from '../meetings/meeting.entity';
import { User } from '../users/user.entity';
import { STATUSES, type ConceptNoteStatus } from './concept-note.state';

import type { NoteScope } from './concept-note.rules';
export type { NoteScope };

/** USD amounts are numeric(14,2); the driver returns them as strings, summed in integer cents. */
const money = { type: 'numeric' as const, precision: 14, scale: 2 };

@Entity('concept_notes')
@Check('ck_concept_notes_status', `status IN (${STATUSES.map((s) => `'${s}'`).join(', ')})`)
@Check(
  'ck_concept_notes_markers',
  '(gender_marker BETWEEN 0 AND 3) AND (human_rights_marker BETWEEN 0 AND 3) AND (child_sensitivity_marker BETWEEN 0 AND 3)',
)
export class ConceptNote {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** MIG-CN-<year>-<seq>, given at first submission, kept across revisions. */
  @Column({ type: 'text', nullable: true, unique: true })
  referenceCode!: string | null;

  @Column({ type: 'text', default: 'draft' })
  @Index()
  status!: ConceptNoteStatus;

  /**
   * The list's text search (NOTE_SEARCH_TEXT: title, summary and reference code) is served by the
   * trigram index ix_concept_notes_search on that expression, created by migration (pg_trgm).
   */
  @Column({ type: 'text', default: '' })
  @Index('ix_concept_notes_search', { synchronize: false })
  title!: string;

  @Column({ type: 'text', default: '' })
  summary!: string;

  /** Required when the note's language is not English. */
  @Column({ type: 'text', nullable: true })
  summaryEn!: string | null;

  @Column({ type: 'text', default: 'en' })
  language!: string;

  @Column({ type: 'text', nullable: true })
  scope!: NoteScope | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  countryCodes!: string[];

  @Column({ type: 'text', nullable: true })
  primaryThematicAreaCode!: string | null;

  @Column({ type: 'int', array: true, default: () => "'{}'" })
  gcmObjectiveNumbers!: number[];

  @Column({ type: 'text', nullable: true })
  @Index()
  conveningOrganizationCode!: string | null;

  @OneToMany(() => ParticipatingOrganization, (p) => p.note)
  participatingOrganizations?: ParticipatingOrganization[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  implementingPartners!: string[];

  @Column({ type: 'int', nullable: true })
  durationMonths!: number | null;

  /** The total the applicants state; precheck verifies that the shares add up to it. */
  @Column({ ...money, nullable: true })
  totalBudgetUsd!: string | null;

  @Column({ type: 'int', nullable: true })
  genderMarker!: number | null;

  @Column({ type: 'text', nullable: true })
  genderJustification!: string | null;

  @Column({ type: 'int', nullable: true })
  humanRightsMarker!: number | null;

  @Column({ type: 'text', nullable: true })
  humanRightsJustification!: string | null;

  @Column({ type: 'int', nullable: true })
  childSensitivityMarker!: number | null;

  @Column({ type: 'text', nullable: true })
  childSensitivityJustification!: string | null;

  @Column({ type: 'text', nullable: true })
  beneficiaries!: string | null;

  @Column({ type: 'text', nullable: true })
  theoryOfChange!: string | null;

  @Column({ type: 'text', nullable: true })
  expectedResults!: string | null;

  @Column({ type: 'text', nullable: true })
  sustainability!: string | null;

  @Column({ type: 'text', nullable: true })
  risks!: string | null;

  /** The completed concept-note template (an attachment of kind `template`). */
  @Column({ type: 'uuid', nullable: true })
  templateAttachmentId!: string | null;

  @Column({ type: 'uuid' })
  @Index()
  leadUserId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lead_user_id' })
  lead?: User;

  /** Number of the latest frozen revision (0 until the first endorsement request or submission). */
  @Column({ type: 'int', default: 0 })
  currentRevision!: number;

  /** From this instant the RCs and RC office of the note's countries see it. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  endorsementRequestedAt!: Date | null;

  /** Regional and global notes: the focal point's sign-off, valid for the content it saw. */
  @Column({ type: 'uuid', nullable: true })
  signedOffById!: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  signedOffAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  signedOffHash!: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  @Index()
  submittedAt!: Date | null;

  /** The Steering Committee meeting the note is considered at (none while it waits for one). */
  @Column({ type: 'uuid', nullable: true })
  @Index()
  targetMeetingId!: string | null;

  @ManyToOne(() => Meeting, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'target_meeting_id' })
  targetMeeting?: Meeting | null;

  /** An open revision request (screening or committee): kind, numbered points, and due date. */
  @Column({ type: 'text', nullable: true })
  revisionKind!: 'technical' | 'substantive' | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  revisionPoints!: string[];

  @Column({ type: 'text', nullable: true })
  revisionSource!: 'screening' | 'committee' | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revisionRequestedAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revisionDueAt!: Date | null;

  /** The team's answer to each numbered point, in order (required to resubmit). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  revisionResponses!: string[];

  /**
   * When the secretariat removed the note from a meeting's agenda (application clock). While set, the
   * note is not targeted automatically (MeetingTargeting.retarget): it comes back on an agenda only
   * when the secretariat places it there (late exception, carry-over) or when it is submitted anew.
   */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  removedFromAgendaAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  removedFromPipelineAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  removalReason!: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  withdrawnAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  withdrawalReason!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  @Index()
  updatedAt!: Date;

  /**
   * The last change to the note, by the application clock: stamped on every insert and update made
   * through TypeORM by ConceptNoteActivity (raw SQL, such as re-targeting, does not count). The cut-off
   * reminders and the missed cut-off notice measure "active in the last N days" with it, so they can
   * be tested at exact instants; `updatedAt` is the database's own clock.
   */
  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  lastActivityAt!: Date;

  @VersionColumn()
  version!: number;
}

@Entity('concept_note_organizations')
export class ParticipatingOrganization {
  @PrimaryColumn({ type: 'uuid' })
  noteId!: string;

  @PrimaryColumn({ type: 'text' })
  @Index()
  organizationCode!: string;

  @ManyToOne(() => ConceptNote, (n) => n.participatingOrganizations, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'note_id' })
  note?: ConceptNote;

  @Column({ type: 'int' })
  position!: number;

  @Column(money)
  directCostsUsd!: string;

  /** Direct costs × the fund's indirect support cost rate, rounded to the cent. */
  @Column(money)
  indirectSupportCostsUsd!: string;
}

@Entity('concept_note_members')
export class TeamMember {
  @PrimaryColumn({ type: 'uuid' })
  noteId!: string;

  @PrimaryColumn({ type: 'uuid' })
  @Index()
  userId!: string;

  @ManyToOne(() => ConceptNote, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'note_id' })
  note?: ConceptNote;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  addedAt!: Date;
}

/** An immutable snapshot of a note's content; the database refuses UPDATE and DELETE. */
@Entity('concept_note_revisions')
@Unique('uq_revisions_note_number', ['noteId', 'number'])
export class Revision {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  noteId!: string;

  @ManyToOne(() => ConceptNote, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'note_id' })
  note?: ConceptNote;

  @Column({ type: 'int' })
  number!: number;

  @Column({ type: 'jsonb' })
  content!: Record<string, unknown>;

  /** SHA-256 of the canonical JSON of `content`. */
  @Column({ type: 'text' })
  contentHash!: string;

  @Column({ type: 'uuid', nullable: true })
  createdById!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}

/** Gap-free reference numbers: one row per year, incremented inside the submitting transaction. */
@Entity('reference_counters')
export class ReferenceCounter {
  @PrimaryColumn({ type: 'int' })
  year!: number;

  @Column({ type: 'int' })
  last!: number;
}
