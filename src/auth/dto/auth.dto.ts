import { ApiProperty, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { UserView } from '../../users/dto/user.dto';

export class LoginDto {
  @ApiProperty({ example: 'secretariat@demo.mptf.org' })
  @IsEmail({}, { message: 'must be an e-mail address' })
  @MaxLength(320)
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  password!: string;
}

/** A one-time link's token and the password to set with it. */
class PasswordFromLinkDto {
  @ApiProperty({ description: 'The token from the link in the e-mail' })
  @IsString()
  @Length(20, 200)
  token!: string;

  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString()
  @Length(12, 256, { message: 'must be between 12 and 256 characters' })
  password!: string;
}

export class AcceptInvitationDto extends PasswordFromLinkDto {}

/** The e-mail of the account, as at sign-in. */
export class RequestPasswordResetDto extends PickType(LoginDto, ['email'] as const) {}

export class PasswordResetRequestedView {
  @ApiProperty({
    example: 'If an active account uses this address, a link to choose a new password is on its way',
  })
  message!: string;
}

export class ResetPasswordDto extends PasswordFromLinkDto {}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString()
  @Length(12, 256, { message: 'must be between 12 and 256 characters' })
  newPassword!: string;
}

export class TokenView {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn!: number;
  @ApiProperty({ type: UserView }) user!: UserView;
}

export class DashboardSessionView {
  @ApiProperty({ example: '/admin/queues' }) url!: string;
  @ApiProperty() expiresAt!: string;
}
