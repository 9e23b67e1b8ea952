import { type Context, Hono } from 'hono'
import {
  ANSWER_ACTION_ID,
  ANSWER_CALLBACK_ID,
  buildModalErrors,
  parseQuestionRef,
  parseTriageButton,
  TRIAGE_CALLBACK_PREFIX,
} from '../../adapters/slack/cards'
import { INTAKE_ACTION_PREFIX, INTAKE_CALLBACK_ID } from '../../adapters/slack/intake-modal'
import {
  type BlockActionsPayload,
  parseInteraction,
  parseSlashCommand,
  type ViewSubmissionPayload,
} from '../../adapters/slack/payloads'
import { SlackVerificationError, verifySlackRequest } from '../../adapters/slack/verify'
import { SlackApiError } from '../../adapters/slack/web-api'
import type { AppEnv } from '../app'
import { type Config, loadConfig } from '../config'
import { t } from '../domain/copy'
import { logger } from '../logger'
import { systemClock } from '../ports/clock'
import { sha256Hex } from '../services/cases'
import type { Deps } from '../services/deps'
import { buildSlackDeps, type SlackDeps } from '../services/slack-deps'
import {
  runSlackAnswerClick,
  runSlackAnswerSubmit,
  runSlackCommand,
  runSlackIntakeAction,
  runSlackIntakeClosed,
  runSlackIntakeSubmit,
} from '../services/slack-intake'
import { claimSlackDelivery, runSlackTriageClick, runSlackTriageSubmit } from '../services/slack-triage'
import { buildDeps } from '../wiring/deps'

/**
 * The Slack receiver: `/slack/commands`, `/slack/interactions`, `/slack/events`. Order matters:
 * read the raw body once, verify its v0 signature (5-minute window) before any parsing, then ack at
 * once and leave the work to `waitUntil` (and the queue), so Slack gets its answer well within 3 s.
 * Modal submissions are the exception: their answer *is* the next view or the field errors.
 * Retried and duplicated deliveries are recorded by id and acted on once.
 */

/** Slack payloads are small; anything larger is not from Slack. */
const MAX_BODY_BYTES = 1_000_000

/** Seams for tests; production builds everything from `env`. */
export interface SlackRouteOptions {
  /** Tests replace how dependencies are built (e.g. a fixed clock). */
  buildDeps?: (env: Env) => Deps
  buildSlackDeps?: (env: Env, deps: Deps) => SlackDeps
}

type SlackContext = Context<AppEnv>

