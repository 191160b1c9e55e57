import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { IANAZone } from 'luxon';
import { LOCALES, ROLES, type Locale, type Role } from '../../common/auth/roles';
import { ExportablePageQuery } from '../../common/pagination';
import type { User } from '../user.entity';

@ValidatorConstraint({ name: 'timeZone' })
export class IsTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && IANAZone.isValidZone(value);
  }
  defaultMessage(): string {
    return 'must be an IANA time zone such as Europe/Zurich';
  }
}

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
const upperAll = ({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? value.map((v: unknown) => (typeof v === 'string' ? v.trim().toUpperCase() : v))
    : value;

class UserScopeFields {
  @ApiPropertyOptional({
    description: 'Code of the UN organization (applicants, reviewers)',
    example: 'IOM',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  // A blank code means no organization, like null (it would otherwise reach the foreign key).
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() || null : value,
  )
  organizationCode?: string | null;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-3 codes (RCs and RC office)', example: ['SRB'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(250)
  @ArrayUnique()
  @Matches(/^[A-Z]{3}$/, { each: true, message: 'each value must be an ISO 3166-1 alpha-3 code' })
  @Transform(upperAll)
  countryCodes?: string[];

  @ApiPropertyOptional({ description: 'Thematic areas of expertise (reviewers)', example: ['TA2'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(/^TA\d+$/, { each: true, message: 'each value must be a thematic area code such as TA2' })
  @Transform(upperAll)
  thematicAreaCodes?: string[];
}

export class CreateUserDto extends UserScopeFields {
  @ApiProperty({ example: 'amina.diallo@iom.int' })
  @IsEmail({}, { message: 'must be an e-mail address' })
  @MaxLength(320)
  @Transform(lower)
  email!: string;

  @ApiProperty({ example: 'Amina Diallo' })
  @IsString()
  @Length(1, 200)
  @Transform(trim)
  name!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each value must be one of ${ROLES.join(', ')}` })
  roles!: Role[];

  @ApiPropertyOptional({ enum: LOCALES, default: 'en' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({ example: 'Europe/Belgrade', default: 'UTC' })
  @IsOptional()
  @Validate(IsTimeZone)
  timeZone?: string;
}

export class UpdateUserDto extends UserScopeFields {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Transform(trim)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each value must be one of ${ROLES.join(', ')}` })
  roles?: Role[];

  @ApiPropertyOptional({ description: 'false deactivates the user; true reactivates' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ enum: LOCALES })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional()
  @IsOptional()
  @Validate(IsTimeZone)
  timeZone?: string;
}

export class UpdateMeDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Transform(trim)
  name?: string;

  @ApiPropertyOptional({ enum: LOCALES })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({ example: 'America/Guatemala' })
  @IsOptional()
  @Validate(IsTimeZone)
  timeZone?: string;
}

export class ListUsersQuery extends ExportablePageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Part of the name or e-mail' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ nullable: true, type: String }) organizationCode!: string | null;
  @ApiProperty({ type: [String] }) countryCodes!: string[];
  @ApiProperty({ type: [String] }) thematicAreaCodes!: string[];
  @ApiProperty({ enum: LOCALES }) locale!: Locale;
  @ApiProperty() timeZone!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ description: 'Has the user set a password (accepted the invitation)?' }) activated!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) lastSignInAt!: string | null;

  static from(user: User & { passwordHash?: string | null }, activated?: boolean): UserView {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      roles: user.roles,
      organizationCode: user.organizationCode,
      countryCodes: user.countryCodes,
      thematicAreaCodes: user.thematicAreaCodes,
      locale: user.locale,
      timeZone: user.timeZone,
      active: user.active,
      activated: activated ?? Boolean(user.passwordHash),
      createdAt: user.createdAt.toISOString(),
      lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    };
  }
}

export class UserPage {
  @ApiProperty({ type: [UserView] }) items!: UserView[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}

export class InvitationView {
  @ApiProperty({ format: 'uuid' }) invitationId!: string;
  @ApiProperty() expiresAt!: string;
}

export class CreatedUserView extends UserView {
  @ApiProperty({ type: InvitationView }) invitation!: InvitationView;
}
