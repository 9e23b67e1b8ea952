import type { Context, Hono, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from '../app'
import { both } from '../domain/copy'
import { identifyApi, identifySlack, identifyTeams, identifyWeb, rateLimit } from './rate-limit'

/**
 * Guards every request passes before a surface sees it (docs/security.md §Controls):
 * - baseline security headers (`hono/secure-headers`; a surface's own, e.g. the web CSP and frame rules,
 *   are kept) and `Cache-Control: no-store`;
 * - THE body limit (`hono/body-limit`, one per path prefix): a declared body over the limit is refused
 *   before it is read, a body without a length is counted while read and refused at the limit, so no
 *   route needs its own check — a route reads the body whole;
 * - rate limits (./rate-limit.ts): per verified user and tenant, otherwise per client address.
 */

/** Largest body per path prefix (uploads are the only large bodies); the first match counts. */
export const BODY_LIMITS: readonly { prefix: string; max: number }[] = [
  { prefix: '/files/upload/', max: 11 * 1024 * 1024 },
  { prefix: '/cases/', max: 11 * 1024 * 1024 },
  { prefix: '/slack/', max: 1024 * 1024 },
  { prefix: '/api/messages', max: 512 * 1024 },
  { prefix: '/api/v1/admin/', max: 16 * 1024 },
  { prefix: '/', max: 256 * 1024 },
]

/** The body limit of a path. */
export function bodyLimitFor(path: string): number {
  return BODY_LIMITS.find((l) => path.startsWith(l.prefix))?.max ?? 256 * 1024
}

const isOtherSurface = (path: string) =>
  path === '/healthz' || path.startsWith('/api/') || path.startsWith('/slack/')

/** The bilingual 413: a page a browser can show (with the way back) for the web, JSON elsewhere. */
function tooLarge(c: Context, max: number): Response {
  const m = both('privacy.errors.tooLarge', { max: Math.floor(max / 1024) })
  if (!isOtherSurface(c.req.path)) {
    // The draft is untouched: nothing of the body was used.
    return c.html(
      `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>413</title></head><body><main><h1>${m.nl}</h1><p lang="en">${m.en}</p><p><a href="/intake">Terug naar de aanmelding / Back to the intake</a></p></main></body></html>`,
      413,
    )
  }
  return c.json({ error: { code: 'payload_too_large', ...m } }, 413)
}

const limits = BODY_LIMITS.map(({ max }) => bodyLimit({ maxSize: max, onError: (c) => tooLarge(c, max) }))

const limitBody: MiddlewareHandler<AppEnv> = function limitBody(c, next) {
  const index = BODY_LIMITS.findIndex((l) => c.req.path.startsWith(l.prefix))
  return (limits[index === -1 ? limits.length - 1 : index] as MiddlewareHandler<AppEnv>)(c, next)
}

const baseline = {
  xFrameOptions: 'DENY',
  // A surface that sets one of these itself (the web pages) keeps its own.
  overwrite: false,
} as const
const overHttps = secureHeaders({
  ...baseline,
  strictTransportSecurity: 'max-age=31536000; includeSubDomains',
})
const overHttp = secureHeaders({ ...baseline, strictTransportSecurity: false })

const baselineHeaders: MiddlewareHandler<AppEnv> = async function baselineHeaders(c, next) {
  const https = new URL(c.req.url).protocol === 'https:'
  await (https ? overHttps : overHttp)(c, next)
  // Responses carry personal data or one-time answers: never cached (a route may say otherwise).
  if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store')
}

/**
 * Slack shows a bare 429 to the person as "dispatch failed"; a slash command's answer can be an ephemeral
 * message instead, so there it says what happened in both languages (interactions keep the 429).
 */
function respondSlack(c: Context, retryAfter: number): Response | null {
  if (c.req.path !== '/slack/commands') return null
  const message = both('privacy.errors.rateLimited', { seconds: retryAfter })
  return Response.json(
    { response_type: 'ephemeral', text: `${message.nl}\n${message.en}` },
    { status: 200, headers: { 'Retry-After': String(retryAfter) } },
  )
}

/** Registers the edge guards on the app; call before mounting the surfaces. */
export function applyEdgeGuards(app: Hono<AppEnv>): void {
  app.use('*', baselineHeaders)
  app.use('*', limitBody)
  app.use('/api/v1/*', rateLimit({ surface: 'api', identify: identifyApi }))
  app.use('/slack/*', rateLimit({ surface: 'slack', identify: identifySlack, respond: respondSlack }))
  app.use('/api/messages', rateLimit({ surface: 'teams', identify: identifyTeams }))
  const web = rateLimit<AppEnv>({ surface: 'web', identify: identifyWeb, html: true })
  app.use('*', async function webRateLimit(c, next) {
    if (isOtherSurface(c.req.path)) return next()
    return web(c, next)
  })
}
