import { Hono } from 'hono'
import { buildDurableDraftStore } from '../../adapters/storage/draft-object'
import { ActivitySchema } from '../../adapters/teams/activity'
import { buildCardActivity } from '../../adapters/teams/cards'
import { ConnectorError, type TeamsConnector } from '../../adapters/teams/connector'
import { D1TeamsStore } from '../../adapters/teams/store'
import { checkTeamsActivity, TeamsAuthError, verifyTeamsToken } from '../../adapters/teams/verify'
import type { AppEnv } from '../app'
// Registers the proactive follow-up handlers (receipt, status, question, reminder) with the queue.
import '../jobs/teams-followups'
import { loadConfig } from '../config'
import { logger } from '../logger'
import { buildDeps } from '../services/deps'
import { buildTeamsConnector, buildTeamsVerifyConfig } from '../services/teams-deps'
import { runTeamsActivity, type TeamsReply } from '../services/teams-intake'

/** Largest accepted activity (Teams messages are a few KiB; cards submit only their inputs). */
export const MAX_ACTIVITY_BYTES = 256 * 1024

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

/**
 * Sends the replies in order. A card that cannot be updated in place (too old, deleted) is posted
 * anew. A failed send is logged and swallowed: the dialogue already moved on, and the platform must
 * not retry a delivery whose work is done (the user gets the current card with "hervat").
 */
async function sendReplies(
  connector: TeamsConnector,
  address: { serviceUrl: string; conversationId: string },
  replies: TeamsReply[],
  requestId: string,
): Promise<void> {
  for (const r of replies) {
    const activity = buildCardActivity(r.card)
    try {
      if (r.kind === 'update') {
        try {
          await connector.updateActivity(address, r.activityId, activity)
          continue
        } catch (error) {
          if (!(error instanceof ConnectorError) || error.temporary) throw error
        }
      }
      await connector.sendActivity(address, activity)
    } catch (error) {
      logger.error('teams_reply_failed', {
        requestId,
        status: error instanceof ConnectorError ? error.status : null,
        error: error instanceof Error ? error.name : 'unknown',
      })
    }
  }
}

/**
 * `POST /api/messages`, the Bot Framework messaging endpoint. Order matters: the bearer token is
 * verified before the body is read; the activity's `serviceUrl` and tenant are checked against the
 * token before anything is parsed further; a delivery id seen before changes nothing.
 */
export function buildTeamsRoutes() {
  const app = new Hono<AppEnv>()

  app.post('/messages', async function handleTeamsMessages(c) {
    const requestId = c.get('requestId')
    const config = loadConfig(c.env as unknown as Record<string, unknown>)
    const verifyConfig = buildTeamsVerifyConfig(config)
    let claims: Awaited<ReturnType<typeof verifyTeamsToken>>
    try {
      claims = await verifyTeamsToken(c.req.header('authorization'), verifyConfig)
    } catch (error) {
      const code = error instanceof TeamsAuthError ? error.code : 'keys_unavailable'
      const status = error instanceof TeamsAuthError ? error.status : 503
      logger.warn('teams_auth_refused', { requestId, code, status })
      return c.json(refused(status), status)
    }

    const bytes = await c.req.arrayBuffer()
    if (bytes.byteLength > MAX_ACTIVITY_BYTES) return c.json(refused(413), 413)
    let body: unknown
    try {
      body = JSON.parse(new TextDecoder().decode(bytes))
    } catch {
      return c.json(refused(400), 400)
    }
    let tenantId: string
    try {
      tenantId = checkTeamsActivity(claims, body, verifyConfig).tenantId
    } catch (error) {
      const code = error instanceof TeamsAuthError ? error.code : 'unknown'
      logger.warn('teams_auth_refused', { requestId, code, status: 401 })
      return c.json(refused(401), 401)
    }
    const parsed = ActivitySchema.safeParse(body)
    if (!parsed.success) {
      logger.warn('teams_activity_invalid', { requestId, count: parsed.error.issues.length })
      return c.json(refused(400), 400)
    }
    const activity = parsed.data

    const deps = buildDeps(c.env)
    const teams = new D1TeamsStore(c.env.DB)
    const claimKey = activity.id ? `${tenantId}:${activity.conversation.id}:${activity.id}` : null
    if (claimKey && (await teams.claimActivity(claimKey, deps.clock())) === 'duplicate') {
      logger.info('teams_duplicate_delivery', { requestId })
      return c.json({}, 200)
    }
    let replies: TeamsReply[]
    try {
      replies = await runTeamsActivity(
        { deps, drafts: buildDurableDraftStore(c.env.DRAFTS), teams },
        { activity, tenantId, requestId, origin: new URL(c.req.url).origin },
      )
    } catch (error) {
      // Released, so the platform's retry of this delivery is processed rather than skipped.
      if (claimKey) await teams.releaseActivity(claimKey).catch(() => undefined)
      throw error
    }
    if (claimKey) await teams.finishActivity(claimKey)
    await sendReplies(
      buildTeamsConnector(config),
      { serviceUrl: activity.serviceUrl, conversationId: activity.conversation.id },
      replies,
      requestId,
    )
    return c.json({}, 200)
  })

  return app
}
