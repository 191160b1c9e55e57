import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { UuidParam } from '../common/params';
import { CommentsService } from './comments.service';
import { CommentView, CreateCommentDto } from './dto/comment.dto';

@ApiTags('comments')
@ApiBearerAuth()
@Controller('concept-notes/:id/comments')
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Get()
  @ApiOkResponse({ type: [CommentView], description: 'The comments the reader may see, oldest first' })
  list(@CurrentActor() actor: Actor, @UuidParam('id') noteId: string): Promise<CommentView[]> {
    return this.comments.list(actor, noteId);
  }

  @Post()
  @Idempotent()
  @ApiCreatedResponse({ type: CommentView })
  add(
    @CurrentActor() actor: Actor,
    @UuidParam('id') noteId: string,
    @Body() dto: CreateCommentDto,
  ): Promise<CommentView> {
    return this.comments.add(actor, noteId, dto);
  }
}
