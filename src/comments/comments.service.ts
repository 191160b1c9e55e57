import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Attachment } from '../attachments/attachment.entity';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { ConceptNoteAccess, type NoteAccess } from '../concept-notes/concept-note.access';
import { ConceptNoteMail } from '../concept-notes/concept-note.mail';
import { NotificationsService } from '../notifications/notifications.service';
import { User } from '../users/user.entity';
import { Comment, type CommentVisibility } from './comment.entity';
import type { CommentView, CreateCommentDto } from './dto/comment.dto';

const invalid = (field: string, message: string) =>
  new DomainError('VALIDATION_FAILED', 400, `Invalid input: ${field}`, [{ field, message }]);

/** Which visibilities a reader of the note sees. */
function visibleTo(access: NoteAccess): CommentVisibility[] {
  if (access.secretariat) return ['secretariat', 'team', 'team_only'];
  if (access.kinds.includes('team_member')) return ['team', 'team_only'];
  // A reviewer's question goes to the secretariat alone, which takes it to the team anonymized.
  if (!ConceptNoteAccess.followsThreads(access)) return [];
  return ['team'];
}

/**
 * Comment threads on a note. A clarification request is a secretariat comment that needs an
 * answer; the team's reply answers it. Comments never change a note's status.
 */
@Injectable()
export class CommentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConceptNoteAccess,
    private readonly mail: ConceptNoteMail,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, noteId: string): Promise<CommentView[]> {
    const access = await this.access.load(this.dataSource.manager, actor, noteId);
    const comments = await this.dataSource.getRepository(Comment).find({
      // Reviewers and committee members see the questions they asked, nothing else.
      where: ConceptNoteAccess.followsThreads(access)
        ? { noteId, visibility: In(visibleTo(access)) }
        : { noteId, authorId: actor.id },
      order: { createdAt: 'ASC' },
    });
    return this.views(access, comments);
  }

  async add(actor: Actor, noteId: string, dto: CreateCommentDto): Promise<CommentView> {
    const { comment, outbox, access } = await this.dataSource.transaction(async (manager) => {
      const access = await this.access.load(manager, actor, noteId, { lock: true });
      const note = access.note;
      const asker = !ConceptNoteAccess.followsThreads(access);
      const visibility = dto.visibility ?? (asker ? 'secretariat' : 'team');
      if (asker && (visibility !== 'secretariat' || dto.parentId)) {
        throw invalid('visibility', 'a reviewer’s question goes to the secretariat alone');
      }
      if (
        (!asker && !visibleTo(access).includes(visibility)) ||
        (visibility === 'team_only' && !access.secretariat && !access.kinds.includes('team_member'))
      ) {
        throw invalid('visibility', `you cannot post a comment visible to "${visibility}"`);
      }
      if (dto.needsAnswer && !access.secretariat) {
        throw new DomainError(
          'COMMENT.CLARIFICATION_BY_SECRETARIAT',
          403,
          'Only the secretariat asks for clarifications',
        );
      }
      if (dto.needsAnswer && visibility === 'secretariat')
        throw invalid('visibility', 'a clarification request must be visible to the team');
      let parent: Comment | null = null;
      if (dto.parentId) {
        parent = await manager.findOneBy(Comment, { id: dto.parentId, noteId });
        if (!parent || !visibleTo(access).includes(parent.visibility))
          throw invalid('parentId', 'is not a comment of this note');
        if (parent.parentId) throw invalid('parentId', 'answer the first comment of the thread');
      }
      if (dto.attachmentIds?.length) {
        const found = await manager.findBy(Attachment, { id: In(dto.attachmentIds), noteId });
        if (found.length !== new Set(dto.attachmentIds).size)
          throw invalid('attachmentIds', 'must be attachments of this note');
      }
      const comment = await manager.save(
        manager.create(Comment, {
          noteId,
          parentId: parent?.id ?? null,
          authorId: actor.id,
          visibility: parent ? parent.visibility : visibility,
          body: dto.body,
          needsAnswer: Boolean(dto.needsAnswer),
          replyBy: dto.replyBy ? new Date(dto.replyBy) : null,
          attachmentIds: dto.attachmentIds ?? [],
        }),
      );
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'comment.added',
        entityType: 'concept_note',
        entityId: noteId,
        after: { commentId: comment.id, visibility: comment.visibility, clarification: comment.needsAnswer },
      });
      let outbox: string[] = [];
      if (comment.needsAnswer) {
        outbox = await this.mail.send(
          manager,
          note,
          await this.mail.team(manager, noteId),
          'clarification_requested',
          `clarification-${comment.id}`,
          {
            question: comment.body,
            replyBy: comment.replyBy?.toISOString() ?? null,
          },
        );
      }
      const answers = parent?.needsAnswer && !parent.answeredAt && access.kinds.includes('team_member');
      if (parent && answers) {
        parent.answeredAt = this.clock.now();
        await manager.save(parent);
        await this.audit.record(manager, {
          actorId: actor.id,
          action: 'comment.clarification_answered',
          entityType: 'concept_note',
          entityId: noteId,
          after: { commentId: parent.id, answerId: comment.id, visibility: parent.visibility },
        });
        const asker = await manager.findOneBy(User, { id: parent.authorId, active: true });
        const recipients = [...(asker ? [asker] : []), ...(await this.mail.team(manager, noteId))];
        outbox = await this.mail.send(
          manager,
          note,
          recipients,
          'clarification_answered',
          `answer-${parent.id}`,
          {
            answeredByName: actor.name,
            answer: comment.body,
          },
        );
      }
      return { comment, outbox, access };
    });
    await this.notifications.dispatch(outbox);
    return (await this.views(access, [comment]))[0];
  }

  private async views(access: NoteAccess, comments: Comment[]): Promise<CommentView[]> {
    const authorIds = [...new Set(comments.map((c) => c.authorId))];
    const authors = authorIds.length
      ? await this.dataSource.getRepository(User).findBy({ id: In(authorIds) })
      : [];
    const teamIds = new Set(
      (
        await this.dataSource.query<{ user_id: string }[]>(
          'SELECT user_id FROM concept_note_members WHERE note_id = $1',
          [access.note.id],
        )
      ).map((r) => r.user_id),
    );
    return comments.map((c) => {
      const author = authors.find((a) => a.id === c.authorId);
      const role = teamIds.has(c.authorId)
        ? 'team'
        : author?.roles.includes('secretariat')
          ? 'secretariat'
          : author?.roles.includes('resident_coordinator')
            ? 'resident_coordinator'
            : author?.roles.includes('rc_office')
              ? 'rc_office'
              : 'focal_point';
      return {
        id: c.id,
        parentId: c.parentId,
        authorName: author?.name ?? '',
        authorRole: role,
        visibility: c.visibility,
        body: c.body,
        needsAnswer: c.needsAnswer,
        replyBy: c.replyBy?.toISOString() ?? null,
        answeredAt: c.answeredAt?.toISOString() ?? null,
        attachmentIds: c.attachmentIds,
        createdAt: c.createdAt.toISOString(),
      };
    });
  }
}
