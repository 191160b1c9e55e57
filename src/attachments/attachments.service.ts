import { randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { fromBuffer } from 'file-type';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { sha256Hex } from '../common/canonical-json';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ConceptNoteAccess } from '../concept-notes/concept-note.access';
import { ConceptNotesService } from '../concept-notes/concept-notes.service';
import { Storage } from '../storage/storage';
import { Attachment, type AttachmentKind } from './attachment.entity';
import { AttachmentErrors } from './attachments.errors';
import type { AttachmentView } from './attachments.view';

/** Detected type → the file-name extensions that may carry it. Anything else is refused. */
const ALLOWED: Record<string, string[]> = {
  pdf: ['pdf'],
  docx: ['docx'],
  xlsx: ['xlsx'],
  pptx: ['pptx'],
  odt: ['odt'],
  ods: ['ods'],
  cfb: ['doc', 'xls', 'ppt'],
  png: ['png'],
  jpg: ['jpg', 'jpeg'],
};
/** The completed template is a document. */
const TEMPLATE_TYPES = ['pdf', 'docx', 'odt', 'cfb'];
/** A signed letter is a PDF or a scan. */
const LETTER_TYPES = ['pdf', 'png', 'jpg'];

export interface Upload {
  filename: string;
  data: Buffer;
}

@Injectable()
export class AttachmentsService {
  private readonly logger = new Logger(AttachmentsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConceptNoteAccess,
    private readonly storage: Storage,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async upload(actor: Actor, noteId: string, kind: AttachmentKind, upload: Upload): Promise<AttachmentView> {
    // Scope first: someone who cannot see the note learns nothing about it, not even a type error.
    const peek = await this.access.load(this.dataSource.manager, actor, noteId);
    this.authorize(peek.kinds.includes('secretariat'), kind, peek);
    if (upload.data.length > this.config.attachmentMaxBytes)
      throw AttachmentErrors.tooLarge(this.config.attachmentMaxBytes);
    if (upload.data.length === 0) throw AttachmentErrors.empty();
    const detected = await fromBuffer(upload.data);
    const extension = extname(upload.filename).slice(1).toLowerCase();
    if (!detected || !ALLOWED[detected.ext])
      throw AttachmentErrors.typeNotAllowed(Object.values(ALLOWED).flat());
    if (!ALLOWED[detected.ext].includes(extension))
      throw AttachmentErrors.typeMismatch(extension, detected.ext);
    if (kind === 'template' && !TEMPLATE_TYPES.includes(detected.ext))
      throw AttachmentErrors.wrongKind('template', 'PDF, Word or OpenDocument');
    if (kind === 'endorsement_letter' && !LETTER_TYPES.includes(detected.ext))
      throw AttachmentErrors.wrongKind('endorsement letter', 'PDF or image');

    const id = randomUUID();
    const storageKey = `notes/${noteId}/${id}`;
    await this.storage.put(storageKey, upload.data);
    try {
      const attachment = await this.dataSource.transaction(async (manager) => {
        const access = await this.access.load(manager, actor, noteId, { lock: true });
        this.authorize(access.kinds.includes('secretariat'), kind, access);
        const attachment = await manager.save(
          manager.create(Attachment, {
            id,
            noteId,
            kind,
            filename: safeName(upload.filename),
            contentType: detected.mime,
            sizeBytes: String(upload.data.length),
            sha256: sha256Hex(upload.data),
            storageKey,
            uploadedById: actor.id,
          }),
        );
        if (kind === 'template') {
          access.note.templateAttachmentId = attachment.id;
          await manager.save(access.note);
        }
        await this.audit.record(manager, {
          actorId: actor.id,
          action: 'concept_note.attachment_added',
          entityType: 'concept_note',
          entityId: noteId,
          after: {
            attachmentId: attachment.id,
            kind,
            filename: attachment.filename,
            sha256: attachment.sha256,
          },
        });
        return attachment;
      });
      return view(attachment);
    } catch (error) {
      await this.storage
        .remove(storageKey)
        .catch((e: unknown) => this.logger.warn({ err: e }, 'could not remove an orphan upload'));
      throw error;
    }
  }

  async list(actor: Actor, noteId: string): Promise<AttachmentView[]> {
    await this.access.load(this.dataSource.manager, actor, noteId);
    const rows = await this.dataSource
      .getRepository(Attachment)
      .find({ where: { noteId }, order: { createdAt: 'ASC' } });
    return rows.map(view);
  }

  async open(
    actor: Actor,
    noteId: string,
    attachmentId: string,
  ): Promise<{ attachment: AttachmentView; stream: Readable }> {
    await this.access.load(this.dataSource.manager, actor, noteId);
    const attachment = /^[0-9a-f-]{36}$/i.test(attachmentId)
      ? await this.dataSource.getRepository(Attachment).findOneBy({ id: attachmentId, noteId })
      : null;
    if (!attachment) throw AttachmentErrors.notFound();
    return { attachment: view(attachment), stream: await this.storage.get(attachment.storageKey) };
  }

  /** Templates and annexes: the team while the note is editable. Endorsement letters: the secretariat. */
  private authorize(
    secretariat: boolean,
    kind: AttachmentKind,
    access: Parameters<typeof ConceptNotesService.allow>[0],
  ): void {
    if (kind === 'endorsement_letter') {
      if (!secretariat) throw AttachmentErrors.lettersBySecretariat();
      return;
    }
    ConceptNotesService.allow(access, 'edit');
  }
}

function view(attachment: Attachment): AttachmentView {
  return {
    id: attachment.id,
    kind: attachment.kind,
    filename: attachment.filename,
    contentType: attachment.contentType,
    sizeBytes: Number(attachment.sizeBytes),
    sha256: attachment.sha256,
    uploadedById: attachment.uploadedById,
    createdAt: attachment.createdAt.toISOString(),
  };
}

/** The uploader's name without any path or control characters. */
function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'file';
  const cleaned = [...base]
    .filter((c) => c.charCodeAt(0) > 0x1f && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 200);
  return cleaned || 'file';
}
