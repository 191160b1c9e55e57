/**
 * Countries and their names in the reader's language, fetched once per language and shared by every
 * screen that names a country by its ISO alpha-3 code.
 */
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Locale, type Schemas } from './api/client';
import { useResource } from './hooks';
import { LANGUAGES } from './i18n';

export type Country = Schemas['CountryView'];

const cache = new Map<Locale, Promise<Country[]>>();

/** The countries, named in a language (in English for a language the API does not name them in). */
export function loadCountries(language: string): Promise<Country[]> {
  const locale = (LANGUAGES as readonly string[]).includes(language) ? (language as Locale) : 'en';
  const cached = cache.get(locale);
  if (cached) return cached;
  const loading = unwrap(api.GET('/api/v1/countries', { params: { query: { locale } } }));
  loading.catch(() => cache.delete(locale));
  cache.set(locale, loading);
  return loading;
}

/** Country names in the reader's language, by ISO alpha-3 code (the code while they load). */
export function useCountryNames(): (code: string) => string {
  const { i18n } = useTranslation();
  const language = i18n.language;
  const countries = useResource(() => loadCountries(language), [language]);
  const names = new Map((countries.data ?? []).map((c) => [c.code, c.name]));
  return (code: string) => names.get(code) ?? code;
}
