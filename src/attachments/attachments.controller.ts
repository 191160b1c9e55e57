import '@fastify/multipart';
import { Controller, Get, Inject, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/params';
import type { AttachmentKind } from './attachment.entity';
import { AttachmentErrors } from './attachments.errors';
import { AttachmentsService } from './attachments.service';
import { AttachmentView } from './attachments.view';
import { CommonErrors } from '../common/errors';

const KINDS: AttachmentKind[] = ['template', 'annex', 'endorsement_letter'];

@ApiTags('attachments')
@ApiBearerAuth()
@Controller('concept-notes/:id/attachments')
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiQuery({ name: 'kind', enum: KINDS, required: false, description: 'Default annex' })
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: AttachmentView })
  async upload(
    @CurrentActor() actor: Actor,
    @UuidParam('id') noteId: string,
    @Query('kind') kind: string | undefined,
    @Req() request: FastifyRequest,
  ): Promise<AttachmentView> {
    const chosen = (kind ?? 'annex') as AttachmentKind;
    if (!KINDS.includes(chosen)) {
      throw CommonErrors.validation([{ field: 'kind', message: `must be one of ${KINDS.join(', ')}` }]);
    }
    const file = await request.file().catch(() => undefined);
    // A part with a content type but no file name is not a file (busboy hands it over without a name).
    if (!file || typeof file.filename !== 'string') throw AttachmentErrors.missing();
    const data = await file.toBuffer().catch((error: { code?: string }) => {
      if (error.code === 'FST_REQ_FILE_TOO_LARGE')
        throw AttachmentErrors.tooLarge(this.config.attachmentMaxBytes);
      // The request stream failed mid-file (a body cut short, a part never closed): the client's doing.
      throw AttachmentErrors.unreadable();
    });
    return this.attachments.upload(actor, noteId, chosen, { filename: file.filename, data });
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
