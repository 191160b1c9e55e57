/**
 * The Steering Committee packet of a meeting (DESIGN §3 "Packet"): a cover, the agenda grouped as
 * the secretariat grouped it, then per item the secretariat's assessment, the note's key facts and
 * summary, the screening result, the review summary with anonymized comments and any late
 * exception; one outline entry per item. Pure rendering from plain data: the packet service loads
 * it, and nothing in it can name a reviewer (comments come as a list; their order gives the labels).
 */
import type { ConceptNoteStatus } from '../concept-notes/concept-note.state';
import { anonymousLabel, type Recommendation } from '../reviews/review.rules';
import { DASH, FUND_NAME, label, score, text, usd, utc, zoned } from './format';
import { budget, keyFacts, markers, noteReference, summaries, type NoteRevisionData } from './note-pdf';
import { COLORS, PdfLayout, type TableRow } from './pdf/layout';

export type MeetingKind = 'in_person' | 'virtual' | 'written_procedure';

export interface PacketData {
  meeting: {
    title: string;
    kind: MeetingKind;
    /** Start as entered: wall-clock time in the meeting's zone ("2027-03-10T10:00"). */
    startsLocal: string;
    startsAt: Date;
    timeZone: string;
    cutoffAt: Date;
    location: string | null;
    envelopeUsd: string | null;
  };
  /** Each issue of a meeting's packet is a new version. */
  version: number;
  /** From the application clock; the same data renders the same bytes. */
  generatedAt: Date;
  /** The agenda in order. */
  items: PacketItem[];
}

/**
 * What the cover and the agenda table print of an item: known before any item's content is loaded.
 * Every field is the item's own (PacketItem carries the same ones).
 */
export interface AgendaLine {
  position: number;
  groupLabel: string | null;
  noteStatus: ConceptNoteStatus;
  lateExceptionReason: string | null;
  referenceCode: string | null;
  title: string;
}

/**
 * A packet whose items come one at a time, in agenda order, as the renderer reaches them: the loader
 * reads each item's content (summaries, screening, reviews) only when its section is written, so
 * the data held while rendering does not grow with the agenda. `items` yields exactly one item per
 * agenda line, in the same order.
 */
export interface PacketSource {
  meeting: PacketData['meeting'];
  version: number;
  generatedAt: Date;
  agenda: AgendaLine[];
  items: AsyncIterable<PacketItem> | Iterable<PacketItem>;
}

export interface PacketItem {
  position: number;
  groupLabel: string | null;
  /** The note's status when the packet is issued; see isReady(). */
  noteStatus: ConceptNoteStatus;
  lateExceptionReason: string | null;
  assessment: { summary: string | null; recommendation: string | null };
  /** The revision the item is considered on. */
  note: NoteRevisionData;
  screening: PacketScreening | null;
  reviews: PacketReviews | null;
}

export interface PacketScreening {
  outcome: 'eligible' | 'revision_requested' | 'ineligible';
  revisionKind: 'technical' | 'substantive' | null;
  points: string[];
  screenedAt: Date | null;
  checklist: { code: string; criterion: string; result: 'pass' | 'fail' | 'n.a.'; comment: string | null }[];
}

/** The anonymized summary of the submitted reviews of a note. */
export interface PacketReviews {
  count: number;
  mean: number | null;
  median: number | null;
  /** Highest minus lowest weighted score. */
  spread: number | null;
  perCriterion: { code: string; criterion: string; mean: number | null }[];
  /** Why the secretariat closed the reviews before the minimum count, if it did. */
  closedEarlyReason: string | null;
  /** One entry per submitted review, in submission order: "Reviewer A", "Reviewer B"… by position. */
  comments: ReviewComments[];
}

/** What a reviewer wrote, without who they are. */
export interface ReviewComments {
  weightedScore: number | null;
  recommendation: Recommendation | null;
  overallComment: string | null;
  criterionComments: { code: string; comment: string }[];
}

const KIND: Record<MeetingKind, string> = {
  in_person: 'In person',
  virtual: 'Virtual',
  written_procedure: 'Written procedure',
};

const FLAG_FILL = [1, 0.94, 0.92] as const;

/**
 * An item is ready when its reviews are closed, or when it is an approved note in the pipeline put
 * on the agenda for a funding decision. Anything else is flagged "not ready".
 */
export function isReady(status: ConceptNoteStatus): boolean {
  return status === 'ready_for_committee' || status === 'approved';
}

export function agendaLine(item: PacketItem): AgendaLine {
  return {
    position: item.position,
    groupLabel: item.groupLabel,
    noteStatus: item.noteStatus,
    lateExceptionReason: item.lateExceptionReason,
    referenceCode: item.note.referenceCode,
    title: item.note.title,
  };
}

function flags(item: Pick<AgendaLine, 'noteStatus' | 'lateExceptionReason'>): string[] {
  const found: string[] = [];
  if (!isReady(item.noteStatus)) found.push('NOT READY');
  if (item.lateExceptionReason !== null) found.push('LATE EXCEPTION');
  return found;
}

