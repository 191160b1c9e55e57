import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AttachmentsModule } from './attachments/attachments.module';
import { AuthModule } from './auth/auth.module';
import { CommentsModule } from './comments/comments.module';
import { ConceptNotesModule } from './concept-notes/concept-notes.module';
import { EndorsementsModule } from './endorsements/endorsements.module';
import { AuthGuard } from './common/auth/auth.guard';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import type { AppConfig } from './config/config';
import { CoreModule } from './core.module';
import { DecisionsModule } from './decisions/decisions.module';
import { MeetingsModule } from './meetings/meetings.module';
import { PacketsModule } from './packets/packets.module';
import { ReviewsModule } from './reviews/reviews.module';
import { ScreeningModule } from './screening/screening.module';
import { OperationsModule } from './operations/operations.module';
import { ReferenceDataModule } from './reference-data/reference-data.module';
import { StorageModule } from './storage/storage.module';
import { UsersModule } from './users/users.module';

/** The API: every HTTP route. Jobs are enqueued here and processed by the worker. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config, 'api'),
        AuthModule,
        UsersModule,
        ReferenceDataModule,
        OperationsModule,
        StorageModule,
        ConceptNotesModule,
        EndorsementsModule,
        AttachmentsModule,
        CommentsModule,
        MeetingsModule,
        ScreeningModule,
        ReviewsModule,
        DecisionsModule,
        PacketsModule,
      ],
      providers: [
        AuthGuard,
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
