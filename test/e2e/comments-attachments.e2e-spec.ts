import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createUser, http, startTestSystem, TestClock, type HttpAnswer, type TestSystem } from '../harness';
import { readyDraft, upload, PDF_BYTES, PNG_BYTES } from '../factories';

type Actor = Awaited<ReturnType<typeof actor>>;

const NOTES = '/api/v1/concept-notes';

let clientAddress = 0;

/**
 * A user of the given roles, signed in through POST /auth/login like `actor` in the harness, but each
 * from an address of their own, so that the per-address sign-in limit does not cap a suite's cast.
 */
async function actor(
  system: TestSystem,
  roles: Parameters<typeof createUser>[1]['roles'],
  fields: Omit<Parameters<typeof createUser>[1], 'roles'> = {},
) {
  const user = await createUser(system, { ...fields, roles });
  clientAddress += 1;
  const answer = await system.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: `10.1.${clientAddress >> 8}.${clientAddress & 255}`,
    payload: { email: user.email, password: user.password },
  });
  if (answer.statusCode !== 200) throw new Error(`sign-in failed: ${answer.statusCode} ${answer.body}`);
  return { user, token: answer.json<{ accessToken: string }>().accessToken };
}

function expectProblem(answer: HttpAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.body.code).toBe(code);
}

function problemFields(answer: HttpAnswer): string[] {
  return ((answer.body.errors ?? []) as { field: string }[]).map((e) => e.field);
}

