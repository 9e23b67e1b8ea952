import { randomToken, signHmac, verifyHmac } from './hmac'

/**
 * CSRF protection for every form: a random per-browser secret in an HttpOnly cookie, and in each form
 * a token that is its HMAC under the server key. A cross-site page can neither read the cookie nor
 * compute the token, so a forged POST fails even before SameSite=Lax is considered.
 */
export const CSRF_COOKIE = 'ret_csrf'

/** A new per-browser CSRF secret (the cookie value). */
export function buildCsrfSecret(): string {
  return randomToken(18)
}

/** The form token for a CSRF cookie value. */
export function buildCsrfToken(key: string, secret: string): Promise<string> {
  return signHmac(key, `csrf.${secret}`)
}

/** Checks a posted token against the browser's CSRF cookie. */
export async function verifyCsrfToken(
  key: string,
  secret: string | undefined,
  token: unknown,
): Promise<boolean> {
  if (!secret || typeof token !== 'string' || token.length > 200) return false
  return verifyHmac(key, `csrf.${secret}`, token)
}
