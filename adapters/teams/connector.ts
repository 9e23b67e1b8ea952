import { z } from 'zod'

/**
 * The Bot Connector REST API through the Teams SDK's API client (`@microsoft/teams.api` `Client`,
 * `conversations.createActivity` / `updateActivity`): post a message into a conversation, update one
 * in place. The client-credentials token both need is our own small fetch (cached per isolate until
 * five minutes before it expires) handed to the SDK as its token source, so msal-node never runs in
 * the Worker (docs/teams.md). The SDK is loaded with `await import()` on the first send: a queue job
 * or cron run that sends nothing to Teams never pays for it.
 */

/** Scope of Bot Connector tokens. */
export const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com/.default'

export interface ConnectorConfig {
  appId: string
  appPassword: string
  /** Client-credentials endpoint (multi-tenant `botframework.com`, or the bot's own tenant). */
  tokenUrl: string
}

export interface ConnectorDeps {
  fetch?: typeof fetch
  now?: () => Date
  tokens?: ConnectorTokenCache
  /** Waits between retries; tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>
}

/** A failed call. `temporary` failures (network, 429, 5xx) are worth retrying later. */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError'
  constructor(
    readonly status: number,
    readonly temporary: boolean,
    readonly operation: 'token' | 'send' | 'update',
  ) {
    super(`${operation} failed (${status})`)
  }
}

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
})

/** Per-isolate cache of app tokens, keyed by token URL and app id. */
export class ConnectorTokenCache {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>()
  private readonly pending = new Map<string, Promise<string>>()

  async get(config: ConnectorConfig, fetchImpl: typeof fetch, nowMs: number): Promise<string> {
    const key = `${config.tokenUrl}|${config.appId}`
    const hit = this.tokens.get(key)
    if (hit && hit.expiresAt - 5 * 60 * 1000 > nowMs) return hit.token
    let load = this.pending.get(key)
    if (!load) {
      load = this.fetchToken(key, config, fetchImpl, nowMs).finally(() => this.pending.delete(key))
      this.pending.set(key, load)
    }
    return load
  }

  /** Drops a token the connector refused (rotated secret, revoked). */
  forget(config: ConnectorConfig): void {
    this.tokens.delete(`${config.tokenUrl}|${config.appId}`)
  }

  private async fetchToken(
    key: string,
    config: ConnectorConfig,
    fetchImpl: typeof fetch,
    nowMs: number,
  ): Promise<string> {
    if (!config.appId || !config.appPassword) throw new ConnectorError(0, false, 'token')
    let res: Response
    try {
      res = await fetchImpl(config.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: config.appId,
          client_secret: config.appPassword,
          scope: BOT_CONNECTOR_SCOPE,
        }).toString(),
      })
    } catch {
      throw new ConnectorError(0, true, 'token')
    }
    if (!res.ok) throw new ConnectorError(res.status, res.status === 429 || res.status >= 500, 'token')
    const parsed = TokenResponseSchema.safeParse(await res.json().catch(() => null))
    if (!parsed.success) throw new ConnectorError(res.status, true, 'token')
    this.tokens.set(key, {
      token: parsed.data.access_token,
      expiresAt: nowMs + parsed.data.expires_in * 1000,
    })
    return parsed.data.access_token
  }
}

const isolateTokens = new ConnectorTokenCache()

/** An outgoing activity (a message with card attachments, or plain text). */
export type OutgoingActivity = { type: 'message' } & Record<string, unknown>

/** Where to reach one conversation. */
export interface ConversationAddress {
  serviceUrl: string
  conversationId: string
}

const RETRY_DELAYS_MS = [250, 1000]

type ApiModule = typeof import('@microsoft/teams.api')
type ApiClient = InstanceType<ApiModule['Client']>
let apiModule: Promise<ApiModule> | null = null

/** The SDK's API module, loaded once per isolate on first use. */
export function loadTeamsApi(): Promise<ApiModule> {
  apiModule ??= import('@microsoft/teams.api')
  return apiModule
}

