export const ROLES = [
  'applicant',
  'resident_coordinator',
  'rc_office',
  'secretariat',
  'reviewer',
  'steering_committee',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export const LOCALES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];

/** The signed-in user, as the guards and services see them. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  organizationCode: string | null;
  countryCodes: string[];
  thematicAreaCodes: string[];
  locale: Locale;
  timeZone: string;
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((role) => actor.roles.includes(role));
}