describe('comments', () => {
  const clock = new TestClock(new Date('2026-11-02T09:00:00.000Z'));
  let system: TestSystem;
  let secretariat: Actor;
  let lead: Actor;
  let member: Actor;
  let rc: Actor;
  let noteId: string;
  const title = 'Fair recruitment in the Western Balkans';

  beforeAll(async () => {
    system = await startTestSystem({ clock, worker: true });
    secretariat = await actor(system, ['secretariat'], { name: 'Sofia Secretariat' });
    lead = await actor(system, ['applicant'], { organizationCode: 'IOM', name: 'Leila Lead' });
    member = await actor(system, ['applicant'], { organizationCode: 'ILO', name: 'Marco Member' });
    rc = await actor(system, ['resident_coordinator'], { countryCodes: ['SRB'], name: 'Rada Coordinator' });
    noteId = await readyDraft(system, lead.token, { title });
    const team = await http(system, 'PUT', `${NOTES}/${noteId}/team`, {
      token: lead.token,
      body: { memberIds: [member.user.id] },
    });
    expect(team.status).toBe(200);
  });
  afterAll(() => system.close());

  const post = (who: Actor, body: Record<string, unknown>) =>
    http(system, 'POST', `${NOTES}/${noteId}/comments`, { token: who.token, body });

  const bodies = async (who: Actor): Promise<string[]> => {
    const answer = await http(system, 'GET', `${NOTES}/${noteId}/comments`, { token: who.token });
    expect(answer.status).toBe(200);
    return (answer.body as { body: string }[]).map((c) => c.body);
  };

  const outbox = (template: string): Promise<{ recipient_email: string }[]> =>
    system.dataSource.query(
      `SELECT recipient_email FROM notifications WHERE template = $1 AND subject_id = $2 ORDER BY recipient_email`,
      [template, noteId],
    );

  it('shows a team comment to the RC of a listed country once endorsement is requested, not before', async () => {
    const early = await post(lead, { body: 'Draft ready for a first look.' });
    expect(early.status).toBe(201);
    expect(early.body.visibility).toBe('team');
    expectProblem(
      await http(system, 'GET', `${NOTES}/${noteId}/comments`, { token: rc.token }),
      404,
      'NOT_FOUND',
    );
    expectProblem(await post(rc, { body: 'Not yet visible to me' }), 404, 'NOT_FOUND');

    const requested = await http(system, 'POST', `${NOTES}/${noteId}/endorsement-requests`, {
      token: lead.token,
    });
    expect(requested.status).toBe(200);

    const answer = await http(system, 'GET', `${NOTES}/${noteId}/comments`, { token: rc.token });
    expect(answer.body).toEqual([
      expect.objectContaining({
        body: 'Draft ready for a first look.',
        authorName: 'Leila Lead',
        authorRole: 'team',
        visibility: 'team',
      }),
    ]);
    const byRc = await post(rc, { body: 'The ministry supports this.' });
    expect(byRc.status).toBe(201);
    expect(byRc.body.authorRole).toBe('resident_coordinator');
    expect(await bodies(lead)).toContain('The ministry supports this.');
  });

  it('hides a team_only comment from the RC, in the thread and in the history the RC reads', async () => {
    const historyOf = async (who: Actor) =>
      (
        (await http(system, 'GET', `${NOTES}/${noteId}/history`, { token: who.token })).body as {
          action: string;
        }[]
      ).filter((e) => e.action === 'comment.added').length;
    const rcCommentsBefore = await historyOf(rc);
    const teamCommentsBefore = await historyOf(member);

    const internal = await post(member, {
      body: 'Between us: the budget needs another pass.',
      visibility: 'team_only',
    });
    expect(internal.status).toBe(201);
    expect(internal.body.visibility).toBe('team_only');

    expect(await bodies(lead)).toContain('Between us: the budget needs another pass.');
    expect(await bodies(secretariat)).toContain('Between us: the budget needs another pass.');
    expect(await bodies(rc)).not.toContain('Between us: the budget needs another pass.');
    expect(await historyOf(member)).toBe(teamCommentsBefore + 1);
    expect(await historyOf(rc)).toBe(rcCommentsBefore);

    const byRc = await post(rc, { body: 'May I post privately?', visibility: 'team_only' });
    expectProblem(byRc, 400, 'VALIDATION_FAILED');
    expect(problemFields(byRc)).toEqual(['visibility']);
    expect(await bodies(secretariat)).not.toContain('May I post privately?');
  });

  it('hides a secretariat comment from the team and the RC', async () => {
    const note = await post(secretariat, {
      body: 'Screening note: strong proposal.',
      visibility: 'secretariat',
    });
    expect(note.status).toBe(201);
    expect(await bodies(secretariat)).toContain('Screening note: strong proposal.');
    for (const reader of [lead, member, rc]) {
      expect(await bodies(reader)).not.toContain('Screening note: strong proposal.');
    }
    // Nor can the team answer it or post one.
    const reply = await post(member, { body: 'Replying to what I cannot see', parentId: note.body.id });
    expectProblem(reply, 400, 'VALIDATION_FAILED');
    expect(problemFields(reply)).toEqual(['parentId']);
    const byTeam = await post(lead, { body: 'For the secretariat only', visibility: 'secretariat' });
    expectProblem(byTeam, 400, 'VALIDATION_FAILED');
    expect(problemFields(byTeam)).toEqual(['visibility']);
  });

  it('lets only the secretariat ask for an answer (403 to the team and the RC), storing nothing', async () => {
    for (const who of [lead, member, rc]) {
      const answer = await post(who, { body: `Please answer, ${who.user.name}`, needsAnswer: true });
      expectProblem(answer, 403, 'COMMENT.CLARIFICATION_BY_SECRETARIAT');
    }
    const stored = await bodies(secretariat);
    expect(stored.filter((b) => b.startsWith('Please answer'))).toEqual([]);
  });

  it("e-mails a clarification request to the team; the team's reply answers it and e-mails the secretariat", async () => {
    const question = 'Please detail the indirect costs of ILO.';
    const asked = await post(secretariat, {
      body: question,
      needsAnswer: true,
      replyBy: '2026-11-20T17:00:00Z',
    });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({
      needsAnswer: true,
      answeredAt: null,
      replyBy: '2026-11-20T17:00:00.000Z',
    });

    expect((await outbox('clarification_requested')).map((r) => r.recipient_email)).toEqual(
      [lead.user.email, member.user.email].sort(),
    );
    await system.smtp.waitFor((messages) =>
      [lead, member].every((who) =>
        messages.some(
          (m) => m.to.includes(who.user.email) && m.subject === `Clarification requested: ${title}`,
        ),
      ),
    );
    expect(
      system.smtp.to(member.user.email).find((m) => m.subject.startsWith('Clarification requested'))?.text,
    ).toContain(question);

    // The RC's reply does not answer it: only the team does.
    const byRc = await post(rc, { body: 'The RC office can help.', parentId: asked.body.id });
    expect(byRc.status).toBe(201);
    const stillOpen = (
      await http(system, 'GET', `${NOTES}/${noteId}/comments`, { token: secretariat.token })
    ).body.find((c: { id: string }) => c.id === asked.body.id);
    expect(stillOpen.answeredAt).toBeNull();

    clock.set('2026-11-05T14:30:00.250Z');
    const reply = await post(member, {
      body: 'ILO indirect costs are 7% of 700,000.',
      parentId: asked.body.id,
    });
    expect(reply.status).toBe(201);
    expect(reply.body.parentId).toBe(asked.body.id);
    expect(reply.body.visibility).toBe('team');

    const thread = (await http(system, 'GET', `${NOTES}/${noteId}/comments`, { token: secretariat.token }))
      .body as { id: string; answeredAt: string | null }[];
    expect(thread.find((c) => c.id === asked.body.id)?.answeredAt).toBe('2026-11-05T14:30:00.250Z');

    expect((await outbox('clarification_answered')).map((r) => r.recipient_email)).toContain(
      secretariat.user.email,
    );
    await system.smtp.waitFor((messages) =>
      messages.some(
        (m) => m.to.includes(secretariat.user.email) && m.subject === `Clarification answered: ${title}`,
      ),
    );
    const mail = system.smtp
      .to(secretariat.user.email)
      .find((m) => m.subject.startsWith('Clarification answered'))!;
    expect(mail.text).toContain('ILO indirect costs are 7% of 700,000.');
    expect(mail.text).toContain('Marco Member');
  });

  it("never changes the note's status or version", async () => {
    const before = (await http(system, 'GET', `${NOTES}/${noteId}`, { token: lead.token })).body;
    expect(before.status).toBe('awaiting_endorsement');
    const asked = await post(secretariat, { body: 'One more question.', needsAnswer: true });
    await post(lead, { body: 'One more answer.', parentId: asked.body.id });
    await post(secretariat, { body: 'Noted.', visibility: 'secretariat' });
    await post(rc, { body: 'Thanks.' });
    const after = (await http(system, 'GET', `${NOTES}/${noteId}`, { token: lead.token })).body;
    expect({ status: after.status, version: after.version, updatedAt: after.updatedAt }).toEqual({
      status: before.status,
      version: before.version,
      updatedAt: before.updatedAt,
    });
  });
});

