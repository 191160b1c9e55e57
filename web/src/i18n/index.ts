/**
 * The interface in the six UN languages (i18next). Texts live in locales/<language>/<namespace>.json,
 * one namespace per part of the application; English is the fallback for a missing key, and a
 * test keeps every language's keys in step with English. Arabic turns the whole page right-to-left.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's own name, as its speakers write it. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  ar: 'العربية',
  en: 'English',
  es: 'Español',
  fr: 'Français',
  ru: 'Русский',
  zh: '中文',
};

const files = import.meta.glob<{ default: Record<string, unknown> }>('../locales/*/*.json', { eager: true });
const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, module] of Object.entries(files)) {
  const [, language, namespace] = /locales\/([a-z]+)\/([a-z-]+)\.json$/.exec(path) ?? [];
  if (!language || !namespace) continue;
  (resources[language] ??= {})[namespace] = module.default;
}
export const NAMESPACES = Object.keys(resources.en ?? {});

const LANGUAGE_KEY = 'mptf.language';

function initialLanguage(): Language {
  const stored = localStorage.getItem(LANGUAGE_KEY);
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  const browser = navigator.language.slice(0, 2);
  return (LANGUAGES as readonly string[]).includes(browser) ? (browser as Language) : 'en';
}

function applyToDocument(language: string): void {
  document.documentElement.lang = language;
  document.documentElement.dir = i18n.dir(language);
}

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  ns: NAMESPACES,
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
});
applyToDocument(i18n.language);
i18n.on('languageChanged', applyToDocument);

export async function changeLanguage(language: string): Promise<void> {
  if (!(LANGUAGES as readonly string[]).includes(language)) return;
  localStorage.setItem(LANGUAGE_KEY, language);
  if (i18n.language !== language) await i18n.changeLanguage(language);
}

export default i18n;
