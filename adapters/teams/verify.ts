import { createLocalJWKSet, errors, type JWK, type JWTPayload, jwtVerify } from 'jose'
import { z } from 'zod'

/**
 * Verifies that a request to POST /api/messages really comes from the Bot Framework on behalf of Teams,
 * before anything in its body is trusted. Only `jose` (WebCrypto) is used: the Teams SDK's own check
 * (jsonwebtoken + jwks-rsa) costs ~565 KiB and ~70 ms start-up CPU in workerd for the same rules
 * (docs/teams.md). The rules follow the Bot Framework's "authenticate requests from the connector":
 * RS256 signature by a key from the JWKS named in the OpenID metadata, issuer
 * `https://api.botframework.com`, audience = the bot's app id, not expired (≤ 5 min skew), and the
 * `serviceurl` claim equal to the activity's `serviceUrl`, the signing key's `endorsements` listing the
 * activity's `channelId`, and that channel being `msteams`. On top, the tenant must be allow-listed.
 * The Teams SDK is told not to check the token again (docs/teams.md).
 */

/** Bot Framework tokens for the Teams channel are issued by this issuer. */
/** Largest accepted activity (Teams messages are a few KiB; cards submit only their inputs). */
export const MAX_ACTIVITY_BYTES = 256 * 1024

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com'

/** Why a request was refused. Every code maps to 401 except `keys_unavailable` (503, so Teams retries). */
export type TeamsAuthErrorCode =
  | 'missing_token'
  | 'malformed_token'
  | 'bad_signature'
  | 'unknown_key'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'expired'
  | 'not_yet_valid'
  | 'service_url_mismatch'
  | 'channel_not_endorsed'
  | 'wrong_channel'
  | 'tenant_not_allowed'
  | 'keys_unavailable'

/** A refused request. `code` is safe to log; the message never contains the token. */
export class TeamsAuthError extends Error {
  override readonly name = 'TeamsAuthError'
  constructor(
    readonly code: TeamsAuthErrorCode,
    message: string = code,
  ) {
    super(message)
  }

  /** The HTTP status the route answers with. */
  get status(): 401 | 503 {
    return this.code === 'keys_unavailable' ? 503 : 401
  }
}

export interface TeamsVerifyConfig {
  /** The bot's Microsoft app id: the token's audience. */
  appId: string
  /** OpenID metadata document whose `jwks_uri` names the signing keys. */
  openIdMetadataUrl: string
  /** Entra tenant ids allowed to use the bot. Empty = nobody (fail closed). */
  allowedTenants: readonly string[]
  /** Defaults to {@link BOT_FRAMEWORK_ISSUER}. */
  issuer?: string
  /** Allowed clock skew for `exp`/`nbf`, seconds; at most 300. Default 300. */
  clockToleranceSec?: number
}

export interface TeamsVerifyDeps {
  /** Outbound fetch (tests pass a stub). Default: the global fetch. */
  fetch?: typeof fetch
  /** Injected clock. Default: the system clock. */
  now?: () => Date
  /** Key cache; default one per isolate. Tests pass a fresh one. */
  keys?: TeamsKeyCache
}

/**
 * Where a verified token's claims carry the `endorsements` of the key that signed it. A symbol: no
 * JSON claim can set it, so a token cannot endorse itself.
 */
export const KEY_ENDORSEMENTS: unique symbol = Symbol('teams.keyEndorsements')

/** The claims of a verified token, and the endorsements of its signing key. */
export type TeamsTokenClaims = JWTPayload & {
  serviceurl?: string
  [KEY_ENDORSEMENTS]?: readonly string[]
}

/** The claims a verified token carried, plus the activity facts they were checked against. */
export interface VerifiedTeamsRequest {
  claims: TeamsTokenClaims
  tenantId: string
  serviceUrl: string
}

/** The only channel this bot serves. */
export const TEAMS_CHANNEL_ID = 'msteams'

const MetadataSchema = z.object({ jwks_uri: z.url() })
const JwksSchema = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional(), endorsements: z.unknown() })),
})

/** Metadata is re-read at most once a day (the Bot Framework rotates keys with weeks of overlap). */
const METADATA_MAX_AGE_MS = 24 * 60 * 60 * 1000
/** Keys are re-read after 10 minutes, or on an unknown key id at most every 30 s. */
const KEYS_MAX_AGE_MS = 10 * 60 * 1000
const KEYS_COOLDOWN_MS = 30 * 1000

/** One signing key set: jose's selector over it, and each key's endorsements by key id. */
export interface TeamsKeySet {
  select: ReturnType<typeof createLocalJWKSet>
  endorsements: ReadonlyMap<string, readonly string[]>
  loadedAt: number
}

interface CachedMetadata {
  jwksUri: string
  loadedAt: number
}

