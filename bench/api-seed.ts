/*
 * Bulk data for bench/api.ts: users, and concept notes with their team, participating
 * organizations, frozen revisions and endorsements, written with generate_series (no ORM), in
 * the shapes the application writes them.
 */
import { Client } from 'pg';

/** The country whose RC endorses the notes of the write benchmark. */
export const RC_COUNTRY = 'KEN';
const APPLICANTS = 400;

export interface Seeded {
  secretariatId: string;
  rcId: string;
}

/** Users: a secretariat officer, an RC (and RC office) per country, applicants of every organization. */
export async function seedUsers(db: Client): Promise<Seeded> {
  const [secretariat] = (
    await db.query<{ id: string }>(
      `INSERT INTO users (email, name, roles, version) VALUES ('secretariat@bench.test', 'Amina Secretariat', '{secretariat}', 1) RETURNING id`,
    )
  ).rows;
  await db.query(
    `INSERT INTO users (email, name, roles, country_codes, locale, time_zone, version)
     SELECT lower(c.code) || '.rc@bench.test', 'RC of ' || (c.names->>'en'), '{resident_coordinator}'::text[], ARRAY[c.code::text],
            (ARRAY['en','fr','es','ar','ru','zh'])[1 + (row_number() OVER (ORDER BY c.code))::int % 6], 'UTC', 1
       FROM countries c
     UNION ALL
     SELECT lower(c.code) || '.office@bench.test', 'RC office of ' || (c.names->>'en'), '{rc_office}'::text[], ARRAY[c.code::text], 'en', 'UTC', 1
       FROM countries c`,
  );
  await db.query(
    `INSERT INTO users (email, name, roles, organization_code, locale, version)
     SELECT 'applicant' || i || '@bench.test',
            (ARRAY['Maria','Ahmed','Li','Olga','Jean','Fatima','Carlos','Aisha','Ivan','Grace'])[1 + i % 10] || ' ' ||
            (ARRAY['Okafor','Haddad','Chen','Petrova','Dubois','Rahman','Garcia','Mensah','Sokolov','Njeri'])[1 + (i / 10) % 10],
            '{applicant}', o.codes[1 + i % array_length(o.codes, 1)], 'en', 1
       FROM generate_series(1, $1::int) i,
            (SELECT array_agg(code ORDER BY code) AS codes FROM organizations WHERE active) o`,
    [APPLICANTS],
  );
  const [rc] = (
    await db.query<{ id: string }>(`SELECT id FROM users WHERE email = lower($1) || '.rc@bench.test'`, [
      RC_COUNTRY,
    ])
  ).rows;
  return { secretariatId: secretariat.id, rcId: rc.id };
}

/**
 * Notes number `from + 1` … `from + count`, in a realistic mix of statuses, scopes, countries,
 * organizations and budgets, last updated over three years. Notes past the draft stage have a
 * frozen revision; submitted national and multi-country notes have their endorsements.
 */
