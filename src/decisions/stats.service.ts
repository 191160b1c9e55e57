import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { centsToNumber, toCents } from '../common/money';
import { STATUSES } from '../concept-notes/concept-note.state';
import { AWAITING_MEETING } from '../meetings/targeting';
import { ageInDays, BACKLOG_BUCKETS, backlogBucket } from './decision.rules';
import type { StatsView } from './dto/stats.dto';

const usd = (value: string | null): number => centsToNumber(toCents(value ?? '0'));

/**
 * Figures for the secretariat and the committee (DESIGN §4 `/stats`). Read in one REPEATABLE READ
 * transaction, so every figure describes the same moment; amounts are summed by PostgreSQL in
 * numeric and turned into JSON numbers through integer cents.
 */
@Injectable()
export class StatsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async stats(): Promise<StatsView> {
    const now = this.clock.now();
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const statuses = await manager.query<{ status: string; count: number }[]>(
        'SELECT status, count(*)::int AS count FROM concept_notes GROUP BY status',
      );

      const meetings = await manager.query<
        {
          id: string;
          title: string;
          starts_at: Date;
          status: string;
          envelope: string | null;
          agenda_items: number;
          targeted: number;
          approved: number;
          funded: number;
          revision_requested: number;
          rejected: number;
          deferred: number;
          funded_usd: string;
        }[]
      >(
        `SELECT m.id, m.title, m.starts_at, m.status, m.envelope_usd::text AS envelope,
                (SELECT count(*)::int FROM agenda_items a WHERE a.meeting_id = m.id AND a.status = 'listed') AS agenda_items,
                (SELECT count(*)::int FROM concept_notes n
                  WHERE n.target_meeting_id = m.id AND n.status = ANY($1)
                    AND NOT EXISTS (SELECT 1 FROM agenda_items a WHERE a.meeting_id = m.id AND a.note_id = n.id)) AS targeted,
                count(d.id) FILTER (WHERE d.outcome = 'approved')::int AS approved,
                count(d.id) FILTER (WHERE d.outcome = 'funded')::int AS funded,
                count(d.id) FILTER (WHERE d.outcome = 'revision_requested')::int AS revision_requested,
                count(d.id) FILTER (WHERE d.outcome = 'rejected')::int AS rejected,
                count(d.id) FILTER (WHERE d.outcome = 'deferred')::int AS deferred,
                COALESCE(sum(d.total_amount_usd) FILTER (WHERE d.outcome = 'funded'), 0)::text AS funded_usd
           FROM meetings m
           LEFT JOIN decisions d ON d.meeting_id = m.id AND d.status = 'released'
          GROUP BY m.id
          ORDER BY m.starts_at, m.id`,
        [AWAITING_MEETING],
      );

      const areas = await manager.query<{ code: string; count: number }[]>(
        `SELECT primary_thematic_area_code AS code, count(*)::int AS count
           FROM concept_notes
          WHERE submitted_at IS NOT NULL AND primary_thematic_area_code IS NOT NULL
          GROUP BY 1 ORDER BY 1`,
      );

      // A note with several countries in one region counts there once; in each of its regions once.
      const regions = await manager.query<{ code: string; name: string; count: number }[]>(
        `SELECT c.region_code AS code, c.region_name AS name, count(DISTINCT n.id)::int AS count
           FROM concept_notes n
           JOIN countries c ON c.code::text = ANY(n.country_codes)
          WHERE n.submitted_at IS NOT NULL
          GROUP BY 1, 2 ORDER BY 1`,
      );

