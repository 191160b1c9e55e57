import ExcelJS from 'exceljs';
import { actor, http, startTestSystem, type TestSystem } from '../harness';
import { readyDraft } from '../factories';

interface Row {
  id: string;
  recipientEmail: string;
  template: string;
  locale: string;
  status: string;
  attempts: number;
  sentAt: string | null;
  lastError: string | null;
  messageId: string;
  createdAt: string;
  subjectType: string | null;
  subjectId: string | null;
}

const HEADER = [
  'Created',
  'Recipient',
  'Template',
  'Locale',
  'Status',
  'Attempts',
  'Sent',
  'Last error',
  'Message-ID',
];

/** What a row of the export holds for one item of the JSON list, as text. */
function exported(n: Row): string[] {
  return [
    n.createdAt,
    n.recipientEmail,
    n.template,
    n.locale,
    n.status,
    String(n.attempts),
    n.sentAt ?? '',
    n.lastError ?? '',
    n.messageId,
  ];
}

/** GET /notifications: the e-mail log for the secretariat, filtered by note and by recipient (DESIGN §4). */
describe('the e-mail log', () => {
  let system: TestSystem;
  let secretariat: Awaited<ReturnType<typeof actor>>;
  let rcSerbia: Awaited<ReturnType<typeof actor>>;
  let rcMacedonia: Awaited<ReturnType<typeof actor>>;
  let first: string;
  let second: string;

  beforeAll(async () => {
    system = await startTestSystem();
    const lead = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    [secretariat, rcSerbia, rcMacedonia] = await Promise.all([
      actor(system, ['secretariat']),
      actor(system, ['resident_coordinator'], { countryCodes: ['SRB'], email: 'rc_serbia@test.mptf.org' }),
      actor(system, ['resident_coordinator'], {
        countryCodes: ['MKD'],
        email: 'rcxmacedonia@test.mptf.org',
        locale: 'fr',
      }),
    ]);
    // Two notes whose endorsement requests each e-mail both RCs: four rows, two per note, two per RC.
    first = await readyDraft(system, lead.token, { title: 'First note' });
    second = await readyDraft(system, lead.token, { title: 'Second note' });
    for (const id of [first, second]) {
      const requested = await http(system, 'POST', `/api/v1/concept-notes/${id}/endorsement-requests`, {
        token: lead.token,
      });
      expect(requested.status).toBe(200);
    }
  });
  afterAll(() => system.close());

  const list = async (query: string): Promise<{ total: number; items: Row[] }> => {
    const answer = await http(system, 'GET', `/api/v1/notifications?${query}`, { token: secretariat.token });
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('filters by the note an e-mail is about', async () => {
    const page = await list(`subjectId=${first}`);
    expect(page.total).toBe(2);
    expect(page.items.map((n) => n.recipientEmail).sort()).toEqual([
      'rc_serbia@test.mptf.org',
      'rcxmacedonia@test.mptf.org',
    ]);
    for (const n of page.items) {
      expect(n).toMatchObject({
        subjectType: 'concept_note',
        subjectId: first,
        template: 'endorsement_requested',
        status: 'pending',
      });
    }
    expect(page.items.find((n) => n.recipientEmail === rcMacedonia.user.email)?.locale).toBe('fr');
    expect((await list(`subjectId=${second}`)).items.every((n) => n.subjectId === second)).toBe(true);
  });

  it('filters by part of the recipient address, taking _ and % literally', async () => {
    const serbia = await list('recipient=RC_SERBIA');
    expect(serbia.total).toBe(2);
    expect(serbia.items.map((n) => n.subjectId).sort()).toEqual([first, second].sort());
    expect(serbia.items.every((n) => n.recipientEmail === rcSerbia.user.email)).toBe(true);

    // Unescaped, "rc_" would also match "rcx…"; and "%" would match everything.
    expect((await list('recipient=rc_')).items.map((n) => n.recipientEmail)).toEqual([
      rcSerbia.user.email,
      rcSerbia.user.email,
    ]);
    expect((await list('recipient=%25')).total).toBe(0);
  });

  it('combines the note and recipient filters', async () => {
    const page = await list(`subjectId=${second}&recipient=macedonia`);
    expect(page.items).toEqual([
      expect.objectContaining({ subjectId: second, recipientEmail: rcMacedonia.user.email }),
    ]);
  });

  it('refuses a note filter that is not an id, naming it', async () => {
    const answer = await http(system, 'GET', '/api/v1/notifications?subjectId=MIG-CN-2026-0001', {
      token: secretariat.token,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['subjectId']);
  });

  it('exports the filtered log as CSV and as XLSX with the rows of the JSON list', async () => {
    const query = `subjectId=${first}`;
    const expected = (await list(query)).items.map(exported);
    expect(expected).toHaveLength(2);

    const csv = await http(system, 'GET', `/api/v1/notifications?${query}&format=csv`, {
      token: secretariat.token,
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="notifications.csv"');
    // Values here hold no commas or quotes, so splitting on commas reads the CSV faithfully.
    const rows = String(csv.body)
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\n')
      .map((line) => line.replace(/\r$/, '').split(','));
    expect(rows).toEqual([HEADER, ...expected]);

    const xlsx = await http(system, 'GET', `/api/v1/notifications?${query}&format=xlsx`, {
      token: secretariat.token,
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="notifications.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
    const sheet: string[][] = [];
    workbook.worksheets[0].eachRow((row) => {
      sheet.push(HEADER.map((_, i) => row.getCell(i + 1).text));
    });
    expect(sheet).toEqual([HEADER, ...expected]);
  });

  it('pages through e-mails recorded at one instant without repeating or skipping any', async () => {
    // The two e-mails of one endorsement request share their creation instant.
    const all = (await list('limit=100')).items.map((n) => n.id);
    expect(all).toHaveLength(4);
    const paged: string[] = [];
    for (let page = 1; page <= 4; page++)
      paged.push(...(await list(`limit=1&page=${page}`)).items.map((n) => n.id));
    expect(paged).toEqual(all);
  });

  it('is for the secretariat only', async () => {
    const answer = await http(system, 'GET', '/api/v1/notifications', { token: rcSerbia.token });
    expect(answer.status).toBe(403);
  });
});
