import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { Clock } from '../common/clock';
import { centsToNumber, toCents } from '../common/money';
import type { Page } from '../common/pagination';
import { ConceptNoteAccess } from '../concept-notes/concept-note.access';
import { ConceptNoteMail } from '../concept-notes/concept-note.mail';
import { ConceptNotesService } from '../concept-notes/concept-notes.service';
import { NotificationsService } from '../notifications/notifications.service';
import type { OrganizationAmount } from './decision.entity';
import type {
  PipelineEntryView,
  PipelineQuery,
  PipelineStatus,
  RemovalDto,
  RemovalView,
} from './dto/pipeline.dto';

interface PipelineRow {
  id: string;
  reference_code: string | null;
  title: string;
  status: PipelineStatus;
  primary_thematic_area_code: string | null;
  country_codes: string[];
  convening_organization_code: string | null;
  requested: string | null;
  decision_id: string | null;
  amounts: OrganizationAmount[] | null;
  total_amount: string | null;
  outcome: string | null;
  full_programme_due_on: string | null;
  released_at: Date | null;
  meeting_id: string | null;
  meeting_title: string | null;
  mean_score: string | null;
  review_count: number;
}

/** The decision in force of each note: its latest released approval or funding (corrections supersede). */
const CURRENT_DECISION = `WITH in_force AS (
  SELECT DISTINCT ON (d.note_id) d.*
    FROM decisions d
   WHERE d.status = 'released' AND d.outcome IN ('approved', 'funded')
   ORDER BY d.note_id, d.released_at DESC, d.created_at DESC
)`;

const PIPELINE_JOINS = `FROM concept_notes n
  LEFT JOIN in_force c ON c.note_id = n.id
  LEFT JOIN meetings m ON m.id = c.meeting_id`;

/** Pipeline notes ($1: statuses), optionally only those decided at a meeting ($2). */
const PIPELINE_WHERE = `WHERE n.status = ANY($1) AND ($2::uuid IS NULL OR c.meeting_id = $2)`;

/**
 * The pipeline (DESIGN §3): approved notes waiting for a funding decision, and funded notes, with
 * the decision in force (meeting, date, amounts) and the mean weighted score of their reviews.
 */
