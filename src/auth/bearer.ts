import type { Context, MiddlewareHandler } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'

/** Constant-time comparison of two secrets: compares SHA-256 digests, so lengths leak nothing either. */
export async function safeEqual(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder()
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', enc.encode(a)),
    crypto.subtle.digest('SHA-256', enc.encode(b)),
  ])
  const x = new Uint8Array(da)
  const y = new Uint8Array(db)
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] as number)
  return diff === 0
}

/** Whether `token` is the configured secret, which must be at least `minLength` long (else nobody gets in). */
export async function isConfiguredToken(
  token: string,
  expected: string | undefined,
  minLength: number,
): Promise<boolean> {
  // Compare even without a usable secret, so the answer takes the same time.
  const equal = await safeEqual(token, expected ?? '')
  return equal && expected !== undefined && expected.length >= minLength
}

export interface BearerOptions<C extends Context> {
  /** The configured token of this request's Worker (an env secret). */
  expected: (c: C) => string | undefined
  /** Instead of `expected`: checks the token itself (e.g. against a list of named tokens). */
  verify?: (token: string, c: C) => Promise<boolean>
  /** Shortest token that counts as configured. */
  minLength: number
  /** `WWW-Authenticate: Bearer realm="…"`. */
  realm: string
  /** The bilingual 401 answer (any missing, malformed or wrong token). */
  refuse: (c: C) => Response
}

/**
 * `hono/bearer-auth` with this Worker's rules: the token comes from the environment per request, is
 * compared in constant time, and every refusal — no header, not a Bearer header, a wrong token — is the
 * same bilingual 401 with `WWW-Authenticate` (bearer-auth would answer a malformed header with 400).
 */
export function requireBearer<C extends Context>(options: BearerOptions<C>): MiddlewareHandler {
  const refuse = (c: Context) => {
    const res = options.refuse(c as C)
    if (!res.headers.has('WWW-Authenticate'))
      res.headers.set('WWW-Authenticate', `Bearer realm="${options.realm}"`)
    return res
  }
  return bearerAuth({
    realm: options.realm,
    verifyToken: (token, c) =>
      options.verify
        ? options.verify(token, c as C)
        : isConfiguredToken(token, options.expected(c as C), options.minLength),
    noAuthenticationHeader: { message: refuse },
    invalidAuthenticationHeader: { message: refuse },
    invalidToken: { message: refuse },
  })
}
