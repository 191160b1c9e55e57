import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ExportablePageQuery } from '../../common/pagination';
import type { Notification, NotificationStatus } from '../notification.entity';

export class ListNotificationsQuery extends ExportablePageQuery {
  @ApiPropertyOptional({ enum: ['pending', 'sending', 'sent', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'sending', 'sent', 'failed'])
  status?: NotificationStatus;

  @ApiPropertyOptional({ description: 'Part of the recipient address' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  recipient?: string;

  @ApiPropertyOptional({ description: 'The concept note, meeting or user the e-mail is about' })
  @IsOptional()
  @IsUUID()
  subjectId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  template?: string;
}

export class NotificationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() recipientEmail!: string;
  @ApiProperty() template!: string;
  @ApiProperty() locale!: string;
  @ApiProperty() messageId!: string;
  @ApiProperty({ nullable: true, type: String }) subjectType!: string | null;
  @ApiProperty({ nullable: true, type: String }) subjectId!: string | null;
  @ApiProperty({ enum: ['pending', 'sending', 'sent', 'failed'] }) status!: NotificationStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) sentAt!: string | null;

  static from(row: Notification): NotificationView {
    return {
      id: row.id,
      recipientEmail: row.recipientEmail,
      template: row.template,
      locale: row.locale,
      messageId: row.messageId,
      subjectType: row.subjectType,
      subjectId: row.subjectId,
      status: row.status,
      attempts: row.attempts,
      lastError: row.lastError,
      createdAt: row.createdAt.toISOString(),
      sentAt: row.sentAt?.toISOString() ?? null,
    };
  }
}

export class NotificationPage {
  @ApiProperty({ type: [NotificationView] }) items!: NotificationView[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
}
