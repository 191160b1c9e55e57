import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ConceptNote, Revision } from '../concept-notes/concept-note.entity';
import { User } from '../users/user.entity';

export type EndorsementDecision = 'endorsed' | 'returned';
/** By the RC, by an acting RC under a delegation ("X for RC Y"), or recorded offline by the secretariat. */
export type EndorsementKind = 'resident_coordinator' | 'acting' | 'offline';

/** One country's endorsement (or return) of one revision. */
@Entity('endorsements')
@Index('uq_endorsements_country', ['revisionId', 'countryCode'], {
  unique: true,
  where: `decision = 'endorsed' AND withdrawn_at IS NULL`,
})
export class Endorsement {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  @Index()
  noteId!: string;

  @ManyToOne(() => ConceptNote, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'note_id' })
  note?: ConceptNote;

  /** Indexed: a note's page reads every record of its current revision. */
  @Column({ type: 'uuid' })
  @Index()
  revisionId!: string;

  @ManyToOne(() => Revision, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'revision_id' })
  revision?: Revision;

  @Column({ type: 'char', length: 3 })
  countryCode!: string;

  @Column({ type: 'text' })
  decision!: EndorsementDecision;

  @Column({ type: 'text' })
  kind!: EndorsementKind;

  /** Who acted: the RC, the acting RC, or the secretariat member recording an offline endorsement. */
  @Column({ type: 'uuid' })
  endorserId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'endorser_id' })
  endorser?: User;

  /** For an acting RC: the RC they acted for. */
  @Column({ type: 'uuid', nullable: true })
  onBehalfOfId!: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'on_behalf_of_id' })
  onBehalfOf?: User | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  /** Offline endorsements: the signed letter and why it was recorded offline. */
  @Column({ type: 'uuid', nullable: true })
  letterAttachmentId!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  /** When the record stopped standing: an endorsement its RC withdrew, or a return the lead answered by asking again. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  withdrawnAt!: Date | null;
}

/** An RC names an acting RC (or an RC-office member) for a period, inclusive, in the RC's time zone. */
@Entity('delegations')
export class Delegation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  @Index()
  residentCoordinatorId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'resident_coordinator_id' })
  residentCoordinator?: User;

  @Column({ type: 'uuid' })
  @Index()
  delegateId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'delegate_id' })
  delegate?: User;

  @Column({ type: 'date' })
  startsOn!: string;

  @Column({ type: 'date' })
  endsOn!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revokedAt!: Date | null;
}

/**
 * A country of a note that an endorsement request covered (for a regional or global note, its
 * submission, which informs the RCs). The RCs, acting RCs and RC office of that country see the note
 * from then on, also once it is back in draft; a country added to a returned or recalled draft is
 * covered only by the next request (DESIGN §1). Rows are only ever added.
 */
@Entity('endorsement_request_countries')
export class RequestedCountry {
  @PrimaryColumn({ type: 'uuid' })
  noteId!: string;

  @ManyToOne(() => ConceptNote, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'note_id' })
  note?: ConceptNote;

  @PrimaryColumn({ type: 'char', length: 3 })
  countryCode!: string;

  /** The first request that covered it. */
  @Column({ type: 'timestamptz', precision: 3 })
  firstRequestedAt!: Date;
}
