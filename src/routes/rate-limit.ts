import type { Context, MiddlewareHandler } from 'hono'
import { verifySlackRequest } from '../../adapters/slack/verify'
import { buildTeamsVerifyConfig } from '../../adapters/teams/deps'
import { checkTeamsActivity, MAX_ACTIVITY_BYTES, verifyTeamsToken } from '../../adapters/teams/verify'
import { findAdminActor } from '../auth/admin'
import { isConfiguredToken } from '../auth/bearer'
import { webConfigFor } from '../auth/dev-mode'
import { readWebIdentity } from '../auth/identity'
import { loadConfig } from '../config'
import { t } from '../domain/copy'
import type { Lang } from '../domain/enums'
import { logger } from '../logger'
import { decodeUtf8Strict } from './strict-utf8'

/**
 * Rate limits on the Workers rate-limiting binding (wrangler.toml `[[ratelimits]]`; docs/security.md C8).
 * A check is one call to a counter kept in the same Cloudflare location, not a storage round trip, so it
 * costs the Slack and Teams ack almost nothing and nothing is written anywhere.
 *
 * Keys (issue 14 item 3): a request counts against a user — and that user's tenant — only once its
 * credential is verified (Slack signature, Teams token and activity, the API's or admin's bearer token,
 * the web session cookie or Cloudflare Access JWT). Everything else counts against the client address
 * (`cf-connecting-ip`), so junk tokens and cookies all land in the sender's one bucket and cannot grow any
 * store, and a forger cannot use up someone else's allowance. Keys are hashed before they leave the
 * Worker (no address, user id or token is sent to the limiter as is).
 *
 * Over a limit: 429 with `Retry-After` (the rest of the binding's period) and a bilingual message, or a
 * surface's own answer (Slack: an ephemeral message for a slash command).
 */

/** The binding names in wrangler.toml and the period all three use (seconds; the binding takes 10 or 60). */
export const RATE_LIMIT_BINDINGS = {
  /** Per verified user (surface, tenant and user). */
  user: 'RATE_LIMIT_USER',
  /** Per verified tenant (a Slack workspace, a Teams tenant, the web, the API). */
  tenant: 'RATE_LIMIT_TENANT',
  /** Per client address, for everything not (yet) verified. */
  client: 'RATE_LIMIT_CLIENT',
} as const
export const RATE_LIMIT_PERIOD_SECONDS = 60

type Limiter = { limit(options: { key: string }): Promise<{ success: boolean }> }

/**
 * Who a request counts against. `verified`: a checked identity (the user may be unknown, e.g. a Slack
 * event without a user: then only the tenant counts); otherwise the client address.
 */
export type RateIdentity = { verified: { tenant: string; user: string | null } } | { client: string }

export type RateDecision = { ok: true } | { ok: false; retryAfter: number }

/** A short, non-reversible tag of a key (an address, a user id) before it leaves the Worker. */
export async function buildTag(value: string): Promise<string> {
  const cached = tags.get(value)
  if (cached !== undefined) return cached
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))
  const tag = [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('')
  // Bounded: at most MAX_TAGS keys per isolate (the busiest users and tenants), so junk cannot grow it.
  if (tags.size >= MAX_TAGS) tags.clear()
  tags.set(value, tag)
  return tag
}

/** Tags of recent keys: a repeat request of a user costs no digest on the ack path. */
const tags = new Map<string, string>()
const MAX_TAGS = 1000

function limiterOf(env: Env, name: string): Limiter | null {
  const binding = (env as unknown as Record<string, unknown>)[name]
  return binding && typeof (binding as Limiter).limit === 'function' ? (binding as Limiter) : null
}

let warnedMissing = false

