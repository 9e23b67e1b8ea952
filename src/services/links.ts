import { randomToken, signHmac } from '../auth/hmac'
import { parseActorKey } from '../domain/actor-key'
import { actorKey } from '../domain/lifecycle'
import type { Actor } from '../domain/types'
import type { CaseRecord } from '../ports/case-store'
import type { LinkBinding, LinkPurpose, StoredLink } from '../ports/links'
import { buildActor, chairScopesOf, isAllowedTenant } from './access'
import { maySeeCase } from './cases'
import type { Deps } from './deps'

export type { LinkBinding, LinkPurpose } from '../ports/links'

/**
 * Short-lived, single-use links to a case's files (DOMAIN.md §7: "full details and the PDF open only
 * through a short-lived link issued to a user whose role allows it; every view is logged"; issue 14 §2
 * and §5, issue 12 §3).
 *
 * A token is opaque: 32 random bytes, base64url (43 characters), nothing in it to read or to change.
 * What it grants (purpose, case, person, file, binding, expiry) is stored server-side (`LinkStore`,
 * D1 `file_links`) under the token's HMAC with `LINK_SIGNING_KEY`, so the database never holds a usable
 * token. Every link is single-use (consumed atomically by the request that uses it) and expires at
 * its stored expiry, never later than the issuing TTL plus clock skew after it was issued. A link
 * issued on the web is bound to that signed-in web identity; one issued into a Slack/Teams chat (whose
 * person has no web identity) is bound by being single-use. Erasing a case deletes its links.
 */

/** Lifetime of a link: 15 minutes; also the most any link may be given. */
export const LINK_TTL_SECONDS = 15 * 60

/** Clock skew allowed on top of the TTL, whatever a stored expiry says. */
export const LINK_CLOCK_SKEW_SECONDS = 60

/** The shape of a link token (32 random bytes, base64url). */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

/** Expired links stay this long (to answer "expired" rather than "unknown"), then they are purged. */
const KEEP_EXPIRED_MS = 24 * 60 * 60 * 1000

/** What a link grants. */
export interface LinkClaims {
  purpose: LinkPurpose
  reference: string
  /** The identity key it was issued to (`surface:tenant:user`). */
  user: string
  file: string
  boundTo: LinkBinding
  expiresAt: Date
}

export type LinkRefusalReason = 'malformed' | 'unknown' | 'wrong_purpose' | 'used' | 'expired'

export type LinkCheck =
  | { ok: true; id: string; claims: LinkClaims }
  | { ok: false; reason: LinkRefusalReason; claims: LinkClaims | null }

/** A new opaque link token. */
export function buildLinkToken(): string {
  return randomToken(32)
}

/** The id a token is stored under: its HMAC, so the store never holds the token itself. */
export function linkIdOf(secret: string, token: string): Promise<string> {
  return signHmac(secret, `ret-link:v2:${token}`)
}

/** When a stored link stops working: its expiry, capped at issue + TTL + clock skew. */
export function effectiveExpiry(link: Pick<StoredLink, 'createdAt' | 'expiresAt'>): Date {
  const stored = Date.parse(link.expiresAt)
  const cap = Date.parse(link.createdAt) + (LINK_TTL_SECONDS + LINK_CLOCK_SKEW_SECONDS) * 1000
  const at = Math.min(Number.isNaN(stored) ? 0 : stored, Number.isNaN(cap) ? 0 : cap)
  return new Date(at)
}

function claimsOf(link: StoredLink): LinkClaims {
  return {
    purpose: link.purpose,
    reference: link.reference,
    user: link.userKey,
    file: link.file,
    boundTo: link.boundTo,
    expiresAt: effectiveExpiry(link),
  }
}

/**
 * Checks a token without using it: its shape, that it was issued (and its case not erased), its
 * purpose, that it is unused and unexpired (capped expiry). Needs `LINK_SIGNING_KEY` (the caller
 * answers "not configured" without it).
 */
