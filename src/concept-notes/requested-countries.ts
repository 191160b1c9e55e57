import type { EntityManager } from 'typeorm';
import { RequestedCountry } from '../endorsements/endorsement.entity';

/**
 * The countries of a note an endorsement request (or a regional or global submission, or a
 * technical resubmission) covered. Their RCs and RC office see the note and are told of it; the
 * official of a country added to a returned draft learns of it only once a request covers it.
 */
export async function requestedCountries(
  manager: EntityManager,
  noteId: string,
  countryCodes: string[],
): Promise<string[]> {
  if (countryCodes.length === 0) return [];
  const rows = await manager.query<{ country_code: string }[]>(
    'SELECT country_code FROM endorsement_request_countries WHERE note_id = $1 AND country_code = ANY($2)',
    [noteId, [...new Set(countryCodes)]],
  );
  return rows.map((r) => r.country_code);
}

/** Records that the note's countries are covered from `at` on; the first time a country is covered counts. */
export async function coverCountries(
  manager: EntityManager,
  note: { id: string; countryCodes: string[] },
  at: Date,
): Promise<void> {
  if (note.countryCodes.length === 0) return;
  await manager
    .createQueryBuilder()
    .insert()
    .into(RequestedCountry)
    .values(note.countryCodes.map((countryCode) => ({ noteId: note.id, countryCode, firstRequestedAt: at })))
    .orIgnore()
    .execute();
}
