/**
 * A flowing document on A4 pages: headings, paragraphs, tables, bookmarks; running headers and
 * "n / N" page numbers added once the page count is known.
 *
 * Content goes straight into PDF content-stream operators, one stream per page, compressed and
 * handed to pdf-lib when the page is full: only the page being written is held as text. Every
 * page refers to the same three embedded fonts (resource names F1–F3); pdf-lib subsets them once,
 * when the document is saved. Text is laid out by ./text.ts; a paragraph flows across as many
 * pages as it needs, a table row too (its header row repeated on each page).
 */
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, type PDFFont, type PDFPage } from 'pdf-lib';
import { embedFaces, glyphOrder, type FaceName } from './fonts';
import { writeOutline, type OutlineEntry } from './outline';
import {
  BODY,
  alignOffset,
  layoutText,
  lineHeight,
  truncate,
  type Line,
  type Rgb,
  type TextStyle,
} from './text';

export interface DocumentInfo {
  title: string;
  subject: string;
  author: string;
  /** Written into the metadata, so the same input gives the same bytes. */
  createdAt: Date;
  language: string;
  /** Running header, left and right; the footer carries `footer` on the left and "n / N" on the right. */
  header: { left: string; right: string };
  footer: string;
}

export interface TableColumn {
  header?: string;
  /** Share of the table's width. */
  width: number;
  align?: TextStyle['align'];
}

export interface TableRow {
  cells: string[];
  bold?: boolean;
  fill?: Rgb;
  /** One cell across every column (a group label). */
  span?: boolean;
}

export interface Table {
  columns: TableColumn[];
  rows: TableRow[];
  style?: Partial<TextStyle>;
  /** The first column holds labels (set in a muted colour). */
  labels?: boolean;
}

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { top: 72, right: 56, bottom: 64, left: 56 };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const CELL_PADDING = 4;
/** Room kept below a heading on its page (six lines of body text). */
const KEEP_WITH_HEADING = 6 * lineHeight(BODY);

export const COLORS = {
  text: BODY.color,
  muted: [0.38, 0.4, 0.45] as Rgb,
  accent: [0.0, 0.32, 0.58] as Rgb,
  warning: [0.7, 0.12, 0.08] as Rgb,
  rule: [0.75, 0.77, 0.8] as Rgb,
  headerFill: [0.9, 0.93, 0.96] as Rgb,
  groupFill: [0.95, 0.96, 0.97] as Rgb,
};

const HEADINGS: Record<1 | 2 | 3, Partial<TextStyle>> = {
  1: { size: 16, bold: true, color: COLORS.accent, leading: 1.3 },
  2: { size: 12.5, bold: true, color: COLORS.accent, leading: 1.3 },
  3: { size: 10.5, bold: true, leading: 1.35 },
};

const FONT_KEY: Record<FaceName, string> = { regular: 'F1', bold: 'F2', cjk: 'F3' };

function num(value: number): string {
  return (Math.round(value * 100) / 100).toString();
}

function rgb(color: Rgb): string {
  return color.map(num).join(' ');
}

function style(partial: Partial<TextStyle> = {}): TextStyle {
  return { ...BODY, ...partial };
}

/** Baseline of a line whose box starts at `top`: the glyphs centred in the leading. */
function baseline(top: number, textStyle: TextStyle): number {
  return top - textStyle.size * 0.93 - ((textStyle.leading - 1) * textStyle.size) / 2;
}

interface LaidCell {
  lines: Line[];
  style: TextStyle;
  x: number;
  width: number;
}

interface LaidRow {
  cells: LaidCell[];
  lineCount: number;
  fill?: Rgb;
}

export class PdfLayout {
  private page!: PDFPage;
  private ops: string[] = [];
  private y = 0;
  private readonly bookmarks: OutlineEntry[] = [];
  /** Right-hand header text of each page (the running header when the page began). */
  private readonly headers: string[] = [];
  /** Header and footer texts cut to their width, by text (they repeat from page to page). */
  private readonly fitted = new Map<string, string>();
  /** Glyph ids (hex) of each word drawn so far, per face: subset ids belong to this document. */
  private readonly encoded: Record<FaceName, Map<string, string>> = {
    regular: new Map(),
    bold: new Map(),
    cjk: new Map(),
  };
  private runningHeader: string;

