/**
 * What the Resident Coordinator's and the reviewer's screens share: the reviewer's assignments (the
 * API has no single-assignment read, so the page of one's own assignments is searched), the quality
 * criteria of a criteria set, country names, and today's date in the reader's zone.
 */
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap, type Locale, type Schemas } from '../../api/client';
import { useResource } from '../../hooks';

export type Assignment = Schemas['MyAssignmentView'];
export type Review = Schemas['ReviewView'];
export type Recommendation = NonNullable<Review['recommendation']>;
export const RECOMMENDATIONS: Recommendation[] = ['fund', 'approve', 'revise', 'reject'];

/** `page` and `limit` are typed as objects in the generated schema; they are plain numbers. */
export const count = (n: number) => n as unknown as Schemas['Object'];

const PAGE = 100;

/** Every assignment of the signed-in reviewer, soonest due first. */
export async function myAssignments(): Promise<Assignment[]> {
  const all: Assignment[] = [];
  for (let page = 1; page <= 50; page += 1) {
    const answer = await unwrap(
      api.GET('/api/v1/review-assignments', {
        params: { query: { mine: 'true', page: count(page), limit: count(PAGE) } },
      }),
    );
    all.push(...answer.items);
    if (answer.items.length === 0 || all.length >= answer.total) break;
  }
  return all;
}

/** One of the reviewer's assignments, or a 404 problem saying so. */
export async function myAssignment(id: string, notFound: string): Promise<Assignment> {
  const found = (await myAssignments()).find((a) => a.id === id);
  if (!found) throw new ApiError({ status: 404, title: notFound, code: 'NOT_FOUND', detail: notFound });
  return found;
}

export interface Criterion {
  code: string;
  title: string;
  weight: number;
  description?: string;
}

export interface Quality {
  scale: { min: number; max: number; labels: Record<string, string> };
  criteria: Criterion[];
}

/** The quality criteria of a published set (the schema types them loosely). */
export function qualityOf(set: Schemas['CriteriaSetView']): Quality {
  const raw = set.quality as unknown as Partial<Quality> | null;
  const scale = raw?.scale ?? { min: 1, max: 4, labels: {} };
  return {
    scale: { min: scale.min, max: scale.max, labels: scale.labels ?? {} },
    criteria: Array.isArray(raw?.criteria) ? raw.criteria : [],
  };
}

/** The whole numbers of a scale, lowest first. */
export function scaleValues(scale: Quality['scale']): number[] {
  const values: number[] = [];
  for (let v = scale.min; v <= scale.max; v += 1) values.push(v);
  return values;
}

/** Country names in the reader's language, by ISO alpha-3 code (the code while they load). */
export function useCountryNames(): (code: string) => string {
  const { i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const countries = useResource(
    () => unwrap(api.GET('/api/v1/countries', { params: { query: { locale } } })),
    [locale],
  );
  const names = new Map((countries.data ?? []).map((c) => [c.code, c.name]));
  return (code: string) => names.get(code) ?? code;
}

/** The calendar day (YYYY-MM-DD) an instant falls on in a time zone. */
export function dayIn(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** A length of days or months in the reader's language ("3 days", "3 jours", "3 дня"). */
export function formatLength(value: number, unit: 'day' | 'month', language: string): string {
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/** The server's messages for a field (or any field under it), each once (ApiError.field repeats them). */
export function fieldError(error: ApiError | undefined, name: string): string | undefined {
  const messages = (error?.problem.errors ?? [])
    .filter((e) => e.field === name || e.field.startsWith(`${name}.`) || e.field.startsWith(`${name}[`))
    .map((e) => e.message);
  return messages.length > 0 ? [...new Set(messages)].join('; ') : undefined;
}

/**
 * Wraps text of another direction (English reference data, titles, names) in Unicode isolates when the
 * page is right-to-left, so it does not scramble the sentence around it. Left-to-right pages get the
 * text unchanged (their accessible names stay plain).
 */
export function useIsolate(): (text: string) => string {
  const { i18n } = useTranslation();
  const rtl = i18n.dir(i18n.language) === 'rtl';
  return (text: string) => (rtl ? `\u2068${text}\u2069` : text);
}
