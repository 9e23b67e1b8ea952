import { createRemoteJWKSet, customFetch, errors, type JWTPayload, jwtVerify, type RemoteJWKSet } from 'jose'
import { z } from 'zod'

/**
 * Verifies that a request to POST /api/messages really comes from the Bot Framework on behalf of Teams,
 * before anything in its body is trusted. Only `jose` (WebCrypto) is used: the Teams SDK's own check
 * (jsonwebtoken + jwks-rsa) costs ~565 KiB and ~70 ms start-up CPU in workerd for the same rules
 * (docs/teams.md). The rules follow the Bot Framework's "authenticate requests from the connector":
 * RS256 signature by a key from the JWKS named in the OpenID metadata, issuer
 * `https://api.botframework.com`, audience = the bot's app id, not expired (≤ 5 min skew), and the
 * `serviceurl` claim equal to the activity's `serviceUrl`. On top, the tenant must be allow-listed.
 */

/** Bot Framework tokens for the Teams channel are issued by this issuer. */
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

/** The claims a verified token carried, plus the activity facts they were checked against. */
export interface VerifiedTeamsRequest {
  claims: JWTPayload & { serviceurl?: string }
  tenantId: string
  serviceUrl: string
}

const MetadataSchema = z.object({ jwks_uri: z.url() })

/** Metadata is re-read at most once a day (the Bot Framework rotates keys with weeks of overlap). */
const METADATA_MAX_AGE_MS = 24 * 60 * 60 * 1000

interface CachedKeys {
  jwks: RemoteJWKSet
  jwksUri: string
  loadedAt: number
}

/**
 * Per-isolate cache of the JWKS resolver per metadata URL. Keys themselves are cached by jose
 * (10 minutes, with a 30 s cooldown before an unknown `kid` triggers a refetch).
 */
export class TeamsKeyCache {
  private readonly entries = new Map<string, CachedKeys>()
  private readonly pending = new Map<string, Promise<CachedKeys>>()

  async resolver(metadataUrl: string, fetchImpl: typeof fetch, nowMs: number): Promise<RemoteJWKSet> {
    const hit = this.entries.get(metadataUrl)
    if (hit && nowMs - hit.loadedAt < METADATA_MAX_AGE_MS) return hit.jwks
    let load = this.pending.get(metadataUrl)
    if (!load) {
      load = this.load(metadataUrl, fetchImpl, nowMs).finally(() => this.pending.delete(metadataUrl))
      this.pending.set(metadataUrl, load)
    }
    return (await load).jwks
  }

  private async load(metadataUrl: string, fetchImpl: typeof fetch, nowMs: number): Promise<CachedKeys> {
    let body: unknown
    try {
      const res = await fetchImpl(metadataUrl, { headers: { accept: 'application/json' } })
      if (!res.ok) throw new Error(`metadata status ${res.status}`)
      body = await res.json()
    } catch {
      throw new TeamsAuthError('keys_unavailable', 'OpenID metadata could not be read')
    }
    const parsed = MetadataSchema.safeParse(body)
    if (!parsed.success) throw new TeamsAuthError('keys_unavailable', 'OpenID metadata has no jwks_uri')
    const previous = this.entries.get(metadataUrl)
    // Keep jose's resolver (and its key cache) while the jwks_uri stays the same.
    const jwks =
      previous && previous.jwksUri === parsed.data.jwks_uri
        ? previous.jwks
        : createRemoteJWKSet(new URL(parsed.data.jwks_uri), {
            [customFetch]: (url, init) => fetchImpl(url, init),
          })
    const entry = { jwks, jwksUri: parsed.data.jwks_uri, loadedAt: nowMs }
    this.entries.set(metadataUrl, entry)
    return entry
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
): Promise<VerifiedTeamsRequest['claims']> {
  const token = readBearer(authorization)
  if (!config.appId) throw new TeamsAuthError('wrong_audience', 'No app id configured')
  const fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init))
  const now = deps.now?.() ?? new Date()
  const tolerance = Math.min(Math.max(config.clockToleranceSec ?? 300, 0), 300)
  try {
    const jwks = await (deps.keys ?? isolateKeys).resolver(config.openIdMetadataUrl, fetchImpl, now.getTime())
    const { payload } = await jwtVerify(token, jwks, {
      algorithms: ['RS256'],
      issuer: config.issuer ?? BOT_FRAMEWORK_ISSUER,
      audience: config.appId,
      clockTolerance: tolerance,
      currentDate: now,
      requiredClaims: ['exp'],
    })
    return payload as VerifiedTeamsRequest['claims']
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
 * `serviceUrl` (a token minted for one connector cannot drive replies to another), and the tenant
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
