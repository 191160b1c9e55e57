import type { Role } from '../common/auth/roles';
import type { FieldProblem } from '../common/errors';

/** What a user's roles are scoped to (DESIGN §1). */
export interface UserScope {
  organizationCode: string | null;
  countryCodes: readonly string[];
  thematicAreaCodes: readonly string[];
}

/**
 * The scope each role needs: applicants and reviewers an organization, RCs and RC office at least
 * one country, reviewers at least one thematic area of expertise (assignment suggestions and the
 * reviewer's profile rest on it; a reviewer with none would never be suggested).
 */
const REQUIRED: readonly { field: keyof UserScope; roles: readonly Role[]; needs: string }[] = [
  { field: 'organizationCode', roles: ['applicant', 'reviewer'], needs: 'an organization' },
  { field: 'countryCodes', roles: ['resident_coordinator', 'rc_office'], needs: 'at least one country' },
  { field: 'thematicAreaCodes', roles: ['reviewer'], needs: 'at least one thematic area' },
];

function present(value: UserScope[keyof UserScope]): boolean {
  return Array.isArray(value) ? value.length > 0 : typeof value === 'string' && value.length > 0;
}

/** The scope fields the roles need and the user lacks, one problem per field, naming the roles. */
export function missingScope(roles: readonly Role[], scope: UserScope): FieldProblem[] {
  return REQUIRED.flatMap(({ field, roles: needing, needs }) => {
    const held = needing.filter((role) => roles.includes(role));
    if (held.length === 0 || present(scope[field])) return [];
    const whom = held.length === 1 ? `the role ${held[0]}` : `the roles ${held.join(', ')}`;
    return [{ field, message: `${needs} is required for ${whom}` }];
  });
}
