import { Hono } from 'hono'
import { buildDurableDraftStore } from '../../adapters/storage/draft-object'
import { ActivitySchema } from '../../adapters/teams/activity'
import {
  buildTeamsChannelSide,
  buildTeamsConnector,
  buildTeamsPdfLinkIssuer,
  buildTeamsVerifyConfig,
} from '../../adapters/teams/deps'
import { D1TeamsStore } from '../../adapters/teams/store'
import {
  checkTeamsActivity,
  MAX_ACTIVITY_BYTES,
  TeamsAuthError,
  verifyTeamsToken,
} from '../../adapters/teams/verify'
import type { AppEnv } from '../app'
import { loadConfig } from '../config'
import { logger } from '../logger'
import { buildDeps } from '../wiring/deps'
import { lazyModule } from './lazy-module'
import { decodeUtf8Strict } from './strict-utf8'

const refused = (status: 400 | 401 | 413 | 503) => ({
  error:
    status === 401
      ? { nl: 'Niet geautoriseerd.', en: 'Unauthorized.' }
      : status === 503
        ? { nl: 'Tijdelijk niet beschikbaar.', en: 'Temporarily unavailable.' }
        : status === 413
          ? { nl: 'Bericht te groot.', en: 'Message too large.' }
          : { nl: 'Ongeldig bericht.', en: 'Invalid message.' },
})

/** The Teams SDK module, imported once per isolate on the first Teams request (again if that failed). */
const loadTeamsSdk = lazyModule(() => import('../../adapters/teams/sdk'))

/**
 * `POST /api/messages`, the Bot Framework messaging endpoint. Order matters: the bearer token is
 * verified before the body is read; the activity's `serviceUrl`, channel and tenant are checked
 * against the token before anything is parsed further; then the Teams SDK (adapters/teams/sdk.ts,
 * loaded on first use) routes the activity to its handler; a delivery id seen before changes nothing.
 */
export function buildTeamsRoutes() {
  const app = new Hono<AppEnv>()

  app.post('/messages', async function handleTeamsMessages(c) {
    const requestId = c.get('requestId')
    const config = loadConfig(c.env)
    const verifyConfig = buildTeamsVerifyConfig(config)
    let claims: Awaited<ReturnType<typeof verifyTeamsToken>>
    try {
      // The edge's rate limiter verified this request's token already; verify here only when it did not.
      claims = c.get('teamsClaims') ?? (await verifyTeamsToken(c.req.header('authorization'), verifyConfig))
    } catch (error) {
      const code = error instanceof TeamsAuthError ? error.code : 'keys_unavailable'
      const status = error instanceof TeamsAuthError ? error.status : 503
      logger.warn('teams_auth_refused', { requestId, code, status })
      return c.json(refused(status), status)
    }

    // The edge's rate limiter read and checked this body against the same claims; otherwise do it here.
    const checked = c.get('teamsClaims') ? c.get('teamsActivity') : undefined
    let body: unknown
    let tenantId: string
    if (checked) {
      body = checked.body
      tenantId = checked.tenantId
    } else {
      const bytes = await c.req.arrayBuffer()
      if (bytes.byteLength > MAX_ACTIVITY_BYTES) return c.json(refused(413), 413)
      // Strict UTF-8 (issue 14 §7): invalid bytes are refused like invalid JSON.
      const text = decodeUtf8Strict(bytes)
      try {
        if (text === null) throw new SyntaxError('invalid UTF-8')
        body = JSON.parse(text)
      } catch {
        return c.json(refused(400), 400)
      }
      try {
        tenantId = checkTeamsActivity(claims, body, verifyConfig).tenantId
      } catch (error) {
        const code = error instanceof TeamsAuthError ? error.code : 'unknown'
        logger.warn('teams_auth_refused', { requestId, code, status: 401 })
        return c.json(refused(401), 401)
      }
    }
    const parsed = ActivitySchema.safeParse(body)
    if (!parsed.success) {
      logger.warn('teams_activity_invalid', { requestId, count: parsed.error.issues.length })
      return c.json(refused(400), 400)
    }
    const activity = parsed.data

    // The Teams SDK loads here, on the first Teams request of an isolate, never for other traffic.
    const { dispatchTeamsActivity } = await loadTeamsSdk()
    const deps = buildDeps(c.env)
    const connector = buildTeamsConnector(config)
    const response = await dispatchTeamsActivity(
      { appId: config.TEAMS_APP_ID, connector },
      activity,
      { 'content-type': 'application/json' },
      {
        tenantId,
        requestId,
        origin: new URL(c.req.url).origin,
        turn: {
          deps,
          drafts: buildDurableDraftStore(c.env.DRAFTS),
          issuePdfLink: buildTeamsPdfLinkIssuer(deps),
        },
        store: new D1TeamsStore(c.env.DB),
        connector,
        waitUntil: (promise) => c.executionCtx.waitUntil(promise),
        channel: buildTeamsChannelSide(c.env, config),
      },
    )
    // Messages and installs answer 200 with an empty body; invokes with their invoke response.
    return c.json((response.body ?? {}) as object, response.status as 200)
  })

  return app
}
