import { z } from 'zod'
import { fromBase64Url, randomToken, signHmac, toBase64Url, verifyHmac } from '../auth/hmac'
import { parseActorKey } from '../domain/actor-key'
import { actorKey } from '../domain/lifecycle'
import type { Actor } from '../domain/types'
import type { CaseRecord } from '../ports/case-store'
import { buildActor, chairScopesOf, isAllowedTenant } from './access'
import { maySeeCase } from './cases'
import type { Deps } from './deps'

/**
 * Signed, short-lived links to a case's files (DOMAIN.md §7: "full details and the PDF open only
 * through a short-lived link issued to a user whose role allows it; every view is logged").
 *
 * A token is `<payload>.<signature>`: the payload (base64url JSON) names the purpose, the case
 * reference, the user it was issued to (`surface:tenant:user`), the file and the expiry; the signature
 * is HMAC-SHA256 with `LINK_SIGNING_KEY` over a domain-separated payload. Nothing personal is in it.
 */

/** Default lifetime of a link: 15 minutes. */
export const LINK_TTL_SECONDS = 15 * 60

/** `download`: GET /files/<token>; `upload`: the attachment upload page for chat users. */
export type LinkPurpose = 'download' | 'upload'

const ClaimsSchema = z.strictObject({
  v: z.literal(1),
  p: z.enum(['download', 'upload']),
  /** Case reference. */
  r: z.string().min(1).max(40),
  /** The user the link was issued to. */
  u: z.string().min(1).max(300),
  /** The file: `pdf:nl`, `pdf:en`, `att:<id>`; for uploads `analysis`. */
  f: z.string().min(1).max(200),
  /** Expiry, Unix seconds. */
  e: z.int().positive(),
  /** A nonce: two links issued in the same second differ. */
  n: z.string().min(8).max(40),
})

/** What a link grants. */
export interface LinkClaims {
  purpose: LinkPurpose
  reference: string
  user: string
  file: string
  expiresAt: Date
}

export type LinkCheck =
  | { ok: true; claims: LinkClaims }
  | { ok: false; reason: 'malformed' | 'tampered' | 'expired' | 'wrong_purpose'; claims: LinkClaims | null }

const DOMAIN = 'ret-link:v1:'

/** Signs a link token. */
export async function buildLinkToken(secret: string, claims: LinkClaims): Promise<string> {
  const payload = toBase64Url(
    new TextEncoder().encode(
      JSON.stringify({
        v: 1,
        p: claims.purpose,
        r: claims.reference,
        u: claims.user,
        f: claims.file,
        e: Math.floor(claims.expiresAt.getTime() / 1000),
        n: randomToken(9),
      }),
    ),
  )
  return `${payload}.${await signHmac(secret, DOMAIN + payload)}`
}

function decodeClaims(payload: string): LinkClaims | null {
  const bytes = fromBase64Url(payload)
  if (!bytes) return null
  try {
    const parsed = ClaimsSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)))
    if (!parsed.success) return null
    const c = parsed.data
    return { purpose: c.p, reference: c.r, user: c.u, file: c.f, expiresAt: new Date(c.e * 1000) }
  } catch {
    return null
  }
}

/**
 * Checks a token: shape, signature (constant time), purpose and expiry. A tampered token's claims are
 * not trusted and not returned; an expired one's are (they are authentic, for the audit row).
 */
