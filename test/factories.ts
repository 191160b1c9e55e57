import { randomBytes } from 'node:crypto';
import { http, type HttpAnswer, type TestSystem } from './harness';

/** The bytes of a tiny but real PDF (enough for type detection from the content). */
export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
/** A PNG signature and header: an image, whatever its file name says. */
export const PNG_BYTES = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(17),
]);

/** Every field of the template filled in, for a note that passes precheck once its template is attached. */
export function completeNote(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Safe labour migration corridors in the Western Balkans',
    summary: 'Joint programme on fair recruitment and protection of migrant workers.',
    language: 'en',
    scope: 'multi_country',
    countryCodes: ['SRB', 'MKD'],
    primaryThematicAreaCode: 'TA4',
    gcmObjectiveNumbers: [5, 6],
    conveningOrganizationCode: 'IOM',
    participatingOrganizations: [
      { organizationCode: 'IOM', directCostsUsd: 700000 },
      { organizationCode: 'ILO', directCostsUsd: 700000 },
    ],
    totalBudgetUsd: 1498000,
    implementingPartners: ['Ministry of Labour'],
    durationMonths: 24,
    markers: {
      gender: { marker: 2, justification: 'Women migrant workers are a main target group.' },
      humanRights: { marker: 2, justification: 'Rights-based recruitment standards.' },
      childSensitivity: { marker: 1, justification: 'Children left behind are considered.' },
    },
    beneficiaries: 'Migrant workers and their families.',
    theoryOfChange: 'If recruitment is fair, then migration is safer.',
    expectedResults: 'Bilateral agreements; fair recruitment certification.',
    sustainability: 'Institutionalised in national employment services.',
    risks: 'Political turnover; mitigated by multi-stakeholder governance.',
    ...overrides,
  };
}

/** Sends one file as multipart/form-data. */
export async function upload(
  system: TestSystem,
  url: string,
  token: string,
  file: { filename: string; data: Buffer; contentType?: string },
): Promise<HttpAnswer> {
  const boundary = `----mptf${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
    ),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await system.app.inject({
    method: 'POST',
    url,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload,
  });
  const type = String(response.headers['content-type'] ?? '');
  return {
    status: response.statusCode,
    body: type.includes('json') && response.body ? JSON.parse(response.body) : response.body,
    headers: response.headers as HttpAnswer['headers'],
    raw: response.rawPayload,
  };
}

/** A complete draft with its template attached, created by `token` (an applicant of the convening organization). */
export async function readyDraft(
  system: TestSystem,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const created = await http(system, 'POST', '/api/v1/concept-notes', {
    token,
    body: completeNote(overrides),
  });
  if (created.status !== 201)
    throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const attached = await upload(system, `/api/v1/concept-notes/${id}/attachments?kind=template`, token, {
    filename: 'concept-note.pdf',
    data: PDF_BYTES,
  });
  if (attached.status !== 201)
    throw new Error(`template upload failed: ${attached.status} ${JSON.stringify(attached.body)}`);
  return id;
}

/**
 * Runs requests at once while a SHARE lock on `table` holds back every insert into it, and lets
 * them go only when each waits on a lock: they are then all past their reads, unless one waits
 * for another's row lock. This makes a race that timing alone would rarely produce.
 */
export async function racing(
  system: TestSystem,
  table: string,
  requests: Promise<HttpAnswer>[],
): Promise<HttpAnswer[]> {
  const blocker = system.dataSource.createQueryRunner();
  await blocker.connect();
  await blocker.startTransaction();
  try {
    await blocker.query(`LOCK TABLE ${table} IN SHARE MODE`);
    const answers = Promise.all(requests);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [{ n }] = await system.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (n >= requests.length || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await blocker.commitTransaction();
    return await answers;
  } finally {
    if (blocker.isTransactionActive) await blocker.rollbackTransaction();
    await blocker.release();
  }
}