export async function seedNotes(db: Client, from: number, count: number): Promise<void> {
  await db.query('BEGIN');
  await db.query(
    `CREATE TEMP TABLE seed_notes ON COMMIT DROP AS
     WITH ref AS (
       SELECT (SELECT array_agg(id ORDER BY email) FROM users WHERE 'applicant' = ANY(roles)) AS leads,
              (SELECT array_agg(code::text ORDER BY code) FROM countries) AS countries,
              (SELECT array_agg(code ORDER BY code) FROM organizations WHERE active) AS orgs
     ), h AS (
       -- Independent pseudo-random draws per note, so that filters combine as in real data.
       SELECT i, abs(hashtext(i || ':status')) % 20 AS hs, abs(hashtext(i || ':scope')) % 10 AS hc,
              abs(hashtext(i || ':title')) AS ht, abs(hashtext(i || ':country')) AS hn,
              abs(hashtext(i || ':org')) AS ho, abs(hashtext(i || ':time')) % (3 * 365 * 86400) AS hu
         FROM generate_series($1::int + 1, $1::int + $2::int) i
     ), s AS (
       SELECT h.*, ref.*,
              CASE WHEN hs < 6 THEN 'draft' WHEN hs < 8 THEN 'awaiting_endorsement'
                   WHEN hs < 11 THEN 'submitted' WHEN hs < 13 THEN 'in_review'
                   WHEN hs = 13 THEN 'ready_for_committee' WHEN hs < 16 THEN 'approved'
                   WHEN hs = 16 THEN 'funded' WHEN hs = 17 THEN 'rejected'
                   WHEN hs = 18 THEN 'withdrawn' ELSE 'revision_requested' END AS status,
              CASE WHEN hc < 6 THEN 'national' WHEN hc < 8 THEN 'multi_country'
                   WHEN hc = 8 THEN 'regional' ELSE 'global' END AS scope,
              now() - make_interval(secs => hu::double precision) AS updated
         FROM h, ref
     )
     SELECT gen_random_uuid() AS id, i, status, scope, updated, ht,
            leads[1 + ho % array_length(leads, 1)] AS lead_id,
            leads[1 + (ho / 7) % array_length(leads, 1)] AS member_id,
            -- A country at most once per note (the second and third draws may repeat the first).
            ARRAY(SELECT DISTINCT c FROM unnest(CASE scope
              WHEN 'national' THEN ARRAY[countries[1 + hn % array_length(countries, 1)]]
              WHEN 'multi_country' THEN ARRAY[countries[1 + hn % array_length(countries, 1)],
                                              countries[1 + (hn / 251) % array_length(countries, 1)]]
              WHEN 'regional' THEN ARRAY[countries[1 + hn % array_length(countries, 1)],
                                         countries[1 + (hn / 251) % array_length(countries, 1)],
                                         countries[1 + (hn / 63001) % array_length(countries, 1)]]
              ELSE '{}'::text[] END) c) AS country_codes,
            orgs[1 + ho % array_length(orgs, 1)] AS convening,
            orgs AS orgs
       FROM s`,
    [from, count],
  );
  await db.query(
    `INSERT INTO concept_notes (
       id, reference_code, status, title, summary, language, scope, country_codes, primary_thematic_area_code,
       gcm_objective_numbers, convening_organization_code, implementing_partners, duration_months, total_budget_usd,
       gender_marker, gender_justification, human_rights_marker, human_rights_justification,
       child_sensitivity_marker, child_sensitivity_justification, beneficiaries, theory_of_change,
       expected_results, sustainability, risks, lead_user_id, current_revision, endorsement_requested_at,
       submitted_at, withdrawn_at, withdrawal_reason, created_at, updated_at, last_activity_at, version)
     SELECT id,
            CASE WHEN status NOT IN ('draft', 'awaiting_endorsement') THEN 'MIG-CN-' || (2024 + i % 3) || '-' || lpad(i::text, 6, '0') END,
            status,
            (ARRAY['Safe and dignified return and reintegration', 'Labour migration governance and fair recruitment',
                   'Climate change, disasters and human mobility', 'Protection of migrants in vulnerable situations',
                   'Migration data for evidence-based policy', 'Regular pathways for migrant workers',
                   'Countering smuggling and trafficking in persons', 'Social cohesion in host communities',
                   'Diaspora engagement for development', 'Border governance with human rights at its centre'])[1 + ht % 10]
              || ' (' || i || ')',
            'The programme ' || (ARRAY['strengthens', 'supports', 'builds', 'improves'])[1 + (ht / 10) % 4]
              || ' the capacity of national and local authorities to govern migration in line with the Global Compact. '
              || 'It works with migrants, communities of origin and destination, employers, trade unions and civil society '
              || 'to ' || (ARRAY['reduce the costs of recruitment', 'protect children on the move', 'improve access to services',
                                  'collect and share disaggregated data', 'prepare for displacement caused by floods and drought'])[1 + (ht / 40) % 5]
              || '. Activities include policy dialogue, training of officials, referral mechanisms and pilots in selected districts; '
              || 'results are monitored with indicators agreed with the government and reported every six months.',
            'en', scope, country_codes, 'TA' || (1 + (ht / 200) % 5),
            ARRAY[1 + i % 23, 1 + (i * 7 + 3) % 23], convening,
            ARRAY['National Migration Agency', 'Civil society network ' || (i % 50)], 12 + (i % 4) * 6,
            1000000 + (i % 20) * 50000,
            i % 4, 'Gender analysis informs every output.', (i + 1) % 4, 'Rights-based approach throughout.',
            (i + 2) % 4, 'Children on the move are consulted.',
            'Migrant workers, returnees and their families; local officials.',
            'If authorities have the tools and data, then migration is safer and more orderly.',
            'Policies adopted; officials trained; services used by migrants.',
            'Costs absorbed in national budgets from year two.',
            'Political turnover; mitigated by working with technical staff.',
            lead_id,
            CASE WHEN status = 'draft' THEN 0 ELSE 1 END,
            CASE WHEN status <> 'draft' AND scope IN ('national', 'multi_country') THEN updated - interval '30 days' END,
            CASE WHEN status NOT IN ('draft', 'awaiting_endorsement') THEN updated - interval '20 days' END,
            CASE WHEN status = 'withdrawn' THEN updated END,
            CASE WHEN status = 'withdrawn' THEN 'Funding found elsewhere.' END,
            updated - interval '60 days', updated, updated, 1 + i % 5
       FROM seed_notes`,
  );
  // The lead, and a second member on two notes of three.
  await db.query(
    `INSERT INTO concept_note_members (note_id, user_id, added_at)
     SELECT id, lead_id, updated - interval '60 days' FROM seed_notes
     UNION ALL
     SELECT id, member_id, updated - interval '59 days' FROM seed_notes WHERE i % 3 <> 0 AND member_id <> lead_id`,
  );
  // One to three participating organizations, the convening one first; indirect support costs at 7 %.
  await db.query(
    `INSERT INTO concept_note_organizations (note_id, organization_code, position, direct_costs_usd, indirect_support_costs_usd)
     SELECT DISTINCT ON (id, code) id, code, p, direct, round(direct * 0.07, 2)
       FROM (SELECT n.id, p,
                    CASE WHEN p = 0 THEN n.convening ELSE n.orgs[1 + (n.i * (p + 3) + p) % array_length(n.orgs, 1)] END AS code,
                    (400000 + (n.i % 10) * 10000)::numeric AS direct
               FROM seed_notes n, generate_series(0, 2) p
              WHERE p <= n.i % 3) x
      ORDER BY id, code, p`,
  );
  await db.query(
    `INSERT INTO concept_note_revisions (note_id, number, content, content_hash, created_by_id, created_at)
     SELECT n.id, 1, jsonb_build_object('title', c.title, 'summary', c.summary, 'countryCodes', c.country_codes),
            md5(n.id::text), n.lead_id, n.updated - interval '30 days'
       FROM seed_notes n JOIN concept_notes c ON c.id = n.id
      WHERE n.status <> 'draft'`,
  );
  await db.query(
    `INSERT INTO endorsements (note_id, revision_id, country_code, decision, kind, endorser_id, created_at)
     SELECT n.id, r.id, cc, 'endorsed', 'resident_coordinator', rc.id, n.updated - interval '21 days'
       FROM seed_notes n
       JOIN concept_note_revisions r ON r.note_id = n.id AND r.number = 1
       CROSS JOIN LATERAL unnest(n.country_codes) cc
       JOIN users rc ON rc.email = lower(cc) || '.rc@bench.test'
      WHERE n.status NOT IN ('draft', 'awaiting_endorsement') AND n.scope IN ('national', 'multi_country')`,
  );
  // The countries endorsement requests covered (regional and global notes: their submission), as
  // the application records them: the officials of those countries see the note from then on.
  await db.query(
    `INSERT INTO endorsement_request_countries (note_id, country_code, first_requested_at)
     SELECT c.id, cc, coalesce(c.endorsement_requested_at, c.submitted_at)
       FROM concept_notes c
       JOIN seed_notes n ON n.id = c.id
       CROSS JOIN LATERAL unnest(c.country_codes) cc
      WHERE c.endorsement_requested_at IS NOT NULL
         OR (c.scope IN ('regional', 'global') AND c.submitted_at IS NOT NULL)`,
  );
  await db.query('COMMIT');
}

