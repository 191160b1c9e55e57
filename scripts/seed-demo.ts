/* Demo data for the quick start: one user per role, all with the same password. Safe to run twice. */
import { hash } from 'argon2';
import dataSource from '../src/database/data-source';
import { ARGON2_OPTIONS } from '../src/users/users.service';

export const DEMO_PASSWORD = 'demo-password-2026';

const DEMO_USERS = [
  { email: 'admin@demo.mptf.org', name: 'Ada Admin', roles: ['admin'] },
  { email: 'secretariat@demo.mptf.org', name: 'Sofia Secretariat', roles: ['secretariat'] },
  {
    email: 'applicant@demo.mptf.org',
    name: 'Amina Applicant',
    roles: ['applicant'],
    organizationCode: 'IOM',
  },
  {
    email: 'applicant.ilo@demo.mptf.org',
    name: 'Ivan Applicant',
    roles: ['applicant'],
    organizationCode: 'ILO',
    locale: 'ru',
  },
  {
    email: 'rc.serbia@demo.mptf.org',
    name: 'Rada Coordinator',
    roles: ['resident_coordinator'],
    countryCodes: ['SRB'],
    timeZone: 'Europe/Belgrade',
  },
  {
    email: 'rc.north-macedonia@demo.mptf.org',
    name: 'Marko Coordinator',
    roles: ['resident_coordinator'],
    countryCodes: ['MKD'],
    timeZone: 'Europe/Skopje',
    locale: 'fr',
  },
  {
    email: 'rc-office.serbia@demo.mptf.org',
    name: 'Olga Office',
    roles: ['rc_office'],
    countryCodes: ['SRB'],
    timeZone: 'Europe/Belgrade',
  },
  {
    email: 'reviewer@demo.mptf.org',
    name: 'Rémi Reviewer',
    roles: ['reviewer'],
    organizationCode: 'UNDP',
    thematicAreaCodes: ['TA2', 'TA4'],
    locale: 'fr',
  },
  { email: 'committee@demo.mptf.org', name: 'Chen Committee', roles: ['steering_committee'], locale: 'zh' },
  {
    email: 'committee.ar@demo.mptf.org',
    name: 'Layla Committee',
    roles: ['steering_committee'],
    locale: 'ar',
  },
];

async function main(): Promise<void> {
  await dataSource.initialize();
  const passwordHash = await hash(DEMO_PASSWORD, ARGON2_OPTIONS);
  let created = 0;
  try {
    await dataSource.transaction(async (manager) => {
      for (const user of DEMO_USERS) {
        const rows = await manager.query<{ id: string }[]>(
          `INSERT INTO users (email, name, password_hash, roles, organization_code, country_codes, thematic_area_codes, locale, time_zone, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)
           ON CONFLICT ((lower(email))) DO NOTHING
           RETURNING id`,
          [
            user.email,
            user.name,
            passwordHash,
            user.roles,
            user.organizationCode ?? null,
            user.countryCodes ?? [],
            user.thematicAreaCodes ?? [],
            user.locale ?? 'en',
            user.timeZone ?? 'UTC',
          ],
        );
        if (rows[0]) {
          created += 1;
          await manager.query(
            `INSERT INTO audit_events (actor_id, action, entity_type, entity_id, after) VALUES (NULL, 'user.seeded', 'user', $1, $2)`,
            [rows[0].id, JSON.stringify({ email: user.email, roles: user.roles })],
          );
        }
      }
      await manager.query(
        `INSERT INTO organization_focal_points (organization_code, user_id)
         SELECT 'IOM', id FROM users WHERE lower(email) = 'applicant@demo.mptf.org' ON CONFLICT DO NOTHING`,
      );
    });
  } finally {
    await dataSource.destroy();
  }
  console.log(
    `Demo data: ${created} new user(s); every demo user signs in with the password "${DEMO_PASSWORD}".`,
  );
  for (const user of DEMO_USERS) console.log(`  ${user.roles.join(', ').padEnd(22)} ${user.email}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
