/**
 * The fonts of every PDF we write, loaded once per process, and the adapter that lets pdf-lib
 * 1.17 (written against fontkit 1) use fontkit 2.
 *
 * - DejaVu Sans (regular and bold) covers Latin, Cyrillic, Greek, Hebrew and Arabic with its
 *   joining forms; Noto Sans SC (Simplified Chinese, OTF/CFF) covers the ideographs. Headings in
 *   Chinese use the regular CJK face: a second 8 MB font for bold ideographs is not worth its memory.
 * - Each file is read and parsed once per process; every document embeds the same bytes and the
 *   same parsed font, subset to the glyphs it uses (pdf-lib's subset embedder).
 * - fontkit 2 writes correct CFF subsets (fontkit 1 does not: poppler shows boxes), but replaced
 *   `subset.encodeStream()`, which pdf-lib calls, with `subset.encode()`: the adapter bridges them.
 * - pdf-lib asks the font to lay out every string it encodes and reads only the glyphs. Text that
 *   needs no shaping (Latin, Cyrillic, Greek, CJK, punctuation: no marks, no joining scripts) maps
 *   code point → glyph through the cmap directly, about ten times faster than the full OpenType
 *   layout; everything else (Arabic above all) goes through fontkit's shaper, word by word, with
 *   each word's glyphs cached (see glyphOrder()).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import * as fontkit from 'fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

export type FaceName = 'regular' | 'bold' | 'cjk';

/** A font as the layout sees it: the parsed font and caches of advance widths, in font units. */
export interface Face {
  readonly name: FaceName;
  readonly bytes: Uint8Array;
  readonly font: fontkit.Font;
  readonly unitsPerEm: number;
  /** Advance width per code point (text that needs no shaping). */
  readonly advances: Map<number, number>;
  /** Advance width per shaped string (complex scripts). */
  readonly shaped: Map<string, number>;
}

/** Embedded name of each face: a fixed subset tag keeps the bytes of a document reproducible. */
const EMBEDDED_NAME: Record<FaceName, string> = {
  regular: 'MPTFRG+DejaVuSans',
  bold: 'MPTFBD+DejaVuSans-Bold',
  cjk: 'MPTFSC+NotoSansSC-Regular',
};

const SHAPED_CACHE_LIMIT = 50_000;

/**
 * Text whose glyphs are the cmap's, one per code point: scripts without contextual forms, and no
 * combining marks or joiners (those belong to the Inherited script, so they fall outside).
 */
const NEEDS_NO_SHAPING =
  /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Georgian}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\p{Script=Hangul}\p{Script=Common}]*$/u;

export function needsNoShaping(text: string): boolean {
  return NEEDS_NO_SHAPING.test(text);
}

export function fontFiles(): Record<FaceName, string> {
  const dejavu = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  // The package's exports map names no font file: resolve its main file and go up a folder.
  // (Its type declarations import an uninstalled package, so it is only resolved, never imported.)
  const noto = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
  return {
    regular: join(dejavu, 'DejaVuSans.ttf'),
    bold: join(dejavu, 'DejaVuSans-Bold.ttf'),
    cjk: join(noto, 'NotoSansHans-Regular.otf'),
  };
}

/** Parsed fonts by the bytes pdf-lib hands to `create`, so every document reuses one parse. */
const parsed = new WeakMap<Uint8Array, fontkit.Font>();

const WORD_CACHE_LIMIT = 20_000;

/** The scripts fontkit lays out right to left (it reverses their glyphs itself). */
const FONTKIT_RTL =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Cypriot}\p{Script=Kharoshthi}\p{Script=Phoenician}\p{Script=Nko}\p{Script=Lydian}\p{Script=Avestan}\p{Script=Imperial_Aramaic}\p{Script=Inscriptional_Pahlavi}\p{Script=Inscriptional_Parthian}\p{Script=Old_South_Arabian}\p{Script=Old_Turkic}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Meroitic_Cursive}\p{Script=Meroitic_Hieroglyphs}\p{Script=Manichaean}\p{Script=Mende_Kikakui}\p{Script=Nabataean}\p{Script=Old_North_Arabian}\p{Script=Palmyrene}\p{Script=Psalter_Pahlavi}]/u;
const NEUTRAL_SCRIPT = /[\p{Script=Common}\p{Script=Inherited}\p{Script=Unknown}]/u;

/**
 * Whether fontkit lays a string out right to left: it takes the script of the first character
 * that is not Common, Inherited or Unknown, and reverses the glyphs of a right-to-left script.
 */
export function fontkitReverses(text: string): boolean {
  for (const char of text) {
    if (NEUTRAL_SCRIPT.test(char)) continue;
    return FONTKIT_RTL.test(char);
  }
  return false;
}

/**
 * The words of a run (spaces apart) in the order their glyphs come out of the layout, or null when
 * the run must be laid out whole. Joining and ligatures never cross a space, so the glyphs of a run
 * are the glyphs of its words, in reverse order where fontkit lays the run out right to left —
 * unless a word of several characters would go the other way on its own (neutral characters only).
 */
