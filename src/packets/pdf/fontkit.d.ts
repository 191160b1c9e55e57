/**
 * The part of fontkit 2 this folder uses (the package ships no type declarations). pdf-lib reads
 * more of a font (metrics, tables), through its own declarations of fontkit 1.
 */
declare module 'fontkit' {
  export interface Glyph {
    id: number;
    advanceWidth: number;
    codePoints: number[];
  }

  export interface GlyphRun {
    glyphs: Glyph[];
  }

  export interface Subset {
    includeGlyph(glyph: number | Glyph): number;
    /** fontkit 2's replacement of fontkit 1's encodeStream(). */
    encode(): Uint8Array;
  }

  export interface Font {
    readonly postscriptName: string | null;
    readonly unitsPerEm: number;
    readonly ascent: number;
    readonly descent: number;
    layout(text: string, features?: Record<string, boolean> | string[]): GlyphRun;
    glyphForCodePoint(codePoint: number): Glyph;
    hasGlyphForCodePoint(codePoint: number): boolean;
    createSubset(): Subset;
  }

  export interface FontCollection {
    readonly fonts: Font[];
  }

  export function create(buffer: Uint8Array, postscriptName?: string): Font | FontCollection;
}