      const organizations = await manager.query<{ code: string; convening: number; participating: number }[]>(
        `WITH submitted AS (SELECT id, convening_organization_code FROM concept_notes WHERE submitted_at IS NOT NULL),
              convening AS (
                SELECT convening_organization_code AS code, count(*) AS n FROM submitted
                 WHERE convening_organization_code IS NOT NULL GROUP BY 1),
              participating AS (
                SELECT o.organization_code AS code, count(DISTINCT o.note_id) AS n
                  FROM concept_note_organizations o JOIN submitted s ON s.id = o.note_id GROUP BY 1)
         SELECT COALESCE(c.code, p.code) AS code, COALESCE(c.n, 0)::int AS convening, COALESCE(p.n, 0)::int AS participating
           FROM convening c FULL JOIN participating p ON p.code = c.code
          ORDER BY 1`,
      );

      const awaiting = await manager.query<{ since: Date | null }[]>(
        `SELECT endorsement_requested_at AS since FROM concept_notes WHERE status = 'awaiting_endorsement'`,
      );
      const backlog = new Map<string, number>(BACKLOG_BUCKETS.map((b) => [b, 0]));
      for (const { since } of awaiting) {
        const bucket = backlogBucket(since ? ageInDays(new Date(since), now) : 0);
        backlog.set(bucket, (backlog.get(bucket) ?? 0) + 1);
      }

      const overdue = await manager.query<
        { id: string; note_id: string; reference_code: string | null; due_at: Date }[]
      >(
        `SELECT a.id, a.note_id, n.reference_code, a.due_at
           FROM review_assignments a JOIN concept_notes n ON n.id = a.note_id
          WHERE a.status = 'assigned' AND a.due_at < $1
          ORDER BY a.due_at, a.id`,
        [now],
      );

      const [requested] = await manager.query<{ total: string; notes: number }[]>(
        `SELECT COALESCE(sum(COALESCE(n.total_budget_usd,
                  (SELECT sum(o.direct_costs_usd + o.indirect_support_costs_usd)
                     FROM concept_note_organizations o WHERE o.note_id = n.id))), 0)::text AS total,
                count(*)::int AS notes
           FROM concept_notes n
          WHERE n.submitted_at IS NOT NULL`,
      );
      const [allocated] = await manager.query<{ total: string; notes: number }[]>(
        `SELECT COALESCE(sum(total_amount_usd), 0)::text AS total, count(DISTINCT note_id)::int AS notes
           FROM decisions WHERE status = 'released' AND outcome = 'funded'`,
      );

      return {
        generatedAt: now.toISOString(),
        byStatus: STATUSES.map((status) => ({
          status,
          count: statuses.find((s) => s.status === status)?.count ?? 0,
        })),
        byMeeting: meetings.map((m) => ({
          meetingId: m.id,
          title: m.title,
          startsAt: new Date(m.starts_at).toISOString(),
          status: m.status,
          agendaItems: m.agenda_items,
          targeted: m.targeted,
          decisions: {
            approved: m.approved,
            funded: m.funded,
            revisionRequested: m.revision_requested,
            rejected: m.rejected,
            deferred: m.deferred,
          },
          fundedUsd: usd(m.funded_usd),
          envelopeUsd: m.envelope === null ? null : usd(m.envelope),
        })),
        byThematicArea: areas.map((a) => ({ thematicAreaCode: a.code, count: a.count })),
        byRegion: regions.map((r) => ({ regionCode: r.code, regionName: r.name, count: r.count })),
        byOrganization: organizations.map((o) => ({
          organizationCode: o.code,
          convening: o.convening,
          participating: o.participating,
        })),
        endorsementBacklog: BACKLOG_BUCKETS.map((bucket) => ({ bucket, count: backlog.get(bucket) ?? 0 })),
        overdueReviews: {
          count: overdue.length,
          items: overdue.map((o) => ({
            assignmentId: o.id,
            conceptNoteId: o.note_id,
            referenceCode: o.reference_code,
            dueAt: new Date(o.due_at).toISOString(),
            daysOverdue: ageInDays(new Date(o.due_at), now),
          })),
        },
        funding: {
          requestedUsd: usd(requested.total),
          requestedNotes: requested.notes,
          allocatedUsd: usd(allocated.total),
          fundedNotes: allocated.notes,
        },
      };
    });
  }
}
