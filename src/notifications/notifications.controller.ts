import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../common/auth/decorators';
import { sendExport } from '../common/export';
import { ListNotificationsQuery, NotificationPage, NotificationView } from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Roles('secretariat')
  @ApiOkResponse({ type: NotificationPage, description: 'The e-mail log; `?format=csv|xlsx` exports it' })
  async list(@Query() query: ListNotificationsQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.notifications.list(query);
    if (query.format === 'json') return page;
    return sendExport(reply, query.format, 'notifications', NOTIFICATION_COLUMNS, page.items);
  }
}

const NOTIFICATION_COLUMNS = [
  { header: 'Created', value: (n: NotificationView) => n.createdAt },
  { header: 'Recipient', value: (n: NotificationView) => n.recipientEmail },
  { header: 'Template', value: (n: NotificationView) => n.template },
  { header: 'Locale', value: (n: NotificationView) => n.locale },
  { header: 'Status', value: (n: NotificationView) => n.status },
  { header: 'Attempts', value: (n: NotificationView) => n.attempts },
  { header: 'Sent', value: (n: NotificationView) => n.sentAt },
  { header: 'Last error', value: (n: NotificationView) => n.lastError },
  { header: 'Message-ID', value: (n: NotificationView) => n.messageId },
];
