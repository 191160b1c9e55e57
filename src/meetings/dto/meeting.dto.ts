import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ExportablePageQuery } from '../../common/pagination';
import { isLocalDateTime, isZone } from '../meeting.rules';
import type { MeetingKind, MeetingStatus } from '../meeting.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const MEETING_KINDS: MeetingKind[] = ['in_person', 'virtual', 'written_procedure'];
export const MEETING_STATUSES: MeetingStatus[] = ['scheduled', 'agenda_closed', 'held', 'cancelled'];

@ValidatorConstraint({ name: 'ianaZone' })
class IsIanaZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isZone(value);
  }
  defaultMessage(): string {
    return 'must be an IANA time zone such as Europe/Zurich';
  }
}

@ValidatorConstraint({ name: 'localDateTime' })
class IsLocalDateTime implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isLocalDateTime(value);
  }
  defaultMessage(): string {
    return 'must be a local date-time such as 2027-03-10T10:00';
  }
}

/**
 * The four fields a meeting is scheduled by are required here; UpdateMeetingDto makes every field
 * optional (but not nullable). (A base class with @IsOptional() fields could not be made required again by redeclaring
 * them: class-validator keeps the inherited @IsOptional(), so `{}` got through to the service.)
 */
export class CreateMeetingDto {
  @ApiProperty({ example: 'Steering Committee, March 2027' })
  @IsString()
  @Length(3, 300)
  @Transform(trim)
  title!: string;

  @ApiProperty({ enum: MEETING_KINDS })
  @IsIn(MEETING_KINDS)
  kind!: MeetingKind;

  @ApiProperty({
    example: '2027-03-10T10:00',
    description: 'Wall-clock start in the meeting’s time zone',
  })
  @Validate(IsLocalDateTime)
  startsLocal!: string;

  @ApiProperty({ example: 'Europe/Zurich' })
  @Validate(IsIanaZone)
  timeZone!: string;

  @ApiPropertyOptional({
    example: 'Palais des Nations, Geneva, or a meeting link',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  location?: string | null;

  @ApiPropertyOptional({
    example: 10000000,
    nullable: true,
    type: Number,
    description: 'Funding envelope in USD',
  })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 }, { message: 'must be an amount in USD with at most two decimals' })
  @Min(0)
  @Max(100_000_000_000)
  envelopeUsd?: number | null;
}

/** Any field may be left out; only location and envelopeUsd may be null (cleared). */
export class UpdateMeetingDto extends PartialType(CreateMeetingDto, { skipNullProperties: false }) {}

export class CancelMeetingDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  reason!: string;
}

export class ListMeetingsQuery extends ExportablePageQuery {
  @ApiPropertyOptional({ enum: MEETING_STATUSES })
  @IsOptional()
  @IsIn(MEETING_STATUSES)
  status?: MeetingStatus;

  @ApiPropertyOptional({ description: 'Only meetings starting at or after now' })
  @IsOptional()
  @IsIn(['true', 'false'])
  upcoming?: 'true' | 'false';
}

export class MeetingView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: MEETING_KINDS }) kind!: MeetingKind;
  @ApiProperty({ example: '2027-03-10T10:00' }) startsLocal!: string;
  @ApiProperty({ example: 'Europe/Zurich' }) timeZone!: string;
  @ApiProperty({ example: '2027-03-10T09:00:00.000Z' }) startsAt!: string;
  @ApiProperty({ example: '2027-01-27T09:00:00.000Z' }) cutoffAt!: string;
  @ApiProperty({ example: '2027-01-27T10:00', description: 'The cut-off in the meeting’s time zone' })
  cutoffLocal!: string;
  @ApiProperty({ nullable: true, type: String }) location!: string | null;
  @ApiProperty({ enum: MEETING_STATUSES }) status!: MeetingStatus;
  @ApiProperty({ nullable: true, type: Number }) envelopeUsd!: number | null;
  @ApiProperty({ nullable: true, type: String }) agendaClosedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) heldAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelledAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) cancellationReason!: string | null;
  @ApiProperty({ description: 'Notes targeting this meeting (or on its agenda)' }) noteCount!: number;
  @ApiProperty() version!: number;
}

export class MeetingPage {
  @ApiProperty({ type: [MeetingView] }) items!: MeetingView[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}

export class LateExceptionDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  conceptNoteId!: string;

  @ApiProperty({
    description: 'Why the note is added after the cut-off (printed in the packet)',
    maxLength: 2000,
  })
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  reason!: string;
}

export class UpdateAgendaItemDto {
  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  position?: number;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'TA2' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  groupLabel?: string | null;

  @ApiPropertyOptional({
    enum: ['listed', 'carried_over', 'removed'],
    description: 'carried_over moves the note to the next meeting',
  })
  @IsOptional()
  @IsIn(['listed', 'carried_over', 'removed'])
  status?: 'listed' | 'carried_over' | 'removed';

  @ApiPropertyOptional({ description: 'Required to carry over or remove', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(3, 2000)
  @Transform(trim)
  reason?: string;

  @ApiPropertyOptional({
    description: 'The secretariat’s consolidated assessment',
    maxLength: 20000,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  assessmentSummary?: string | null;

  @ApiPropertyOptional({ maxLength: 5000, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  assessmentRecommendation?: string | null;
}

export class AgendaItemView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) conceptNoteId!: string;
  @ApiProperty({ nullable: true, type: String }) referenceCode!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'Status of the note' }) noteStatus!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: number;
  @ApiProperty({ nullable: true, type: String }) groupLabel!: string | null;
  @ApiProperty({ enum: ['listed', 'carried_over', 'removed'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) statusReason!: string | null;
  @ApiProperty({ nullable: true, type: String }) lateExceptionReason!: string | null;
  @ApiProperty({ nullable: true, type: String }) carriedFromMeetingId!: string | null;
  @ApiProperty({ nullable: true, type: String }) assessmentSummary!: string | null;
  @ApiProperty({ nullable: true, type: String }) assessmentRecommendation!: string | null;
  @ApiProperty({ description: 'Not ready for the committee yet (flagged in the packet)' }) notReady!: boolean;
}

export class AgendaView {
  @ApiProperty({ type: MeetingView }) meeting!: MeetingView;
  @ApiProperty({ type: [AgendaItemView] }) items!: AgendaItemView[];
  @ApiProperty({
    description: 'Before the cut-off: notes targeting the meeting so far',
    type: [AgendaItemView],
  })
  targeted!: AgendaItemView[];
}