export async function checkLinkToken(
  deps: Pick<Deps, 'links' | 'clock'>,
  secret: string,
  token: string,
  purpose: LinkPurpose,
): Promise<LinkCheck> {
  if (!LINK_TOKEN_PATTERN.test(token)) return { ok: false, reason: 'malformed', claims: null }
  const id = await linkIdOf(secret, token)
  const link = await deps.links.get(id)
  if (!link) return { ok: false, reason: 'unknown', claims: null }
  const claims = claimsOf(link)
  if (link.purpose !== purpose) return { ok: false, reason: 'wrong_purpose', claims }
  if (link.usedAt !== null) return { ok: false, reason: 'used', claims }
  if (claims.expiresAt.getTime() <= deps.clock().getTime()) return { ok: false, reason: 'expired', claims }
  return { ok: true, id, claims }
}

/**
 * Uses a checked link (atomically: of two requests at once, one wins). The returned stamp undoes it
 * with `releaseLink` when what it was used for was refused. Null when it was used or expired meanwhile.
 */
export async function consumeLink(deps: Pick<Deps, 'links' | 'clock'>, id: string): Promise<string | null> {
  const at = deps.clock().toISOString()
  return (await deps.links.consume(id, at)) ? at : null
}

/** Makes a link usable again after `consumeLink` (the upload it was for was refused). */
export async function releaseLink(deps: Pick<Deps, 'links'>, id: string, usedAt: string): Promise<void> {
  await deps.links.release(id, usedAt)
}

/** Raised when links cannot be issued: `LINK_SIGNING_KEY` is not configured. */
export class LinkKeyMissingError extends Error {
  override readonly name = 'LinkKeyMissingError'
}

export interface IssueLinkInput {
  actor: Actor
  reference: string
  file: string
  purpose?: LinkPurpose
  /** At most `LINK_TTL_SECONDS` (a longer one is cut to it). */
  ttlSeconds?: number
  requestId?: string | null
}

export interface IssuedLink {
  token: string
  /** The path to open: `/files/<token>` or `/files/upload/<token>`. */
  path: string
  expiresAt: Date
  boundTo: LinkBinding
}

/**
 * Issues a link to one file of one case for one person and writes the issue to the audit log. A web
 * actor's link is bound to their web identity; a chat actor's is single-use only. The caller has
 * checked that the actor may see the case (`maySeeCase`) or, for uploads, that it is theirs.
 */
