import { AsyncLocalStorage } from 'node:async_hooks'
import {
  type AdaptiveCardActionResponse,
  Client as ApiClient,
  type TaskModuleResponse,
} from '@microsoft/teams.api'
import {
  App,
  type HttpMethod,
  type HttpRouteHandler,
  type IHttpServerAdapter,
  type IHttpServerRequest,
  type IHttpServerResponse,
} from '@microsoft/teams.apps'
import type { IAdaptiveCard } from '@microsoft/teams.cards'
import { t } from '../../src/domain/copy'
import { logger } from '../../src/logger'
import { type Activity, isPersonal, langOfLocale } from './activity'
import type { AdaptiveCard } from './card-schema'
import { buildCardActivity, buildHelpCard, buildMessageCard } from './cards'
import { parseTriageInvoke, TRIAGE_VERB_PREFIX } from './case-card'
import type { TeamsChannelSide } from './channel'
import { ConnectorError, fetchInterceptor, quietLogger, type TeamsConnector } from './connector'
import { runTeamsActivity, storedTeamsUserKey, type TeamsReply, type TeamsTurnDeps } from './intake'
import type { D1TeamsStore } from './store'
import { runTeamsTriage } from './triage'

/**
 * The Teams SDK v2 (`@microsoft/teams.apps`) inside the Worker. One `App` per isolate and app id, on a
 * custom {@link IHttpServerAdapter}: the Hono route calls the handler the SDK registered for
 * `POST /api/messages` with `{ body, headers }` and answers with its `{ status, body }`. No `listen()`.
 *
 * This module is loaded only by `await import()` from the Teams route (docs/teams.md): a web, API,
 * cron or queue request never compiles-and-runs the SDK's top-level code.
 *
 * The token was verified by our jose check in front (adapters/teams/verify.ts) before the body was
 * parsed; the SDK is told not to verify it again (`dangerouslyAllowUnauthenticatedRequests`, which
 * only skips its own JWT check). The SDK routes activities to the handlers below; each handler runs
 * one turn (claim the delivery, dialogue, store), answers invokes in their own response shape, and
 * leaves reply cards to `waitUntil` (after the ack).
 */

export const MESSAGES_PATH = '/api/messages'

/** An {@link IHttpServerAdapter} for a Worker: it keeps the SDK's handler; the Hono route calls it. */
export class WorkerHttpAdapter implements IHttpServerAdapter {
  private handler: HttpRouteHandler | null = null

  registerRoute(method: HttpMethod, path: string, handler: HttpRouteHandler): void {
    if (method === 'POST' && path === MESSAGES_PATH) this.handler = handler
  }

  /** Hands one request to the SDK. */
  async handle(request: IHttpServerRequest): Promise<IHttpServerResponse> {
    if (!this.handler) throw new Error('The Teams SDK registered no messaging route')
    return this.handler(request)
  }
}

/** What one request brings that the isolate-wide App cannot know. */
export interface TeamsRequestScope {
  tenantId: string
  requestId: string
  origin: string
  turn: TeamsTurnDeps
  store: D1TeamsStore
  connector: TeamsConnector
  waitUntil(promise: Promise<unknown>): void
  /** The chairs' triage channel (for the case card's Universal Actions). */
  channel?: TeamsChannelSide
  /** Set when a handler failed: the route rethrows it (the SDK would answer a bare 500). */
  error?: unknown
}

/**
 * The request scope of the activity being handled. One isolate serves concurrent requests, and the
 * SDK hands its handlers a context of its own making (not the body object the route passed in), so
 * the scope travels in an async context (`nodejs_compat`).
 */
const scopes = new AsyncLocalStorage<TeamsRequestScope>()

function currentScope(): TeamsRequestScope {
  const scope = scopes.getStore()
  if (!scope) throw new Error('Teams activity without request scope')
  return scope
}

/** The SDK's own log goes nowhere but errors (as a code, never with the activity, which holds names). */
const sdkLogger = {
  ...quietLogger,
  error: (...msg: unknown[]) => {
    const first = msg.find((m) => m instanceof Error)
    logger.error('teams_sdk_error', { error: first instanceof Error ? first.name : 'unknown' })
  },
  child: () => sdkLogger,
}

export interface TeamsAppConfig {
  appId: string
  connector: TeamsConnector
}

