import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import {
  MIXED,
  REVIEW_COMMENTS,
  TITLES,
  mixedItems,
  noteRevision,
  numberedWords,
  packet,
  packetItem,
} from '../../test/packet-fixtures';
import { normalise, pdfText, textRuns, type TextRun } from '../../test/pdf-readback';
import {
  agendaLine,
  renderPacket,
  renderPacketFrom,
  renderPacketPdf,
  type PacketData,
  type PacketItem,
} from './packet-pdf';
import { readOutline } from './pdf/outline';

/** The letters of an Arabic string, sorted: survives pdftotext's lam-alef swap and visual order. */
function letters(text: string): string {
  return Array.from(normalise(text)).sort().join('');
}

describe('renderPacketPdf', () => {
  const LONG = numberedWords(10_000);
  let data: PacketData;
  let bytes: Uint8Array;
  let text: string;
  let flat: string;
  let runs: TextRun[];
  let doc: PDFDocument;

  beforeAll(async () => {
    data = packet([
      ...mixedItems(),
      packetItem(5, noteRevision(15, { summary: LONG }), { groupLabel: null }),
      packetItem(6, noteRevision(16, { title: MIXED })),
    ]);
    bytes = await renderPacketPdf(data);
    text = pdfText(bytes);
    flat = normalise(text);
    runs = await textRuns(bytes);
    doc = await PDFDocument.load(bytes);
  });

  it('prints the cover: meeting, kind, local time in its zone, cut-off, version, generation time', () => {
    const cover = text.split('\f')[0];
    expect(cover).toContain('Steering Committee — 12th meeting');
    expect(cover).toContain('Committee packet, version 3');
    expect(cover).toContain('In person');
    expect(cover).toContain('Wednesday 10 March 2027, 10:00 CET (Europe/Zurich, UTC+01:00)');
    expect(cover).toContain('Wednesday 27 January 2027, 10:00 CET (Europe/Zurich, UTC+01:00)');
    expect(cover).toContain('2027-01-27 09:00 UTC');
    expect(cover).toContain('2027-02-24 08:30 UTC');
    expect(cover).toContain('Palais des Nations, Geneva');
    expect(cover).toContain('25,000,000.00');
  });

  it('lists every agenda note, reference and title, in order, grouped and flagged', () => {
    const agendaPage = text.split('\f').findIndex((page) => page.includes('Agenda'));
    const agenda = normalise(text.split('\f').slice(agendaPage).join(''));
    let from = 0;
    for (const item of data.items) {
      const at = agenda.indexOf(normalise(item.note.referenceCode!), from);
      expect(at).toBeGreaterThanOrEqual(from);
      from = at;
    }
    const agendaText = text.slice(text.indexOf('Agenda'), text.indexOf('Item 1 · '));
    expect(agendaText).toContain('TA2 — Protecting the human rights of migrants');
    expect(agendaText).toContain('TA4 — Facilitating regular migration');
    expect(agendaText).toContain('Other items');
    expect(agendaText).toContain('LATE EXCEPTION');
    expect(agendaText).toContain('NOT READY');
    // Titles, in order (pdftotext's raw mode keeps a table cell's lines together); Arabic is checked below.
    const raw = normalise(pdfText(bytes, 'raw'));
    let after = raw.indexOf(normalise('Reference'));
    for (const item of data.items.filter((i) => !/[\u0600-\u06FF]/.test(i.note.title))) {
      const at = raw.indexOf(normalise(`${item.note.referenceCode}${item.note.title}`), after);
      expect(at).toBeGreaterThan(after);
      after = at;
    }
  });

  it('gives each agenda item its section, in agenda order, starting on its own page', () => {
    const pages = text.split('\f');
    let previous = -1;
    for (const item of data.items) {
      const heading = `Item ${item.position} · ${item.note.referenceCode}`;
      const page = pages.findIndex((p) => p.includes(heading));
      expect(page).toBeGreaterThan(previous);
      previous = page;
    }
  });

  it('has one outline entry per note, pointing at the first page of its section', () => {
    const outline = readOutline(doc);
    const pages = text.split('\f');
    expect(outline[0].title).toBe('Agenda');
    const notes = outline.slice(1);
    expect(notes).toHaveLength(data.items.length);
    notes.forEach((entry, i) => {
      const item = data.items[i];
      expect(entry.title).toBe(`${item.position}. ${item.note.referenceCode} — ${item.note.title}`);
      expect(pages[entry.pageIndex]).toContain(`Item ${item.position} · ${item.note.referenceCode}`);
    });
  });

  it('numbers every page "n / N"', () => {
    const count = doc.getPageCount();
    expect(count).toBeGreaterThan(20);
    // (pdftotext's layout mode may drop the narrow spaces around the slash; its raw mode keeps them.)
    pdfText(bytes, 'raw')
      .split('\f')
      .slice(0, count)
      .forEach((page, i) => expect(page).toMatch(new RegExp(`\\b${i + 1} / ${count}\\s*$`)));
  });

  it('writes the Chinese and Russian titles as the same text', () => {
    for (const title of [TITLES.chinese, TITLES.russian]) {
      expect(flat).toContain(normalise(title));
      expect(runs.some((r) => r.drawn === title)).toBe(true);
    }
  });

  it('writes the Arabic title as the same text: exact in the text layer, same words and letters for pdftotext', () => {
    // The text layer: one run, glyphs drawn right to left, mapped back to the very same letters.
    const run = runs.find((r) => r.reversed === TITLES.arabic);
    expect(run).toBeDefined();
    expect(run!.drawn).not.toBe(TITLES.arabic);
    // pdftotext: words without a lam-alef ligature come back exactly; the whole title letter for letter.
    const section = text.split('\f').find((p) => p.includes('Item 1 · '))!;
    const line = section.split('\n').find((l) => /^[\u0600-\u06FF]+$/.test(normalise(l)))!;
    expect(line).toContain('برنامج');
    expect(line).toContain('الهجرة');
    expect(letters(line)).toBe(letters(TITLES.arabic));
  });

  it('keeps each run of a line mixing Arabic, Latin and Cyrillic in its order', () => {
    // The text layer, left to right: Latin, the Arabic run (its glyphs drawn right to left), Latin, Cyrillic.
    const start = runs.find((r) => r.drawn.startsWith('Safe migration') && r.x === 56)!;
    const line = runs.filter((r) => r.page === start.page && r.y === start.y).sort((a, b) => a.x - b.x);
    const visual = line.map((r) =>
      r.font === 'F1' && /[\u0600-\u06FF]/.test(r.drawn) ? `[${r.reversed}]` : r.drawn,
    );
    expect(visual.join('')).toBe(`Safe migration [${TITLES.arabic}] and ${TITLES.russian}`);
    // pdftotext reads the line back in logical order.
    const section = text.slice(text.indexOf('Item 1 · '), text.indexOf('Item 2 · '));
    const extracted = normalise(section.split('\n').find((l) => l.includes('Safe migration'))!);
    const order = ['Safemigration', 'برنامج', 'الهجرة', 'and', normalise(TITLES.russian)].map((w) =>
      extracted.indexOf(w),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('prints a 10,000-word summary completely, in order, across pages', () => {
    const expected = LONG.split(' ');
    const vocabulary = new Set(expected);
    const found = (text.match(/[a-z]+\d+/g) ?? []).filter((w) => vocabulary.has(w));
    expect(found).toEqual(expected);
  });

  it("puts the secretariat's assessment first in each item, then facts, screening, reviews", () => {
    const section = text.slice(text.indexOf('Item 3 · '), text.indexOf('Item 4 · '));
    const order = [
      "Secretariat's assessment",
      'Item 3 meets the eligibility criteria',
      'Key facts',
      'International Organization for Migration',
      '642,000.00',
      'Summary in English',
      'Screening',
      'Review summary',
      'Late exception',
      'Resubmitted after a technical revision',
    ].map((s) => section.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('summarises the reviews anonymously: figures, per-criterion means, comments as Reviewer A, B, C', () => {
    const section = text.slice(text.indexOf('Item 2 · '), text.indexOf('Item 3 · '));
    expect(section).toContain('mean 67.50 · median 67.50 · spread 15.00');
    expect(section).toMatch(/Q1\s+Relevance: alignment with the targeted GCM objectives\s+3\.33/);
    for (const [i, comment] of REVIEW_COMMENTS.entries()) {
      expect(section).toContain(`Reviewer ${'ABC'[i]} ·`);
      expect(normalise(section)).toContain(normalise(comment));
    }
    expect(section).not.toContain('Reviewer D');
    expect(section).toMatch(/E5\s+Total budget within the Fund's band.*\s+fail/);
  });

  it('is reproducible: the same data gives the same bytes (and the page count to record)', async () => {
    const again = await renderPacket(data);
    expect(Buffer.from(again.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(again.pageCount).toBe(doc.getPageCount());
  });

  it('renders the same bytes from items loaded one at a time as from items held in memory', async () => {
    let loaded = 0;
    const items = data.items;
    const lazy = await renderPacketFrom({
      ...data,
      agenda: items.map(agendaLine),
      items: (async function* () {
        for (const item of items) {
          loaded += 1;
          yield await Promise.resolve(item);
        }
      })(),
    });
    expect(loaded).toBe(items.length);
    expect(Buffer.from(lazy.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses items that do not follow the agenda it printed', async () => {
    const agenda = data.items.map(agendaLine);
    const source = (items: PacketItem[]) => renderPacketFrom({ ...data, agenda, items });
    await expect(source(data.items.slice(0, -1))).rejects.toThrow(/item sections for/);
    await expect(source([...data.items].reverse())).rejects.toThrow(/does not follow the agenda/);
    await expect(source([...data.items, data.items[0]])).rejects.toThrow(/does not follow the agenda/);
  });

  it('embeds three subset fonts with Unicode maps, which poppler renders without complaint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mptf-packet-'));
    try {
      const file = join(dir, 'packet.pdf');
      writeFileSync(file, bytes);
      const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' })
        .split('\n')
        .slice(2)
        .filter(Boolean);
      expect(fonts.map((f) => f.split(/\s+/)[0])).toEqual([
        'MPTFRG+DejaVuSans',
        'MPTFBD+DejaVuSans-Bold',
        'MPTFSC+NotoSansSC-Regular',
      ]);
      for (const font of fonts) expect(font).toMatch(/yes\s+yes\s+yes/);
      const stderr = execFileSync(
        'sh',
        ['-c', `pdftoppm -r 30 -f 1 -l 12 -png "${file}" "${dir}/p" 2>&1 >/dev/null`],
        {
          encoding: 'utf8',
        },
      );
      expect(stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
