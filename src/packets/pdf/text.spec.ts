import { BODY, layoutText, truncate, visualOrder, type Line, type TextStyle } from './text';

const style: TextStyle = { ...BODY, size: 10 };
const ARABIC = 'برنامج الهجرة الآمنة';
const RUSSIAN = 'Программа безопасной миграции';

const drawn = (line: Line) => line.runs.map((r) => r.text).join('');

describe('visualOrder (rule L2)', () => {
  const order = (levels: number[]) => visualOrder(levels.map((level, i) => ({ level, i }))).map((r) => r.i);

  it('keeps a left-to-right line as it is', () => {
    expect(order([0, 0, 0])).toEqual([0, 1, 2]);
  });

  it('reverses a right-to-left run inside a left-to-right line, and nothing else', () => {
    expect(order([0, 1, 0, 0])).toEqual([0, 1, 2, 3]);
    expect(order([0, 1, 1, 0])).toEqual([0, 2, 1, 3]);
  });

  it('keeps numbers (level 2) inside right-to-left text in their order', () => {
    expect(order([1, 2, 1])).toEqual([2, 1, 0]);
    expect(order([1, 2, 2, 1])).toEqual([3, 1, 2, 0]);
  });
});

describe('layoutText', () => {
  it('wraps at word boundaries within the width and loses no word', () => {
    const text =
      'Safe and regular labour migration pathways for workers and their families across the region.';
    const lines = layoutText(text, style, 150);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(line.width).toBeLessThanOrEqual(150);
    expect(lines.map(drawn).join(' ')).toBe(text);
  });

  it('breaks after a hyphen inside a word, not elsewhere inside it', () => {
    const lines = layoutText('multi-country programme', style, 60);
    expect(lines.map(drawn)).toEqual(['multi-', 'country', 'programme']);
  });

  it('cuts a word longer than the line between characters, keeping all of them', () => {
    const url = 'https://example.org/' + 'a'.repeat(120);
    const lines = layoutText(url, style, 100);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.width).toBeLessThanOrEqual(100);
    expect(lines.map(drawn).join('')).toBe(url);
  });

  it('cuts a very long word (thousands of characters) completely', () => {
    const word = 'x'.repeat(5000) + 'ß'.repeat(5000);
    const lines = layoutText(word, style, 300);
    expect(lines.map(drawn).join('')).toBe(word);
  });

  it('drops control characters, which have no glyph', () => {
    expect(layoutText('a\u0007b\u0000c', style, 500).map(drawn)).toEqual(['abc']);
  });

  it('breaks Chinese between characters, never before a closing mark', () => {
    const text = '该项目支持安全、有序和正常的移民，保护移民的权利。';
    const lines = layoutText(text, style, 45);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.map(drawn).join('')).toBe(text);
    for (const line of lines) {
      expect(line.runs.every((r) => r.face === 'cjk')).toBe(true);
      expect(drawn(line)).not.toMatch(/^[、，。]/);
    }
  });

  it('sets CJK in the CJK face, the rest in DejaVu, bold in the bold face', () => {
    const [line] = layoutText('Programme 安全移民项目 Программа', style, 500);
    expect(line.runs.map((r) => [r.face, r.text])).toEqual([
      ['regular', 'Programme '],
      ['cjk', '安全移民项目 '],
      ['regular', 'Программа'],
    ]);
    const [bold] = layoutText('Programme 安全', { ...style, bold: true }, 500);
    expect(bold.runs.map((r) => r.face)).toEqual(['bold', 'cjk']);
  });

  it('keeps the runs of a left-to-right line mixing Arabic, Latin and Cyrillic in order', () => {
    const [line] = layoutText(`Safe migration ${ARABIC} and ${RUSSIAN}`, style, 500);
    expect(line.rtl).toBe(false);
    // The Arabic run goes to the font in logical order: fontkit shapes it and lays it out right to
    // left. The spaces around it sit between opposite directions: they take the paragraph's.
    expect(line.runs.map((r) => r.text)).toEqual(['Safe migration ', ARABIC, ` and ${RUSSIAN}`]);
    const xs = line.runs.map((r) => r.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('lays an Arabic paragraph out right to left: Latin and numbers keep their order, brackets mirror', () => {
    const [line] = layoutText('يهدف البرنامج (2026) إلى دعم Safe Migration في المنطقة.', style, 1000);
    expect(line.rtl).toBe(true);
    // Left to right on the page. Arabic runs go to the font in logical order (fontkit reverses
    // them), with brackets mirrored, so that "(2026)" reads correctly from the right.
    const expected = [' في المنطقة.', 'Safe Migration', '( إلى دعم ', '2026', 'يهدف البرنامج )'];
    expect(line.runs.map((r) => r.text)).toEqual(expected);
  });

  it('reverses a right-to-left run that fontkit would not (neutral characters only)', () => {
    const [line] = layoutText('مرحبا Hello!?', style, 500);
    expect(line.rtl).toBe(true);
    expect(line.runs.map((r) => r.text)).toEqual(['?!', 'Hello', 'مرحبا ']);
  });

  it('keeps blank lines between paragraphs', () => {
    expect(layoutText('one\n\ntwo', style, 500).map(drawn)).toEqual(['one', '', 'two']);
  });
});

describe('truncate', () => {
  it('keeps text that fits, and cuts the rest with an ellipsis', () => {
    expect(truncate('Short title', style, 200)).toBe('Short title');
    const cut = truncate('A very long running header that cannot fit in the space given to it', style, 120);
    expect(cut.endsWith('…')).toBe(true);
    expect(layoutText(cut, style, 120)).toHaveLength(1);
  });
});
