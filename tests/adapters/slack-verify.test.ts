import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  SlackVerificationError,
  signSlackRequest,
  timingSafeEqual,
  verifySlackRequest,
} from '../../adapters/slack/verify'

const secret = 'test-signing-secret-0123456789abcdef'
const now = new Date('2026-11-23T10:00:00Z')
const ts = String(Math.floor(now.getTime() / 1000))
const body = 'token=x&team_id=T0RETDRNT&user_id=U0REFERR01&command=%2Fret&text=status+RET-2026-0042'

async function codeOf(promise: Promise<void>): Promise<string | null> {
  try {
    await promise
    return null
  } catch (error) {
    expect(error).toBeInstanceOf(SlackVerificationError)
    return (error as SlackVerificationError).code
  }
}

describe('verifySlackRequest', () => {
  it('matches the signature Slack documents (HMAC-SHA256 over v0:timestamp:body)', async () => {
    const expected = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`
    expect(await signSlackRequest(secret, ts, body)).toBe(expected)
  })

  it('accepts a good signature, also at the edge of the 5-minute window', async () => {
    const signature = await signSlackRequest(secret, ts, body)
    expect(
      await codeOf(
        verifySlackRequest({ signingSecret: secret, timestamp: ts, signature, rawBody: body, now }),
      ),
    ).toBeNull()
    const edge = new Date(now.getTime() + 300_000)
    expect(
      await codeOf(
        verifySlackRequest({ signingSecret: secret, timestamp: ts, signature, rawBody: body, now: edge }),
      ),
    ).toBeNull()
  })

  it('refuses a body changed after signing', async () => {
    const signature = await signSlackRequest(secret, ts, body)
    const tampered = body.replace('RET-2026-0042', 'RET-2026-0043')
    expect(
      await codeOf(
        verifySlackRequest({ signingSecret: secret, timestamp: ts, signature, rawBody: tampered, now }),
      ),
    ).toBe('bad_signature')
  })

  it('refuses a signature made with another secret, a changed timestamp or a malformed header', async () => {
    const other = await signSlackRequest('another-secret-0123456789abcdef', ts, body)
    expect(
      await codeOf(
        verifySlackRequest({ signingSecret: secret, timestamp: ts, signature: other, rawBody: body, now }),
      ),
    ).toBe('bad_signature')
    const signature = await signSlackRequest(secret, ts, body)
    const shifted = String(Number(ts) - 1)
    expect(
      await codeOf(
        verifySlackRequest({ signingSecret: secret, timestamp: shifted, signature, rawBody: body, now }),
      ),
    ).toBe('bad_signature')
    for (const bad of ['v1=abc', 'v0=zz', `v0=${'0'.repeat(63)}`, signature.slice(3), `${signature}00`]) {
      expect(
        await codeOf(
          verifySlackRequest({ signingSecret: secret, timestamp: ts, signature: bad, rawBody: body, now }),
        ),
      ).toBe('bad_signature')
    }
  })

  it('refuses missing headers and a missing secret', async () => {
    const signature = await signSlackRequest(secret, ts, body)
    expect(
      await codeOf(
        verifySlackRequest({ signingSecret: secret, timestamp: null, signature, rawBody: body, now }),
      ),
    ).toBe('missing_timestamp')
    expect(
      await codeOf(
        verifySlackRequest({ signingSecret: secret, timestamp: ts, signature: '', rawBody: body, now }),
      ),
    ).toBe('missing_signature')
    expect(
      await codeOf(verifySlackRequest({ signingSecret: '', timestamp: ts, signature, rawBody: body, now })),
    ).toBe('missing_signing_secret')
    expect(
      await codeOf(
        verifySlackRequest({ signingSecret: secret, timestamp: '12ab', signature, rawBody: body, now }),
      ),
    ).toBe('bad_timestamp')
  })

  it('refuses a timestamp older than 5 minutes even with a valid signature', async () => {
    const old = String(Number(ts) - 301)
    const signature = await signSlackRequest(secret, old, body)
    expect(
      await codeOf(
        verifySlackRequest({ signingSecret: secret, timestamp: old, signature, rawBody: body, now }),
      ),
    ).toBe('stale_timestamp')
  })

  it('refuses a timestamp more than 5 minutes in the future', async () => {
    const future = String(Number(ts) + 301)
    const signature = await signSlackRequest(secret, future, body)
    expect(
      await codeOf(
        verifySlackRequest({ signingSecret: secret, timestamp: future, signature, rawBody: body, now }),
      ),
    ).toBe('future_timestamp')
  })

  it('accepts a replay inside the window: duplicates are stopped by delivery idempotency, not here', async () => {
    const signature = await signSlackRequest(secret, ts, body)
    const input = { signingSecret: secret, timestamp: ts, signature, rawBody: body, now }
    expect(await codeOf(verifySlackRequest(input))).toBeNull()
    expect(await codeOf(verifySlackRequest(input))).toBeNull()
  })

  it('compares in constant shape: equal, different and different-length inputs', () => {
    expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true)
    expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false)
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false)
  })
})