function cover(pdf: PdfLayout, data: PacketSource): void {
  const { meeting } = data;
  pdf.paragraph(`${FUND_NAME} · Steering Committee`, { size: 10, color: COLORS.muted });
  pdf.heading(meeting.title, 1);
  pdf.paragraph(`Committee packet, version ${data.version}`, { size: 12, bold: true, color: COLORS.muted });
  pdf.gap(6);
  const late = data.agenda.filter((i) => i.lateExceptionReason !== null).length;
  const notReady = data.agenda.filter((i) => !isReady(i.noteStatus)).length;
  pdf.fields([
    ['Meeting', meeting.title],
    ['Kind', KIND[meeting.kind]],
    ['Date and time', zoned(meeting.startsAt, meeting.timeZone)],
    ['Location or link', text(meeting.location)],
    ['Submission cut-off', `${zoned(meeting.cutoffAt, meeting.timeZone)}\n${utc(meeting.cutoffAt)}`],
    ['Funding envelope (USD)', usd(meeting.envelopeUsd)],
    ['Packet version', String(data.version)],
    ['Generated at', `${zoned(data.generatedAt, meeting.timeZone)}\n${utc(data.generatedAt)}`],
    [
      'Items on the agenda',
      `${data.agenda.length} item${data.agenda.length === 1 ? '' : 's'}` +
        (late > 0 ? `; ${late} late exception${late === 1 ? '' : 's'}` : '') +
        (notReady > 0 ? `; ${notReady} not ready` : ''),
    ],
  ]);
  pdf.paragraph(
    'Reviewers are not named in this packet: their comments appear as Reviewer A, Reviewer B… in the order the reviews were submitted, separately for each note.',
    { size: 8.5, color: COLORS.muted },
  );
}

function agenda(pdf: PdfLayout, data: PacketSource): void {
  pdf.pageBreak();
  pdf.heading('Agenda', 1, { bookmark: 'Agenda' });
  const rows: TableRow[] = [];
  const grouped = data.agenda.some((i) => i.groupLabel !== null);
  let group: string | null | undefined;
  for (const item of data.agenda) {
    if (grouped && item.groupLabel !== group) {
      group = item.groupLabel;
      rows.push({ cells: [group ?? 'Other items'], span: true });
    }
    const itemFlags = flags(item);
    rows.push({
      cells: [
        String(item.position),
        noteReference(item),
        item.title,
        [label(item.noteStatus), ...itemFlags].join('\n'),
      ],
      fill: itemFlags.length > 0 ? FLAG_FILL : undefined,
    });
  }
  pdf.table({
    columns: [
      { header: '#', width: 0.06, align: 'right' },
      { header: 'Reference', width: 0.2 },
      { header: 'Title', width: 0.5 },
      { header: 'Status', width: 0.24 },
    ],
    rows,
  });
  pdf.paragraph(
    'NOT READY: the note was not ready for the committee when this packet was issued. ' +
      'LATE EXCEPTION: placed on the agenda after the cut-off; the reason is given with the item.',
    { size: 8.5, color: COLORS.muted },
  );
}

function screening(pdf: PdfLayout, result: PacketScreening | null): void {
  pdf.heading('Screening', 2);
  if (!result) {
    pdf.paragraph('Not screened.', { color: COLORS.muted });
    return;
  }
  const outcome =
    result.outcome === 'revision_requested' && result.revisionKind
      ? `${label(result.outcome)} (${result.revisionKind})`
      : label(result.outcome);
  pdf.fields([
    ['Outcome', outcome],
    ['Screened', result.screenedAt ? utc(result.screenedAt) : DASH],
    ...(result.points.length > 0
      ? [['Revision points', result.points.map((p, i) => `${i + 1}. ${p}`).join('\n')] as const]
      : []),
  ]);
  pdf.table({
    columns: [
      { header: 'Code', width: 0.08 },
      { header: 'Criterion', width: 0.5 },
      { header: 'Result', width: 0.1, align: 'center' },
      { header: 'Comment', width: 0.32 },
    ],
    rows: result.checklist.map((entry) => ({
      cells: [entry.code, entry.criterion, entry.result, entry.comment ?? ''],
      fill: entry.result === 'fail' ? FLAG_FILL : undefined,
    })),
  });
}

