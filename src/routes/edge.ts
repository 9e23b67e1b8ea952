import type { Context, Hono, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app'
import { both } from '../domain/copy'
import { identifyApi, identifySlack, identifyTeams, identifyWeb, rateLimit } from '../services/rate-limit'

/**
 * Guards every request passes before a surface sees it (docs/security.md §Controls):
 * a declared body larger than the surface accepts is refused (413) before it is read; rate limits per
 * user and per tenant (src/services/rate-limit.ts); baseline security headers on every response (the
 * web surface adds its CSP and frame rules itself). Each route still caps what it actually reads.
 */

/** Largest declared body per path prefix (uploads are the only large bodies). */
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

const declaredBodyLimit: MiddlewareHandler<AppEnv> = async function declaredBodyLimit(c, next) {
  const declared = Number(c.req.header('content-length') ?? '0')
  const max = bodyLimitFor(c.req.path)
  if (Number.isFinite(declared) && declared > max) {
    // A browser gets a page it can show (with the way back), not raw JSON; the draft is untouched.
    if (!isOtherSurface(c.req.path)) {
      const m = both('privacy.errors.tooLarge', { max: Math.floor(max / 1024) })
      return c.html(
        `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>413</title></head><body><main><h1>${m.nl}</h1><p lang="en">${m.en}</p><p><a href="/intake">Terug naar de aanmelding / Back to the intake</a></p></main></body></html>`,
        413,
      )
    }
    return c.json(
      {
        error: {
          code: 'payload_too_large',
          ...both('privacy.errors.tooLarge', { max: Math.floor(max / 1024) }),
        },
      },
      413,
    )
  }
  await next()
}

const baselineHeaders: MiddlewareHandler<AppEnv> = async function baselineHeaders(c, next) {
  await next()
  const headers = c.res.headers
  const set = (name: string, value: string) => {
    if (!headers.has(name)) headers.set(name, value)
  }
  set('X-Content-Type-Options', 'nosniff')
  set('Referrer-Policy', 'no-referrer')
  set('Cache-Control', 'no-store')
  set('X-Frame-Options', 'DENY')
  if (new URL(c.req.url).protocol === 'https:') {
    set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  }
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
  app.use('*', declaredBodyLimit)
  app.use('/api/v1/*', rateLimit({ surface: 'api', identify: identifyApi }))
  app.use('/slack/*', rateLimit({ surface: 'slack', identify: identifySlack, respond: respondSlack }))
  app.use('/api/messages', rateLimit({ surface: 'teams', identify: identifyTeams }))
  const web = rateLimit<AppEnv>({ surface: 'web', identify: identifyWeb, html: true })
  app.use('*', async function webRateLimit(c, next) {
    if (isOtherSurface(c.req.path)) return next()
    return web(c, next)
  })
}