@Injectable()
export class PipelineService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConceptNoteAccess,
    private readonly audit: AuditService,
    private readonly mail: ConceptNoteMail,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  async list(query: PipelineQuery): Promise<Page<PipelineEntryView>> {
    const limit = query.format === 'json' ? query.limit : 10000;
    const offset = query.format === 'json' ? (query.page - 1) * query.limit : 0;
    const params = [query.status ? [query.status] : ['approved', 'funded'], query.meeting ?? null];
    const [{ total }] = await this.dataSource.query<{ total: number }[]>(
      `${CURRENT_DECISION} SELECT count(*)::int AS total ${PIPELINE_JOINS} ${PIPELINE_WHERE}`,
      params,
    );
    const rows = await this.dataSource.query<PipelineRow[]>(
      `${CURRENT_DECISION},
       reviewed AS (
         SELECT DISTINCT ON (a.note_id) a.note_id, a.revision_id
           FROM review_assignments a
           JOIN reviews r ON r.assignment_id = a.id
           JOIN concept_note_revisions v ON v.id = a.revision_id
          WHERE r.submitted_at IS NOT NULL AND a.status NOT IN ('cancelled', 'conflict_declared')
          ORDER BY a.note_id, v.number DESC
       ),
       scores AS (
         SELECT a.note_id, round(avg(r.weighted_score), 2)::text AS mean_score, count(*)::int AS review_count
           FROM review_assignments a
           JOIN reviewed x ON x.note_id = a.note_id AND x.revision_id = a.revision_id
           JOIN reviews r ON r.assignment_id = a.id
          WHERE r.submitted_at IS NOT NULL AND r.weighted_score IS NOT NULL
            AND a.status NOT IN ('cancelled', 'conflict_declared')
          GROUP BY a.note_id
       )
       SELECT n.id, n.reference_code, n.title, n.status, n.primary_thematic_area_code, n.country_codes,
              n.convening_organization_code,
              COALESCE(n.total_budget_usd,
                       (SELECT sum(o.direct_costs_usd + o.indirect_support_costs_usd)
                          FROM concept_note_organizations o WHERE o.note_id = n.id))::text AS requested,
              c.id AS decision_id, c.outcome, c.amounts, c.total_amount_usd::text AS total_amount,
              c.full_programme_due_on::text AS full_programme_due_on, c.released_at,
              c.meeting_id, m.title AS meeting_title,
              s.mean_score, COALESCE(s.review_count, 0) AS review_count
         ${PIPELINE_JOINS}
         LEFT JOIN scores s ON s.note_id = n.id
         ${PIPELINE_WHERE}
        ORDER BY c.released_at DESC NULLS LAST, n.reference_code, n.id
        LIMIT $3 OFFSET $4`,
      [...params, limit, offset],
    );
    return { items: rows.map(entryView), page: query.page, limit: query.limit, total };
  }

  /**
   * An approved note leaves the pipeline, with a reason. The team and the RCs and RC office of its
   * countries are told, each in their language, with the reason (DESIGN §3 "Status e-mails").
   */
  async remove(actor: Actor, noteId: string, dto: RemovalDto): Promise<RemovalView> {
    const { view, outbox } = await this.dataSource.transaction(async (manager) => {
      const access = await this.access.load(manager, actor, noteId, { lock: true });
      const to = ConceptNotesService.allow(access, 'remove_from_pipeline');
      const note = access.note;
      const from = note.status;
      note.status = to;
      note.removedFromPipelineAt = this.clock.now();
      note.removalReason = dto.reason;
      await manager.save(note);
      await this.audit.record(manager, {
        actorId: actor.id,
        action: 'concept_note.removed_from_pipeline',
        entityType: 'concept_note',
        entityId: note.id,
        before: { status: from },
        after: { status: to, reason: dto.reason },
      });
      // Removal is final, so one event per note: the same person is never told twice.
      const outbox = await this.mail.send(
        manager,
        note,
        [
          ...(await this.mail.team(manager, note.id)),
          ...(await this.mail.countryOfficials(manager, note.countryCodes)),
        ],
        'removed_from_pipeline',
        'removed-from-pipeline',
        { reason: dto.reason },
      );
      const view: RemovalView = {
        conceptNoteId: note.id,
        status: note.status,
        removedFromPipelineAt: note.removedFromPipelineAt.toISOString(),
        removalReason: dto.reason,
      };
      return { view, outbox };
    });
    await this.notifications.dispatch(outbox);
    return view;
  }
}

const money = (value: string | null): number | null =>
  value === null ? null : centsToNumber(toCents(value));

function entryView(row: PipelineRow): PipelineEntryView {
  const funded = row.outcome === 'funded';
  return {
    conceptNoteId: row.id,
    referenceCode: row.reference_code,
    title: row.title,
    status: row.status,
    primaryThematicAreaCode: row.primary_thematic_area_code,
    countryCodes: row.country_codes,
    conveningOrganizationCode: row.convening_organization_code,
    requestedTotalUsd: money(row.requested),
    fundedAmounts: funded
      ? (row.amounts ?? []).map((a) => ({
          organizationCode: a.organizationCode,
          amountUsd: centsToNumber(toCents(a.amountUsd)),
        }))
      : [],
    fundedTotalUsd: funded ? money(row.total_amount) : null,
    fullProgrammeDueOn: funded ? row.full_programme_due_on : null,
    meanScore: row.mean_score === null ? null : Number(row.mean_score),
    reviewCount: row.review_count,
    decisionId: row.decision_id,
    decidedAt: row.released_at ? new Date(row.released_at).toISOString() : null,
    meetingId: row.meeting_id,
    meetingTitle: row.meeting_title,
  };
}