  private constructor(
    private readonly doc: PDFDocument,
    private readonly fonts: Record<FaceName, PDFFont>,
    private readonly info: DocumentInfo,
  ) {
    this.runningHeader = info.header.right;
  }

  static async create(info: DocumentInfo): Promise<PdfLayout> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.setTitle(info.title, { showInWindowTitleBar: true });
    doc.setSubject(info.subject);
    doc.setAuthor(info.author);
    doc.setCreator('MPTF concept-note workflow');
    doc.setProducer('pdf-lib 1.17.1, fontkit 2.0.4');
    doc.setCreationDate(info.createdAt);
    doc.setModificationDate(info.createdAt);
    doc.setLanguage(info.language);
    const layout = new PdfLayout(doc, await embedFaces(doc), info);
    layout.addPage();
    return layout;
  }

  /** Width of the text column, in points. */
  get width(): number {
    return CONTENT_WIDTH;
  }

  get pageCount(): number {
    return this.doc.getPageCount();
  }

  /** Starts a new page unless the current one is still empty. */
  pageBreak(): void {
    if (!this.atPageTop) this.addPage();
  }

  gap(points: number): void {
    if (!this.atPageTop) this.y -= points;
  }

  /** The right-hand header from the current page on (the current page too while it is empty). */
  setRunningHeader(text: string): void {
    this.runningHeader = text;
    if (this.atPageTop) this.headers[this.headers.length - 1] = text;
  }

  /** An outline entry pointing at the current position. */
  bookmark(title: string): void {
    this.bookmarks.push({ title, page: this.page.ref, top: Math.min(PAGE.height, this.y + 6) });
  }

  heading(text: string, level: 1 | 2 | 3, options: { bookmark?: string } = {}): void {
    const headingStyle = style(HEADINGS[level]);
    const lines = layoutText(text, headingStyle, CONTENT_WIDTH);
    const height = lines.length * lineHeight(headingStyle);
    this.gap(level === 1 ? 10 : 8);
    // Keep a heading with what follows: a few lines of text, or a table's header and first rows.
    this.ensure(height + KEEP_WITH_HEADING);
    if (options.bookmark !== undefined) this.bookmark(options.bookmark);
    this.lines(lines, headingStyle, MARGIN.left, CONTENT_WIDTH);
    if (level === 1) this.rule(this.y - 2);
    this.y -= level === 1 ? 8 : 3;
  }

  /** Text in the column; `keep` points of room are kept after it on its page (a label and what it labels). */
  paragraph(
    text: string,
    partial: Partial<TextStyle> = {},
    options: { indent?: number; keep?: number } = {},
  ): void {
    const textStyle = style(partial);
    const indent = options.indent ?? 0;
    const lines = layoutText(text, textStyle, CONTENT_WIDTH - indent);
    if (options.keep) this.ensure(lines.length * lineHeight(textStyle) + options.keep);
    this.lines(lines, textStyle, MARGIN.left + indent, CONTENT_WIDTH - indent);
    this.y -= textStyle.size * 0.5;
  }

  /** Label / value rows: a two-column table without a header. */
  fields(rows: readonly (readonly [string, string])[], partial: Partial<TextStyle> = {}): void {
    this.table({
      columns: [{ width: 0.3 }, { width: 0.7 }],
      rows: rows.map(([label, value]) => ({ cells: [label, value] })),
      style: partial,
      labels: true,
    });
  }

  table(table: Table): void {
    const cellStyle = style({ size: 9, ...table.style });
    const total = table.columns.reduce((sum, c) => sum + c.width, 0);
    const xs: number[] = [];
    let x = MARGIN.left;
    for (const column of table.columns) {
      xs.push(x);
      x += (column.width / total) * CONTENT_WIDTH;
    }
    const widths = table.columns.map((c) => (c.width / total) * CONTENT_WIDTH);
    const layoutRow = (row: TableRow, header: boolean): LaidRow => {
      const cells: LaidCell[] = row.span
        ? [this.cell(row.cells.join(' '), style({ ...cellStyle, bold: true }), MARGIN.left, CONTENT_WIDTH)]
        : table.columns.map((column, i) =>
            this.cell(
              row.cells[i] ?? '',
              style({
                ...cellStyle,
                align: column.align ?? 'start',
                bold: header || row.bold === true,
                color: table.labels && i === 0 ? COLORS.muted : cellStyle.color,
              }),
              xs[i],
              widths[i],
            ),
          );
      const lineCount = Math.max(1, ...cells.map((c) => c.lines.length));
      return { cells, lineCount, fill: header ? COLORS.headerFill : row.span ? COLORS.groupFill : row.fill };
    };
    const header = table.columns.some((c) => c.header)
      ? layoutRow({ cells: table.columns.map((c) => c.header ?? '') }, true)
      : null;
    const step = lineHeight(cellStyle);
    const rowHeight = (lines: number) => lines * step + 2 * CELL_PADDING;
    const first = table.rows[0] ? layoutRow(table.rows[0], false) : null;
    this.ensure((header ? rowHeight(header.lineCount) : 0) + rowHeight(Math.min(first?.lineCount ?? 1, 2)));
    if (header) this.rowSlice(header, 0, header.lineCount, step);
    table.rows.forEach((row, index) => {
      const laid = index === 0 && first ? first : layoutRow(row, false);
      let from = 0;
      while (from < laid.lineCount) {
        const room = Math.floor((this.y - MARGIN.bottom - 2 * CELL_PADDING) / step);
        const left = laid.lineCount - from;
        // Split a row across pages only when at least two of its lines fit here.
        const count = left <= room ? left : room >= 2 ? room : 0;
        if (count > 0) {
          this.rowSlice(laid, from, from + count, step);
          from += count;
        }
        if (from < laid.lineCount) {
          this.addPage();
          if (header) this.rowSlice(header, 0, header.lineCount, step);
        }
      }
    });
    this.y -= 8;
  }

  /** Saves the document: headers, footers with "n / N", outline. */
  async save(): Promise<Uint8Array> {
    this.flushPage();
    const pages = this.doc.getPages();
    pages.forEach((page, index) => this.decorate(page, index + 1, pages.length));
    writeOutline(this.doc, this.bookmarks);
    return this.doc.save({ useObjectStreams: true });
  }

  // --- pages -------------------------------------------------------------------------------

  private get atPageTop(): boolean {
    return this.y === PAGE.height - MARGIN.top;
  }

  private ensure(height: number): void {
    if (this.y - height < MARGIN.bottom && !this.atPageTop) this.addPage();
  }

  private addPage(): void {
    this.flushPage();
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.headers.push(this.runningHeader);
    for (const face of Object.keys(FONT_KEY) as FaceName[]) {
      this.page.node.setFontDictionary(PDFName.of(FONT_KEY[face]), this.fonts[face].ref);
    }
    this.y = PAGE.height - MARGIN.top;
  }

  private flushPage(): void {
    if (this.ops.length === 0) return;
    this.appendStream(this.page, this.ops);
    this.ops = [];
  }

  private appendStream(page: PDFPage, ops: string[]): void {
    // Node's zlib: several times faster than the JavaScript deflate of context.flateStream().
    const { context } = this.doc;
    // Copied to a buffer of its own size: what deflateSync returns for a small stream is a view on
    // its 16 KiB output chunk, and the page would keep the whole chunk alive until the document is
    // saved (two streams a page: about 32 KiB a page instead of the 2–4 KiB compressed).
    const contents = new Uint8Array(deflateSync(Buffer.from(ops.join('\n'), 'latin1')));
    page.node.addContentStream(context.register(context.stream(contents, { Filter: 'FlateDecode' })));
  }

  private decorate(page: PDFPage, number: number, count: number): void {
    const ops: string[] = [];
    const small = style({ size: 7.5, color: COLORS.muted });
    const half = CONTENT_WIDTH / 2 - 12;
    const top = PAGE.height - 40;
    this.line(
      this.truncateToWidth(this.info.header.left, small, half),
      small,
      MARGIN.left,
      half,
      top,
      'left',
      ops,
    );
    this.line(
      this.truncateToWidth(this.headers[number - 1] ?? this.info.header.right, small, half),
      small,
      PAGE.width - MARGIN.right - half,
      half,
      top,
      'right',
      ops,
    );
    ops.push(
      `${rgb(COLORS.rule)} RG 0.5 w ${num(MARGIN.left)} ${num(top - 4)} m ${num(PAGE.width - MARGIN.right)} ${num(top - 4)} l S`,
    );
    const bottom = 30;
    this.line(
      this.truncateToWidth(this.info.footer, small, half),
      small,
      MARGIN.left,
      half,
      bottom,
      'left',
      ops,
    );
    this.line(
      `${number} / ${count}`,
      style({ ...small, size: 8.5 }),
      PAGE.width - MARGIN.right - half,
      half,
      bottom,
      'right',
      ops,
    );
    this.appendStream(page, ops);
  }

  private truncateToWidth(text: string, textStyle: TextStyle, width: number): string {
    const key = `${textStyle.size}|${width}|${text}`;
    let fitted = this.fitted.get(key);
    if (fitted === undefined) this.fitted.set(key, (fitted = truncate(text, textStyle, width)));
    return fitted;
  }

  // --- drawing -----------------------------------------------------------------------------

  private cell(text: string, cellStyle: TextStyle, x: number, width: number): LaidCell {
    const inner = width - 2 * CELL_PADDING;
    return { lines: text === '' ? [] : layoutText(text, cellStyle, inner), style: cellStyle, x, width };
  }

  /** Lines of one block, flowing onto new pages as needed. */
  private lines(lines: readonly Line[], textStyle: TextStyle, left: number, width: number): void {
    const step = lineHeight(textStyle);
    for (const line of lines) {
      this.ensure(step);
      this.drawLine(line, textStyle, left, width, baseline(this.y, textStyle), this.ops);
      this.y -= step;
    }
  }

  /** Lines [from, to) of a table row at the current position, with its fill and cell borders. */
  private rowSlice(row: LaidRow, from: number, to: number, step: number): void {
    const height = (to - from) * step + 2 * CELL_PADDING;
    const bottom = this.y - height;
    if (row.fill) {
      this.ops.push(
        `${rgb(row.fill)} rg ${num(MARGIN.left)} ${num(bottom)} ${num(CONTENT_WIDTH)} ${num(height)} re f`,
      );
    }
    this.ops.push(`${rgb(COLORS.rule)} RG 0.5 w`);
    for (const cell of row.cells) {
      this.ops.push(`${num(cell.x)} ${num(bottom)} ${num(cell.width)} ${num(height)} re S`);
      for (let i = from; i < Math.min(to, cell.lines.length); i++) {
        const top = this.y - CELL_PADDING - (i - from) * step;
        this.drawLine(
          cell.lines[i],
          cell.style,
          cell.x + CELL_PADDING,
          cell.width - 2 * CELL_PADDING,
          baseline(top, cell.style),
          this.ops,
        );
      }
    }
    this.y = bottom;
  }

  private rule(y: number): void {
    this.ops.push(
      `${rgb(COLORS.rule)} RG 0.75 w ${num(MARGIN.left)} ${num(y)} m ${num(PAGE.width - MARGIN.right)} ${num(y)} l S`,
    );
  }

  /** One line of text that is known to fit (headers, footers). */
  private line(
    text: string,
    textStyle: TextStyle,
    left: number,
    width: number,
    y: number,
    align: TextStyle['align'],
    ops: string[],
  ): void {
    const [first] = layoutText(text, textStyle, width);
    if (first) this.drawLine(first, { ...textStyle, align }, left, width, y, ops);
  }

  /**
   * The run as a hex string of glyph ids: what `PDFFont.encodeText` gives for the whole run, built
   * from each word's encoding (encoded once per document) in the order of the font's layout.
   */
  private encode(face: FaceName, text: string): string {
    const font = this.fonts[face];
    const words = glyphOrder(text);
    if (!words) return font.encodeText(text).toString();
    const cache = this.encoded[face];
    let hex = '<';
    for (const word of words) {
      let glyphs = cache.get(word);
      if (glyphs === undefined) cache.set(word, (glyphs = font.encodeText(word).asString()));
      hex += glyphs;
    }
    return hex + '>';
  }

  private drawLine(
    line: Line,
    textStyle: TextStyle,
    left: number,
    width: number,
    y: number,
    ops: string[],
  ): void {
    if (line.runs.length === 0) return;
    const x = left + alignOffset(line, textStyle.align, width);
    const parts = ['BT', `${rgb(textStyle.color)} rg`];
    let face: FaceName | null = null;
    for (const run of line.runs) {
      if (run.face !== face) {
        parts.push(`/${FONT_KEY[run.face]} ${num(textStyle.size)} Tf`);
        face = run.face;
      }
      parts.push(`1 0 0 1 ${num(x + run.x)} ${num(y)} Tm ${this.encode(run.face, run.text)} Tj`);
    }
    parts.push('ET');
    ops.push(parts.join(' '));
  }
}
