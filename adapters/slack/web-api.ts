import type {
  ChatPostEphemeralArguments,
  ChatPostMessageArguments,
  ChatUpdateArguments,
  ViewsOpenArguments,
  ViewsUpdateArguments,
  WebClient,
  WebClientOptions,
} from '@slack/web-api'
import { boltLogger } from './bolt-logger'
import type { SlackBlock, SlackModalView } from './types'

/**
 * The Slack Web API as this app uses it, on `@slack/web-api`'s `WebClient` (the client Bolt hands its
 * listeners). The base URL is configuration, so tests point it at msw. Three things make the client fit a
 * Worker (docs/slack.md):
 * - a `fetch` adapter that passes `redirect: 'manual'` (the client asks for `'error'`, which workerd
 *   refuses) and calls the global `fetch` bound (the client calls it unbound: "Illegal invocation");
 * - no retry loop of its own (`retries: 0`, `rejectRateLimitedCalls`): a 429's `Retry-After` is honoured
 *   here — waited out once when short, otherwise handed to the queue as a temporary `SlackApiError`;
 * - the package is loaded with `await import()` on the first call, so a Worker that never talks to Slack
 *   (web, API, cron) does not pay for it at start-up.
 */

/** Slack error codes worth a retry (the call may succeed later). */
const TEMPORARY_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
])

/** A 429 whose `Retry-After` is at most this is waited out in place (once); a longer one goes to the queue. */
export const MAX_INLINE_RETRY_AFTER_SECONDS = 3

/** A failed Web API call. `temporary` tells the queue consumer whether to retry. */
export class SlackApiError extends Error {
  override readonly name = 'SlackApiError'
  constructor(
    readonly method: string,
    readonly code: string,
    readonly temporary: boolean,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(`Slack ${method} failed: ${code}`)
  }
}

/** The bot token, the API base URL (configuration) and, in tests, a fetch. */
export interface SlackApiOptions {
  token: string
  /** e.g. `https://slack.com/api/` (trailing slash optional). */
  baseUrl: string
  fetch?: typeof fetch
  /** Tests shorten the wait for a 429's `Retry-After` (default: real seconds). */
  sleep?: (ms: number) => Promise<void>
}

/** A successful Web API answer (`ok: true` plus the method's fields). */
export type SlackResult = { ok: true } & Record<string, unknown>

/** What chat.postMessage / chat.update need besides channel. */
export interface MessageBody {
  text: string
  blocks?: SlackBlock[]
  thread_ts?: string
  /** With `thread_ts`: also show the reply in the channel. */
  reply_broadcast?: boolean
}

/** The Slack Web API methods this app calls. */
export interface SlackWebApi {
  call(method: string, body: Record<string, unknown>): Promise<SlackResult>
  postMessage(channel: string, message: MessageBody): Promise<{ channel: string; ts: string }>
  updateMessage(channel: string, ts: string, message: MessageBody): Promise<void>
  postEphemeral(channel: string, user: string, message: MessageBody): Promise<void>
  openView(triggerId: string, view: SlackModalView): Promise<{ viewId: string | null }>
  updateView(viewId: string, view: SlackModalView, hash?: string): Promise<void>
  /** The user's locale (`users.info` with `include_locale`), or null when Slack does not say. */
  userLocale(user: string): Promise<string | null>
  /** Answers a slash command or interaction through its `response_url` (ephemeral by default). */
  respond(
    responseUrl: string,
    message: MessageBody & { response_type?: 'ephemeral' | 'in_channel' },
  ): Promise<void>
}

/** `response_url`s are Slack's own hooks; anything else is refused (no request forgery through a payload). */
export function isSlackResponseUrl(url: string, baseUrl: string): boolean {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'https:') return false
    if (parsed.hostname === 'hooks.slack.com') return true
    // Tests and a self-hosted stub: the configured API host is trusted as well.
    return parsed.hostname === new URL(baseUrl).hostname
  } catch {
    return false
  }
}

