/**
 * Text layout: a paragraph in, lines of positioned runs out. No PDF here, only fonts.
 *
 * 1. Bidi: the Unicode bidirectional algorithm (bidi-js) gives each character an embedding level.
 * 2. Fonts: each character goes to a face — CJK to Noto Sans SC, the rest to DejaVu Sans (or to
 *    whichever face has the glyph); spaces stay with the run before them.
 * 3. Line breaks: Intl.Segmenter (word granularity) finds the word boundaries; a line may break
 *    after spaces, after a hyphen inside a word, and between CJK characters (not before closing
 *    or after opening punctuation). A word wider than the line is cut between graphemes. Lines
 *    are filled greedily, so no text is ever dropped.
 * 4. Each line is cut into runs of one face and one level, and the runs are put in visual order
 *    (rule L2: from the highest level down to the lowest odd one, reverse every sequence of runs
 *    at that level or above). A run is handed to the font in the order fontkit wants: it shapes
 *    and reverses a run whose first strong script is right-to-left (Arabic) itself, so such a run
 *    stays in logical order; any other right-to-left run is reversed here, with mirrored brackets.
 */
import bidiFactory from 'bidi-js';
import { advance, fontkitReverses, loadFaces, type Face, type FaceName } from './fonts';

export type Rgb = readonly [number, number, number];

export interface TextStyle {
  size: number;
  bold: boolean;
  color: Rgb;
  /** Line height as a multiple of the size. */
  leading: number;
  /** `start` follows the paragraph's direction (right for Arabic). */
  align: 'start' | 'left' | 'right' | 'center';
  /** Paragraph direction; `auto` takes the first strong character's. */
  direction: 'auto' | 'ltr' | 'rtl';
}

export const BODY: TextStyle = {
  size: 10,
  bold: false,
  color: [0.1, 0.1, 0.12],
  leading: 1.4,
  align: 'start',
  direction: 'auto',
};

/** One run of a line: a face, the string as the font must receive it, its place on the line. */
export interface Run {
  face: FaceName;
  text: string;
  /** From the line's left edge, in points. */
  x: number;
  width: number;
}

export interface Line {
  /** In visual order, left to right. */
  runs: Run[];
  width: number;
  /** The paragraph's direction. */
  rtl: boolean;
}

const bidi = bidiFactory();

/** Characters that can make a paragraph anything but plain left-to-right. */
const RTL_OR_CONTROL =
  /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u200F\u202A-\u202E\u2066-\u2069\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

/** Format characters we do not draw (bidi controls, soft hyphen…); joiners stay for shaping. */
const INVISIBLE = /[\p{Cf}]/u;
const JOINERS = /[\u200C\u200D]/;

/** Spaces a line may break after (not the no-break ones); trailing ones are not drawn. */
const SPACE = /[ \t\u1680\u2000-\u2006\u2008-\u200B\u205F\u3000]/;
/** Any white space, for the face it is drawn in. */
const WHITE = /\s/;
/** Characters lines may break between: ideographs, kana, CJK symbols, fullwidth forms. */
function isCjk(codePoint: number): boolean {
  return (
    (codePoint >= 0x2e80 && codePoint <= 0x2fdf) ||
    (codePoint >= 0x3000 && codePoint <= 0x31ef) ||
    (codePoint >= 0x3200 && codePoint <= 0x4dbf) ||
    (codePoint >= 0x4e00 && codePoint <= 0x9fff) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xffef) ||
    (codePoint >= 0x20000 && codePoint <= 0x3ffff)
  );
}
/** Kinsoku: no line starts with these… */
const NO_BREAK_BEFORE = new Set(
  Array.from(
    '，。、：；！？）】」』》〉〕〗〙〛’”…‥・ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.:;!?)]}%',
  ),
);
/** …and no line ends with these. */
const NO_BREAK_AFTER = new Set(Array.from('（【「『《〈〔〖〘〚‘“([{$'));
const HYPHENS = new Set(['-', '\u2010']);
const LETTER = /\p{L}/u;
/** Scripts written without spaces whose word boundaries (from the segmenter) are break points. */
const SPACELESS = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

