import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose'

/** Settings for verifying Cloudflare Access JWTs (`Cf-Access-Jwt-Assertion`). */
export interface AccessSettings {
  /** e.g. `ret-drenthe.cloudflareaccess.com` (with or without https://). */
  teamDomain: string
  /** The Access application's AUD tag. */
  audience: string
  /** Override of the JWKS URL (tests); default `https://<teamDomain>/cdn-cgi/access/certs`. */
  certsUrl?: string
  /**
   * Oldest token accepted, in seconds since its `iat` (default 24 h): at least the Access application's
   * session duration, which is when Access signs a fresh token.
   */
  maxTokenAgeSeconds?: number
}

/** Default maximum age of an Access JWT (its `iat`): Access's default session duration, 24 hours. */
export const ACCESS_MAX_TOKEN_AGE_SECONDS = 24 * 60 * 60

/** Claims an Access JWT must carry (issue 14 §6): without `exp` a token would never expire. */
export const ACCESS_REQUIRED_CLAIMS = ['exp', 'iat', 'sub', 'email'] as const

/** A verified Access identity. `email` is the stable user id (and personal data: never logged). */
export interface AccessIdentity {
  email: string
  subject: string
}

const jwksCache = new Map<string, JWTVerifyGetKey>()

function issuerOf(teamDomain: string): string {
  const host = teamDomain.replace(/^https?:\/\//, '').replace(/\/+$/, '')
  return `https://${host}`
}

function jwksFor(url: string): JWTVerifyGetKey {
  let jwks = jwksCache.get(url)
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(url))
    jwksCache.set(url, jwks)
  }
  return jwks
}

/**
 * Verifies an Access JWT: signature against the team's published keys, issuer = the team domain,
 * audience = the application's AUD; `exp`, `iat`, `sub` and `email` present, not expired, not older than
 * the maximum token age, not issued in the future (60 s clock tolerance). Returns null on any failure.
 * `keys` lets tests pass a local key set instead of fetching one.
 */
export async function verifyAccessJwt(
  token: string | undefined,
  settings: AccessSettings,
  options: { now?: Date; keys?: JWTVerifyGetKey } = {},
): Promise<AccessIdentity | null> {
  if (!token || token.length > 8192) return null
  const issuer = issuerOf(settings.teamDomain)
  const keys = options.keys ?? jwksFor(settings.certsUrl ?? `${issuer}/cdn-cgi/access/certs`)
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer,
      audience: settings.audience,
      algorithms: ['RS256'],
      clockTolerance: 60,
      requiredClaims: [...ACCESS_REQUIRED_CLAIMS],
      maxTokenAge: settings.maxTokenAgeSeconds ?? ACCESS_MAX_TOKEN_AGE_SECONDS,
      ...(options.now ? { currentDate: options.now } : {}),
    })
    const email = typeof payload.email === 'string' ? payload.email.trim().toLowerCase() : ''
    if (!email || email.length > 320 || !payload.sub || payload.sub.length > 200) return null
    return { email, subject: payload.sub }
  } catch {
    return null
  }
}
