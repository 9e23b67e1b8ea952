/**
 * Slack request signing (v0): `v0=` + hex(HMAC-SHA256(signingSecret, `v0:{timestamp}:{rawBody}`)).
 * Checked over the raw body before anything parses it. WebCrypto only, so it runs in workerd and Node.
 */

/** Slack's replay window: a signature older (or further in the future) than this is refused. */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60

/** Why a request failed verification (logged; never shown to the caller). */
export type SlackVerifyErrorCode =
  | 'missing_signing_secret'
  | 'missing_timestamp'
  | 'missing_signature'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'bad_signature'

/** Why a request was refused. The message is for logs only; the HTTP answer is a plain 401. */
export class SlackVerificationError extends Error {
  override readonly name = 'SlackVerificationError'
  constructor(readonly code: SlackVerifyErrorCode) {
    super(`Slack request verification failed: ${code}`)
  }
}

/** What `verifySlackRequest` checks: the two headers, the raw body and the injected time. */
export interface VerifySlackRequestInput {
  signingSecret: string
  /** The `x-slack-request-timestamp` header (unix seconds). */
  timestamp: string | null | undefined
  /** The `x-slack-signature` header (`v0=<hex>`). */
  signature: string | null | undefined
  /** The body exactly as received (decoded as UTF-8, not re-serialised). */
  rawBody: string
  /** Injected clock. */
  now: Date
}

const encoder = new TextEncoder()
const keyCache = new Map<string, Promise<CryptoKey>>()

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ])
    // One secret per deployment (two during rotation): the cache cannot grow without bound in practice.
    if (keyCache.size > 8) keyCache.clear()
    keyCache.set(secret, key)
  }
  return key
}

function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length !== 64 || !/^[0-9a-f]+$/i.test(hex)) return null
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** Compares every byte whatever the first difference, so timing does not reveal a matching prefix. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/** Computes the `v0=<hex>` signature of a body (also used by tests and the bench to sign requests). */
export async function signSlackRequest(
  signingSecret: string,
  timestamp: string,
  rawBody: string,
): Promise<string> {
  const key = await hmacKey(signingSecret)
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, encoder.encode(`v0:${timestamp}:${rawBody}`)),
  )
  return `v0=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

/**
 * Verifies one Slack request. Resolves when the signature is valid and fresh; throws
 * `SlackVerificationError` otherwise. Replays inside the window are stopped by idempotency
 * (delivery ids), not here.
 */
export async function verifySlackRequest(input: VerifySlackRequestInput): Promise<void> {
  const { signingSecret, timestamp, signature, rawBody, now } = input
  if (!signingSecret) throw new SlackVerificationError('missing_signing_secret')
  if (!timestamp) throw new SlackVerificationError('missing_timestamp')
  if (!signature) throw new SlackVerificationError('missing_signature')
  if (!/^\d{1,12}$/.test(timestamp)) throw new SlackVerificationError('bad_timestamp')
  const skew = Math.floor(now.getTime() / 1000) - Number(timestamp)
  if (skew > SLACK_MAX_SKEW_SECONDS) throw new SlackVerificationError('stale_timestamp')
  if (skew < -SLACK_MAX_SKEW_SECONDS) throw new SlackVerificationError('future_timestamp')
  const given = signature.startsWith('v0=') ? hexToBytes(signature.slice(3)) : null
  if (!given) throw new SlackVerificationError('bad_signature')
  const key = await hmacKey(signingSecret)
  const expected = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, encoder.encode(`v0:${timestamp}:${rawBody}`)),
  )
  if (!timingSafeEqual(given, expected)) throw new SlackVerificationError('bad_signature')
}
