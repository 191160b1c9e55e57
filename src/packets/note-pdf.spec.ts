import { PDFDocument } from 'pdf-lib';
import { TITLES, noteRevision, numberedWords } from '../../test/packet-fixtures';
import { normalise, pdfText, textRuns } from '../../test/pdf-readback';
import { renderNotePdf, type NotePdfData } from './note-pdf';
import { readOutline } from './pdf/outline';

const GENERATED_AT = new Date('2027-02-24T08:30:00Z');

function note(sequence: number, overrides: Partial<NotePdfData> = {}): NotePdfData {
  return { ...noteRevision(sequence), generatedAt: GENERATED_AT, ...overrides };
}

async function render(data: NotePdfData) {
  const bytes = await renderNotePdf(data);
  const doc = await PDFDocument.load(bytes);
  return { bytes, doc, text: pdfText(bytes), raw: pdfText(bytes, 'raw'), pages: doc.getPageCount() };
}

describe('renderNotePdf', () => {
  describe('a revision with every field', () => {
    const data = note(42, {
      title: TITLES.arabic,
      language: 'ar',
      revisionNumber: 3,
      summaryEn: 'The English summary.',
    });
    let result: Awaited<ReturnType<typeof render>>;

    beforeAll(async () => {
      result = await render(data);
    });

    it('names the Fund and the note in the header of every page, with "n / N" below', () => {
      expect(result.pages).toBeGreaterThanOrEqual(2);
      result.text
        .split('\f')
        .slice(0, result.pages)
        .forEach((page) => {
          const [header] = page.split('\n');
          expect(header).toContain('Migration Multi-Partner Trust Fund');
          expect(header).toContain('MIG-CN-2026-0042 ·');
        });
      // (pdftotext's layout mode drops the narrow spaces around the slash; its raw mode keeps them.)
      result.raw
        .split('\f')
        .slice(0, result.pages)
        .forEach((page, i) => expect(page).toMatch(new RegExp(`\\b${i + 1} / ${result.pages}\\s*$`)));
    });

    it('carries the key facts of the revision', () => {
      for (const fact of [
        'MIG-CN-2026-0042',
        'Revision 3',
        '3, frozen 3 November 2026',
        'Arabic (ar)',
        'Multi-country',
        'Serbia (SRB), North Macedonia (MKD)',
        'TA2 — Protecting the human rights of migrants',
        '2. Minimize the adverse drivers and structural factors',
        '7. Address and reduce vulnerabilities in migration',
        'International Organization for Migration (IOM)',
        'Red Cross of Serbia, Migrant Workers Association',
        '24 months',
        'concept-note.docx',
      ]) {
        expect(result.text).toContain(fact);
      }
    });

    it('prints the budget per organization and the sums', () => {
      const row = (cells: string[]) => new RegExp(cells.map((c) => c.replace(/[.()]/g, '\\$&')).join('\\s+'));
      expect(result.text).toMatch(row(['600,000.00', '42,000.00', '642,000.00']));
      expect(result.text).toMatch(row(['400,000.00', '28,000.00', '428,000.00']));
      expect(result.text).toMatch(row(['150,000.50', '10,500.04', '160,500.54']));
      expect(result.text).toMatch(row(['Total', '1,150,000.50', '80,500.04', '1,230,500.54']));
      expect(result.text).toContain('Total budget (USD)                  1,230,500.54');
      expect(result.text).not.toContain('differs from the sum');
    });

    it('prints the three markers with their justifications', () => {
      expect(result.text).toMatch(/Gender\s+2\s+Gender analysis informs every output/);
      expect(result.text).toMatch(/Human rights\s+3\s+Rights-based approach/);
      expect(result.text).toMatch(/Child sensitivity\s+1\s+Child protection referral pathways/);
    });

    it('prints the summaries and the narrative sections in the template order', () => {
      const flat = normalise(result.text);
      const start = (text: string | null) => normalise(text!).slice(0, 40);
      const order = [
        'Summary',
        start(data.summary),
        'SummaryinEnglish',
        'TheEnglishsummary.',
        'Beneficiaries',
        start(data.beneficiaries),
        'Theoryofchange',
        start(data.theoryOfChange),
        'Expectedresults',
        start(data.expectedResults),
        'Sustainability',
        start(data.sustainability),
        'Risks',
        start(data.risks),
      ];
      let from = flat.indexOf('Markers');
      for (const part of order) {
        const at = flat.indexOf(part, from);
        expect(at).toBeGreaterThan(from);
        from = at;
      }
    });

    it('writes the Arabic title as the same text', async () => {
      const runs = await textRuns(result.bytes);
      expect(runs.filter((r) => r.reversed === TITLES.arabic).length).toBeGreaterThanOrEqual(2);
      const line = result.text.split('\n').find((l) => /^[\u0600-\u06FF]+$/.test(normalise(l)))!;
      expect(line).toContain('برنامج');
      expect(line).toContain('الهجرة');
      expect(Array.from(normalise(line)).sort()).toEqual(Array.from(normalise(TITLES.arabic)).sort());
    });

    it('has an outline: the note, then its sections', () => {
      expect(readOutline(result.doc).map((e) => e.title)).toEqual([
        `MIG-CN-2026-0042 — ${TITLES.arabic}`,
        'Key facts',
        'Budget',
        'Markers',
        'Summary',
        'Summary in English',
        'Beneficiaries',
        'Theory of change',
        'Expected results',
        'Sustainability',
        'Risks',
      ]);
    });

    it('is reproducible: the same revision gives the same bytes', async () => {
      expect(Buffer.from(await renderNotePdf(data)).equals(Buffer.from(result.bytes))).toBe(true);
    });
  });

  it.each([
    ['Chinese', TITLES.chinese, 'zh'],
    ['Russian', TITLES.russian, 'ru'],
  ])('writes a %s title as the same text', async (_, title, language) => {
    const { text, bytes } = await render(note(7, { title, language }));
    expect(normalise(text)).toContain(normalise(`${title}MIG-CN-2026-0007·Revision2`));
    expect((await textRuns(bytes)).some((r) => r.drawn === title)).toBe(true);
  });

  it('prints a 10,000-word summary completely, in order, across pages', async () => {
    const summary = numberedWords(10_000);
    const { text, pages } = await render(note(8, { summary }));
    expect(pages).toBeGreaterThan(10);
    const expected = summary.split(' ');
    const vocabulary = new Set(expected);
    expect((text.match(/[a-z]+\d+/g) ?? []).filter((w) => vocabulary.has(w))).toEqual(expected);
  });

  it('flows a table cell of 3,000 words across pages, every word in order', async () => {
    const justification = numberedWords(3_000);
    const base = noteRevision(10);
    const { text, pages } = await render(
      note(10, { markers: { ...base.markers, gender: { marker: 3, justification } } }),
    );
    expect(pages).toBeGreaterThan(4);
    const expected = justification.split(' ');
    const vocabulary = new Set(expected);
    expect((text.match(/[a-z]+\d+/g) ?? []).filter((w) => vocabulary.has(w))).toEqual(expected);
  });

  it('prints a draft without a reference, and flags a stated total that is not the sum of the shares', async () => {
    const { text } = await render(note(9, { referenceCode: null, totalBudgetUsd: '1000000' }));
    expect(text).toContain('Draft (no reference yet)');
    expect(text).toContain('The stated total budget (USD 1,000,000.00) differs from the sum of the shares');
  });
});
