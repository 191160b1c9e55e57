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

export type ScreeningOutcome = 'eligible' | 'revision_requested' | 'ineligible';
export type RevisionKind = 'technical' | 'substantive';

export interface ChecklistEntry {
  code: string;
  result: 'pass' | 'fail' | 'n.a.';
  comment: string | null;
  /** Pre-filled from the revision by the automatic check (the secretariat may override). */
  automatic: boolean;
}

/** The secretariat's eligibility screening of one revision. */
@Entity('screenings')
@Check('ck_screenings_outcome', `outcome IN ('eligible', 'revision_requested', 'ineligible')`)
export class Screening {
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

  /** The criteria set version the checklist follows. */
  @Column({ type: 'int' })
  criteriaSetVersion!: number;

  @Column({ type: 'jsonb' })
  checklist!: ChecklistEntry[];

  @Column({ type: 'text' })
  outcome!: ScreeningOutcome;

  @Column({ type: 'text', nullable: true })
  revisionKind!: RevisionKind | null;

  /** Numbered points of a revision request, in order. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  points!: string[];

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  /** Eligible resubmission: false when the secretariat keeps the earlier reviews. */
  @Column({ type: 'boolean', default: true })
  reviewAgain!: boolean;

  @Column({ type: 'uuid' })
  screenedById!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
