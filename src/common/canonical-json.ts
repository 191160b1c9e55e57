import { createHash } from 'node:crypto';

/**
 * JSON with the keys of every object sorted (recursively), so that two bodies that differ only in
 * key order read the same. Values follow JSON.stringify: `undefined` members are left out, and
 * `undefined` in an array or at the top becomes `null`.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null || typeof value === 'function') return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return canonicalJson(withToJson.toJSON());
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined && typeof record[key] !== 'function')
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 (hex) of the canonical JSON: equal values, whatever their key order, give equal hashes. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