type HttpClient = App['client']
type HttpClientOptions = Parameters<HttpClient['clone']>[0]

/**
 * The SDK's HTTP client, with a cheap `clone()`. The SDK clones its client for every activity it
 * handles (an API client and two Graph clients per activity), and each clone builds a new axios
 * instance: ~2 ms of CPU and garbage per activity on Node (measured), on the ack path. Here a clone
 * shares the parent's axios instance (and its fetch interceptor) and differs only in what the client
 * reads per request (`withConfig`): the token and the headers. The client itself is the one the
 * SDK's API client builds (`@microsoft/teams.common` is not a dependency of ours).
 */
export function workerHttpClient(): HttpClient {
  const base = new ApiClient('https://unused.invalid', {
    interceptors: [fetchInterceptor((input, init) => fetch(input, init))],
    logger: sdkLogger,
  }).http
  function clone(this: HttpClient, options?: HttpClientOptions): HttpClient {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(this)) as HttpClient, this)
    const headers = { ...this.options.headers, ...options?.headers }
    return Object.assign(copy, {
      options: { ...this.options, ...options, headers },
      token: options?.token ?? this.token,
    })
  }
  return Object.assign(base, { clone })
}

let isolateApp: { appId: string; app: App; adapter: WorkerHttpAdapter; ready: Promise<void> } | null = null

/** Builds (once per isolate and app id) the SDK App with our adapter and handlers, and initialises it. */
export async function teamsApp(config: TeamsAppConfig): Promise<WorkerHttpAdapter> {
  if (!isolateApp || isolateApp.appId !== config.appId) {
    const adapter = new WorkerHttpAdapter()
    const app = new App({
      clientId: config.appId,
      // The SDK's outbound token: our cached client-credentials token (no msal in the Worker).
      token: () => config.connector.token(),
      httpServerAdapter: adapter,
      messagingEndpoint: MESSAGES_PATH,
      dangerouslyAllowUnauthenticatedRequests: true,
      oauth: { fetchUserToken: false },
      logger: sdkLogger,
      client: workerHttpClient(),
    })
    registerHandlers(app)
    isolateApp = { appId: config.appId, app, adapter, ready: app.initialize() }
  }
  await isolateApp.ready
  return isolateApp.adapter
}

/**
 * Runs one verified, parsed activity through the SDK, with this request's scope.
 */
export async function dispatchTeamsActivity(
  config: TeamsAppConfig,
  body: Activity,
  headers: Record<string, string>,
  scope: TeamsRequestScope,
): Promise<IHttpServerResponse> {
  const adapter = await teamsApp(config)
  const response = await scopes.run(scope, () => adapter.handle({ body, headers }))
  if (scope.error !== undefined) throw scope.error
  return response
}

/** Marker for "the card the invoke came from" (an invoke answers with the card that replaces it). */
const INVOKING_CARD = 'invoking-card'

function registerHandlers(app: App): void {
  app.on('message', async ({ activity }) => {
    const a = activity as unknown as Activity
    afterAck(a, async () => {
      const replies = await runTurn(a)
      if (replies?.length) sendAfterAck(a, replies)
    })
  })
  // Install: Teams sends `conversationUpdate` (the bot among membersAdded) and `installationUpdate`
  // add for one install; the welcome goes out once.
  app.on('conversationUpdate', async ({ activity }) => {
    const a = activity as unknown as Activity
    if ((a.membersAdded ?? []).some((m) => m.id === a.recipient?.id)) afterAck(a, () => welcome(a))
  })
  app.on('install.add', async ({ activity }) => {
    const a = activity as unknown as Activity
    afterAck(a, () => welcome(a))
  })
  app.on('card.action', async ({ activity }) => cardAction(activity as unknown as Activity))
  app.on('dialog.open', async ({ activity }) => dialogOpen(activity as unknown as Activity))
  app.on('dialog.submit', async ({ activity }) => dialogSubmit(activity as unknown as Activity))
}

/**
 * Messages and installs are answered at once: Teams needs only the 200, and nothing the turn stores
 * is needed for it (DESIGN.md §5: nothing stored-and-waited-for on the ack path). The turn (delivery
 * claim, dialogue, store) and its reply cards run after the answer, in `waitUntil`, with this request's
 * scope. A turn that fails releases its claim (runTurn) and tells the user so with the error card
 * (their answers are saved), where a 500 would have left them waiting for a retry Teams may never send.
 * Invokes are not deferred: their answer is the turn's result.
 */