/**
 * Per-isolate cache of the OpenID metadata and the signing keys it names. The keys are kept as
 * published (with their `endorsements`, which jose's remote key set does not expose): the channel
 * check needs to know which channels the signing key is endorsed for.
 */
export class TeamsKeyCache {
  private readonly metadata = new Map<string, CachedMetadata>()
  private readonly keys = new Map<string, TeamsKeySet>()
  private readonly pending = new Map<string, Promise<unknown>>()

  /** The key set for a metadata URL; `refresh` re-reads the keys (an unknown key id), at most every 30 s. */
  async keySet(
    metadataUrl: string,
    fetchImpl: typeof fetch,
    nowMs: number,
    refresh = false,
  ): Promise<TeamsKeySet> {
    const meta = await this.once(`m|${metadataUrl}`, () => this.loadMetadata(metadataUrl, fetchImpl, nowMs))
    const hit = this.keys.get(meta.jwksUri)
    const fresh = hit && nowMs - hit.loadedAt < (refresh ? KEYS_COOLDOWN_MS : KEYS_MAX_AGE_MS)
    if (hit && fresh) return hit
    return this.once(`k|${meta.jwksUri}`, () => this.loadKeys(meta.jwksUri, fetchImpl, nowMs, hit))
  }

  private async once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let running = this.pending.get(key) as Promise<T> | undefined
    if (!running) {
      running = load().finally(() => this.pending.delete(key))
      this.pending.set(key, running)
    }
    return running
  }

  private async loadMetadata(metadataUrl: string, fetchImpl: typeof fetch, nowMs: number) {
    const hit = this.metadata.get(metadataUrl)
    if (hit && nowMs - hit.loadedAt < METADATA_MAX_AGE_MS) return hit
    const parsed = MetadataSchema.safeParse(await readJson(fetchImpl, metadataUrl, 'OpenID metadata'))
    if (!parsed.success) throw new TeamsAuthError('keys_unavailable', 'OpenID metadata has no jwks_uri')
    const entry = { jwksUri: parsed.data.jwks_uri, loadedAt: nowMs }
    this.metadata.set(metadataUrl, entry)
    return entry
  }

  private async loadKeys(
    jwksUri: string,
    fetchImpl: typeof fetch,
    nowMs: number,
    previous: TeamsKeySet | undefined,
  ): Promise<TeamsKeySet> {
    let body: unknown
    try {
      body = await readJson(fetchImpl, jwksUri, 'signing keys')
    } catch (error) {
      // Keys read a little while ago stay usable while the endpoint hiccups.
      if (previous && nowMs - previous.loadedAt < METADATA_MAX_AGE_MS) return previous
      throw error
    }
    const parsed = JwksSchema.safeParse(body)
    if (!parsed.success) throw new TeamsAuthError('keys_unavailable', 'Signing keys are malformed')
    const endorsements = new Map<string, readonly string[]>()
    for (const key of parsed.data.keys) {
      const list = Array.isArray(key.endorsements)
        ? key.endorsements.filter((e): e is string => typeof e === 'string')
        : []
      if (key.kid) endorsements.set(key.kid, list)
    }
    const entry: TeamsKeySet = {
      select: createLocalJWKSet({ keys: parsed.data.keys as JWK[] }),
      endorsements,
      loadedAt: nowMs,
    }
    this.keys.set(jwksUri, entry)
    return entry
  }
}

async function readJson(fetchImpl: typeof fetch, url: string, what: string): Promise<unknown> {
  try {
    const res = await fetchImpl(url, { headers: { accept: 'application/json' } })
    if (!res.ok) throw new Error(`status ${res.status}`)
    return await res.json()
  } catch {
    throw new TeamsAuthError('keys_unavailable', `${what} could not be read`)
  }
}

const isolateKeys = new TeamsKeyCache()

/** Reads the bearer token from an Authorization header. */
export function readBearer(authorization: string | null | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  if (!match?.[1]) throw new TeamsAuthError('missing_token', 'No bearer token')
  return match[1]
}

function mapJoseError(err: unknown): TeamsAuthError {
  if (err instanceof TeamsAuthError) return err
  if (err instanceof errors.JWTExpired) return new TeamsAuthError('expired', 'Token expired')
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return new TeamsAuthError('wrong_audience', 'Token audience is not this bot')
    if (err.claim === 'iss')
      return new TeamsAuthError('wrong_issuer', 'Token issuer is not the Bot Framework')
    if (err.claim === 'nbf') return new TeamsAuthError('not_yet_valid', 'Token not yet valid')
    if (err.claim === 'exp') return new TeamsAuthError('expired', 'Token has no expiry')
    return new TeamsAuthError('malformed_token', `Claim ${err.claim} invalid`)
  }
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return new TeamsAuthError('bad_signature', 'Signature invalid')
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys)
    return new TeamsAuthError('unknown_key', 'Signing key not published')
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid)
    return new TeamsAuthError('keys_unavailable', 'Signing keys could not be read')
  if (err instanceof errors.JOSEError) return new TeamsAuthError('malformed_token', err.code)
  // A failing fetch of the JWKS surfaces as a plain error from the fetch implementation.
  return new TeamsAuthError('keys_unavailable', 'Signing keys could not be read')
}

