import '@fastify/multipart';
import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Inject,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { sha256Hex } from '../common/canonical-json';
import { CommonErrors } from '../common/errors';
import { APP_CONFIG, type AppConfig } from '../config/config';
import type { AttachmentKind } from './attachment.entity';
import { AttachmentErrors } from './attachments.errors';
import type { Upload } from './attachments.service';

export const ATTACHMENT_KINDS: AttachmentKind[] = ['template', 'annex', 'endorsement_letter'];

/** One uploaded file, read whole, and the kind it is uploaded as (`?kind=`, default annex). */
export interface ReadUpload extends Upload {
  kind: AttachmentKind;
}

type UploadRequest = FastifyRequest & { upload?: ReadUpload };

/**
 * Reads the one file of a multipart upload (bounded by ATTACHMENT_MAX_BYTES) before the route's
 * interceptors run, and puts what identifies the upload in `request.body`: its kind, file name,
 * size and SHA-256. The Idempotency-Key interceptor hashes `request.body`, so the same key replays
 * the first answer only for the same kind, name and bytes, and answers 422 to any other upload.
 *
 * A guard, because guards are the one step Nest runs before the global interceptors (the
 * interceptor would otherwise see no body: a multipart stream is read by the handler). It runs after
 * the global AuthGuard, so nothing is read for a caller who is not signed in; it refuses only what
 * the handler refused before (an unknown kind, no file, a file over the limit, a body cut short).
 */
@Injectable()
export class MultipartUploadGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<UploadRequest>();
    const kind = (request.query as { kind?: unknown }).kind ?? 'annex';
    if (typeof kind !== 'string' || !ATTACHMENT_KINDS.includes(kind as AttachmentKind)) {
      throw CommonErrors.validation([
        { field: 'kind', message: `must be one of ${ATTACHMENT_KINDS.join(', ')}` },
      ]);
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
    request.upload = { kind: kind as AttachmentKind, filename: file.filename, data };
    request.body = { kind, filename: file.filename, sizeBytes: data.length, sha256: sha256Hex(data) };
    return true;
  }
}

/** The route takes one multipart file: read by MultipartUploadGuard, handed over by @MultipartFile(). */
export const AcceptsUpload = () => UseGuards(MultipartUploadGuard);

export const MultipartFile = createParamDecorator((_: unknown, context: ExecutionContext): ReadUpload => {
  const upload = context.switchToHttp().getRequest<UploadRequest>().upload;
  if (!upload) throw new Error('@MultipartFile() needs @AcceptsUpload() on its route');
  return upload;
});
