import { z } from 'zod'

/**
 * The Bot Connector REST API, with plain fetch: post a message into a conversation, update one in
 * place, and the client-credentials token both need. Replaces the SDK's axios client and msal-node
 * (docs/teams.md). Tokens are cached per isolate until five minutes before they expire.
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

function activitiesUrl(address: ConversationAddress, activityId?: string): string {
  const base = address.serviceUrl.replace(/\/+$/, '')
  const path = `${base}/v3/conversations/${encodeURIComponent(address.conversationId)}/activities`
  return activityId ? `${path}/${encodeURIComponent(activityId)}` : path
}

const RETRY_DELAYS_MS = [250, 1000]

/** A small Bot Connector client. Each call retries twice (250 ms, 1 s) on network errors, 429 and 5xx. */
export class TeamsConnector {
  private readonly fetchImpl: typeof fetch
  private readonly now: () => Date
  private readonly tokens: ConnectorTokenCache
  private readonly sleep: (ms: number) => Promise<void>

  constructor(
    private readonly config: ConnectorConfig,
    deps: ConnectorDeps = {},
  ) {
    this.fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init))
    this.now = deps.now ?? (() => new Date())
    this.tokens = deps.tokens ?? isolateTokens
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
  }

  /** Posts a new activity into the conversation; returns the new activity's id. */
  async sendActivity(
    address: ConversationAddress,
    activity: OutgoingActivity,
  ): Promise<{ id: string | null }> {
    const res = await this.call('send', 'POST', activitiesUrl(address), activity)
    const body = (await res.json().catch(() => null)) as { id?: unknown } | null
    return { id: typeof body?.id === 'string' ? body.id : null }
  }

  /** Replaces an activity the bot sent earlier (a card updated in place). */
  async updateActivity(
    address: ConversationAddress,
    activityId: string,
    activity: OutgoingActivity,
  ): Promise<void> {
    await this.call('update', 'PUT', activitiesUrl(address, activityId), { ...activity, id: activityId })
  }

  private async call(
    operation: 'send' | 'update',
    method: string,
    url: string,
    body: unknown,
  ): Promise<Response> {
    let last: ConnectorError = new ConnectorError(0, true, operation)
    let refreshed = false
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      if (attempt > 0) await this.sleep(RETRY_DELAYS_MS[attempt - 1] ?? 1000)
      const token = await this.tokens.get(this.config, this.fetchImpl, this.now().getTime())
      let res: Response
      try {
        res = await this.fetchImpl(url, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      } catch {
        last = new ConnectorError(0, true, operation)
        continue
      }
      if (res.ok) return res
      // A refused token is fetched anew once (rotated secret or a token revoked early).
      if (res.status === 401 && !refreshed) {
        refreshed = true
        this.tokens.forget(this.config)
        attempt--
        continue
      }
      last = new ConnectorError(res.status, res.status === 429 || res.status >= 500, operation)
      if (!last.temporary) throw last
    }
    throw last
  }
}