function reviews(pdf: PdfLayout, summary: PacketReviews | null): void {
  pdf.heading('Review summary', 2);
  if (!summary || summary.count === 0) {
    pdf.paragraph('No review submitted.', { color: COLORS.muted });
    return;
  }
  pdf.fields([
    ['Submitted reviews', String(summary.count)],
    [
      'Weighted score (0–100)',
      `mean ${score(summary.mean)} · median ${score(summary.median)} · spread ${score(summary.spread)}`,
    ],
    ...(summary.closedEarlyReason ? [['Closed early', summary.closedEarlyReason] as const] : []),
  ]);
  pdf.table({
    columns: [
      { header: 'Code', width: 0.08 },
      { header: 'Criterion', width: 0.74 },
      { header: 'Mean score', width: 0.18, align: 'right' },
    ],
    rows: summary.perCriterion.map((c) => ({ cells: [c.code, c.criterion, score(c.mean)] })),
  });
  pdf.heading("Reviewers' comments", 3);
  summary.comments.forEach((review, index) => {
    const facts = [
      review.weightedScore === null ? null : `weighted score ${score(review.weightedScore)}`,
      review.recommendation ? `recommends: ${label(review.recommendation)}` : null,
    ].filter((f) => f !== null);
    pdf.gap(index === 0 ? 0 : 4);
    pdf.paragraph([anonymousLabel(index), ...facts].join(' · '), { bold: true }, { keep: 30 });
    if (review.overallComment) pdf.paragraph(review.overallComment, {}, { indent: 12 });
    for (const { code, comment } of review.criterionComments) {
      pdf.paragraph(`${code}: ${comment}`, { size: 9 }, { indent: 12 });
    }
    if (!review.overallComment && review.criterionComments.length === 0) {
      pdf.paragraph('No comment.', { color: COLORS.muted }, { indent: 12 });
    }
  });
}

function item(pdf: PdfLayout, entry: PacketItem): void {
  const { note } = entry;
  const reference = noteReference(note);
  pdf.pageBreak();
  pdf.setRunningHeader(`Item ${entry.position} · ${reference} · ${note.title}`);
  pdf.heading(`Item ${entry.position} · ${reference}`, 1, {
    bookmark: `${entry.position}. ${reference} — ${note.title}`,
  });
  pdf.paragraph(text(note.title), { size: 12.5, bold: true });
  const itemFlags = flags(entry);
  pdf.paragraph([entry.groupLabel, label(entry.noteStatus)].filter((p) => p !== null).join(' · '), {
    color: COLORS.muted,
  });
  if (itemFlags.length > 0) pdf.paragraph(itemFlags.join(' · '), { bold: true, color: COLORS.warning });

  pdf.heading("Secretariat's assessment", 2);
  pdf.fields([
    ['Summary', text(entry.assessment.summary)],
    ['Recommendation', text(entry.assessment.recommendation)],
  ]);
  pdf.heading('Key facts', 2);
  keyFacts(pdf, note);
  budget(pdf, note);
  markers(pdf, note);
  summaries(pdf, note, 2, false);
  screening(pdf, entry.screening);
  reviews(pdf, entry.reviews);
  if (entry.lateExceptionReason !== null) {
    pdf.heading('Late exception', 2);
    pdf.paragraph(entry.lateExceptionReason);
  }
}

/** The packet and its page count (recorded with each packet version), from data held in memory. */
export function renderPacket(data: PacketData): Promise<{ bytes: Uint8Array; pageCount: number }> {
  return renderPacketFrom({ ...data, agenda: data.items.map(agendaLine), items: data.items });
}

/**
 * The packet from a source whose items are loaded as they are reached: the cover and the agenda
 * from the agenda lines, then each item's section as it arrives. An item that does not match its
 * agenda line (another position, or one too many or too few) stops the render: the agenda printed
 * is the agenda the sections follow.
 */
export async function renderPacketFrom(
  source: PacketSource,
): Promise<{ bytes: Uint8Array; pageCount: number }> {
  const { meeting } = source;
  const pdf = await PdfLayout.create({
    title: `${meeting.title} — committee packet v${source.version}`,
    subject: `Steering Committee packet, version ${source.version}`,
    author: FUND_NAME,
    createdAt: source.generatedAt,
    language: 'en',
    header: { left: FUND_NAME, right: `${meeting.title} · packet v${source.version}` },
    footer: `Committee packet v${source.version} · generated ${utc(source.generatedAt)}`,
  });
  cover(pdf, source);
  agenda(pdf, source);
  let index = 0;
  for await (const entry of oneByOne(source.items)) {
    const line = source.agenda[index];
    if (!line || line.position !== entry.position) {
      throw new Error(`Packet item ${index + 1} (position ${entry.position}) does not follow the agenda`);
    }
    item(pdf, entry);
    index += 1;
  }
  if (index !== source.agenda.length) {
    throw new Error(`Packet has ${index} item sections for ${source.agenda.length} agenda lines`);
  }
  const bytes = await pdf.save();
  return { bytes, pageCount: pdf.pageCount };
}

/** The items as one async sequence, whether they come loaded or are loaded as they are asked for. */
async function* oneByOne(items: PacketSource['items']): AsyncGenerator<PacketItem> {
  yield* items;
}

export async function renderPacketPdf(data: PacketData): Promise<Uint8Array> {
  return (await renderPacket(data)).bytes;
}
