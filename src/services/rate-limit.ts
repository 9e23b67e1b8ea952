import type { Context, MiddlewareHandler } from 'hono'
import { verifySlackRequest } from '../../adapters/slack/verify'
import { buildTeamsVerifyConfig } from '../../adapters/teams/deps'
import { checkTeamsActivity, verifyTeamsToken } from '../../adapters/teams/verify'
import { loadConfig } from '../config'
import { t } from '../domain/copy'
import type { Lang } from '../domain/enums'
import { logger } from '../logger'

/**
 * Rate limits per user and per tenant, counted in D1 (`rate_limits`, fixed one-minute windows, shared
 * by every isolate). The check runs before the handler; the count is added after it, and only for
 * requests the surface accepted (a forged Slack or Teams request that fails verification cannot use up
 * someone else's allowance). Over the limit: 429 with `Retry-After` and a bilingual message.
 */

export interface RateLimits {
  /** Requests per window per user (or per client when the user is not known yet). */
  user: number
  /** Requests per window per tenant (a Slack workspace, a Teams tenant, the web, the API). */
  tenant: number
  windowSeconds: number
}

export const DEFAULT_RATE_LIMITS: RateLimits = { user: 120, tenant: 10_000, windowSeconds: 60 }

/** How long an isolate trusts the counts it read from D1 before reading them again. */
const REFRESH_SECONDS = 5

interface CachedCount {
  windowStart: number
  /** The shared count as last read from D1. */
  shared: number
  readAt: number
  /** Requests this isolate counted since that read. */
  local: number
}

// Per isolate: shared counts are re-read at most every few seconds, so most requests cost no D1 read
// on the ack path; local increments since the read are added, so one isolate alone is exact.
const cache = new Map<string, CachedCount>()

/** Parses `RATE_LIMITS` (`user=60,tenant=600,window=60`) over the defaults; bad parts are ignored. */
export function parseRateLimits(spec: string | undefined): RateLimits {
  const limits = { ...DEFAULT_RATE_LIMITS }
  for (const part of (spec ?? '').split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim())
    const n = Number(value)
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) continue
    if (key === 'user') limits.user = n
    else if (key === 'tenant') limits.tenant = n
    else if (key === 'window') limits.windowSeconds = n
  }
  return limits
}

/** Who a request counts against. `user` null: only the tenant bucket applies. */
export interface RateIdentity {
  tenant: string
  user: string | null
}

export type RateDecision = { ok: true } | { ok: false; retryAfter: number }

function bucketsOf(surface: string, id: RateIdentity, limits: RateLimits) {
  const buckets = [{ key: `${surface}:${id.tenant}`, limit: limits.tenant }]
  if (id.user !== null) buckets.push({ key: `${surface}:${id.tenant}:${id.user}`, limit: limits.user })
  return buckets
}

/** Whether every bucket of the identity is still under its limit in the current window. */
export async function checkRateLimit(
  db: D1Database,
  surface: string,
  id: RateIdentity,
  limits: RateLimits,
  nowSeconds: number,
): Promise<RateDecision> {
  const windowStart = nowSeconds - (nowSeconds % limits.windowSeconds)
  const buckets = bucketsOf(surface, id, limits)
  const fresh = (b: { key: string }) => {
    const c = cache.get(b.key)
    return c !== undefined && c.windowStart === windowStart && nowSeconds - c.readAt < REFRESH_SECONDS
  }
  const stale = buckets.filter((b) => !fresh(b))
  if (stale.length > 0) {
    const { results } = await db
      .prepare(
        `SELECT bucket, count FROM rate_limits WHERE window_start = ?1 AND bucket IN (${stale
          .map((_, i) => `?${i + 2}`)
          .join(', ')})`,
      )
      .bind(windowStart, ...stale.map((b) => b.key))
      .all<{ bucket: string; count: number }>()
    if (cache.size > 10_000) cache.clear()
    for (const b of stale) {
      const shared = results.find((r) => r.bucket === b.key)?.count ?? 0
      cache.set(b.key, { windowStart, shared, readAt: nowSeconds, local: 0 })
    }
  }
  const over = buckets.some((b) => {
    const c = cache.get(b.key)
    return c !== undefined && c.shared + c.local >= b.limit
  })
  if (!over) return { ok: true }
  return { ok: false, retryAfter: Math.max(1, windowStart + limits.windowSeconds - nowSeconds) }
}

