import { type Context, Hono } from 'hono'
import { SlackVerificationError, verifySlackRequest } from '../../adapters/slack/verify'
import type { AppEnv } from '../app'
import { loadConfig } from '../config'
import { logger } from '../logger'
import { systemClock } from '../ports/clock'
import { buildDeps } from '../wiring/deps'
import { lazyModule } from './lazy-module'
import { decodeUtf8Strict } from './strict-utf8'

/**
 * The Slack routes: `/slack/commands`, `/slack/interactions`, `/slack/events`. Order matters:
 * read the raw body once and verify its v0 signature (5-minute window) before any parsing — here,
 * without Bolt — then hand the verified body to the Bolt App (adapters/slack/bolt-app.ts), which is
 * imported on the first Slack request only: a web, API, cron or queue request never loads Bolt.
 * Bolt's listeners ack at once and leave the work (delivery claim, then effect) to `waitUntil`.
 */

/** Slack payloads are small; anything larger is not from Slack. */
const MAX_BODY_BYTES = 1_000_000

type SlackContext = Context<AppEnv>

function unauthorized(c: SlackContext) {
  return c.json({ error: { nl: 'Niet geautoriseerd.', en: 'Unauthorized.' } }, 401)
}

/**
 * The raw body after its signature checked out, or null (then answer 401 and change nothing).
 * Read with arrayBuffer + TextDecoder: `text()` on form bodies makes workerd warn per request.
 */
async function readVerifiedBody(c: SlackContext, now: Date): Promise<string | null> {
  // The edge's rate limiter verified this very request already (same raw body, same secret): reuse it.
  const verified = c.get('slackVerifiedBody')
  if (verified !== undefined) return verified
  const length = Number(c.req.header('content-length') ?? '0')
  if (length > MAX_BODY_BYTES) return null
  const buffer = await c.req.arrayBuffer()
  if (buffer.byteLength > MAX_BODY_BYTES) return null
  // Strict UTF-8 (issue 14 §7): Slack sends UTF-8; anything else is not Slack's request.
  const rawBody = decodeUtf8Strict(buffer)
  if (rawBody === null) {
    logger.warn('slack_unverified', { requestId: c.get('requestId'), code: 'invalid_utf8' })
    return null
  }
  try {
    await verifySlackRequest({
      signingSecret: loadConfig(c.env).SLACK_SIGNING_SECRET ?? '',
      timestamp: c.req.header('x-slack-request-timestamp'),
      signature: c.req.header('x-slack-signature'),
      rawBody,
      now,
    })
    return rawBody
  } catch (error) {
    const code = error instanceof SlackVerificationError ? error.code : 'verify_failed'
    logger.warn('slack_unverified', { requestId: c.get('requestId'), code })
    return null
  }
}

/** `x-slack-retry-num` as a number, when Slack says this is a retry. */
function retryNumOf(c: SlackContext): number | undefined {
  const value = Number(c.req.header('x-slack-retry-num'))
  return Number.isInteger(value) && value > 0 ? value : undefined
}

/** The Bolt module, imported once per isolate on the first verified Slack request (again if that failed). */
const loadBolt = lazyModule(() => import('../../adapters/slack/bolt-app'))

/** Builds the Slack sub-app; mount it at `/slack`. */
export function buildSlackRoutes() {
  const app = new Hono<AppEnv>()

  async function handle(c: SlackContext, kind: 'commands' | 'interactions' | 'events') {
    const rawBody = await readVerifiedBody(c, systemClock())
    if (rawBody === null) return unauthorized(c)
    // Bolt loads here, on the first verified Slack request of the isolate (and never for other surfaces).
    const { handleSlackRequest } = await loadBolt()
    const env = c.env
    const config = loadConfig(env)
    const retryNum = retryNumOf(c)
    const retryReason = c.req.header('x-slack-retry-reason')?.slice(0, 64)
    return handleSlackRequest({
      kind,
      rawBody,
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(retryReason ? { retryReason } : {}),
      scope: {
        env,
        config,
        deps: () => buildDeps(env, { config }),
        requestId: c.get('requestId'),
        origin: new URL(c.req.url).origin,
      },
      waitUntil: (work) => c.executionCtx.waitUntil(work),
    })
  }

  app.post('/commands', (c) => handle(c, 'commands'))
  app.post('/interactions', (c) => handle(c, 'interactions'))
  app.post('/events', (c) => handle(c, 'events'))

  return app
}