/**
 * An axios request interceptor for the SDK's HTTP client: requests go out through `fetch` (axios would
 * otherwise try XMLHttpRequest and node:http first), with the given implementation (msw or a test stub
 * in tests).
 */
export function fetchInterceptor(fetchImpl: typeof fetch) {
  return {
    request: <C extends object>({ config }: { config: C }): C =>
      Object.assign(config, { adapter: 'fetch', env: { fetch: fetchImpl, Request, Response } }),
  }
}

/** The HTTP status of a failed SDK call (0 when the request never got an answer). */
function statusOf(error: unknown): number {
  const status = (error as { response?: { status?: unknown } } | null)?.response?.status
  return typeof status === 'number' ? status : 0
}

/**
 * A Bot Connector client on the SDK's API client. Each call retries twice (250 ms, 1 s) on network
 * errors, 429 and 5xx; a 401 fetches a fresh token once.
 */
export class TeamsConnector {
  private readonly fetchImpl: typeof fetch
  private readonly now: () => Date
  private readonly tokens: ConnectorTokenCache
  private readonly sleep: (ms: number) => Promise<void>
  private readonly clients = new Map<string, ApiClient>()

  constructor(
    private readonly config: ConnectorConfig,
    deps: ConnectorDeps = {},
  ) {
    this.fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init))
    this.now = deps.now ?? (() => new Date())
    this.tokens = deps.tokens ?? isolateTokens
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
  }

  /** The bot's current access token (the SDK's `token` source). */
  token(): Promise<string> {
    return this.tokens.get(this.config, this.fetchImpl, this.now().getTime())
  }

  /** Posts a new activity into the conversation; returns the new activity's id. */
  async sendActivity(
    address: ConversationAddress,
    activity: OutgoingActivity,
  ): Promise<{ id: string | null }> {
    const res = await this.call('send', address, (api, conversationId) =>
      api.conversations.createActivity(conversationId, activity as never),
    )
    return { id: typeof res?.id === 'string' ? res.id : null }
  }

  /** Replaces an activity the bot sent earlier (a card updated in place). */
  async updateActivity(
    address: ConversationAddress,
    activityId: string,
    activity: OutgoingActivity,
  ): Promise<void> {
    await this.call('update', address, (api, conversationId) =>
      api.conversations.updateActivity(conversationId, encodeURIComponent(activityId), {
        ...activity,
        id: activityId,
      } as never),
    )
  }

  private async client(serviceUrl: string): Promise<ApiClient> {
    const base = serviceUrl.replace(/\/+$/, '')
    const hit = this.clients.get(base)
    if (hit) return hit
    const { Client } = await loadTeamsApi()
    const client = new Client(base, {
      token: () => this.token(),
      interceptors: [fetchInterceptor(this.fetchImpl)],
      logger: quietLogger,
    })
    this.clients.set(base, client)
    return client
  }

  private async call<T>(
    operation: 'send' | 'update',
    address: ConversationAddress,
    run: (api: ApiClient, conversationId: string) => Promise<T>,
  ): Promise<T> {
    const api = await this.client(address.serviceUrl)
    // The SDK puts the id into the path as given: encoded here, so an id can never leave its path segment.
    const conversationId = encodeURIComponent(address.conversationId)
    let last: ConnectorError = new ConnectorError(0, true, operation)
    let refreshed = false
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      if (attempt > 0) await this.sleep(RETRY_DELAYS_MS[attempt - 1] ?? 1000)
      try {
        return await run(api, conversationId)
      } catch (error) {
        if (error instanceof ConnectorError) throw error
        const status = statusOf(error)
        // A refused token is fetched anew once (rotated secret or a token revoked early).
        if (status === 401 && !refreshed) {
          refreshed = true
          this.tokens.forget(this.config)
          attempt--
          continue
        }
        last = new ConnectorError(status, status === 0 || status === 429 || status >= 500, operation)
        if (!last.temporary) throw last
      }
    }
    throw last
  }
}

/** The SDK's HTTP client logs through this: nothing (our own log lines say what failed, without data). */
export const quietLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  log: () => undefined,
  trace: () => undefined,
  child: () => quietLogger,
}