const words = new Intl.Segmenter('en', { granularity: 'word' });
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function lineHeight(style: Pick<TextStyle, 'size' | 'leading'>): number {
  return style.size * style.leading;
}

/** Lays out text (paragraphs separated by newlines) in lines at most `maxWidth` points wide. */
export function layoutText(text: string, style: TextStyle, maxWidth: number): Line[] {
  const lines: Line[] = [];
  const clean = text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/\t/g, '    ')
    // Other control characters have no glyph.
    .replace(/(?!\n)\p{Cc}/gu, '');
  for (const paragraph of clean.split('\n')) {
    for (const line of layoutParagraph(paragraph, style, maxWidth)) lines.push(line);
  }
  return lines;
}

/** Left offset of a line within `width` under the style's alignment. */
export function alignOffset(line: Line, align: TextStyle['align'], width: number): number {
  const side = align === 'start' ? (line.rtl ? 'right' : 'left') : align;
  if (side === 'right') return Math.max(0, width - line.width);
  if (side === 'center') return Math.max(0, (width - line.width) / 2);
  return 0;
}

/** The text of a paragraph cut to one line of `maxWidth` points, with an ellipsis when cut. */
export function truncate(text: string, style: TextStyle, maxWidth: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (layoutParagraph(flat, style, maxWidth).length <= 1) return flat;
  const parts = clusters(flat);
  let low = 0;
  let high = parts.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    const candidate = parts.slice(0, middle).join('').trimEnd() + '…';
    if (layoutParagraph(candidate, style, maxWidth).length <= 1) low = middle;
    else high = middle - 1;
  }
  return parts.slice(0, low).join('').trimEnd() + '…';
}

interface Paragraph {
  text: string;
  style: TextStyle;
  faces: Record<FaceName, Face>;
  /** Face per UTF-16 code unit. */
  faceAt: FaceName[];
  /** Embedding level per code unit; null when all are 0. */
  levels: Uint8Array | null;
  rtl: boolean;
}

function layoutParagraph(text: string, style: TextStyle, maxWidth: number): Line[] {
  const rtlBase = style.direction === 'rtl';
  if (text.trim() === '') return [{ runs: [], width: 0, rtl: rtlBase }];
  const paragraph = analyse(text, style);
  const lines: Line[] = [];
  const breaks = breakPoints(text);
  let lineStart = 0;
  let x = 0;
  let unitStart = 0;
  for (const unitEnd of breaks) {
    let contentEnd = unitEnd;
    while (contentEnd > unitStart && SPACE.test(text[contentEnd - 1])) contentEnd--;
    const content = measure(paragraph, unitStart, contentEnd);
    if (x > 0 && x + content > maxWidth) {
      lines.push(buildLine(paragraph, lineStart, unitStart));
      lineStart = unitStart;
      x = 0;
    }
    if (content > maxWidth) {
      // A word longer than the line: cut it between graphemes.
      let at = unitStart;
      for (const cluster of clusters(text.slice(unitStart, contentEnd))) {
        const width = measure(paragraph, at, at + cluster.length);
        if (x > 0 && x + width > maxWidth) {
          lines.push(buildLine(paragraph, lineStart, at));
          lineStart = at;
          x = 0;
        }
        x += width;
        at += cluster.length;
      }
      x += measure(paragraph, contentEnd, unitEnd);
    } else {
      x += content + measure(paragraph, contentEnd, unitEnd);
    }
    unitStart = unitEnd;
  }
  lines.push(buildLine(paragraph, lineStart, text.length));
  return lines;
}

function analyse(text: string, style: TextStyle): Paragraph {
  const faces = loadFaces();
  let levels: Uint8Array | null = null;
  let rtl = style.direction === 'rtl';
  if (style.direction === 'rtl' || RTL_OR_CONTROL.test(text)) {
    const resolved = bidi.getEmbeddingLevels(text, style.direction === 'auto' ? undefined : style.direction);
    levels = resolved.levels;
    rtl = (resolved.paragraphs[0]?.level ?? 0) % 2 === 1;
    // bidi-js classifies code units; give a surrogate pair its first unit's level.
    for (let i = 1; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0xdc00 && unit <= 0xdfff) levels[i] = levels[i - 1];
    }
  }
  const faceAt = assignFaces(text, style.bold, faces);
  return { text, style, faces, faceAt, levels, rtl };
}

