/** Audiences of the tokens this system signs; a token of one kind is refused as another. */
export const TOKEN_AUDIENCE = { api: 'mptf-api', dashboard: 'mptf-dashboard' } as const;
export const TOKEN_ISSUER = 'mptf';
export const JWT_ALGORITHM = 'HS256' as const;
export const DASHBOARD_COOKIE = 'mptf_dashboard';
export const DASHBOARD_PATH = '/admin/queues';
export const DASHBOARD_TTL_SECONDS = 15 * 60;

export interface AccessClaims {
  sub: string;
  /** The user's session epoch when the token was signed (absent in tokens signed before it existed: 0). */
  ver?: number;
  /** When the user signed in (seconds, application clock); a refresh keeps it. Absent: `iat`. */
  auth_time?: number;
  aud: string;
  iss: string;
  iat: number;
  exp: number;
}