export async function issueFileLink(deps: Deps, input: IssueLinkInput): Promise<IssuedLink> {
  const secret = deps.config.LINK_SIGNING_KEY
  if (!secret) throw new LinkKeyMissingError('LINK_SIGNING_KEY is not set')
  const purpose = input.purpose ?? 'download'
  const now = deps.clock()
  const ttl = Math.max(1, Math.min(input.ttlSeconds ?? LINK_TTL_SECONDS, LINK_TTL_SECONDS))
  const expiresAt = new Date(now.getTime() + ttl * 1000)
  const user = actorKey(input.actor)
  const boundTo: LinkBinding = input.actor.surface === 'web' ? 'web' : 'chat'
  const token = buildLinkToken()
  await deps.links.purgeExpired(new Date(now.getTime() - KEEP_EXPIRED_MS).toISOString(), 100)
  await deps.links.put({
    id: await linkIdOf(secret, token),
    purpose,
    reference: input.reference,
    userKey: user,
    file: input.file,
    boundTo,
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    usedAt: null,
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
  return {
    token,
    path: purpose === 'upload' ? `/files/upload/${token}` : `/files/${token}`,
    expiresAt,
    boundTo,
  }
}

export type UploadLinkResult =
  | { ok: true; url: string; expiresAt: Date }
  | { ok: false; code: 'not_found' | 'not_referrer' | 'not_configured' }

/**
 * For the Teams and Slack dialogues: a single-use link (15 minutes) where the referrer who filed the
 * case uploads the shared explanatory analysis in a browser. `origin` is this Worker's public origin
 * (e.g. `new URL(c.req.url).origin` of the chat request). Post the URL only in a direct message to
 * that referrer; it carries nothing readable but grants one upload to the case. Audited.
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

/** Why a link was refused. */
export type LinkRefusal =
  | { reason: 'not_configured' }
  /** The token itself: malformed, unknown (never issued, or its case erased), used, expired, or for another purpose. */
  | { reason: 'invalid_link'; link: LinkRefusalReason; reference: string | null }
  /** A web-bound link opened without a signed-in user. */
  | { reason: 'unauthenticated'; reference: string }
  /** A chat user whose workspace or tenant may not use the app (anymore). */
  | { reason: 'tenant'; who: string; reference: string }
  /** A web-bound link opened by someone else than the person it was issued to. */
  | { reason: 'other_user'; who: string; reference: string }
  /** The person may not see (or, for uploads, add to) the case anymore. */
  | { reason: 'no_access'; who: string; reference: string }
  /** The case is gone (erased). */
  | { reason: 'gone'; reference: string }

/** A link that may be used now, by whom. */
export interface LinkGrant {
  ok: true
  /** The link's id, for `consumeLink`. */
  id: string
  claims: LinkClaims
  record: CaseRecord
  /** The person it was issued to, with their roles now. */
  viewer: Actor
  /**
   * Who is really using it, for the audit: the signed-in web user when there is one, else the chat
   * person it was issued to (a single-use link handed only to them).
   */
  who: string
}

export type LinkDecision = LinkGrant | ({ ok: false } & LinkRefusal)

/**
 * The one authorisation of a file link, for downloads and uploads. The token must be issued, unused,
 * unexpired and for this purpose. A web-bound link works only for the signed-in web user it was issued
 * to. A chat-bound link (Slack or Teams, whose people have no web identity) needs no web session: it
 * was handed only to that person in their own chat and works once; their tenant and roles are checked
 * again now, from configuration. Either way the person must still be allowed to see the case
 * (`maySeeCase`); for an upload they must still be its referrer (or an admin, on the web). Nothing is
 * consumed here; the caller audits the outcome and consumes the link when it uses it.
 */
export async function authorizeLink(
  deps: Deps,
  input: { token: string; session: Actor | null; purpose: LinkPurpose },
): Promise<LinkDecision> {
  const secret = deps.config.LINK_SIGNING_KEY
  if (!secret) return { ok: false, reason: 'not_configured' }
  const check = await checkLinkToken(deps, secret, input.token, input.purpose)
  if (!check.ok)
    return {
      ok: false,
      reason: 'invalid_link',
      link: check.reason,
      reference: check.claims?.reference ?? null,
    }
  const { claims } = check
  const reference = claims.reference
  let viewer: Actor
  let who: string
  if (claims.boundTo === 'chat') {
    const chat = parseActorKey(claims.user)
    if (!chat || (chat.surface !== 'slack' && chat.surface !== 'teams'))
      return { ok: false, reason: 'invalid_link', link: 'malformed', reference }
    if (!isAllowedTenant(deps.config, chat.surface, chat.tenant))
      return { ok: false, reason: 'tenant', who: claims.user, reference }
    viewer = buildActor(deps.config, { surface: chat.surface, tenant: chat.tenant, userId: chat.user })
    who = input.session ? actorKey(input.session) : claims.user
  } else {
    if (!input.session) return { ok: false, reason: 'unauthenticated', reference }
    who = actorKey(input.session)
    viewer = input.session
    // Bound to one user: someone else's link is refused even if that person may see the case.
    if (who !== claims.user) return { ok: false, reason: 'other_user', who, reference }
  }
  const record = await deps.store.getByReference(reference)
  if (!record) return { ok: false, reason: 'gone', reference }
  const allowed =
    input.purpose === 'upload'
      ? record.referrerKey === claims.user || (claims.boundTo === 'web' && viewer.roles.includes('admin'))
      : maySeeCase(record, viewer, chairScopesOf(deps.config))
  if (!allowed) return { ok: false, reason: 'no_access', who, reference }
  return { ok: true, id: check.id, claims, record, viewer, who }
}