const drawnInCjkFace = new Map<number, boolean>();

/** CJK goes to the CJK face; anything else too when only that face has a glyph for it. */
function inCjkFace(codePoint: number, faces: Record<FaceName, Face>): boolean {
  let cjk = drawnInCjkFace.get(codePoint);
  if (cjk === undefined) {
    cjk =
      isCjk(codePoint) ||
      (!faces.regular.font.hasGlyphForCodePoint(codePoint) && faces.cjk.font.hasGlyphForCodePoint(codePoint));
    drawnInCjkFace.set(codePoint, cjk);
  }
  return cjk;
}

function assignFaces(text: string, bold: boolean, faces: Record<FaceName, Face>): FaceName[] {
  const latin: FaceName = bold ? 'bold' : 'regular';
  const faceAt = new Array<FaceName>(text.length);
  let previous: FaceName | null = null;
  let i = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    let face: FaceName;
    if (WHITE.test(char) && previous !== null) face = previous;
    else face = inCjkFace(codePoint, faces) ? 'cjk' : latin;
    previous = face;
    faceAt[i] = face;
    if (char.length === 2) faceAt[i + 1] = face;
    i += char.length;
  }
  return faceAt;
}

/**
 * Break points come from Intl.Segmenter's word boundaries. V8's segment iterator slows down with
 * the length of the string (80,000 characters: 300 ms in one piece, 10 ms in pieces of 256), so
 * text is segmented in pieces cut where a word boundary is certain: before a space, or between two
 * CJK characters. A piece of CJK characters alone is not segmented at all: every position in it
 * is a candidate for the rules of mayBreak(), which is all the segmenter's boundaries offer there.
 */
const SEGMENT_PIECE = 256;

/** Ends of the break units: positions where a new line may start, and the text's end. */
function breakPoints(text: string): number[] {
  const points: number[] = [];
  const between = (from: number, to: number) => {
    for (let at = from + 1; at < to; at++) {
      if (!isLowSurrogate(text.charCodeAt(at)) && mayBreak(text, at, false)) points.push(at);
    }
  };
  for (let start = 0, end = 0; start < text.length; start = end) {
    end = pieceEnd(text, start);
    if (start > 0 && mayBreak(text, start, true)) points.push(start);
    const piece = text.slice(start, end);
    if (allCjk(piece)) {
      between(start, end);
      continue;
    }
    for (const { index, segment } of words.segment(piece)) {
      const at = start + index;
      if (index > 0 && mayBreak(text, at, true)) points.push(at);
      // Inside a segment only CJK offers break points (between characters).
      if (segment.length > 1 && hasCjk(segment)) between(at, at + segment.length);
    }
  }
  points.push(text.length);
  return points;
}

function pieceEnd(text: string, start: number): number {
  const end = start + SEGMENT_PIECE;
  if (end >= text.length) return text.length;
  const limit = Math.min(text.length, end + 4 * SEGMENT_PIECE);
  for (let cut = end; cut < limit; cut++) if (certainBoundary(text, cut)) return cut;
  return isLowSurrogate(text.charCodeAt(end)) ? end + 1 : end;
}

function certainBoundary(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at);
  if (after === 0x20 && before !== 0x20) return true;
  return isCjk(before) && isCjk(after);
}

function allCjk(piece: string): boolean {
  for (const char of piece) if (!isCjk(char.codePointAt(0) ?? 0)) return false;
  return true;
}

/** Where a grapheme cluster surely starts: a plain letter, digit, space or ideograph. */
const CLUSTER_START = /[A-Za-z0-9 \u4e00-\u9fff]/;

/** Grapheme clusters, segmented in pieces (see SEGMENT_PIECE) cut before a letter, digit or space. */
function clusters(text: string): string[] {
  const out: string[] = [];
  for (let start = 0, end = 0; start < text.length; start = end) {
    end = Math.min(text.length, start + SEGMENT_PIECE);
    while (end < text.length && end < start + 4 * SEGMENT_PIECE && !CLUSTER_START.test(text[end])) end++;
    if (isLowSurrogate(text.charCodeAt(end))) end++;
    for (const { segment } of graphemes.segment(text.slice(start, end))) out.push(segment);
  }
  return out;
}

