import { type AckFn, App, type Receiver, type RespondFn, type ViewResponseAction } from '@slack/bolt'
import type { WebClient } from '@slack/web-api'
import type { Config } from '../../src/config'
import { t } from '../../src/domain/copy'
import { logger } from '../../src/logger'
import { sha256Hex } from '../../src/services/cases'
import type { Deps } from '../../src/services/deps'
import { boltLogger } from './bolt-logger'
import {
  ACTION_PREFIX,
  ANSWER_ACTION_ID,
  ANSWER_CALLBACK_ID,
  buildModalErrors,
  parseQuestionRef,
  parseTriageButton,
  TRIAGE_CALLBACK_PREFIX,
} from './cards'
import { FOLLOW_UP_ACTION_ID, FOLLOW_UP_CALLBACK_ID, parseFollowUpRef } from './follow-up'
import { buildSlackDeps, type SlackDeps } from './handlers/deps'
import { runSlackFollowUpClick, runSlackFollowUpSubmit } from './handlers/follow-up'
import {
  runSlackAnswerClick,
  runSlackAnswerSubmit,
  runSlackCommand,
  runSlackIntakeAction,
  runSlackIntakeClosed,
  runSlackIntakeSubmit,
} from './handlers/intake'
import { claimSlackDelivery, runSlackTriageClick, runSlackTriageSubmit } from './handlers/triage'
import { INTAKE_ACTION_PREFIX, INTAKE_CALLBACK_ID } from './intake-modal'
import {
  type BlockActionsPayload,
  type InteractionPayload,
  parseInteraction,
  parseSlashCommand,
  type SlashCommand,
  type ViewClosedPayload,
  type ViewSubmissionPayload,
} from './payloads'
import type { SlackViewAnswer } from './types'
import { isSlackResponseUrl, SlackApiError, slackClientOptions, slackWebApiOn } from './web-api'

/**
 * Slack on Bolt inside the Worker (docs/slack.md). This module is loaded only by the Slack routes, with
 * `await import()`: Bolt's start-up is paid by the first Slack request of an isolate, not by every web,
 * API, cron or queue request.
 *
 * - One `App` per isolate (per bot token and API URL), built on first use, with a custom receiver: the
 *   Hono route hands it a request whose signature it already verified, and `ack()` resolves the HTTP
 *   answer while `app.processEvent()` runs on in `waitUntil`.
 * - No socket mode (`@slack/socket-mode` is aliased to a stub at build time), no OAuth, and an
 *   `authorize` that returns the configured bot token without calling `auth.test`: the App does no
 *   network I/O of its own, so a failed first request cannot leave it half-initialised.
 * - Ack first, then the delivery claim (D1), then the effect: a retried or duplicated delivery is acted
 *   on once, and Slack's 3-second ack never waits for storage. Modal submissions answer with the next
 *   view or field errors, so they claim and compute before their ack.
 */

/** What one request carries into Bolt's `context` (as `context.ret`). */
export interface SlackRequestScope {
  env: Env
  config: Config
  deps: () => Deps
  requestId: string
  /** The Worker's public origin as Slack reached it (for links). */
  origin: string
}

/** One verified Slack request, ready for Bolt. */
export interface SlackDispatch {
  kind: 'commands' | 'interactions' | 'events'
  /** The raw body, already verified (signature, 5-minute window) by the route. */
  rawBody: string
  retryNum?: number
  retryReason?: string
  scope: SlackRequestScope
  waitUntil: (work: Promise<unknown>) => void
}

const jsonHeaders = { 'content-type': 'application/json; charset=UTF-8' }

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: jsonHeaders })
}

function badRequest(): Response {
  return json({ error: { nl: 'Onbekend Slack-bericht.', en: 'Unknown Slack payload.' } }, 400)
}