function afterAck(activity: Activity, turn: () => Promise<void>): void {
  // A scope of its own: a failure after the answer must not reach the route as the answer's error.
  const scope: TeamsRequestScope = { ...currentScope(), error: undefined }
  scope.waitUntil(
    scopes.run(scope, async () => {
      await turn().catch((error: unknown) => {
        scope.error = error
      })
      if (scope.error === undefined) return
      logger.error('teams_turn_failed', {
        requestId: scope.requestId,
        error: scope.error instanceof Error ? scope.error.name : 'unknown',
      })
      const lang = langOfLocale(activity.locale)
      const address = { serviceUrl: activity.serviceUrl, conversationId: activity.conversation.id }
      await scope.connector
        .sendActivity(address, buildCardActivity(buildMessageCard(lang, t(lang, 'teams.messages.error'))))
        .catch(() =>
          logger.error('teams_reply_failed', {
            requestId: scope.requestId,
            status: null,
            error: 'error_card',
          }),
        )
    }),
  )
}

/**
 * One turn: claim the delivery and read the user's conversation (one D1 batch), run the dialogue,
 * store the conversation if it changed and mark the delivery done (one D1 batch). Returns the replies,
 * or null for a delivery seen before. Reply cards are not sent here.
 */
async function runTurn(activity: Activity, replyActivity: Activity = activity): Promise<TeamsReply[] | null> {
  const scope = currentScope()
  const { store, tenantId } = scope
  const now = scope.turn.deps.clock()
  const claimKey = activity.id ? `${tenantId}:${activity.conversation.id}:${activity.id}` : null
  const aad = activity.from.aadObjectId
  const userKey =
    aad && isPersonal(activity) ? await storedTeamsUserKey(scope.turn.deps.config, tenantId, aad) : null
  try {
    const { claim, known } = await store.claimAndLoad(claimKey, userKey, now)
    if (claim === 'duplicate') {
      logger.info('teams_duplicate_delivery', { requestId: scope.requestId })
      return null
    }
    let result: Awaited<ReturnType<typeof runTeamsActivity>>
    try {
      result = await runTeamsActivity(scope.turn, {
        activity: replyActivity,
        tenantId,
        requestId: scope.requestId,
        origin: scope.origin,
        known,
      })
    } catch (error) {
      // Released, so the platform's retry of this delivery is processed rather than skipped.
      if (claimKey) await store.releaseActivity(claimKey).catch(() => undefined)
      throw error
    }
    await store.finishTurn(claimKey, result.conversation, known, now)
    return result.replies
  } catch (error) {
    scope.error = error
    return null
  }
}

async function welcome(activity: Activity): Promise<void> {
  const scope = currentScope()
  const first = await scope.store
    .claimWelcome(`${scope.tenantId}:${activity.conversation.id}`, scope.turn.deps.clock())
    .catch((error: unknown) => {
      scope.error = error
      return false
    })
  if (!first) {
    if (scope.error === undefined) logger.info('teams_welcome_once', { requestId: scope.requestId })
    return
  }
  // The welcome is the turn of an install activity (runTeamsActivity answers it with the help card).
  const replies = await runTurn(activity)
  if (replies?.length) sendAfterAck(activity, replies)
}

/**
 * `adaptiveCard/action` (Action.Execute): the card's data is handled like a submit; the card that
 * replaces the pressed one is the invoke response, anything else is posted after the ack.
 */
async function cardAction(activity: Activity): Promise<AdaptiveCardActionResponse> {
  const lang = langOfLocale(activity.locale)
  const action = (activity.value as { action?: { data?: unknown; verb?: unknown } } | undefined)?.action
  const data = action?.data
  if (typeof action?.verb === 'string' && action.verb.startsWith(TRIAGE_VERB_PREFIX)) {
    const triage = parseTriageInvoke(activity.value)
    const scope = currentScope()
    if (triage && scope.channel) return triageAction(activity, triage, scope.channel)
  }
  if (
    typeof data !== 'object' ||
    data === null ||
    Array.isArray(data) ||
    (typeof action?.verb === 'string' && action.verb.startsWith(TRIAGE_VERB_PREFIX))
  ) {
    return {
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
      value: {
        code: 'BadRequest',
        message: t(lang, 'teams.messages.unknown'),
        innerHttpError: { statusCode: 400, body: null },
      },
    }
  }
  const submit: Activity = {
    ...activity,
    type: 'message',
    value: data,
    text: undefined,
    replyToId: activity.replyToId ?? INVOKING_CARD,
  }
  const replies = await runTurn(activity, submit)
  if (replies === null) {
    return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: '' }
  }
  const inPlace = replies.find((r) => r.kind === 'update')
  const rest = replies.filter((r) => r !== inPlace).map((r) => ({ kind: 'send' as const, card: r.card }))
  if (rest.length) sendAfterAck(activity, rest)
  if (inPlace) {
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: sdkCard(inPlace.card) }
  }
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: '' }
}