export function glyphOrder(text: string): string[] | null {
  const words = text.split(/( +)/).filter((w) => w !== '');
  if (needsNoShaping(text)) return words;
  const rtl = fontkitReverses(text);
  for (const word of words) {
    if (fontkitReverses(word) !== rtl && word.trim() !== '' && Array.from(word).length > 1) return null;
  }
  return rtl ? words.reverse() : words;
}

/** fontkit 2's font with the changes pdf-lib needs (see the file's comment), laid out word by word. */
function adapt(font: fontkit.Font): fontkit.Font {
  const createSubset = font.createSubset.bind(font);
  const layout = font.layout.bind(font);
  const byCodePoint = new Map<number, fontkit.Glyph>();
  const byWord = new Map<string, fontkit.Glyph[]>();
  const cmap = (text: string): fontkit.Glyph[] => {
    const glyphs: fontkit.Glyph[] = [];
    for (const char of text) {
      const codePoint = char.codePointAt(0) ?? 0;
      let glyph = byCodePoint.get(codePoint);
      if (!glyph) byCodePoint.set(codePoint, (glyph = font.glyphForCodePoint(codePoint)));
      glyphs.push(glyph);
    }
    return glyphs;
  };
  const word = (text: string): fontkit.Glyph[] => {
    let glyphs = byWord.get(text);
    if (!glyphs) {
      glyphs = needsNoShaping(text) ? cmap(text) : layout(text).glyphs;
      if (byWord.size >= WORD_CACHE_LIMIT) byWord.clear();
      byWord.set(text, glyphs);
    }
    return glyphs;
  };
  font.createSubset = () => {
    const subset = createSubset();
    // pdf-lib listens for 'data', 'end' and 'error' on what encodeStream() returns.
    return Object.assign(subset, { encodeStream: () => Readable.from([subset.encode()]) });
  };
  font.layout = (text, features) => {
    if (features !== undefined) return layout(text, features);
    if (needsNoShaping(text)) return { glyphs: cmap(text) };
    const words = glyphOrder(text);
    return words ? { glyphs: words.flatMap(word) } : layout(text);
  };
  return font;
}

function parse(bytes: Uint8Array): fontkit.Font {
  let font = parsed.get(bytes);
  if (!font) {
    const created = fontkit.create(bytes);
    if ('fonts' in created) throw new Error('Font collections are not supported');
    font = adapt(created);
    parsed.set(bytes, font);
  }
  return font;
}

type PdfLibFontkit = Parameters<PDFDocument['registerFontkit']>[0];

/** What `doc.registerFontkit` takes: fontkit 2 behind fontkit 1's interface, with cached parses. */
export const fontkitAdapter: PdfLibFontkit = {
  // pdf-lib declares fontkit 1's Font; ours has what pdf-lib calls (see adapt()).
  create: (bytes) => parse(bytes) as unknown as ReturnType<PdfLibFontkit['create']>,
};

let faces: Record<FaceName, Face> | undefined;

/** The three faces, read and parsed on first use, then kept for the life of the process. */
export function loadFaces(): Record<FaceName, Face> {
  if (!faces) {
    const files = fontFiles();
    const load = (name: FaceName): Face => {
      const bytes = readFileSync(files[name]);
      const font = parse(bytes);
      return { name, bytes, font, unitsPerEm: font.unitsPerEm, advances: new Map(), shaped: new Map() };
    };
    faces = { regular: load('regular'), bold: load('bold'), cjk: load('cjk') };
  }
  return faces;
}

/** Advance width of a string drawn in one face, in ems (multiply by the font size). */
export function advance(face: Face, text: string): number {
  let units = 0;
  if (needsNoShaping(text)) {
    for (const char of text) {
      const codePoint = char.codePointAt(0) ?? 0;
      let width = face.advances.get(codePoint);
      if (width === undefined) {
        width = face.font.glyphForCodePoint(codePoint).advanceWidth;
        face.advances.set(codePoint, width);
      }
      units += width;
    }
  } else {
    const cached = face.shaped.get(text);
    if (cached !== undefined) {
      units = cached;
    } else {
      for (const glyph of face.font.layout(text).glyphs) units += glyph.advanceWidth;
      if (face.shaped.size >= SHAPED_CACHE_LIMIT) face.shaped.clear();
      face.shaped.set(text, units);
    }
  }
  return units / face.unitsPerEm;
}

/** Embeds the three faces into a document, subset to the glyphs it will use. */
export async function embedFaces(doc: PDFDocument): Promise<Record<FaceName, PDFFont>> {
  const all = loadFaces();
  doc.registerFontkit(fontkitAdapter);
  const embed = (name: FaceName) =>
    doc.embedFont(all[name].bytes, { subset: true, customName: EMBEDDED_NAME[name] });
  // One after the other: object numbers, hence the bytes, do not depend on timing.
  const regular = await embed('regular');
  const bold = await embed('bold');
  const cjk = await embed('cjk');
  return { regular, bold, cjk };
}
