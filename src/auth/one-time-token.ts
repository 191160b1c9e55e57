import { createHash, randomBytes } from 'node:crypto';

/** A fresh one-time token (invitation or password-reset link) and the SHA-256 that is all the database keeps of it. */
export function newOneTimeToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOneTimeToken(token) };
}

export function hashOneTimeToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