/** The base URL with its trailing slash (WebClient appends the method name). */
export function slackApiBase(baseUrl: string): string {
  return baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`
}

/**
 * The fetch the WebClient (and Bolt's `respond()`) use: the global fetch, looked up at call time (msw
 * replaces it in tests), with redirects never followed.
 */
export function slackFetch(base?: typeof fetch): typeof fetch {
  return (input: RequestInfo | URL, init?: RequestInit) =>
    (base ?? globalThis.fetch)(input, { ...init, redirect: 'manual' })
}

/** The WebClient options shared by Bolt's `App` and the queue jobs' client. */
export function slackClientOptions(baseUrl: string, fetchImpl?: typeof fetch): WebClientOptions {
  return {
    slackApiUrl: slackApiBase(baseUrl),
    fetch: slackFetch(fetchImpl) as unknown as WebClientOptions['fetch'],
    // One attempt per call: the queue retries (with backoff) what is temporary; 429 is handled below.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: boltLogger,
  }
}

/** Turns what WebClient throws into a `SlackApiError` (code only: messages may quote input). */
export function toSlackApiError(method: string, error: unknown): SlackApiError {
  if (error instanceof SlackApiError) return error
  const e = (error ?? {}) as {
    code?: unknown
    data?: { error?: unknown }
    statusCode?: unknown
    retryAfter?: unknown
  }
  switch (e.code) {
    case 'slack_webapi_platform_error': {
      const code = typeof e.data?.error === 'string' ? e.data.error.slice(0, 80) : 'unknown_error'
      return new SlackApiError(method, code, TEMPORARY_ERRORS.has(code))
    }
    case 'slack_webapi_rate_limited_error': {
      const retry = typeof e.retryAfter === 'number' && e.retryAfter > 0 ? e.retryAfter : null
      return new SlackApiError(method, 'ratelimited', true, retry)
    }
    case 'slack_webapi_http_error': {
      const status = typeof e.statusCode === 'number' ? e.statusCode : 0
      return new SlackApiError(method, `http_${status}`, status >= 500 || status === 0)
    }
    case 'slack_webapi_request_error':
      return new SlackApiError(method, 'network_error', true)
    default:
      // A JSON body that is not an API answer, or anything unexpected from the client.
      return new SlackApiError(method, 'invalid_response', true)
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Wraps a WebClient (Bolt's listener `client`, or one built by `buildSlackWebApi`) in the methods this app
 * uses. `respond` posts to a `response_url` with the same fetch adapter, after checking it is Slack's.
 */
export function slackWebApiOn(
  clientOf: () => Promise<WebClient>,
  options: { baseUrl: string; fetch?: typeof fetch; sleep?: (ms: number) => Promise<void> },
): SlackWebApi {
  const base = slackApiBase(options.baseUrl)
  const doFetch = slackFetch(options.fetch)
  const sleep = options.sleep ?? realSleep

  /** One Web API call through the client, with the 429 rule; `run` picks the client's typed method. */
  async function invoke(method: string, run: (client: WebClient) => Promise<unknown>): Promise<SlackResult> {
    const client = await clientOf()
    for (let attempt = 0; ; attempt++) {
      try {
        return (await run(client)) as SlackResult
      } catch (error) {
        const failure = toSlackApiError(method, error)
        // Honour Retry-After: a short wait is spent here once; a longer one is the queue's (temporary error).
        const wait = failure.retryAfterSeconds
        if (attempt === 0 && wait !== null && wait <= MAX_INLINE_RETRY_AFTER_SECONDS) {
          await sleep(wait * 1000)
          continue
        }
        throw failure
      }
    }
  }
  const call = (method: string, body: Record<string, unknown>) =>
    invoke(method, (client) => client.apiCall(method, body))

  const api: SlackWebApi = {
    call,
    async postMessage(channel, message) {
      const args = { channel, ...message, unfurl_links: false, unfurl_media: false }
      // The client's argument type is a union over blocks/text and thread/broadcast combinations that an
      // object with optional fields cannot name; the blocks themselves are typed `KnownBlock`.
      const result = await invoke('chat.postMessage', (c) =>
        c.chat.postMessage(args as ChatPostMessageArguments),
      )
      const ts = typeof result.ts === 'string' ? result.ts : null
      if (!ts) throw new SlackApiError('chat.postMessage', 'missing_ts', false)
      return { channel: typeof result.channel === 'string' ? result.channel : channel, ts }
    },
    async updateMessage(channel, ts, message) {
      const args = { channel, ts, ...message }
      await invoke('chat.update', (c) => c.chat.update(args as ChatUpdateArguments))
    },
    async postEphemeral(channel, user, message) {
      const args = { channel, user, ...message }
      await invoke('chat.postEphemeral', (c) => c.chat.postEphemeral(args as ChatPostEphemeralArguments))
    },
    async openView(triggerId, view) {
      const args: ViewsOpenArguments = { trigger_id: triggerId, view }
      const result = await invoke('views.open', (c) => c.views.open(args))
      const opened = result.view as { id?: unknown } | undefined
      return { viewId: typeof opened?.id === 'string' ? opened.id : null }
    },
    async updateView(viewId, view, hash) {
      const args: ViewsUpdateArguments = { view_id: viewId, view, ...(hash ? { hash } : {}) }
      await invoke('views.update', (c) => c.views.update(args))
    },
    async userLocale(user) {
      const result = await invoke('users.info', (c) => c.users.info({ user, include_locale: true }))
      const info = result.user as { locale?: unknown } | undefined
      return typeof info?.locale === 'string' ? info.locale : null
    },
    async respond(responseUrl, message) {
      if (!isSlackResponseUrl(responseUrl, base)) {
        throw new SlackApiError('response_url', 'untrusted_url', false)
      }
      let response: Response
      try {
        response = await doFetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify({ response_type: 'ephemeral', ...message }),
        })
      } catch {
        throw new SlackApiError('response_url', 'network_error', true)
      }
      if (response.status >= 300) {
        throw new SlackApiError('response_url', `http_${response.status}`, response.status >= 500)
      }
    },
  }
  return api
}

/**
 * Builds the client the queue jobs use (outside a Bolt listener). `@slack/web-api` is imported on the
 * first call, not when this module loads.
 */
export function buildSlackWebApi(options: SlackApiOptions): SlackWebApi {
  let client: Promise<WebClient> | null = null
  const clientOf = () => {
    client ??= import('@slack/web-api').then(
      ({ WebClient }) => new WebClient(options.token, slackClientOptions(options.baseUrl, options.fetch)),
    )
    return client
  }
  return slackWebApiOn(clientOf, {
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  })
}
