import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntitySubscriberInterface, InsertEvent, UpdateEvent } from 'typeorm';
import { Clock } from '../common/clock';
import { ConceptNote } from './concept-note.entity';

/**
 * Stamps `lastActivityAt` from the application clock on every write of a concept note made through
 * TypeORM: `save`, `update` and query-builder updates and inserts, whichever service makes them
 * (notes, endorsements, attachments, screening…). One place instead of one line in each service, so
 * no write can forget it. Raw SQL is not seen here, and it is meant that way: the system's own
 * bookkeeping (re-targeting a note when meetings change) is not the team's activity.
 *
 * Why not `updated_at`: it is an @UpdateDateColumn, set by the database's clock, which tests cannot
 * pin; the reminders' "active in the last 90 days" must be exact at an instant of the injected clock.
 */
@Injectable()
export class ConceptNoteActivity implements EntitySubscriberInterface<ConceptNote> {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    dataSource.subscribers.push(this);
  }

  listenTo() {
    return ConceptNote;
  }

  beforeInsert(event: InsertEvent<ConceptNote>): void {
    if (event.entity) event.entity.lastActivityAt ??= this.clock.now();
  }

  /** `event.entity` is the entity being saved, or the values of a query-builder update. */
  beforeUpdate(event: UpdateEvent<ConceptNote>): void {
    if (event.entity) event.entity.lastActivityAt = this.clock.now();
  }
}
