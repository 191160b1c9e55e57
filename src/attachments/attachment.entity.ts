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

/** `template`: the completed concept-note template; `annex`: any supporting file; `endorsement_letter`: a signed letter behind an offline endorsement. */
export type AttachmentKind = 'template' | 'annex' | 'endorsement_letter';

@Entity('attachments')
export class Attachment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  @Index()
  noteId!: string;

  @ManyToOne(() => ConceptNote, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'note_id' })
  note?: ConceptNote;

  @Column({ type: 'text' })
  kind!: AttachmentKind;

  /** The name the uploader gave, for the download; never used as a path. */
  @Column({ type: 'text' })
  filename!: string;

  /** Detected from the bytes, not from the name or the declared type. */
  @Column({ type: 'text' })
  contentType!: string;

  @Column({ type: 'bigint' })
  sizeBytes!: string;

  @Column({ type: 'text' })
  sha256!: string;

  @Column({ type: 'text' })
  storageKey!: string;

  @Column({ type: 'uuid' })
  uploadedById!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
