import { actor, createUser, http, startTestSystem, type TestSystem } from '../harness';

interface AuditRow {
  id: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
}

describe('audit trail', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    system = await startTestSystem();
    secretariat = await actor(system, ['secretariat']);
  });
  afterAll(() => system?.close());

  const auditOf = (entityId: string): Promise<AuditRow[]> =>
    system.dataSource.query(
      `SELECT id, actor_id, action, entity_type, entity_id, before, after, request_id
         FROM audit_events WHERE entity_id = $1 ORDER BY id`,
      [entityId],
    );

  it('records an invitation with its actor and request id, and echoes the request id', async () => {
    const requestId = 'req-test-12345678';
    const answer = await http(system, 'POST', '/api/v1/users', {
      token: secretariat.token,
      headers: { 'x-request-id': requestId },
      body: {
        email: 'audited.invitee@test.mptf.org',
        name: 'Audited Invitee',
        roles: ['reviewer'],
        organizationCode: 'IOM',
        thematicAreaCodes: ['TA2'],
      },
    });
    expect(answer.status).toBe(201);
    expect(answer.headers['x-request-id']).toBe(requestId);

    const events = await auditOf(answer.body.id);
    expect(events.map((e) => e.action)).toEqual(['user.invited', 'invitation.sent']);
    for (const event of events) {
      expect(event).toMatchObject({
        actor_id: secretariat.user.id,
        entity_type: 'user',
        entity_id: answer.body.id,
        request_id: requestId,
        before: null,
      });
    }
    expect(events[0].after).toMatchObject({
      id: answer.body.id,
      email: 'audited.invitee@test.mptf.org',
      roles: ['reviewer'],
    });
    expect(events[0].after).not.toHaveProperty('passwordHash');
    expect(events[1].after).toEqual({
      invitationId: answer.body.invitation.invitationId,
      expiresAt: answer.body.invitation.expiresAt,
    });
  });

  it('never writes a password hash into before or after', async () => {
    const user = await createUser(system, { roles: ['applicant'], organizationCode: 'IOM' });
    const answer = await http(system, 'PATCH', `/api/v1/users/${user.id}`, {
      token: secretariat.token,
      body: { name: 'Renamed Applicant' },
    });
    expect(answer.status).toBe(200);

    const [event] = await auditOf(user.id);
    expect(event).toMatchObject({
      action: 'user.updated',
      actor_id: secretariat.user.id,
      before: expect.objectContaining({ name: user.name }),
      after: expect.objectContaining({ name: 'Renamed Applicant' }),
    });
    expect(event.before).not.toHaveProperty('passwordHash');
    expect(event.after).not.toHaveProperty('passwordHash');

    // Nowhere in the whole trail: no hash value and no hash field, whatever its spelling.
    const [{ leaks }] = await system.dataSource.query<{ leaks: string }[]>(
      `SELECT count(*) AS leaks FROM audit_events
        WHERE coalesce(before::text, '') || coalesce(after::text, '') ~* '(argon2|password_?hash)'`,
    );
    expect(Number(leaks)).toBe(0);
  });

  describe('is append-only', () => {
    let auditId: string;
    let securityId: string;
    beforeAll(async () => {
      // At least one row in each table, so that row-level triggers have something to refuse.
      const user = await createUser(system, { roles: ['reviewer'] });
      await http(system, 'PATCH', `/api/v1/users/${user.id}`, {
        token: secretariat.token,
        body: { name: 'Someone Else' },
      });
      [{ id: auditId }] = await auditOf(user.id);
      const refused = await http(system, 'POST', '/api/v1/auth/login', {
        body: { email: user.email, password: 'not the password' },
      });
      expect(refused.status).toBe(401);
      [{ id: securityId }] = await system.dataSource.query<{ id: string }[]>(
        `SELECT id FROM security_events WHERE email = $1`,
        [user.email],
      );
    });

    const count = async (table: string) =>
      Number((await system.dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`))[0].n);

    it.each([
      ['audit_events', `UPDATE audit_events SET action = 'tampered' WHERE id = $1`],
      ['audit_events', `DELETE FROM audit_events WHERE id = $1`],
      ['audit_events', `TRUNCATE audit_events`],
      ['security_events', `UPDATE security_events SET detail = 'tampered' WHERE id = $1`],
      ['security_events', `DELETE FROM security_events WHERE id = $1`],
      ['security_events', `TRUNCATE security_events`],
    ])('%s refuses %s', async (table, sql) => {
      const id = table === 'audit_events' ? auditId : securityId;
      const before = await count(table);
      const [row] = await system.dataSource.query(`SELECT * FROM ${table} WHERE id = $1`, [id]);
      expect(row).toBeDefined();

      await expect(system.dataSource.query(sql, sql.includes('$1') ? [id] : [])).rejects.toThrow(
        `${table} is append-only`,
      );

      expect(await count(table)).toBe(before);
      expect(await system.dataSource.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).toEqual([row]);
    });
  });
});