/** What Bolt's `ack(x)` becomes on the wire: nothing, text, or JSON (a view submission's answer). */
function ackResponse(body: unknown): Response {
  if (body === undefined || body === null || body === '') return new Response(null, { status: 200 })
  if (typeof body === 'string') {
    return new Response(body, { status: 200, headers: { 'content-type': 'text/plain; charset=UTF-8' } })
  }
  return json(body)
}

/**
 * The receiver: no server of its own. `dispatch` turns one verified request into a Bolt `ReceiverEvent`
 * whose `ack` resolves the HTTP answer; the event's processing continues in `waitUntil`. A request no
 * listener acknowledges is answered with an empty 200 when processing ends.
 */
class WorkerReceiver implements Receiver {
  private app: App | null = null

  init(app: App): void {
    this.app = app
  }

  start(): Promise<void> {
    return Promise.resolve()
  }

  stop(): Promise<void> {
    return Promise.resolve()
  }

  dispatch(
    body: Record<string, unknown>,
    request: Pick<SlackDispatch, 'retryNum' | 'retryReason' | 'scope' | 'waitUntil'>,
  ): Promise<Response> {
    const app = this.app
    if (!app) return Promise.resolve(json({ error: { nl: 'Niet klaar.', en: 'Not ready.' } }, 503))
    let settle: (response: Response) => void = () => undefined
    const answered = new Promise<Response>((resolve) => {
      settle = resolve
    })
    let acked = false
    const ack: AckFn<unknown> = async (response) => {
      // A second ack (two matching listeners) changes nothing: the first answer is already on its way.
      if (acked) return
      acked = true
      settle(ackResponse(response))
      // Let workerd hand the answer to Slack before the listener goes on: the delivery claim and the
      // effect that follow `await ack()` would otherwise run first on the isolate's one thread.
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    const work = app
      .processEvent({
        body,
        ack,
        ...(request.retryNum !== undefined ? { retryNum: request.retryNum } : {}),
        ...(request.retryReason !== undefined ? { retryReason: request.retryReason } : {}),
        customProperties: { ret: request.scope },
      })
      .catch((error: unknown) => logFailure(request.scope.requestId, 'process', error))
      .finally(() => {
        if (!acked) {
          acked = true
          settle(new Response(null, { status: 200 }))
        }
      })
    request.waitUntil(work)
    return answered
  }
}

/** Logs a failed listener by name and Slack error code only: messages may quote input. */
function logFailure(requestId: string, phase: string, error: unknown): void {
  const original = (error as { original?: unknown } | null)?.original ?? error
  logger.error('slack_task_failed', {
    requestId,
    phase,
    error: original instanceof Error ? original.name : 'unknown',
    code: original instanceof SlackApiError ? original.code : null,
  })
}

function scopeOf(context: Record<string, unknown>): SlackRequestScope {
  return context.ret as SlackRequestScope
}

/** The Slack dependencies of one listener call: Web API calls go through Bolt's `client`. */
function slackOf(scope: SlackRequestScope, deps: Deps, client: WebClient): SlackDeps {
  return buildSlackDeps(scope.env, deps.config, {
    api: slackWebApiOn(async () => client, { baseUrl: scope.config.SLACK_API_URL }),
  })
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Builds the App with its listeners. No I/O happens here or in `authorize`. */
function buildApp(config: Config): { app: App; receiver: WorkerReceiver } {
  const receiver = new WorkerReceiver()
  const token = config.SLACK_BOT_TOKEN ?? ''
  const app = new App({
    receiver,
    // The bot token of the one installation; `auth.test` is never called (toolchain notes §5).
    authorize: async () => ({ botToken: token }),
    clientOptions: slackClientOptions(config.SLACK_API_URL),
    logger: boltLogger,
    // Conversation state is not used; it would keep an in-memory store per isolate.
    convoStore: false,
    socketMode: false,
  })

  app.error(async (error) => {
    logFailure('-', 'listener', error)
  })

  // `/ret`: ack at once (empty 200), then claim the delivery, then act (reply through `respond()`).
  // Slack posts to /slack/commands only the command this app's manifest points there (`/ret`, or however a
  // workspace renamed it), so every command name is that one — as before Bolt.
  app.command(/^\/./, async ({ command, ack, respond, client, context }) => {
    await ack()
    const scope = scopeOf(context)
    const deps = scope.deps()
    const slashCommand = command as unknown as SlashCommand
    if (!(await claimSlackDelivery(deps, `command:${slashCommand.trigger_id}`))) return
    await runSlackCommand(deps, slackOf(scope, deps, client), slashCommand, {
      requestId: scope.requestId,
      // Bolt's respond() posts wherever the payload says: only Slack's own hooks are answered that way.
      ...(slashCommand.response_url &&
      isSlackResponseUrl(slashCommand.response_url, scope.config.SLACK_API_URL)
        ? { respond: respondWith(respond) }
        : {}),
    })
  })

  // Buttons inside the intake modal (back, edit, choose, add/remove row, cancel).
  app.action(
    new RegExp(`^${escapeRegExp(INTAKE_ACTION_PREFIX)}`),
    async ({ body, action, ack, client, context }) => {
      await ack()
      const payload = body as unknown as BlockActionsPayload
      const actionId = (action as { action_id: string }).action_id
      if (!payload.view) return
      const view = payload.view
      const scope = scopeOf(context)
      const deps = scope.deps()
      if (!(await claimSlackDelivery(deps, `action:${payload.trigger_id}:${actionId}`))) return
      await runSlackIntakeAction(deps, slackOf(scope, deps, client), {
        teamId: teamOf(payload),
        userId: payload.user.id,
        actionId,
        view,
        requestId: scope.requestId,
        origin: scope.origin,
      })
    },
  )

  // "Beantwoorden" under a chair's question.
  app.action(ANSWER_ACTION_ID, async ({ body, action, ack, client, context }) => {
    await ack()
    const payload = body as unknown as BlockActionsPayload
    const ref = parseQuestionRef((action as { value?: string }).value)
    if (!ref) return
    const scope = scopeOf(context)
    const deps = scope.deps()
    if (!(await claimSlackDelivery(deps, `action:${payload.trigger_id}:${ANSWER_ACTION_ID}`))) return
    await runSlackAnswerClick(deps, slackOf(scope, deps, client), {
      teamId: teamOf(payload),
      userId: payload.user.id,
      channelId: payload.channel?.id ?? null,
      triggerId: payload.trigger_id,
      ref,
    })
  })

  // "Nazorgvragen beantwoorden" under the follow-up question (issue 15 §1).
  app.action(FOLLOW_UP_ACTION_ID, async ({ body, action, ack, client, context }) => {
    await ack()
    const payload = body as unknown as BlockActionsPayload
    const ref = parseFollowUpRef((action as { value?: string }).value)
    if (!ref) return
    const scope = scopeOf(context)
    const deps = scope.deps()
    if (!(await claimSlackDelivery(deps, `action:${payload.trigger_id}:${FOLLOW_UP_ACTION_ID}`))) return
    await runSlackFollowUpClick(deps, slackOf(scope, deps, client), {
      teamId: teamOf(payload),
      userId: payload.user.id,
      channelId: payload.channel?.id ?? null,
      triggerId: payload.trigger_id,
      ref,
      requestId: scope.requestId,
    })
  })

  // The case card's buttons in the chairs' channel.
  app.action(
    new RegExp(`^${escapeRegExp(ACTION_PREFIX)}`),
    async ({ body, action, ack, client, context }) => {
      await ack()
      const payload = body as unknown as BlockActionsPayload
      const { action_id: actionId, value } = action as { action_id: string; value?: string }
      const click = parseTriageButton(actionId, value)
      if (!click) return
      const scope = scopeOf(context)
      const deps = scope.deps()
      if (!(await claimSlackDelivery(deps, `action:${payload.trigger_id}:${actionId}`))) return
      await runSlackTriageClick(deps, slackOf(scope, deps, client), {
        teamId: teamOf(payload),
        userId: payload.user.id,
        channelId: payload.channel?.id ?? null,
        triggerId: payload.trigger_id,
        action: click.action,
        reference: click.reference,
        version: click.version,
        origin: scope.origin,
        requestId: scope.requestId,
      })
    },
  )

  // Modal submissions: the answer is the next view or field errors, so these compute before `ack`.
  app.view(INTAKE_CALLBACK_ID, async ({ body, ack, client, context }) => {
    await answerSubmission(body, ack, context, async (payload, deps, scope) => {
      const response = await runSlackIntakeSubmit(deps, slackOf(scope, deps, client), {
        teamId: teamOf(payload),
        userId: payload.user.id,
        view: payload.view,
        requestId: scope.requestId,
        origin: scope.origin,
      })
      return { response }
    })
  })

  app.view(ANSWER_CALLBACK_ID, async ({ body, ack, client, context }) => {
    await answerSubmission(body, ack, context, async (payload, deps, scope) => ({
      response: await runSlackAnswerSubmit(deps, slackOf(scope, deps, client), {
        teamId: teamOf(payload),
        userId: payload.user.id,
        view: payload.view,
        requestId: scope.requestId,
      }),
    }))
  })

  app.view(FOLLOW_UP_CALLBACK_ID, async ({ body, ack, context }) => {
    await answerSubmission(body, ack, context, async (payload, deps, scope) => ({
      response: await runSlackFollowUpSubmit(deps, {
        teamId: teamOf(payload),
        userId: payload.user.id,
        view: payload.view,
        requestId: scope.requestId,
      }),
    }))
  })

  app.view(new RegExp(`^${escapeRegExp(TRIAGE_CALLBACK_PREFIX)}`), async ({ body, ack, client, context }) => {
    await answerSubmission(body, ack, context, async (payload, deps, scope) => {
      const outcome = await runSlackTriageSubmit(deps, slackOf(scope, deps, client), {
        teamId: teamOf(payload),
        userId: payload.user.id,
        view: payload.view,
        requestId: scope.requestId,
      })
      return { response: outcome.response, after: outcome.after }
    })
  })

  // Closing the intake modal keeps what was typed on the current step.
  app.view(
    { type: 'view_closed', callback_id: INTAKE_CALLBACK_ID },
    async ({ body, ack, client, context }) => {
      await ack()
      const payload = body as unknown as ViewClosedPayload
      const scope = scopeOf(context)
      const deps = scope.deps()
      await runSlackIntakeClosed(deps, slackOf(scope, deps, client), {
        teamId: teamOf(payload),
        userId: payload.user.id,
        view: payload.view,
      })
    },
  )

  // No event subscription acts yet; each delivery is recorded so a retry (x-slack-retry-num) is a no-op.
  // Bolt acknowledges Events API requests itself before any listener runs.
  app.event(/.*/, async ({ body, context }) => {
    const eventId = (body as { event_id?: unknown }).event_id
    if (typeof eventId !== 'string') return
    await claimSlackDelivery(scopeOf(context).deps(), `event:${eventId.slice(0, 100)}`)
  })

  return { app, receiver }
}

function teamOf(payload: InteractionPayload): string {
  return payload.team?.id ?? payload.user.team_id ?? ''
}

/** Bolt's `respond()` in the shape the handlers use (ephemeral unless said otherwise). */
function respondWith(respond: RespondFn) {
  return async (message: { text: string; blocks?: unknown[] }) => {
    await respond({ response_type: 'ephemeral', ...message } as Parameters<RespondFn>[0])
  }
}

/**
 * A modal submission: claim the delivery (the same submission delivered again is answered with an empty
 * 200 and changes nothing), compute the answer, `ack` it, then run any follow-up. A failure answers with
 * a generic error under the first field, never a 5xx.
 */
async function answerSubmission(
  body: unknown,
  viewAck: AckFn<void> | AckFn<ViewResponseAction>,
  context: Record<string, unknown>,
  compute: (
    payload: ViewSubmissionPayload,
    deps: Deps,
    scope: SlackRequestScope,
  ) => Promise<{ response: SlackViewAnswer | null; after?: (() => Promise<void>) | null }>,
): Promise<void> {
  const ack = viewAck as AckFn<unknown>
  const payload = body as ViewSubmissionPayload
  const scope = scopeOf(context)
  const view = payload.view
  const firstBlock = Object.keys(view.state.values)[0] ?? 'intro'
  let after: (() => Promise<void>) | null = null
  try {
    const deps = scope.deps()
    // The same delivery again has the same view, hash, trigger and input; a corrected resubmission
    // after field errors differs in its input, so it is never mistaken for a duplicate.
    const input = await sha256Hex(JSON.stringify(view.state.values))
    const delivery = `view:${view.id}:${view.hash ?? ''}:${payload.trigger_id ?? ''}:${input.slice(0, 32)}`
    if (!(await claimSlackDelivery(deps, delivery))) {
      await ack()
      return
    }
    const outcome = await compute(payload, deps, scope)
    after = outcome.after ?? null
    await ack(outcome.response ?? undefined)
  } catch (error) {
    logger.error('slack_view_submission_failed', {
      requestId: scope.requestId,
      error: error instanceof Error ? error.name : 'unknown',
    })
    const message = `${t('nl', 'slack.error.generic')} / ${t('en', 'slack.error.generic')}`
    await ack(buildModalErrors({ [firstBlock]: message }))
    return
  }
  if (after) {
    try {
      await after()
    } catch (error) {
      logFailure(scope.requestId, 'view_submission_after', error)
    }
  }
}

// One App per isolate and installation (bot token + API URL); built on the first Slack request.
const apps = new Map<string, { app: App; receiver: WorkerReceiver }>()

function appFor(config: Config): { app: App; receiver: WorkerReceiver } {
  const key = `${config.SLACK_API_URL}\n${config.SLACK_BOT_TOKEN ?? ''}`
  let built = apps.get(key)
  if (!built) {
    built = buildApp(config)
    // Two entries at most in practice (a token rotation); never grows without bound.
    if (apps.size > 4) apps.clear()
    apps.set(key, built)
  }
  return built
}

/** A Bolt body from a verified request, or the answer to give without Bolt (bad payload, url_verification). */
function bodyOf(kind: SlackDispatch['kind'], rawBody: string): Record<string, unknown> | Response {
  if (kind === 'commands') {
    const parsed = parseSlashCommand(rawBody)
    return parsed.ok ? parsed.value : badRequest()
  }
  if (kind === 'interactions') {
    const parsed = parseInteraction(rawBody)
    if (parsed.ok) return parsed.value
    return parsed.code === 'unsupported_type' ? new Response(null, { status: 200 }) : badRequest()
  }
  let body: unknown
  try {
    body = JSON.parse(rawBody)
  } catch {
    return badRequest()
  }
  // Valid JSON that is not an object (`null`, `3`, `"x"`) is not a Slack event either.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return badRequest()
  const envelope = body as { type?: unknown; challenge?: unknown; event?: unknown }
  if (envelope.type === 'url_verification' && typeof envelope.challenge === 'string') {
    return json({ challenge: envelope.challenge.slice(0, 200) })
  }
  // Only event callbacks with an event object reach Bolt; anything else is acknowledged and ignored.
  const event = envelope.event as { type?: unknown } | null | undefined
  if (envelope.type !== 'event_callback' || typeof event !== 'object' || event === null) {
    return new Response(null, { status: 200 })
  }
  if (typeof event.type !== 'string') return new Response(null, { status: 200 })
  return body as Record<string, unknown>
}

/** Handles one verified Slack request through the isolate's Bolt App. */
export async function handleSlackRequest(request: SlackDispatch): Promise<Response> {
  const body = bodyOf(request.kind, request.rawBody)
  if (body instanceof Response) return body
  const { receiver } = appFor(request.scope.config)
  return receiver.dispatch(body, request)
}