export async function verifyLinkToken(
  secret: string,
  token: string,
  purpose: LinkPurpose,
  now: Date,
): Promise<LinkCheck> {
  const parts = token.split('.')
  if (token.length > 2000 || parts.length !== 2 || !parts[0] || !parts[1]) {
    return { ok: false, reason: 'malformed', claims: null }
  }
  const [payload, signature] = parts as [string, string]
  if (!(await verifyHmac(secret, DOMAIN + payload, signature)))
    return { ok: false, reason: 'tampered', claims: null }
  const claims = decodeClaims(payload)
  if (!claims) return { ok: false, reason: 'malformed', claims: null }
  if (claims.purpose !== purpose) return { ok: false, reason: 'wrong_purpose', claims }
  if (claims.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', claims }
  return { ok: true, claims }
}

/** Raised when links cannot be signed: `LINK_SIGNING_KEY` is not configured. */
export class LinkKeyMissingError extends Error {
  override readonly name = 'LinkKeyMissingError'
}

export interface IssueLinkInput {
  actor: Actor
  reference: string
  file: string
  purpose?: LinkPurpose
  ttlSeconds?: number
  requestId?: string | null
}

export interface IssuedLink {
  token: string
  /** The path to open: `/files/<token>` or `/files/upload/<token>`. */
  path: string
  expiresAt: Date
}

/**
 * Issues a link to one file of one case for one user and writes the issue to the audit log. The caller
 * has checked that the actor may see the case (`maySeeCase`) or, for uploads, that it is theirs.
 */
export async function issueFileLink(deps: Deps, input: IssueLinkInput): Promise<IssuedLink> {
  const secret = deps.config.LINK_SIGNING_KEY
  if (!secret) throw new LinkKeyMissingError('LINK_SIGNING_KEY is not set')
  const purpose = input.purpose ?? 'download'
  const now = deps.clock()
  const expiresAt = new Date(now.getTime() + (input.ttlSeconds ?? LINK_TTL_SECONDS) * 1000)
  const user = actorKey(input.actor)
  const token = await buildLinkToken(secret, {
    purpose,
    reference: input.reference,
    user,
    file: input.file,
    expiresAt,
  })
  await deps.store.audit({
    at: now.toISOString(),
    actorKey: user,
    surface: input.actor.surface,
    action: 'export',
    reference: input.reference,
    requestId: input.requestId ?? null,
    detail: `link_issued:${purpose}:${input.file.replace(/^att:.*/, 'attachment')}`,
  })
  return { token, path: purpose === 'upload' ? `/files/upload/${token}` : `/files/${token}`, expiresAt }
}

export type UploadLinkResult =
  | { ok: true; url: string; expiresAt: Date }
  | { ok: false; code: 'not_found' | 'not_referrer' | 'not_configured' }

/**
 * For the Teams and Slack dialogues: a short-lived link (15 minutes) where the referrer who filed the
 * case uploads the shared explanatory analysis in a browser. `origin` is this Worker's public origin
 * (e.g. `new URL(c.req.url).origin` of the chat request). Post the URL only in a direct message to
 * that referrer; it carries no personal data but grants an upload to the case. Audited.
 */
export async function issueAnalysisUploadLink(
  deps: Deps,
  input: { actor: Actor; reference: string; origin: string; requestId?: string | null },
): Promise<UploadLinkResult> {
  if (!deps.config.LINK_SIGNING_KEY) return { ok: false, code: 'not_configured' }
  const record = await deps.store.getByReference(input.reference)
  if (!record) return { ok: false, code: 'not_found' }
  if (record.referrerKey !== actorKey(input.actor)) return { ok: false, code: 'not_referrer' }
  const link = await issueFileLink(deps, {
    actor: input.actor,
    reference: record.reference,
    file: 'analysis',
    purpose: 'upload',
    requestId: input.requestId ?? null,
  })
  return { ok: true, url: new URL(link.path, input.origin).toString(), expiresAt: link.expiresAt }
}

/** Why a download link was refused. */
export type DownloadRefusal =
  | { reason: 'not_configured' }
  /** The token itself: malformed, tampered, expired or for another purpose. */
  | { reason: 'invalid_link'; link: Exclude<LinkCheck, { ok: true }>['reason']; reference: string | null }
  /** A web link opened without a signed-in user. */
  | { reason: 'unauthenticated'; reference: string }
  /** A chat user whose workspace or tenant may not use the app (anymore). */
  | { reason: 'tenant'; who: string; reference: string }
  /** A web link opened by someone else than the person it was issued to. */
  | { reason: 'other_user'; who: string; reference: string }
  /** The person may not see the case (anymore), or it is gone. */
  | { reason: 'no_access'; who: string; reference: string }

export type DownloadDecision =
  | { ok: true; who: string; viewer: Actor; claims: LinkClaims; record: CaseRecord }
  | ({ ok: false } & DownloadRefusal)

/**
 * The one authorisation of a file download link, for every route that serves one (`/files/:token` on
 * the web, `/api/teams/files/:token` for Teams). The token must be authentic, unexpired and for
 * downloading. A Slack or Teams user has no browser session (the web knows people by their Access
 * email): for them the link itself, issued only into their own chat and valid 15 minutes, is the
 * credential, and their tenant and roles are checked again now, from configuration. A web link is
 * bound to the signed-in user it was issued to. Either way the person must still be allowed to see the
 * case (`maySeeCase`). The caller audits the outcome.
 */
export async function authorizeLinkDownload(
  deps: Deps,
  input: { token: string; session: Actor | null },
): Promise<DownloadDecision> {
  const secret = deps.config.LINK_SIGNING_KEY
  if (!secret) return { ok: false, reason: 'not_configured' }
  const check = await verifyLinkToken(secret, input.token, 'download', deps.clock())
  if (!check.ok)
    return {
      ok: false,
      reason: 'invalid_link',
      link: check.reason,
      reference: check.claims?.reference ?? null,
    }
  const { claims } = check
  const reference = claims.reference
  const chat = parseActorKey(claims.user)
  let who: string
  let viewer: Actor
  if (chat && (chat.surface === 'slack' || chat.surface === 'teams')) {
    who = claims.user
    if (!isAllowedTenant(deps.config, chat.surface, chat.tenant))
      return { ok: false, reason: 'tenant', who, reference }
    viewer = buildActor(deps.config, { surface: chat.surface, tenant: chat.tenant, userId: chat.user })
  } else {
    if (!input.session) return { ok: false, reason: 'unauthenticated', reference }
    who = actorKey(input.session)
    viewer = input.session
    // Bound to one user: someone else's link is refused even if that person may see the case.
    if (who !== claims.user) return { ok: false, reason: 'other_user', who, reference }
  }
  const record = await deps.store.getByReference(reference)
  if (!record || !maySeeCase(record, viewer, chairScopesOf(deps.config)))
    return { ok: false, reason: 'no_access', who, reference }
  return { ok: true, who, viewer, claims, record }
}