// Config is parsed once per env object (once per isolate in practice), not on every ack.
const configs = new WeakMap<object, Config>()
function configOf(env: Env): Config {
  let config = configs.get(env)
  if (!config) {
    config = loadConfig(env as unknown as Record<string, unknown>)
    configs.set(env, config)
  }
  return config
}

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
  const buffer = await c.req.raw.arrayBuffer()
  if (buffer.byteLength > MAX_BODY_BYTES) return null
  const rawBody = new TextDecoder().decode(buffer)
  try {
    await verifySlackRequest({
      signingSecret: configOf(c.env).SLACK_SIGNING_SECRET ?? '',
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

/** Runs work after the ack; its failure is logged (by name only) and swallowed: Slack must not retry a bug. */
function later(c: SlackContext, name: string, work: () => Promise<void>): void {
  // Start the work on a later turn of the event loop, so the ack is on its way before any of it runs.
  const task = new Promise<void>((resolve) => setTimeout(resolve, 0)).then(work).catch((error: unknown) => {
    logger.error('slack_task_failed', {
      requestId: c.get('requestId'),
      phase: name,
      error: error instanceof Error ? error.name : 'unknown',
      // Only a Slack error code: other messages may quote input, and logs never carry personal data.
      code: error instanceof SlackApiError ? error.code : null,
    })
  })
  c.executionCtx.waitUntil(task)
}

function badRequest(c: SlackContext) {
  return c.json({ error: { nl: 'Onbekend Slack-bericht.', en: 'Unknown Slack payload.' } }, 400)
}

/** Builds the Slack sub-app; mount it at `/slack`. */
export function buildSlackRoutes(options: SlackRouteOptions = {}) {
  const app = new Hono<AppEnv>()
  const depsOf = (env: Env): Deps => options.buildDeps?.(env) ?? buildDeps(env, { config: configOf(env) })
  const slackOf = (env: Env, deps: Deps): SlackDeps =>
    options.buildSlackDeps?.(env, deps) ?? buildSlackDeps(env, deps.config)
  const clockOf = (env: Env) => (options.buildDeps ? options.buildDeps(env).clock : systemClock)

  app.post('/commands', async function handleSlackCommand(c) {
    const raw = await readVerifiedBody(c, clockOf(c.env)())
    if (raw === null) return unauthorized(c)
    const parsed = parseSlashCommand(raw)
    if (!parsed.ok) return badRequest(c)
    const command = parsed.value
    const requestId = c.get('requestId')
    later(c, 'command', async () => {
      const deps = depsOf(c.env)
      if (!(await claimSlackDelivery(deps, `command:${command.trigger_id}`))) return
      await runSlackCommand(deps, slackOf(c.env, deps), command, { requestId })
    })
    // An empty 200 acknowledges without a visible message; the answer follows (modal or ephemeral).
    return c.body(null, 200)
  })

  app.post('/interactions', async function handleSlackInteraction(c) {
    const raw = await readVerifiedBody(c, clockOf(c.env)())
    if (raw === null) return unauthorized(c)
    const parsed = parseInteraction(raw)
    if (!parsed.ok) return parsed.code === 'unsupported_type' ? c.body(null, 200) : badRequest(c)
    const payload = parsed.value
    const teamId = payload.team?.id ?? payload.user.team_id ?? ''
    const requestId = c.get('requestId')

    if (payload.type === 'block_actions') {
      handleBlockActions(c, payload, teamId, requestId)
      return c.body(null, 200)
    }
    if (payload.type === 'view_closed') {
      later(c, 'view_closed', async () => {
        const deps = depsOf(c.env)
        await runSlackIntakeClosed(deps, slackOf(c.env, deps), {
          teamId,
          userId: payload.user.id,
          view: payload.view,
        })
      })
      return c.body(null, 200)
    }
    return handleViewSubmission(c, payload, teamId, requestId)
  })

  function handleBlockActions(
    c: SlackContext,
    payload: BlockActionsPayload,
    teamId: string,
    requestId: string,
  ) {
    const action = payload.actions[0]
    if (!action) return
    const delivery = `action:${payload.trigger_id}:${action.action_id}`
    if (action.action_id.startsWith(INTAKE_ACTION_PREFIX) && payload.view) {
      const view = payload.view
      later(c, 'intake_action', async () => {
        const deps = depsOf(c.env)
        if (!(await claimSlackDelivery(deps, delivery))) return
        await runSlackIntakeAction(deps, slackOf(c.env, deps), {
          teamId,
          userId: payload.user.id,
          actionId: action.action_id,
          view,
          requestId,
          origin: new URL(c.req.url).origin,
        })
      })
      return
    }
    if (action.action_id === ANSWER_ACTION_ID) {
      const ref = parseQuestionRef(action.value)
      if (!ref) return
      later(c, 'answer_click', async () => {
        const deps = depsOf(c.env)
        if (!(await claimSlackDelivery(deps, delivery))) return
        await runSlackAnswerClick(deps, slackOf(c.env, deps), {
          teamId,
          userId: payload.user.id,
          channelId: payload.channel?.id ?? null,
          triggerId: payload.trigger_id,
          ref,
        })
      })
      return
    }
    const click = parseTriageButton(action.action_id, action.value)
    if (!click) return
    later(c, 'triage_click', async () => {
      const deps = depsOf(c.env)
      if (!(await claimSlackDelivery(deps, delivery))) return
      await runSlackTriageClick(deps, slackOf(c.env, deps), {
        teamId,
        userId: payload.user.id,
        channelId: payload.channel?.id ?? null,
        triggerId: payload.trigger_id,
        action: click.action,
        reference: click.reference,
        version: click.version,
        origin: new URL(c.req.url).origin,
        requestId,
      })
    })
  }

  async function handleViewSubmission(
    c: SlackContext,
    payload: ViewSubmissionPayload,
    teamId: string,
    requestId: string,
  ) {
    const view = payload.view
    const isIntake = view.callback_id === INTAKE_CALLBACK_ID
    const isAnswer = view.callback_id === ANSWER_CALLBACK_ID
    const isTriage = view.callback_id.startsWith(TRIAGE_CALLBACK_PREFIX)
    if (!isIntake && !isAnswer && !isTriage) return c.body(null, 200)
    const deps = depsOf(c.env)
    const slack = slackOf(c.env, deps)
    const firstBlock = Object.keys(view.state.values)[0] ?? 'intro'
    try {
      // The same delivery again has the same view, hash, trigger and input; a corrected resubmission
      // after field errors differs in its input, so it is never mistaken for a duplicate.
      const input = await sha256Hex(JSON.stringify(view.state.values))
      const delivery = `view:${view.id}:${view.hash ?? ''}:${payload.trigger_id ?? ''}:${input.slice(0, 32)}`
      if (!(await claimSlackDelivery(deps, delivery))) return c.body(null, 200)
      if (isAnswer) {
        return c.json(
          await runSlackAnswerSubmit(deps, slack, { teamId, userId: payload.user.id, view, requestId }),
        )
      }
      if (isIntake) {
        const response = await runSlackIntakeSubmit(deps, slack, {
          teamId,
          userId: payload.user.id,
          view,
          requestId,
          origin: new URL(c.req.url).origin,
        })
        return response ? c.json(response) : c.body(null, 200)
      }
      const outcome = await runSlackTriageSubmit(deps, slack, {
        teamId,
        userId: payload.user.id,
        view,
        requestId,
      })
      if (outcome.after) later(c, 'triage_submit_after', outcome.after)
      return outcome.response ? c.json(outcome.response) : c.body(null, 200)
    } catch (error) {
      logger.error('slack_view_submission_failed', {
        requestId,
        error: error instanceof Error ? error.name : 'unknown',
      })
      const message = `${t('nl', 'slack.error.generic')} / ${t('en', 'slack.error.generic')}`
      return c.json(buildModalErrors({ [firstBlock]: message }))
    }
  }

  app.post('/events', async function handleSlackEvent(c) {
    const raw = await readVerifiedBody(c, clockOf(c.env)())
    if (raw === null) return unauthorized(c)
    let body: { type?: unknown; challenge?: unknown; event_id?: unknown; team_id?: unknown }
    try {
      body = JSON.parse(raw) as typeof body
    } catch {
      return badRequest(c)
    }
    // Valid JSON that is not an object (`null`, `3`, `"x"`) is not a Slack event either.
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return badRequest(c)
    if (body.type === 'url_verification' && typeof body.challenge === 'string') {
      return c.json({ challenge: body.challenge.slice(0, 200) })
    }
    // No event subscriptions act yet; a delivery is recorded so a retry (x-slack-retry-num) is a no-op.
    if (typeof body.event_id === 'string') {
      const eventId = body.event_id
      later(c, 'event', async () => {
        await claimSlackDelivery(depsOf(c.env), `event:${eventId}`)
      })
    }
    return c.body(null, 200)
  })

  return app
}
