import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
} from 'class-validator';

export const VISIBILITIES = ['secretariat', 'team', 'team_only'] as const;

export class CreateCommentDto {
  @ApiProperty({ maxLength: 10000 })
  @IsString()
  @Length(1, 10000)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  body!: string;

  @ApiPropertyOptional({
    enum: VISIBILITIES,
    default: 'team',
    description:
      'secretariat: the secretariat alone; team: the team, the secretariat and the RCs and RC office; team_only: the team and the secretariat',
  })
  @IsOptional()
  @IsIn(VISIBILITIES)
  visibility?: (typeof VISIBILITIES)[number];

  @ApiPropertyOptional({ description: 'Secretariat: a clarification request the team must answer' })
  @IsOptional()
  @IsBoolean()
  needsAnswer?: boolean;

  @ApiPropertyOptional({
    description: 'Answer wanted by (clarification requests)',
    example: '2027-01-20T17:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  replyBy?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The comment this one answers' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ type: [String], description: 'Attachments of the note this comment refers to' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsUUID('all', { each: true })
  attachmentIds?: string[];
}

export class CommentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentId!: string | null;
  @ApiProperty() authorName!: string;
  @ApiProperty({ enum: ['secretariat', 'team', 'resident_coordinator', 'rc_office', 'focal_point'] })
  authorRole!: string;
  @ApiProperty({ enum: VISIBILITIES }) visibility!: string;
  @ApiProperty() body!: string;
  @ApiProperty() needsAnswer!: boolean;
  @ApiProperty({ nullable: true, type: String }) replyBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) answeredAt!: string | null;
  @ApiProperty({ type: [String] }) attachmentIds!: string[];
  @ApiProperty() createdAt!: string;
}
