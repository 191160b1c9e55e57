/**
 * Reading our PDFs back in tests: the text as poppler's pdftotext extracts it, a page as PNG, and
 * the text layer we wrote (each text-showing operator's glyphs mapped through the font's ToUnicode
 * CMap, in drawing order) — the last is exact where extractors re-order right-to-left text.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFRawStream,
  PDFRef,
  decodePDFRawStream,
  type PDFObject,
} from 'pdf-lib';

function withTempDir<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'mptf-pdf-'));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `pdftotext -layout` of the whole document (pages separated by form feeds). */
export function pdfText(bytes: Uint8Array, mode: 'layout' | 'raw' = 'layout'): string {
  return withTempDir((dir) => {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, bytes);
    return execFileSync('pdftotext', [`-${mode}`, '-enc', 'UTF-8', file, '-'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
  });
}

/** One page rendered by pdftoppm, written to `out` (a .png path). */
export function pdfPagePng(bytes: Uint8Array, page: number, out: string, dpi = 110): void {
  withTempDir((dir) => {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, bytes);
    execFileSync('pdftoppm', [
      '-r',
      String(dpi),
      '-f',
      String(page),
      '-l',
      String(page),
      '-png',
      '-singlefile',
      file,
      join(dir, 'page'),
    ]);
    writeFileSync(out, readFileSync(join(dir, 'page.png')));
  });
}

const BIDI_MARKS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** NFKC (presentation forms and ligatures back to letters), without white space or bidi marks. */
export function normalise(text: string): string {
  return text.normalize('NFKC').replace(BIDI_MARKS, '').replace(/\s+/g, '');
}

export interface TextRun {
  page: number;
  font: string;
  x: number;
  y: number;
  /** The glyphs' Unicode text in the order they are drawn (visual order, left to right). */
  drawn: string;
  /** The same glyphs read right to left (the logical order of a right-to-left run). */
  reversed: string;
}

function stream(doc: PDFDocument, object: PDFObject | undefined): Uint8Array | null {
  const resolved = object instanceof PDFRef ? doc.context.lookup(object) : object;
  return resolved instanceof PDFRawStream ? decodePDFRawStream(resolved).decode() : null;
}

function toUnicode(doc: PDFDocument, font: PDFDict): Map<string, string> {
  const map = new Map<string, string>();
  const bytes = stream(doc, font.get(PDFName.of('ToUnicode')));
  if (!bytes) return map;
  const text = Buffer.from(bytes).toString('latin1');
  for (const [, glyph, unicode] of text.matchAll(/<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>/g)) {
    const units: number[] = [];
    for (let i = 0; i < unicode.length; i += 4) units.push(parseInt(unicode.slice(i, i + 4), 16));
    map.set(glyph.toLowerCase(), String.fromCharCode(...units));
  }
  return map;
}

/**
 * Every text-showing operator of the document, as written by src/packets/pdf/layout.ts
 * (`/Fn size Tf`, `1 0 0 1 x y Tm <glyph ids> Tj`).
 */
export async function textRuns(bytes: Uint8Array): Promise<TextRun[]> {
  const doc = await PDFDocument.load(bytes);
  const runs: TextRun[] = [];
  doc.getPages().forEach((page, index) => {
    const fonts = page.node.Resources()?.lookup(PDFName.of('Font'), PDFDict);
    const maps = new Map<string, Map<string, string>>();
    for (const [name, ref] of fonts?.entries() ?? []) {
      const font = doc.context.lookup(ref);
      if (font instanceof PDFDict) maps.set(name.decodeText(), toUnicode(doc, font));
    }
    const contents = page.node.Contents();
    const parts = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
    for (const part of parts) {
      const content = stream(doc, part);
      if (!content) continue;
      let font = '';
      const ops = Buffer.from(content).toString('latin1');
      for (const match of ops.matchAll(
        /\/(F\d+) [\d.]+ Tf|1 0 0 1 (-?[\d.]+) (-?[\d.]+) Tm <([0-9a-fA-F]*)> Tj/g,
      )) {
        if (match[1]) {
          font = match[1];
          continue;
        }
        const map = maps.get(font) ?? new Map<string, string>();
        const glyphs = (match[4].match(/.{4}/g) ?? []).map((id) => map.get(id.toLowerCase()) ?? '\uFFFD');
        runs.push({
          page: index + 1,
          font,
          x: Number(match[2]),
          y: Number(match[3]),
          drawn: glyphs.join(''),
          reversed: glyphs.slice().reverse().join(''),
        });
      }
    }
  });
  return runs;
}
