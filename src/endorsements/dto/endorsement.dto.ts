import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class EndorsementDecisionDto {
  @ApiProperty({ enum: ['endorse', 'return'] })
  @IsIn(['endorse', 'return'])
  decision!: 'endorse' | 'return';

  @ApiPropertyOptional({ description: 'Required when returning the note', maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  @Transform(trim)
  comment?: string;
}

export class OfflineEndorsementDto {
  @ApiProperty({ example: 'SRB' })
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 3166-1 alpha-3 code' })
  countryCode!: string;

  @ApiProperty({
    format: 'uuid',
    description: 'The signed letter, uploaded first as an attachment of kind endorsement_letter',
  })
  @IsUUID()
  letterAttachmentId!: string;

  @ApiProperty({ description: 'Why the endorsement is recorded offline', maxLength: 2000 })
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  reason!: string;
}

export class CreateDelegationDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The acting RC (a Resident Coordinator or an RC office member)',
  })
  @IsUUID()
  delegateId!: string;

  @ApiProperty({ example: '2027-01-04', description: 'First day, in your time zone' })
  @IsDateString({ strict: true }, { message: 'must be a date such as 2027-01-04' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date such as 2027-01-04' })
  startsOn!: string;

  @ApiProperty({ example: '2027-01-15', description: 'Last day, inclusive' })
  @IsDateString({ strict: true }, { message: 'must be a date such as 2027-01-15' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date such as 2027-01-15' })
  endsOn!: string;
}

export class DelegationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) residentCoordinatorId!: string;
  @ApiProperty() residentCoordinatorName!: string;
  @ApiProperty({ format: 'uuid' }) delegateId!: string;
  @ApiProperty() delegateName!: string;
  @ApiProperty() startsOn!: string;
  @ApiProperty() endsOn!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
}

export class DelegationPage {
  @ApiProperty({ type: [DelegationView] }) items!: DelegationView[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}
