/**
 * What the Resident Coordinator's and the reviewer's screens share: the reviewer's assignments (the
 * API has no single-assignment read, so the page of one's own assignments is searched), the values
 * of a criteria set's scale, lengths of time, and text of another direction kept apart.
 */
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap, type Schemas } from '../../api/client';
import type { QualityCriteria } from '../../api/criteria';

export type Assignment = Schemas['MyAssignmentView'];
export type Review = Schemas['ReviewView'];
export type Recommendation = NonNullable<Review['recommendation']>;
export const RECOMMENDATIONS: Recommendation[] = ['fund', 'approve', 'revise', 'reject'];

const PAGE = 100;

/** Every assignment of the signed-in reviewer, soonest due first. */
export async function myAssignments(): Promise<Assignment[]> {
  const all: Assignment[] = [];
  for (let page = 1; page <= 50; page += 1) {
    const answer = await unwrap(
      api.GET('/api/v1/review-assignments', {
        params: { query: { mine: 'true', page, limit: PAGE } },
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

/** The whole numbers of a scale, lowest first. */
export function scaleValues(scale: QualityCriteria['scale']): number[] {
  const values: number[] = [];
  for (let v = scale.min; v <= scale.max; v += 1) values.push(v);
  return values;
}

/** A length of days or months in the reader's language ("3 days", "3 jours", "3 дня"). */
export function formatLength(value: number, unit: 'day' | 'month', language: string): string {
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
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