describe('attachments', () => {
  let system: TestSystem;
  let lead: Actor;
  let outsider: Actor;
  let noteId: string;

  beforeAll(async () => {
    system = await startTestSystem({ env: { ATTACHMENT_MAX_BYTES: '2048' } });
    lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    outsider = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    const created = await http(system, 'POST', NOTES, {
      token: lead.token,
      body: { title: 'A note with annexes' },
    });
    noteId = created.body.id;
  });
  afterAll(() => system.close());

  const send = (
    file: { filename: string; data: Buffer; contentType?: string },
    token = lead.token,
    kind = 'annex',
  ) => upload(system, `${NOTES}/${noteId}/attachments?kind=${kind}`, token, file);

  const stored = async (): Promise<number> => {
    const [row] = await system.dataSource.query(
      `SELECT count(*)::int AS n FROM attachments WHERE note_id = $1`,
      [noteId],
    );
    return row.n as number;
  };

  /** A real PDF of exactly `size` bytes (a comment line pads it before the end marker). */
  const pdfOf = (size: number) =>
    Buffer.concat([
      PDF_BYTES,
      Buffer.from('%'),
      Buffer.alloc(size - PDF_BYTES.length - 2, 0x41),
      Buffer.from('\n'),
    ]);

  it('refuses a file over ATTACHMENT_MAX_BYTES with 413 naming file, and keeps nothing', async () => {
    for (const size of [2049, 100_000]) {
      const answer = await send({ filename: 'large.pdf', data: pdfOf(size) });
      expectProblem(answer, 413, 'ATTACHMENT.TOO_LARGE');
      expect(answer.body.errors).toEqual([
        { field: 'file', message: 'is larger than the limit of 2048 bytes' },
      ]);
    }
    expect(await stored()).toBe(0);
    expect(existsSync(join(system.config.storageDir, 'notes', noteId))).toBe(false);

    const atLimit = await send({ filename: 'at-the-limit.pdf', data: pdfOf(2048) });
    expect(atLimit.status).toBe(201);
    expect(atLimit.body.sizeBytes).toBe(2048);
  });

  it('refuses a PNG named .pdf with 415 ATTACHMENT.TYPE_MISMATCH naming file', async () => {
    const before = await stored();
    const answer = await send({ filename: 'scan.pdf', data: PNG_BYTES, contentType: 'application/pdf' });
    expectProblem(answer, 415, 'ATTACHMENT.TYPE_MISMATCH');
    expect(problemFields(answer)).toEqual(['file']);
    expect(await stored()).toBe(before);
  });

  it('refuses a text file with 415, whatever its name', async () => {
    const before = await stored();
    const text = Buffer.from('Budget notes: USD 1,498,000 over 24 months.\n');
    for (const filename of ['notes.txt', 'notes.pdf']) {
      const answer = await send({ filename, data: text, contentType: 'application/pdf' });
      expectProblem(answer, 415, 'ATTACHMENT.TYPE_NOT_ALLOWED');
      expect(problemFields(answer)).toEqual(['file']);
    }
    expect(await stored()).toBe(before);
  });

  it('refuses an image as the completed template with 415 naming file', async () => {
    const answer = await send({ filename: 'template.png', data: PNG_BYTES }, lead.token, 'template');
    expectProblem(answer, 415, 'ATTACHMENT.WRONG_KIND');
    expect(problemFields(answer)).toEqual(['file']);
    const note = await http(system, 'GET', `${NOTES}/${noteId}`, { token: lead.token });
    expect(note.body.template).toBeNull();
  });

  it('accepts a PDF with 201, its SHA-256 and the type detected from the bytes, and downloads it as an attachment', async () => {
    const created = await send({ filename: 'budget annex.pdf', data: PDF_BYTES, contentType: 'image/png' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'annex',
      filename: 'budget annex.pdf',
      contentType: 'application/pdf',
      sizeBytes: PDF_BYTES.length,
      sha256: createHash('sha256').update(PDF_BYTES).digest('hex'),
      uploadedById: lead.user.id,
    });

    const listed = await http(system, 'GET', `${NOTES}/${noteId}/attachments`, { token: lead.token });
    expect(listed.body.map((a: { id: string }) => a.id)).toContain(created.body.id);

    const download = await http(system, 'GET', `${NOTES}/${noteId}/attachments/${created.body.id}`, {
      token: lead.token,
    });
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="budget annex\.pdf"/);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.raw.equals(PDF_BYTES)).toBe(true);
  });

  it('keeps a non-ASCII filename for the download (RFC 5987) and strips any path from it', async () => {
    const created = await send({ filename: '../../rapport-été.pdf', data: PDF_BYTES });
    expect(created.status).toBe(201);
    expect(created.body.filename).toBe('rapport-été.pdf');
    const download = await http(system, 'GET', `${NOTES}/${noteId}/attachments/${created.body.id}`, {
      token: lead.token,
    });
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="rapport-_t_.pdf"; filename*=UTF-8''${encodeURIComponent('rapport-été.pdf')}`,
    );
  });

  it('refuses team uploads once the note awaits endorsement (409); endorsement letters are for the secretariat (403)', async () => {
    const secretariat = await actor(system, ['secretariat']);
    const id = await readyDraft(system, lead.token);
    const requested = await http(system, 'POST', `${NOTES}/${id}/endorsement-requests`, {
      token: lead.token,
    });
    expect(requested.status).toBe(200);
    const url = (kind: string) => `${NOTES}/${id}/attachments?kind=${kind}`;
    const file = { filename: 'letter.pdf', data: PDF_BYTES };

    expectProblem(
      await upload(system, url('annex'), lead.token, file),
      409,
      'CONCEPT_NOTE.INVALID_TRANSITION',
    );
    expectProblem(
      await upload(system, url('endorsement_letter'), lead.token, file),
      403,
      'ATTACHMENT.FORBIDDEN',
    );
    const letter = await upload(system, url('endorsement_letter'), secretariat.token, file);
    expect(letter.status).toBe(201);
    expect(letter.body.kind).toBe('endorsement_letter');
    const kinds = (await http(system, 'GET', `${NOTES}/${id}/attachments`, { token: lead.token })).body.map(
      (a: { kind: string }) => a.kind,
    );
    expect(kinds).toEqual(['template', 'endorsement_letter']);
  });

  it('answers 404 to an outsider on list, download and upload, and to an attachment of another note', async () => {
    const created = await send({ filename: 'annex.pdf', data: PDF_BYTES });
    const before = await stored();
    const url = `${NOTES}/${noteId}/attachments`;
    expectProblem(await http(system, 'GET', url, { token: outsider.token }), 404, 'NOT_FOUND');
    expectProblem(
      await http(system, 'GET', `${url}/${created.body.id}`, { token: outsider.token }),
      404,
      'NOT_FOUND',
    );
    expectProblem(await send({ filename: 'mine.pdf', data: PDF_BYTES }, outsider.token), 404, 'NOT_FOUND');
    expect(await stored()).toBe(before);

    const other = await http(system, 'POST', NOTES, { token: lead.token, body: { title: 'Another note' } });
    const crossed = await http(system, 'GET', `${NOTES}/${other.body.id}/attachments/${created.body.id}`, {
      token: lead.token,
    });
    expectProblem(crossed, 404, 'NOT_FOUND');
    expectProblem(
      await http(system, 'GET', `${url}/${randomUUID()}`, { token: lead.token }),
      404,
      'NOT_FOUND',
    );
  });
});
