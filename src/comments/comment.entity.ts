import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ConceptNote } from '../concept-notes/concept-note.entity';
import { User } from '../users/user.entity';

/**
 * `secretariat`: the secretariat alone; `team`: the secretariat, the team, and the RCs and RC office of
 * the note's countries; `team_only`: the secretariat and the team, not the RCs.
 */
export type CommentVisibility = 'secretariat' | 'team' | 'team_only';

/** A comment on a note. A clarification request is a secretariat comment that needs an answer. Comments never change a note's status. */
@Entity('comments')
export class Comment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  @Index()
  noteId!: string;

  @ManyToOne(() => ConceptNote, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'note_id' })
  note?: ConceptNote;

  /** The comment this one answers, if any (threads are one level deep). */
  @Column({ type: 'uuid', nullable: true })
  parentId!: string | null;

  @Column({ type: 'uuid' })
  authorId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id' })
  author?: User;

  @Column({ type: 'text' })
  visibility!: CommentVisibility;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'boolean', default: false })
  needsAnswer!: boolean;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  replyBy!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  answeredAt!: Date | null;

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  attachmentIds!: string[];

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
