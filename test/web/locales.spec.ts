import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The web application's texts in the six UN languages stay in step: every namespace English has,
 * every language has, with the same keys, no empty text, and the same {{placeholders}} (a
 * translation that drops one would show a sentence with a hole in it).
 */
const ROOT = join(__dirname, '..', '..', 'web', 'src', 'locales');
const LANGUAGES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'];

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out[path] = value;
    else Object.assign(out, flatten(value, path));
  }
  return out;
}

const read = (language: string, namespace: string): Record<string, string> =>
  flatten(JSON.parse(readFileSync(join(ROOT, language, `${namespace}.json`), 'utf8')) as Tree);
const placeholders = (text: string) =>
  [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]).sort();

const namespaces = readdirSync(join(ROOT, 'en'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));

describe('web interface texts', () => {
  it('has the six UN languages and at least the common namespace', () => {
    expect(readdirSync(ROOT).sort()).toEqual(LANGUAGES);
    expect(namespaces).toContain('common');
  });

  describe.each(namespaces)('namespace %s', (namespace) => {
    const english = read('en', namespace);

    it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has exactly the English keys', (language) => {
      expect(Object.keys(read(language, namespace)).sort()).toEqual(Object.keys(english).sort());
    });

    it.each(LANGUAGES)('%s has no empty text and keeps every placeholder', (language) => {
      const texts = read(language, namespace);
      const problems = Object.entries(texts).flatMap(([key, text]) => {
        if (text.trim() === '') return [`${key}: empty`];
        const want = placeholders(english[key] ?? '');
        const got = placeholders(text);
        return JSON.stringify(want) === JSON.stringify(got)
          ? []
          : [`${key}: ${got.join(',')} ≠ ${want.join(',')}`];
      });
      expect(problems).toEqual([]);
    });
  });

  it('translates rather than copies: Arabic and Chinese texts are in their own scripts', () => {
    const copied: string[] = [];
    for (const namespace of namespaces) {
      const english = read('en', namespace);
      for (const [language, script] of [
        ['ar', /\p{Script=Arabic}/u],
        ['zh', /\p{Script=Han}/u],
      ] as const) {
        // Texts with English words in them (not codes such as "USD" or a bare placeholder).
        const texts = Object.entries(read(language, namespace)).filter(([key]) =>
          /[a-z]{3}/.test(english[key]),
        );
        const untranslated = texts.filter(([, text]) => !script.test(text));
        if (untranslated.length > texts.length * 0.1) {
          copied.push(`${language}/${namespace}: ${untranslated.map(([key]) => key).join(', ')}`);
        }
      }
    }
    expect(copied).toEqual([]);
  });
});
