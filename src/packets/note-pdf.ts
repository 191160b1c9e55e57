/**
 * A concept note's revision as a PDF (GET /concept-notes/:id/pdf), and the sections of a note that
 * the committee packet repeats (key facts, budget, markers, summaries). Pure rendering: the caller
 * loads the revision and resolves codes to names.
 */
import type { NoteContent } from '../concept-notes/concept-note.rules';
import { sumCents, toCents, centsToDecimal } from '../common/money';
import { DASH, FUND_NAME, day, label, text, usd, utc } from './format';
import { COLORS, PdfLayout } from './pdf/layout';

/** A revision's content (as frozen) with the names a reader needs. */
export interface NoteRevisionData extends NoteContent {
  /** Given at first submission; a draft has none yet. */
  referenceCode: string | null;
  revisionNumber: number;
  /** When the revision was frozen. */
  frozenAt: Date | null;
  /** The note's status, when worth printing. */
  status: string | null;
  /** Country names, in the order of countryCodes. */
  countryNames: string[];
  thematicAreaTitle: string | null;
  /** The targeted GCM objectives with their titles, in the order of gcmObjectiveNumbers. */
  gcmObjectives: { number: number; title: string }[];
  /** Names of the convening and participating organizations by code; the code stands in for a missing one. */
  organizationNames: Record<string, string>;
}

export interface NotePdfData extends NoteRevisionData {
  /** Printed in the footer and the metadata (from the application clock): same input, same bytes. */
  generatedAt: Date;
}

const NARRATIVE: { field: keyof NoteContent; title: string }[] = [
  { field: 'beneficiaries', title: 'Beneficiaries' },
  { field: 'theoryOfChange', title: 'Theory of change' },
  { field: 'expectedResults', title: 'Expected results' },
  { field: 'sustainability', title: 'Sustainability' },
  { field: 'risks', title: 'Risks' },
];

const MARKERS: { key: keyof NoteContent['markers']; title: string }[] = [
  { key: 'gender', title: 'Gender' },
  { key: 'humanRights', title: 'Human rights' },
  { key: 'childSensitivity', title: 'Child sensitivity' },
];

const SCOPE: Record<NonNullable<NoteContent['scope']>, string> = {
  national: 'National',
  multi_country: 'Multi-country',
  regional: 'Regional',
  global: 'Global',
};

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

function languageName(code: string): string {
  try {
    return `${languageNames.of(code) ?? code} (${code})`;
  } catch {
    return code;
  }
}

function organization(note: NoteRevisionData, code: string | null): string {
  if (!code) return DASH;
  const name = note.organizationNames[code];
  return name && name !== code ? `${name} (${code})` : code;
}

/** "MIG-CN-2026-0042" or, for a draft, a plain word. */
export function noteReference(note: Pick<NoteRevisionData, 'referenceCode'>): string {
  return note.referenceCode ?? 'Draft (no reference yet)';
}

/** Reference, title, scope, countries, thematic area, objectives, organizations, duration… */
export function keyFacts(pdf: PdfLayout, note: NoteRevisionData): void {
  const countries = note.countryCodes.map((code, i) => {
    const name = note.countryNames[i];
    return name ? `${name} (${code})` : code;
  });
  pdf.fields([
    ['Reference', noteReference(note)],
    ['Revision', `${note.revisionNumber}${note.frozenAt ? `, frozen ${day(note.frozenAt)}` : ''}`],
    ['Title', text(note.title)],
    ['Language', languageName(note.language)],
    ['Scope', note.scope ? SCOPE[note.scope] : DASH],
    ['Countries', countries.length > 0 ? countries.join(', ') : DASH],
    [
      'Thematic area',
      note.primaryThematicAreaCode
        ? `${note.primaryThematicAreaCode}${note.thematicAreaTitle ? ` — ${note.thematicAreaTitle}` : ''}`
        : DASH,
    ],
    [
      'GCM objectives',
      note.gcmObjectiveNumbers.length > 0
        ? note.gcmObjectiveNumbers
            .map((n) => {
              const title = note.gcmObjectives.find((o) => o.number === n)?.title;
              return title ? `${n}. ${title}` : `${n}.`;
            })
            .join('\n')
        : DASH,
    ],
    ['Convening organization', organization(note, note.conveningOrganizationCode)],
    [
      'Participating organizations',
      note.participatingOrganizations.length > 0
        ? note.participatingOrganizations.map((s) => organization(note, s.organizationCode)).join('\n')
        : DASH,
    ],
    [
      'Implementing partners',
      note.implementingPartners.length > 0 ? note.implementingPartners.join(', ') : DASH,
    ],
    ['Total budget (USD)', usd(note.totalBudgetUsd)],
    ['Duration', note.durationMonths === null ? DASH : `${note.durationMonths} months`],
    ['Completed template', note.template ? note.template.filename : DASH],
  ]);
}