/** Counts one request against every bucket of the identity (in D1 and in this isolate's view). */
export async function countRequest(
  db: D1Database,
  surface: string,
  id: RateIdentity,
  limits: RateLimits,
  nowSeconds: number,
): Promise<void> {
  const windowStart = nowSeconds - (nowSeconds % limits.windowSeconds)
  const buckets = bucketsOf(surface, id, limits)
  for (const b of buckets) {
    const c = cache.get(b.key)
    if (c?.windowStart === windowStart) c.local++
  }
  await db.batch(
    buckets.map((b) =>
      db
        .prepare(
          `INSERT INTO rate_limits (bucket, window_start, count) VALUES (?1, ?2, 1)
           ON CONFLICT (bucket, window_start) DO UPDATE SET count = count + 1`,
        )
        .bind(b.key, windowStart),
    ),
  )
}

/** Forgets this isolate's cached counts (tests). */
export function resetRateLimitCache(): void {
  cache.clear()
}

/** A short, non-reversible tag of a secret-ish value (a token, a session cookie) for bucket keys. */
export async function buildTag(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))
  return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The bilingual 429 body (JSON) or page (HTML, for the web surface). */
export function buildRateLimitedResponse(c: Context, retryAfter: number, html: boolean): Response {
  const message = (lang: Lang) => t(lang, 'privacy.errors.rateLimited', { seconds: retryAfter })
  const headers = { 'Retry-After': String(retryAfter), 'Cache-Control': 'no-store' }
  if (html) {
    const lang: Lang = /(?:^|;\s*)ret_lang=en/.test(c.req.header('cookie') ?? '') ? 'en' : 'nl'
    const other: Lang = lang === 'nl' ? 'en' : 'nl'
    const body = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>429</title></head><body><main><h1>${message(lang)}</h1><p lang="${other}">${message(other)}</p></main></body></html>`
    return new Response(body, {
      status: 429,
      headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' },
    })
  }
  return Response.json(
    { error: { code: 'rate_limited', nl: message('nl'), en: message('en') } },
    { status: 429, headers },
  )
}

export interface RateLimitOptions {
  surface: string
  /** Who the request counts against; null: not limited here (e.g. a health check). */
  identify: (c: Context) => Promise<RateIdentity | null>
  /** Whether a finished request counts (default: anything but 401 and 403). */
  counts?: (status: number) => boolean
  html?: boolean
  /** A surface's own way to say it (e.g. an ephemeral Slack message); default the 429 above. */
  respond?: (c: Context, retryAfter: number) => Response | null
  /** Injected clock (seconds) for tests. */
  nowSeconds?: () => number
}

/** The middleware. A storage failure never blocks a request: it is logged and the request goes on. */
export function rateLimit<E extends { Bindings: Env } = { Bindings: Env }>(
  options: RateLimitOptions,
): MiddlewareHandler<E> {
  const counts = options.counts ?? ((status: number) => status !== 401 && status !== 403)
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000))
  return async function rateLimitMiddleware(c, next) {
    let id: RateIdentity | null = null
    let limits = DEFAULT_RATE_LIMITS
    try {
      id = await options.identify(c)
      limits = parseRateLimits(c.env.RATE_LIMITS)
      if (id) {
        const decision = await checkRateLimit(c.env.DB, options.surface, id, limits, now())
        if (!decision.ok) {
          logger.warn('rate_limited', { surface: options.surface, status: 429 })
          return (
            options.respond?.(c, decision.retryAfter) ??
            buildRateLimitedResponse(c, decision.retryAfter, options.html ?? false)
          )
        }
      }
    } catch (error) {
      logger.error('rate_limit_unavailable', { error: error instanceof Error ? error.name : 'unknown' })
      id = null
    }
    await next()
    if (id && counts(c.res.status)) {
      const identity = id
      const work = countRequest(c.env.DB, options.surface, identity, limits, now()).catch(
        (error: unknown) => {
          logger.error('rate_limit_count_failed', { error: error instanceof Error ? error.name : 'unknown' })
        },
      )
      try {
        c.executionCtx.waitUntil(work)
      } catch {
        await work
      }
    }
  }
}

/** Reads a request body without consuming it (the handler reads it again), capped at `max` bytes. */
async function peekBody(c: Context, max: number): Promise<string | null> {
  const declared = Number(c.req.header('content-length') ?? '0')
  if (declared > max) return null
  try {
    const buffer = await c.req.raw.clone().arrayBuffer()
    return buffer.byteLength > max ? null : new TextDecoder().decode(buffer)
  } catch {
    return null
  }
}

function clientOf(c: Context): string {
  return c.req.header('cf-connecting-ip') ?? 'unknown'
}

/** Slack: workspace and user from the (not yet verified) payload; unverified requests are not counted. */
export async function identifySlack(c: Context): Promise<RateIdentity | null> {
  const raw = await peekBody(c, 1_000_000)
  if (raw === null) return null
  // Verify before parsing (DESIGN.md §6): an unsigned body is neither read nor counted; the route answers 401.
  try {
    await verifySlackRequest({
      signingSecret: loadConfig(c.env as Record<string, unknown>).SLACK_SIGNING_SECRET ?? '',
      timestamp: c.req.header('x-slack-request-timestamp'),
      signature: c.req.header('x-slack-signature'),
      rawBody: raw,
      now: new Date(),
    })
  } catch {
    return null
  }
  c.set('slackVerifiedBody', raw)
  let team: unknown
  let user: unknown
  if (raw.startsWith('{')) {
    try {
      const body = JSON.parse(raw) as { team_id?: unknown; event?: { user?: unknown } }
      team = body.team_id
      user = body.event?.user
    } catch {
      return { tenant: 'unknown', user: null }
    }
  } else {
    const form = new URLSearchParams(raw)
    const payload = form.get('payload')
    if (payload) {
      try {
        const p = JSON.parse(payload) as {
          team?: { id?: unknown }
          user?: { id?: unknown; team_id?: unknown }
        }
        team = p.team?.id ?? p.user?.team_id
        user = p.user?.id
      } catch {
        return { tenant: 'unknown', user: null }
      }
    } else {
      team = form.get('team_id')
      user = form.get('user_id')
    }
  }
  const tenant = typeof team === 'string' && /^[A-Z0-9]{1,20}$/.test(team) ? team : 'unknown'
  const userId = typeof user === 'string' && /^[A-Z0-9]{1,20}$/.test(user) ? user : null
  return { tenant, user: userId }
}

/**
 * Teams: tenant and AAD object id of a verified activity. The bearer token is verified first (keys are
 * cached per isolate) and the activity checked against it, so an unverified body is never used; the
 * route verifies again and answers 401.
 */
export async function identifyTeams(c: Context): Promise<RateIdentity | null> {
  let claims: Awaited<ReturnType<typeof verifyTeamsToken>>
  const verifyConfig = buildTeamsVerifyConfig(loadConfig(c.env as Record<string, unknown>))
  try {
    claims = await verifyTeamsToken(c.req.header('authorization'), verifyConfig)
  } catch {
    return null
  }
  c.set('teamsClaims', claims)
  const raw = await peekBody(c, 512 * 1024)
  if (raw === null) return null
  try {
    const a = JSON.parse(raw) as { from?: { aadObjectId?: unknown; id?: unknown } }
    const { tenantId } = checkTeamsActivity(claims, a, verifyConfig)
    const user = a.from?.aadObjectId ?? a.from?.id
    const ok = (v: unknown): v is string => typeof v === 'string' && /^[\w:.-]{1,200}$/.test(v)
    return { tenant: ok(tenantId) ? tenantId : 'unknown', user: ok(user) ? user : null }
  } catch {
    return null
  }
}

/** The API: one bucket per bearer token (tagged, never stored as is) within the API tenant. */
export async function identifyApi(c: Context): Promise<RateIdentity | null> {
  const auth = c.req.header('authorization')
  return { tenant: 'api', user: auth ? await buildTag(auth) : `ip-${clientOf(c)}` }
}

/** The web: one bucket per session (cookie or Access token, tagged) or per client address. */
export async function identifyWeb(c: Context): Promise<RateIdentity | null> {
  const cookie = /(?:^|;\s*)ret_session=([^;]+)/.exec(c.req.header('cookie') ?? '')?.[1]
  const access = c.req.header('cf-access-jwt-assertion')
  const secret = cookie ?? access
  return { tenant: 'web', user: secret ? await buildTag(secret) : `ip-${clientOf(c)}` }
}