function hasCjk(segment: string): boolean {
  for (const char of segment) if (isCjk(char.codePointAt(0) ?? 0)) return true;
  return false;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function charBefore(text: string, at: number): string {
  return isLowSurrogate(text.charCodeAt(at - 1)) && at >= 2 ? text.slice(at - 2, at) : text[at - 1];
}

function charAt(text: string, at: number): string {
  return String.fromCodePoint(text.codePointAt(at) ?? 0);
}

function mayBreak(text: string, at: number, segmentBoundary: boolean): boolean {
  const before = charBefore(text, at);
  const after = charAt(text, at);
  if (SPACE.test(after)) return false;
  if (SPACE.test(before)) return true;
  if (NO_BREAK_BEFORE.has(after) || NO_BREAK_AFTER.has(before)) return false;
  if (isCjk(before.codePointAt(0) ?? 0) || isCjk(after.codePointAt(0) ?? 0)) return true;
  if (!segmentBoundary) return false;
  if (HYPHENS.has(before)) return at >= 2 && LETTER.test(charBefore(text, at - 1)) && LETTER.test(after);
  return SPACELESS.test(before) && SPACELESS.test(after);
}

/** Width in points of text[start, end), face by face. */
function measure(paragraph: Paragraph, start: number, end: number): number {
  const { text, faceAt, faces, style } = paragraph;
  let width = 0;
  let runStart = start;
  for (let i = start + 1; i <= end; i++) {
    if (i === end || faceAt[i] !== faceAt[runStart]) {
      width += advance(faces[faceAt[runStart]], text.slice(runStart, i));
      runStart = i;
    }
  }
  return width * style.size;
}

interface LogicalRun {
  face: FaceName;
  level: number;
  text: string;
}

function buildLine(paragraph: Paragraph, start: number, end: number): Line {
  const { text, faceAt, levels, faces, style, rtl } = paragraph;
  // Rule L1: trailing spaces take the paragraph's level; they are not drawn at all.
  while (end > start && SPACE.test(text[end - 1])) end--;
  const logical: LogicalRun[] = [];
  let current: LogicalRun | null = null;
  let i = start;
  while (i < end) {
    const codePoint = text.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(codePoint);
    const level = levels ? levels[i] : 0;
    if (!INVISIBLE.test(char) || JOINERS.test(char)) {
      if (current && current.face === faceAt[i] && current.level === level) current.text += char;
      else logical.push((current = { face: faceAt[i], level, text: char }));
    }
    i += char.length;
  }
  const runs: Run[] = [];
  let x = 0;
  for (const run of visualOrder(logical)) {
    const drawn = forFont(run);
    const width = advance(faces[run.face], drawn) * style.size;
    runs.push({ face: run.face, text: drawn, x, width });
    x += width;
  }
  return { runs, width: x, rtl };
}

/** Rule L2 over runs: reverse every maximal sequence at each level from the highest to the lowest odd. */
export function visualOrder<T extends { level: number }>(runs: readonly T[]): T[] {
  const order = runs.slice();
  let highest = 0;
  let lowestOdd = Infinity;
  for (const run of order) {
    highest = Math.max(highest, run.level);
    if (run.level % 2 === 1) lowestOdd = Math.min(lowestOdd, run.level);
  }
  for (let level = highest; level >= lowestOdd; level--) {
    for (let i = 0; i < order.length;) {
      if (order[i].level < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < order.length && order[j].level >= level) j++;
      order.splice(i, j - i, ...order.slice(i, j).reverse());
      i = j;
    }
  }
  return order;
}

/**
 * The string to hand to the font so that its glyphs come out in visual order: a right-to-left
 * run (odd level) reads backwards with mirrored brackets; fontkit reverses Arabic itself.
 */
function forFont(run: LogicalRun): string {
  const rtl = run.level % 2 === 1;
  const text = rtl ? Array.from(run.text, (c) => bidi.getMirroredCharacter(c) ?? c).join('') : run.text;
  if (rtl === fontkitReverses(text)) return text;
  return clusters(text).reverse().join('');
}
