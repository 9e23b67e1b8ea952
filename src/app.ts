import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { logger } from './logger'
import { buildAdminRoutes } from './routes/admin'
import { buildApiRoutes } from './routes/api'
import { buildApiCasesRoutes } from './routes/api-cases'
import { applyEdgeGuards } from './routes/edge'
import { buildFilesRoutes } from './routes/files'
import { buildSlackRoutes } from './routes/slack'
import { buildTeamsRoutes } from './routes/teams'
import { buildWebRoutes, handleWebNotFound } from './routes/web'
import { buildWebCasesRoutes } from './routes/web-cases'
import { buildWebDigestRoutes } from './routes/web-digest'
import { buildWebMonitoringRoutes } from './routes/web-monitoring'

/** Per-request values set by middleware. */
export type AppVariables = {
  requestId: string
  /** Set by the rate limiter once it verified a Slack request's signature: the route need not check again. */
  slackVerifiedBody?: string
  /** Set by the rate limiter once it verified a Teams bearer token: the route need not check again. */
  teamsClaims?: import('../adapters/teams/verify').VerifiedTeamsRequest['claims']
  /**
   * Set by the rate limiter once it read a web request's identity: the credentials it read and what they
   * verified to (null: none), so the page's context need not verify the same credentials again.
   */
  webIdentity?: {
    sessionCookie: string | undefined
    accessJwt: string | undefined
    identity: import('./auth/identity').ReadIdentity | null
  }
  /** Set with `teamsClaims`: the activity's JSON as read and checked against those claims (size, UTF-8, tenant). */
  teamsActivity?: { body: unknown; tenantId: string }
}
export type AppEnv = { Bindings: Env; Variables: AppVariables }

/**
 * Builds the Hono app: one sub-app per surface is mounted here.
 * Errors: HTTPException carries its own status; anything else is a 500 with a generic bilingual body,
 * logged by request id only (never the body).
 */
export function buildApp() {
  const app = new Hono<AppEnv>()

  app.use('*', async function requestId(c, next) {
    c.set('requestId', c.req.header('cf-ray') ?? crypto.randomUUID())
    await next()
  })

  // Body size, rate limits per user and tenant, baseline security headers (docs/security.md).
  applyEdgeGuards(app)

  app.get('/healthz', (c) => c.json({ ok: true }))

  app.route('/api/v1/admin', buildAdminRoutes())

  app.route('/api/v1', buildApiRoutes())
  app.route('/api/v1', buildApiCasesRoutes())

  app.route('/slack', buildSlackRoutes())

  app.route('/api', buildTeamsRoutes())

  app.route('/', buildFilesRoutes())

  app.route('/', buildWebDigestRoutes())

  app.route('/', buildWebMonitoringRoutes())

  app.route('/', buildWebCasesRoutes())

  app.route('/', buildWebRoutes())

  app.notFound(
    (c) => handleWebNotFound(c) ?? c.json({ error: { nl: 'Niet gevonden.', en: 'Not found.' } }, 404),
  )

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse()
    logger.error('unhandled_error', { requestId: c.get('requestId'), error: err.name })
    return c.json(
      {
        error: {
          nl: 'Er ging iets mis. Probeer het opnieuw.',
          en: 'Something went wrong. Please try again.',
        },
      },
      500,
    )
  })

  return app
}