/** Direct costs, indirect support costs and total per participating organization, and their sums. */
export function budget(pdf: PdfLayout, note: NoteRevisionData): void {
  const shares = note.participatingOrganizations;
  const sum = (pick: (s: (typeof shares)[number]) => string) =>
    centsToDecimal(sumCents(shares.map((s) => toCents(pick(s)))));
  const total = sum((s) => s.totalUsd);
  pdf.table({
    columns: [
      { header: 'Organization', width: 0.37 },
      { header: 'Direct costs (USD)', width: 0.21, align: 'right' },
      { header: 'Indirect support costs (USD)', width: 0.21, align: 'right' },
      { header: 'Total (USD)', width: 0.21, align: 'right' },
    ],
    rows: [
      ...shares.map((s) => ({
        cells: [
          organization(note, s.organizationCode),
          usd(s.directCostsUsd),
          usd(s.indirectSupportCostsUsd),
          usd(s.totalUsd),
        ],
      })),
      {
        cells: [
          'Total',
          usd(sum((s) => s.directCostsUsd)),
          usd(sum((s) => s.indirectSupportCostsUsd)),
          usd(total),
        ],
        bold: true,
      },
    ],
  });
  if (note.totalBudgetUsd !== null && toCents(note.totalBudgetUsd) !== toCents(total)) {
    pdf.paragraph(
      `The stated total budget (USD ${usd(note.totalBudgetUsd)}) differs from the sum of the shares (USD ${usd(total)}).`,
      { color: COLORS.warning },
    );
  }
}

/** The gender, human-rights and child-sensitivity markers (0–3), each with its justification. */
export function markers(pdf: PdfLayout, note: NoteRevisionData): void {
  pdf.table({
    columns: [
      { header: 'Marker', width: 0.22 },
      { header: 'Score (0–3)', width: 0.12, align: 'center' },
      { header: 'Justification', width: 0.66 },
    ],
    rows: MARKERS.map(({ key, title }) => {
      const marker = note.markers[key];
      return {
        cells: [title, marker.marker === null ? DASH : String(marker.marker), text(marker.justification)],
      };
    }),
  });
}

/** The summary, and the English summary of a note written in another language. */
export function summaries(pdf: PdfLayout, note: NoteRevisionData, level: 2 | 3, bookmarks: boolean): void {
  pdf.heading('Summary', level, bookmarks ? { bookmark: 'Summary' } : {});
  pdf.paragraph(text(note.summary));
  if (note.summaryEn !== null && note.summaryEn.trim() !== '') {
    pdf.heading('Summary in English', level, bookmarks ? { bookmark: 'Summary in English' } : {});
    pdf.paragraph(note.summaryEn);
  }
}

export async function renderNotePdf(note: NotePdfData): Promise<Uint8Array> {
  const reference = noteReference(note);
  const pdf = await PdfLayout.create({
    title: `${note.referenceCode ?? 'Concept note'} — ${note.title}`,
    subject: `Concept note, revision ${note.revisionNumber}`,
    author: FUND_NAME,
    createdAt: note.generatedAt,
    language: 'en',
    header: { left: FUND_NAME, right: `${reference} · ${note.title}` },
    footer: `Concept note, revision ${note.revisionNumber} · generated ${utc(note.generatedAt)}`,
  });
  pdf.paragraph(`${FUND_NAME} · Concept note`, { size: 9, color: COLORS.muted });
  pdf.heading(text(note.title), 1, { bookmark: `${reference} — ${note.title}` });
  pdf.paragraph(
    [reference, `Revision ${note.revisionNumber}`, note.status ? label(note.status) : null]
      .filter((part) => part !== null)
      .join(' · '),
    { size: 10.5, bold: true, color: COLORS.muted },
  );

  pdf.heading('Key facts', 2, { bookmark: 'Key facts' });
  keyFacts(pdf, note);
  pdf.heading('Budget', 2, { bookmark: 'Budget' });
  budget(pdf, note);
  pdf.heading('Markers', 2, { bookmark: 'Markers' });
  markers(pdf, note);
  summaries(pdf, note, 2, true);
  for (const { field, title } of NARRATIVE) {
    pdf.heading(title, 2, { bookmark: title });
    pdf.paragraph(text(note[field] as string | null));
  }
  return pdf.save();
}