/**
 * Checks the token alone (signature, issuer, audience, expiry). Call it before parsing the body.
 * Throws {@link TeamsAuthError}.
 */
export async function verifyTeamsToken(
  authorization: string | null | undefined,
  config: TeamsVerifyConfig,
  deps: TeamsVerifyDeps = {},
): Promise<TeamsTokenClaims> {
  const token = readBearer(authorization)
  if (!config.appId) throw new TeamsAuthError('wrong_audience', 'No app id configured')
  const fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init))
  const now = deps.now?.() ?? new Date()
  const tolerance = Math.min(Math.max(config.clockToleranceSec ?? 300, 0), 300)
  const options = {
    algorithms: ['RS256'],
    issuer: config.issuer ?? BOT_FRAMEWORK_ISSUER,
    audience: config.appId,
    clockTolerance: tolerance,
    currentDate: now,
    requiredClaims: ['exp'],
  }
  const cache = deps.keys ?? isolateKeys
  try {
    let keys = await cache.keySet(config.openIdMetadataUrl, fetchImpl, now.getTime())
    let verified: Awaited<ReturnType<typeof jwtVerify>>
    try {
      verified = await jwtVerify(token, keys.select, options)
    } catch (err) {
      // A key id we do not know yet: the keys may have rotated. Re-read them (at most every 30 s).
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err
      keys = await cache.keySet(config.openIdMetadataUrl, fetchImpl, now.getTime(), true)
      verified = await jwtVerify(token, keys.select, options)
    }
    const claims: TeamsTokenClaims = { ...verified.payload }
    claims[KEY_ENDORSEMENTS] = keys.endorsements.get(verified.protectedHeader.kid ?? '') ?? []
    return claims
  } catch (err) {
    throw mapJoseError(err)
  }
}

/** Service URLs are compared without a trailing slash and with a lower-case scheme and host. */
export function normalizeServiceUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, '').toLowerCase()
  } catch {
    return url.trim().replace(/\/+$/, '').toLowerCase()
  }
}

function pick(value: unknown, ...path: string[]): unknown {
  let node = value
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** The tenant of an activity: `channelData.tenant.id`, else `conversation.tenantId`. */
export function tenantOf(activity: unknown): string | undefined {
  const id = pick(activity, 'channelData', 'tenant', 'id') ?? pick(activity, 'conversation', 'tenantId')
  return typeof id === 'string' && id !== '' ? id : undefined
}

/**
 * Checks the activity against the verified claims: the `serviceurl` claim must equal the activity's
 * `serviceUrl` (a token minted for one connector cannot drive replies to another), the signing key
 * must be endorsed for the activity's `channelId`, the channel must be `msteams`, and the tenant
 * must be allow-listed. Throws {@link TeamsAuthError}.
 */
export function checkTeamsActivity(
  claims: VerifiedTeamsRequest['claims'],
  activity: unknown,
  config: Pick<TeamsVerifyConfig, 'allowedTenants'>,
): VerifiedTeamsRequest {
  const serviceUrl = pick(activity, 'serviceUrl')
  if (
    typeof serviceUrl !== 'string' ||
    typeof claims.serviceurl !== 'string' ||
    normalizeServiceUrl(serviceUrl) !== normalizeServiceUrl(claims.serviceurl)
  ) {
    throw new TeamsAuthError('service_url_mismatch', 'serviceUrl does not match the token')
  }
  // The Bot Framework's channel rule: the key that signed the token must be endorsed for the
  // activity's channel. And this bot serves one channel only.
  const channelId = pick(activity, 'channelId')
  const endorsed = claims[KEY_ENDORSEMENTS] ?? []
  if (typeof channelId !== 'string' || !endorsed.includes(channelId)) {
    throw new TeamsAuthError('channel_not_endorsed', 'The signing key is not endorsed for this channel')
  }
  if (channelId !== TEAMS_CHANNEL_ID) throw new TeamsAuthError('wrong_channel', 'Not a Teams activity')
  const tenantId = tenantOf(activity)
  if (!tenantId || !config.allowedTenants.includes(tenantId)) {
    throw new TeamsAuthError('tenant_not_allowed', 'Tenant not allowed')
  }
  return { claims, tenantId, serviceUrl }
}

/** Token check then activity check, for callers that already hold the parsed JSON body. */
export async function verifyTeamsRequest(
  authorization: string | null | undefined,
  activity: unknown,
  config: TeamsVerifyConfig,
  deps: TeamsVerifyDeps = {},
): Promise<VerifiedTeamsRequest> {
  const claims = await verifyTeamsToken(authorization, config, deps)
  return checkTeamsActivity(claims, activity, config)
}