/**
 * Notes of one national country awaiting its RC's endorsement (the last one, so that endorsing
 * submits the note): one per request of the write benchmark. Returns their ids.
 */
export async function seedAwaiting(db: Client, count: number, tag: string): Promise<string[]> {
  await db.query('BEGIN');
  const notes = await db.query<{ id: string }>(
    `WITH leads AS (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE 'applicant' = ANY(roles))
     INSERT INTO concept_notes (title, summary, language, scope, country_codes, primary_thematic_area_code,
                                gcm_objective_numbers, convening_organization_code, total_budget_usd, gender_marker,
                                human_rights_marker, child_sensitivity_marker, lead_user_id, current_revision,
                                status, endorsement_requested_at, version)
     SELECT 'Endorsement benchmark ' || $3 || ' ' || i, 'A note awaiting endorsement.', 'en', 'national', ARRAY[$2],
            'TA' || (1 + i % 5), ARRAY[1 + i % 23], u.organization_code, 1070000, 1, 1, 1, u.id, 1,
            'awaiting_endorsement', now() - interval '3 days', 2
       FROM generate_series(1, $1::int) i, leads
       JOIN users u ON u.id = leads.ids[1 + 0]
     RETURNING id, lead_user_id`,
    [count, RC_COUNTRY, tag],
  );
  await db.query(
    `INSERT INTO concept_note_members (note_id, user_id) SELECT id, lead_user_id FROM concept_notes WHERE id = ANY($1::uuid[])`,
    [notes.rows.map((n) => n.id)],
  );
  await db.query(
    `INSERT INTO concept_note_organizations (note_id, organization_code, position, direct_costs_usd, indirect_support_costs_usd)
     SELECT id, convening_organization_code, 0, 1000000, 70000 FROM concept_notes WHERE id = ANY($1::uuid[])`,
    [notes.rows.map((n) => n.id)],
  );
  await db.query(
    `INSERT INTO concept_note_revisions (note_id, number, content, content_hash, created_by_id)
     SELECT id, 1, jsonb_build_object('title', title), md5(id::text), lead_user_id FROM concept_notes WHERE id = ANY($1::uuid[])`,
    [notes.rows.map((n) => n.id)],
  );
  // The request covered the note's country: its RC sees the note and may endorse it.
  await db.query(
    `INSERT INTO endorsement_request_countries (note_id, country_code, first_requested_at)
     SELECT id, unnest(country_codes), endorsement_requested_at FROM concept_notes WHERE id = ANY($1::uuid[])`,
    [notes.rows.map((n) => n.id)],
  );
  await db.query('COMMIT');
  return notes.rows.map((n) => n.id);
}