/** Counts one request against every bucket of the identity; over any limit → not ok. */
export async function checkRateLimit(
  env: Env,
  surface: string,
  id: RateIdentity,
  nowSeconds: number,
): Promise<RateDecision> {
  // The user first, then the tenant: a request refused for its user does not use up the tenant's allowance.
  const calls: { limiter: string; key: string }[] =
    'client' in id
      ? [{ limiter: RATE_LIMIT_BINDINGS.client, key: `${surface}:ip:${id.client}` }]
      : [
          ...(id.verified.user === null
            ? []
            : [
                {
                  limiter: RATE_LIMIT_BINDINGS.user,
                  key: `${surface}:${id.verified.tenant}:${id.verified.user}`,
                },
              ]),
          { limiter: RATE_LIMIT_BINDINGS.tenant, key: `${surface}:${id.verified.tenant}` },
        ]
  let ok = true
  for (const { limiter, key } of calls) {
    const binding = limiterOf(env, limiter)
    if (!binding) {
      if (!warnedMissing) logger.warn('rate_limit_binding_missing', { binding: limiter })
      warnedMissing = true
      continue
    }
    if (!(await binding.limit({ key: await buildTag(key) })).success) {
      ok = false
      break
    }
  }
  if (ok) return { ok: true }
  return {
    ok: false,
    retryAfter: Math.max(1, RATE_LIMIT_PERIOD_SECONDS - (nowSeconds % RATE_LIMIT_PERIOD_SECONDS)),
  }
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
  /** Who the request counts against (verified identity or client address); null: not limited here. */
  identify: (c: Context) => Promise<RateIdentity | null>
  html?: boolean
  /** A surface's own way to say it (e.g. an ephemeral Slack message); default the 429 above. */
  respond?: (c: Context, retryAfter: number) => Response | null
  /** Injected clock (seconds) for tests: only the `Retry-After` value depends on it. */
  nowSeconds?: () => number
}

/** The middleware. A limiter failure never blocks a request: it is logged and the request goes on. */
export function rateLimit<E extends { Bindings: Env } = { Bindings: Env }>(
  options: RateLimitOptions,
): MiddlewareHandler<E> {
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000))
  return async function rateLimitMiddleware(c, next) {
    let decision: RateDecision = { ok: true }
    try {
      const id = await options.identify(c)
      if (id) decision = await checkRateLimit(c.env, options.surface, id, now())
    } catch (error) {
      logger.error('rate_limit_unavailable', { error: error instanceof Error ? error.name : 'unknown' })
    }
    if (!decision.ok) {
      logger.warn('rate_limited', { surface: options.surface, status: 429 })
      return (
        options.respond?.(c, decision.retryAfter) ??
        buildRateLimitedResponse(c, decision.retryAfter, options.html ?? false)
      )
    }
    await next()
  }
}

/** The client address Cloudflare saw (`cf-connecting-ip`; set by the edge, not by the client). */
export function clientOf(c: Context): RateIdentity {
  return { client: c.req.header('cf-connecting-ip') ?? 'unknown' }
}

/**
 * Reads a request body through Hono's body cache (no copy of the stream: the route's `c.req.arrayBuffer()`
 * gets the same bytes), capped at `max` bytes.
 */
async function peekBody(c: Context, max: number): Promise<string | null> {
  try {
    const buffer = await c.req.arrayBuffer()
    return buffer.byteLength > max ? null : decodeUtf8Strict(buffer)
  } catch {
    return null
  }
}

const SLACK_ID = /^[A-Z0-9]{1,20}$/

/**
 * Slack: workspace and user of a request whose signature checked out (DESIGN.md §6: verified before it
 * is parsed; the verified body is handed to the route, which does not verify again). Anything unsigned
 * or stale counts against its address; the route answers 401.
 */
export async function identifySlack(c: Context): Promise<RateIdentity | null> {
  const raw = await peekBody(c, 1024 * 1024)
  if (raw === null) return clientOf(c)
  try {
    await verifySlackRequest({
      signingSecret: loadConfig(c.env).SLACK_SIGNING_SECRET ?? '',
      timestamp: c.req.header('x-slack-request-timestamp'),
      signature: c.req.header('x-slack-signature'),
      rawBody: raw,
      now: new Date(),
    })
  } catch {
    return clientOf(c)
  }
  c.set('slackVerifiedBody', raw)
  let team: unknown
  let user: unknown
  try {
    if (raw.startsWith('{')) {
      const body = JSON.parse(raw) as { team_id?: unknown; event?: { user?: unknown } }
      team = body.team_id
      user = body.event?.user
    } else {
      const form = new URLSearchParams(raw)
      const payload = form.get('payload')
      if (payload) {
        const p = JSON.parse(payload) as {
          team?: { id?: unknown }
          user?: { id?: unknown; team_id?: unknown }
        }
        team = p.team?.id ?? p.user?.team_id
        user = p.user?.id
      } else {
        team = form.get('team_id')
        user = form.get('user_id')
      }
    }
  } catch {
    return { verified: { tenant: 'unknown', user: null } }
  }
  const tenant = typeof team === 'string' && SLACK_ID.test(team) ? team : 'unknown'
  const userId = typeof user === 'string' && SLACK_ID.test(user) ? user : null
  return { verified: { tenant, user: userId } }
}

