import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { currentContext, currentRequestId } from '../common/request-context';
import { AuditEvent } from './audit-event.entity';
import { SecurityEvent, SecurityEventKind } from './security-event.entity';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before?: object | null;
  after?: object | null;
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records an audit event inside the caller's transaction, so it commits with the change it describes. */
  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.insert(AuditEvent, {
      actorId: entry.actorId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: (entry.before ?? null) as never,
      after: (entry.after ?? null) as never,
      requestId: currentRequestId() ?? null,
    });
  }

  /** Writes to the security log outside any transaction: a refused request changes no other state. */
  async security(
    kind: SecurityEventKind,
    details: {
      userId?: string | null;
      email?: string | null;
      method?: string;
      path?: string;
      detail?: string;
    },
  ): Promise<void> {
    const context = currentContext();
    // The global filter logs every refused answer that nothing logged more precisely before it.
    if (context) context.securityLogged = true;
    try {
      await this.dataSource.getRepository(SecurityEvent).insert({
        kind,
        userId: details.userId ?? null,
        email: details.email ?? null,
        ip: context?.ip ?? null,
        method: details.method ?? null,
        path: details.path ?? null,
        detail: details.detail ?? null,
        requestId: context?.requestId ?? null,
      });
    } catch (error) {
      this.logger.warn({ err: error, kind }, 'could not write the security log');
    }
  }
}
