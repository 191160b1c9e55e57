import { Controller, Get, Post, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { UuidParam } from '../common/params';
import { AttachmentsService } from './attachments.service';
import { AttachmentView } from './attachments.view';
import { AcceptsUpload, ATTACHMENT_KINDS, MultipartFile, type ReadUpload } from './multipart-upload';

@ApiTags('attachments')
@ApiBearerAuth()
@Controller('concept-notes/:id/attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post()
  @AcceptsUpload()
  @Idempotent()
  @ApiConsumes('multipart/form-data')
  @ApiQuery({ name: 'kind', enum: ATTACHMENT_KINDS, required: false, description: 'Default annex' })
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({
    type: AttachmentView,
    description:
      'With an Idempotency-Key, a retry replays the first answer for the same kind, file name and bytes (422 for another file)',
  })
  upload(
    @CurrentActor() actor: Actor,
    @UuidParam('id') noteId: string,
    @MultipartFile() upload: ReadUpload,
  ): Promise<AttachmentView> {
    return this.attachments.upload(actor, noteId, upload.kind, upload);
  }

  @Get()
  @ApiOkResponse({ type: [AttachmentView] })
  list(@CurrentActor() actor: Actor, @UuidParam('id') noteId: string): Promise<AttachmentView[]> {
    return this.attachments.list(actor, noteId);
  }

  @Get(':attachmentId')
  @ApiOkResponse({ description: 'The file, as a download' })
  async download(
    @CurrentActor() actor: Actor,
    @UuidParam('id') noteId: string,
    @UuidParam('attachmentId') attachmentId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { attachment, stream } = await this.attachments.open(actor, noteId, attachmentId);
    const ascii = attachment.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    void reply
      .header('content-type', attachment.contentType)
      .header(
        'content-disposition',
        `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(attachment.filename)}`,
      )
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('x-content-type-options', 'nosniff');
    return new StreamableFile(stream);
  }
}

/** RFC 5987 ext-value characters: encodeURIComponent leaves ' ( ) * ! as they are, which attr-char does not allow. */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