/**
 * Teams: tenant and AAD object id of an activity whose bearer token verified (keys cached per isolate) and
 * which matches it; the claims and the checked body are handed to the route. Anything else counts against its address.
 */
export async function identifyTeams(c: Context): Promise<RateIdentity | null> {
  const verifyConfig = buildTeamsVerifyConfig(loadConfig(c.env))
  let claims: Awaited<ReturnType<typeof verifyTeamsToken>>
  try {
    claims = await verifyTeamsToken(c.req.header('authorization'), verifyConfig)
  } catch {
    return clientOf(c)
  }
  c.set('teamsClaims', claims)
  const raw = await peekBody(c, MAX_ACTIVITY_BYTES)
  if (raw === null) return clientOf(c)
  try {
    const a = JSON.parse(raw) as { from?: { aadObjectId?: unknown; id?: unknown } }
    const { tenantId } = checkTeamsActivity(claims, a, verifyConfig)
    // The route uses this body as read and checked here instead of reading, decoding and checking it again.
    c.set('teamsActivity', { body: a, tenantId })
    const user = a.from?.aadObjectId ?? a.from?.id
    const ok = (v: unknown): v is string => typeof v === 'string' && /^[\w:.-]{1,200}$/.test(v)
    return { verified: { tenant: ok(tenantId) ? tenantId : 'unknown', user: ok(user) ? user : null } }
  } catch {
    return clientOf(c)
  }
}

/** The bearer token of a request, or null. */
export function bearerOf(c: Context): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? null
}

/**
 * The API: the admin token or the API token, compared in constant time, is the user (`admin`, `token`);
 * a missing or wrong token counts against the address (however many different ones it sends).
 */
export async function identifyApi(c: Context): Promise<RateIdentity | null> {
  const token = bearerOf(c)
  if (token !== null) {
    const env = c.env as Env
    const [admin, isApi] = await Promise.all([
      findAdminActor(token, loadConfig(env)),
      isConfiguredToken(token, env.API_TOKEN, 16),
    ])
    // Each named admin has their own bucket (issue 14 §8); the shared token is `admin:token`.
    if (admin) return { verified: { tenant: 'api', user: `admin:${admin.userId}` } }
    if (isApi) return { verified: { tenant: 'api', user: 'token' } }
  }
  return clientOf(c)
}

/**
 * The web: the signed-in person once the session cookie (DEV_MODE) or the Cloudflare Access JWT verified
 * (src/auth/identity.ts, the same check the pages make); anyone else per address.
 */
export async function identifyWeb(c: Context): Promise<RateIdentity | null> {
  const cookie = /(?:^|;\s*)ret_session=([^;]+)/.exec(c.req.header('cookie') ?? '')?.[1]
  const access = c.req.header('cf-access-jwt-assertion')
  if (cookie === undefined && access === undefined) return clientOf(c)
  // The same DEV_MODE rule as the pages (the page's context logs a refusal, so not here too).
  const config = webConfigFor(
    loadConfig(c.env),
    { url: c.req.url, connectingIp: c.req.header('cf-connecting-ip') },
    { log: false },
  )
  const identity = await readWebIdentity(config, { sessionCookie: cookie, accessJwt: access }, new Date())
  c.set('webIdentity', { sessionCookie: cookie, accessJwt: access, identity })
  if (!identity) return clientOf(c)
  return { verified: { tenant: 'web', user: `${identity.tenant}:${identity.userId}` } }
}
