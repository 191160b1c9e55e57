import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { ConceptNote, Revision } from '../concept-notes/concept-note.entity';
import { User } from '../users/user.entity';

export type AssignmentStatus = 'assigned' | 'submitted' | 'conflict_declared' | 'cancelled';

/** A reviewer asked to score a note's revision by a due date. */
@Entity('review_assignments')
@Index('uq_review_assignments_open', ['noteId', 'revisionId', 'reviewerId'], {
  unique: true,
  where: `status IN ('assigned', 'submitted')`,
})
@Check(
  'ck_review_assignments_status',
  `status IN ('assigned', 'submitted', 'conflict_declared', 'cancelled')`,
)
export class ReviewAssignment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

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

  @Column({ type: 'uuid' })
  @Index()
  reviewerId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reviewer_id' })
  reviewer?: User;

  @Column({ type: 'timestamptz', precision: 3 })
  dueAt!: Date;

  @Column({ type: 'text', default: 'assigned' })
  @Index()
  status!: AssignmentStatus;

  /** Set when the secretariat assigned a reviewer of the convening or a participating organization. */
  @Column({ type: 'text', nullable: true })
  conflictOverrideReason!: string | null;

  /** Set when the secretariat assigned a reviewer already at the cap of open assignments (REVIEWER_MAX_OPEN_ASSIGNMENTS). */
  @Column({ type: 'text', nullable: true })
  loadOverrideReason!: string | null;

  /** The reviewer's own declaration of a conflict of interest. */
  @Column({ type: 'text', nullable: true })
  conflictReason!: string | null;

  @Column({ type: 'uuid' })
  assignedById!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}

export interface CriterionScore {
  code: string;
  score: number;
  comment: string | null;
}

export type Recommendation = 'fund' | 'approve' | 'revise' | 'reject';

/** A reviewer's scores against one criteria set version; saved as a draft, submitted once. */
@Entity('reviews')
export class Review {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', unique: true })
  assignmentId!: string;

  @OneToOne(() => ReviewAssignment, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assignment_id' })
  assignment?: ReviewAssignment;

  @Column({ type: 'int' })
  criteriaSetVersion!: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  scores!: CriterionScore[];

  @Column({ type: 'text', nullable: true })
  recommendation!: Recommendation | null;

  @Column({ type: 'text', nullable: true })
  overallComment!: string | null;

  /** 0–100, as the criteria set defines it; set on submission. */
  @Column({ type: 'numeric', precision: 5, scale: 2, nullable: true })
  weightedScore!: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  submittedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;
}
