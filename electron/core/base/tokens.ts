import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A random secret (144 bits), URL-safe: tokens, a session's own secret. */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

/** Compared in constant time: how long a wrong guess takes says nothing about the right one. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