/** A triage action of the chairs' channel card (adapters/teams/triage.ts). */
async function triageAction(
  activity: Activity,
  invoke: NonNullable<ReturnType<typeof parseTriageInvoke>>,
  side: TeamsChannelSide,
): Promise<AdaptiveCardActionResponse> {
  const scope = currentScope()
  try {
    const response = await runTeamsTriage(
      {
        deps: scope.turn.deps,
        store: scope.store,
        side,
        tenantId: scope.tenantId,
        requestId: scope.requestId,
        waitUntil: scope.waitUntil,
      },
      activity,
      invoke,
    )
    return response as unknown as AdaptiveCardActionResponse
  } catch (error) {
    scope.error = error
    return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: '' }
  }
}

/** `task/fetch`: the bot opens no dialogs of its own; a dialog asked for shows the help card. */
async function dialogOpen(activity: Activity): Promise<TaskModuleResponse> {
  const lang = langOfLocale(activity.locale)
  return {
    task: {
      type: 'continue',
      value: {
        title: t(lang, 'teams.help.title'),
        card: {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: sdkCard(buildHelpCard(lang)),
        },
      },
    },
  }
}

/** `task/submit`: nothing to submit in a dialog of this bot; the answer says what it understands. */
async function dialogSubmit(activity: Activity): Promise<TaskModuleResponse> {
  const lang = langOfLocale(activity.locale)
  return { task: { type: 'message', value: t(lang, 'teams.messages.unknown') } }
}

/**
 * Our cards as the SDK's Adaptive Card type. The builders' output is checked by the stricter zod
 * schema (card-schema.ts); it differs from `@microsoft/teams.cards` only in the casing of four enum
 * values (`spacing`, `size`, `weight`, `color`: lower camel case in ours, as the Adaptive Cards
 * schema spells them and as Teams renders them, PascalCase in the SDK's types), hence the cast.
 */
export function sdkCard(card: AdaptiveCard): IAdaptiveCard {
  return card as unknown as IAdaptiveCard
}

/**
 * Sends the replies in order, after the ack. A card that cannot be updated in place (too old,
 * deleted) is posted anew. A failed send is logged and swallowed: the dialogue already moved on, and
 * the platform must not retry a delivery whose work is done (the user gets the current card with
 * "hervat").
 */
function sendAfterAck(activity: Activity, replies: TeamsReply[]): void {
  const scope = currentScope()
  const address = { serviceUrl: activity.serviceUrl, conversationId: activity.conversation.id }
  scope.waitUntil(
    (async () => {
      for (const r of replies) {
        const card = buildCardActivity(r.card)
        try {
          if (r.kind === 'update' && r.activityId !== INVOKING_CARD) {
            try {
              await scope.connector.updateActivity(address, r.activityId, card)
              continue
            } catch (error) {
              if (!(error instanceof ConnectorError) || error.temporary) throw error
            }
          }
          await scope.connector.sendActivity(address, card)
        } catch (error) {
          logger.error('teams_reply_failed', {
            requestId: scope.requestId,
            status: error instanceof ConnectorError ? error.status : null,
            error: error instanceof Error ? error.name : 'unknown',
          })
          // The user's next message gets the card they missed (issue 13 §16).
          const aad = activity.from.aadObjectId
          if (aad && isPersonal(activity))
            await scope.store
              .markMissed(
                await storedTeamsUserKey(scope.turn.deps.config, scope.tenantId, aad),
                scope.turn.deps.clock(),
              )
              .catch(() => undefined)
          break
        }
      }
    })(),
  )
}
