import { z } from 'zod'
import type { Role } from '../domain/types'
import { fromBase64Url, signHmac, toBase64Url, verifyHmac } from './hmac'

/** The web session cookie (dev login only; production identities come from Cloudflare Access). */
export const SESSION_COOKIE = 'ret_session'

/** Sessions last a working day. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60

const ROLES = ['referrer', 'chair', 'coordinator', 'admin'] as const

/** Who a web request acts as, before roles from configuration are merged in. */
export interface WebIdentity {
  tenant: string
  userId: string
  /** Display name: personal data, never logged. */
  name: string
  roles: Role[]
}

const SessionSchema = z.strictObject({
  v: z.literal(1),
  t: z.string().min(1).max(100),
  u: z.string().min(1).max(200),
  n: z.string().min(1).max(100),
  r: z.array(z.enum(ROLES)).max(4),
  exp: z.int(),
})

/**
 * Derives a stable user id from a display name, so the same name from another browser resumes the
 * same draft: lower case, accents stripped, non-alphanumerics collapsed to '-'.
 */
export function buildUserIdFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return slug || 'user'
}

/** Signs a session cookie value: base64url(JSON) + '.' + HMAC-SHA256. */
export async function buildSessionCookieValue(
  secret: string,
  identity: WebIdentity,
  nowSeconds: number,
): Promise<string> {
  const payload = {
    v: 1,
    t: identity.tenant,
    u: identity.userId,
    n: identity.name,
    r: identity.roles,
    exp: nowSeconds + SESSION_TTL_SECONDS,
  }
  const body = toBase64Url(new TextEncoder().encode(JSON.stringify(payload)))
  return `${body}.${await signHmac(secret, `session.${body}`)}`
}

/** Verifies a session cookie value; null when missing, tampered, malformed or expired. */
export async function readSessionCookieValue(
  secret: string,
  value: string | undefined,
  nowSeconds: number,
): Promise<WebIdentity | null> {
  if (!value || value.length > 4096) return null
  const [body, sig, extra] = value.split('.')
  if (!body || !sig || extra !== undefined) return null
  if (!(await verifyHmac(secret, `session.${body}`, sig))) return null
  const bytes = fromBase64Url(body)
  if (!bytes) return null
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    return null
  }
  const parsed = SessionSchema.safeParse(json)
  if (!parsed.success || parsed.data.exp <= nowSeconds) return null
  return { tenant: parsed.data.t, userId: parsed.data.u, name: parsed.data.n, roles: parsed.data.r }
}
