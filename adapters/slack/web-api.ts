import type { SlackBlock, SlackModalView } from './types'

/**
 * A small Slack Web API client on `fetch` (works in workerd and Node). The base URL is configuration,
 * so tests point it at msw. Only the methods this app uses; every call is JSON with the bot token.
 */

/** Slack error codes worth a retry (the call may succeed later). */
const TEMPORARY_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
])

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

/** Builds the client. Redirects are not followed (`manual`): workerd refuses `redirect: 'error'`. */
export function buildSlackWebApi(options: SlackApiOptions): SlackWebApi {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))

  async function send(
    method: string,
    url: string,
    body: Record<string, unknown>,
    auth: boolean,
    form = false,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json; charset=utf-8',
    }
    if (auth) headers.authorization = `Bearer ${options.token}`
    const encoded = form
      ? new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString()
      : JSON.stringify(body)
    let response: Response
    try {
      response = await doFetch(url, { method: 'POST', headers, body: encoded, redirect: 'manual' })
    } catch {
      throw new SlackApiError(method, 'network_error', true)
    }
    if (response.status === 429) {
      const retry = Number(response.headers.get('retry-after'))
      throw new SlackApiError(method, 'ratelimited', true, Number.isFinite(retry) && retry > 0 ? retry : null)
    }
    if (response.status >= 500) throw new SlackApiError(method, `http_${response.status}`, true)
    if (response.status >= 300) throw new SlackApiError(method, `http_${response.status}`, false)
    return response
  }

  async function call(method: string, body: Record<string, unknown>, form = false): Promise<SlackResult> {
    const response = await send(method, `${base}${method}`, body, true, form)
    let data: unknown
    try {
      data = await response.json()
    } catch {
      throw new SlackApiError(method, 'invalid_response', true)
    }
    const result = (data ?? {}) as { ok?: unknown; error?: unknown }
    if (result.ok !== true) {
      const code = typeof result.error === 'string' ? result.error.slice(0, 80) : 'unknown_error'
      throw new SlackApiError(method, code, TEMPORARY_ERRORS.has(code))
    }
    return result as SlackResult
  }

  const api: SlackWebApi = {
    call: (method, body) => call(method, body),
    async postMessage(channel, message) {
      const result = await api.call('chat.postMessage', {
        channel,
        ...message,
        unfurl_links: false,
        unfurl_media: false,
      })
      const ts = typeof result.ts === 'string' ? result.ts : null
      if (!ts) throw new SlackApiError('chat.postMessage', 'missing_ts', false)
      return { channel: typeof result.channel === 'string' ? result.channel : channel, ts }
    },
    async updateMessage(channel, ts, message) {
      await api.call('chat.update', { channel, ts, ...message })
    },
    async postEphemeral(channel, user, message) {
      await api.call('chat.postEphemeral', { channel, user, ...message })
    },
    async openView(triggerId, view) {
      const result = await api.call('views.open', { trigger_id: triggerId, view })
      const opened = result.view as { id?: unknown } | undefined
      return { viewId: typeof opened?.id === 'string' ? opened.id : null }
    },
    async updateView(viewId, view, hash) {
      await api.call('views.update', { view_id: viewId, view, ...(hash ? { hash } : {}) })
    },
    async userLocale(user) {
      // Read methods such as users.info take form fields, not JSON.
      const result = await call('users.info', { user, include_locale: true }, true)
      const info = result.user as { locale?: unknown } | undefined
      return typeof info?.locale === 'string' ? info.locale : null
    },
    async respond(responseUrl, message) {
      if (!isSlackResponseUrl(responseUrl, base))
        throw new SlackApiError('response_url', 'untrusted_url', false)
      await send('response_url', responseUrl, { response_type: 'ephemeral', ...message }, false)
    },
  }
  return api
}
