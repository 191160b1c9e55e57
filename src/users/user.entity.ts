import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { Locale, Role } from '../common/auth/roles';
import { Organization } from '../reference-data/reference.entity';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored lower-cased; unique (index uq_users_email on lower(email), created by migration). */
  @Column({ type: 'text' })
  @Index('uq_users_email', { synchronize: false })
  email!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true, select: false })
  passwordHash!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  roles!: Role[];

  @Column({ type: 'text', nullable: true })
  organizationCode!: string | null;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'organization_code' })
  organization?: Organization | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  countryCodes!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  thematicAreaCodes!: string[];

  @Column({ type: 'text', default: 'en' })
  locale!: Locale;

  @Column({ type: 'text', default: 'UTC' })
  timeZone!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  deactivatedAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lastSignInAt!: Date | null;

  /**
   * Carried in every token as `ver`; a password reset or change moves it on, which ends every
   * session signed in before (a token without `ver` counts as 0).
   */
  @Column({ type: 'integer', default: 0 })
  sessionEpoch!: number;

  /** SHA-256 of the token that reads the user's calendar feed; rotating it replaces it. */
  @Column({ type: 'text', nullable: true, unique: true, select: false })
  calendarTokenHash!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;
}
