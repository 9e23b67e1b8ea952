import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { rateLimit, resetRateLimitCache } from '../../src/services/rate-limit'
import { buildPlatformServer } from './helpers/platforms'
import { ADMIN_TOKEN } from './privacy-helpers'
import { interaction, signedRequest, slackEnv } from './slack-helpers'

/**
 * The edges (issue 7): rate limits per user and per tenant with a bilingual 429 and Retry-After, body
 * size limits, security headers, CSRF on the web surface, and the admin API's own refusals.
 */

async function call(request: Request, testEnv: Env = env): Promise<Response> {
  const ctx = createExecutionContext()
  const response = await worker.fetch(request, testEnv, ctx)
  await waitOnExecutionContext(ctx)
  return response
}

// Slack's Web API (the acked command's reply) is answered locally.
const server = buildPlatformServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }))
afterAll(() => server.close())
beforeEach(() => resetRateLimitCache())

describe('rate limits', () => {
  /** A tiny app behind the limiter, with its own limits and clock. */
  function limited(now: { s: number }) {
    const app = new Hono<{ Bindings: Env }>()
    app.use(
      '*',
      rateLimit({
        surface: 'unit',
        identify: async (c) => ({
          tenant: c.req.header('x-tenant') ?? 't',
          user: c.req.header('x-user') ?? null,
        }),
        nowSeconds: () => now.s,
      }),
    )
    app.get('/', (c) => (c.req.header('x-deny') ? c.text('no', 401) : c.text('ok')))
    const testEnv = { ...env, RATE_LIMITS: 'user=3,tenant=5,window=60' } as Env
    return async (headers: Record<string, string>) => {
      const ctx = createExecutionContext()
      const res = await app.fetch(new Request('http://x/', { headers }), testEnv, ctx)
      await waitOnExecutionContext(ctx)
      return res
    }
  }

  it('limits a user, then the tenant; says so in both languages with Retry-After; a new window resets', async () => {
    const now = { s: 1_800_000_010 }
    const get = limited(now)
    for (let i = 0; i < 3; i++) expect((await get({ 'x-user': 'a' })).status).toBe(200)
    const over = await get({ 'x-user': 'a' })
    expect(over.status).toBe(429)
    expect(over.headers.get('retry-after')).toBe('50')
    const body = (await over.json()) as { error: { code: string; nl: string; en: string } }
    expect(body.error).toEqual({
      code: 'rate_limited',
      nl: 'Te veel verzoeken achter elkaar. Wacht 50 seconden en probeer het dan opnieuw.',
      en: 'Too many requests in a row. Wait 50 seconds and try again.',
    })
    // Another user of the same tenant still gets in, until the tenant's 5 are used.
    expect((await get({ 'x-user': 'b' })).status).toBe(200)
    expect((await get({ 'x-user': 'c' })).status).toBe(200)
    expect((await get({ 'x-user': 'd' })).status).toBe(429)
    // Another tenant is not affected.
    expect((await get({ 'x-user': 'a', 'x-tenant': 'u' })).status).toBe(200)
    now.s += 60
    resetRateLimitCache()
    expect((await get({ 'x-user': 'a' })).status).toBe(200)
  })

  it("does not count refused (401/403) requests: a forger cannot use up someone else's allowance", async () => {
    const now = { s: 1_800_000_200 }
    const get = limited(now)
    for (let i = 0; i < 10; i++) expect((await get({ 'x-user': 'victim', 'x-deny': '1' })).status).toBe(401)
    for (let i = 0; i < 3; i++) expect((await get({ 'x-user': 'victim' })).status).toBe(200)
  })

  it('Slack: counted per workspace and user after the signature checked out', async () => {
    const testEnv = { ...slackEnv, RATE_LIMITS: 'user=2,tenant=100' } as Env
    const body = new URLSearchParams({
      team_id: 'T0RETDRNT',
      user_id: 'U0RATELIM1',
      command: '/ret',
      text: 'help',
      trigger_id: 't',
    })
    // Unsigned requests claiming that user are refused and not counted.
    for (let i = 0; i < 4; i++) {
      const forged = await signedRequest('/slack/commands', body.toString(), {
        signature: `v0=${'ab'.repeat(32)}`,
      })
      expect((await call(forged, testEnv)).status).toBe(401)
    }
    for (let i = 0; i < 2; i++) {
      body.set('trigger_id', `t${i}`)
      expect((await call(await signedRequest('/slack/commands', body.toString()), testEnv)).status).toBe(200)
    }
    body.set('trigger_id', 't9')
    // A slash command over the limit gets an ephemeral answer in both languages (a bare 429 would show
    // the person only "dispatch failed"); an interaction gets the 429.
    const over = await call(await signedRequest('/slack/commands', body.toString()), testEnv)
    expect(over.status).toBe(200)
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    const answer = (await over.json()) as { response_type: string; text: string }
    expect(answer.response_type).toBe('ephemeral')
    expect(answer.text).toMatch(/^Te veel verzoeken achter elkaar\. .*\nToo many requests in a row\./s)
    const payload = interaction({
      type: 'block_actions',
      team: { id: 'T0RETDRNT' },
      user: { id: 'U0RATELIM1' },
    })
    const click = await call(await signedRequest('/slack/interactions', payload), testEnv)
    expect(click.status).toBe(429)
  })

  it('web: a bilingual 429 page', async () => {
    const testEnv = { ...env, RATE_LIMITS: 'user=1,tenant=100' } as Env
    const headers = { 'cf-connecting-ip': '198.51.100.7' }
    expect((await call(new Request('http://ret.test/dev/login', { headers }), testEnv)).status).toBe(200)
    const over = await call(new Request('http://ret.test/dev/login', { headers }), testEnv)
    expect(over.status).toBe(429)
    expect(over.headers.get('content-type')).toContain('text/html')
    const html = await over.text()
    expect(html).toContain('Te veel verzoeken achter elkaar.')
    expect(html).toContain('Too many requests in a row.')
  })
})

describe('body size limits', () => {
  const big = (path: string, bytes: number, type = 'application/json') =>
    new Request(`http://ret.test${path}`, {
      method: 'POST',
      headers: { 'content-type': type, 'content-length': String(bytes) },
      body: 'x'.repeat(bytes),
    })

  it('refuses a declared body over the surface limit before reading it (bilingual 413)', async () => {
    for (const [path, bytes] of [
      ['/slack/commands', 1024 * 1024 + 1],
      ['/api/messages', 512 * 1024 + 1],
      ['/api/v1/admin/rotate-key', 16 * 1024 + 1],
      ['/api/v1/route', 256 * 1024 + 1],
    ] as const) {
      const res = await call(big(path, bytes))
      expect(res.status, path).toBe(413)
      const body = (await res.json()) as { error: { nl: string; en: string } }
      expect(body.error.nl, path).toMatch(/te groot/)
      expect(body.error.en, path).toMatch(/too large/)
    }
  })

  it('answers an oversized web form with a bilingual page, not JSON', async () => {
    const res = await call(big('/intake', 256 * 1024 + 1))
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    const html = await res.text()
    expect(html).toMatch(/te groot/)
    expect(html).toMatch(/too large/)
    expect(html).toContain('href="/intake"')
  })
})

describe('security headers and CSRF', () => {
  it('every response carries the baseline headers; HTTPS adds HSTS', async () => {
    const api = await call(new Request('https://ret.test/healthz'))
    expect(api.headers.get('x-content-type-options')).toBe('nosniff')
    expect(api.headers.get('cache-control')).toBe('no-store')
    expect(api.headers.get('referrer-policy')).toBe('no-referrer')
    expect(api.headers.get('strict-transport-security')).toContain('max-age=')
    const page = await call(new Request('http://ret.test/dev/login'))
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(page.headers.get('strict-transport-security')).toBeNull()
  })

  it('a web form post without the CSRF token is refused', async () => {
    const res = await call(
      new Request('http://ret.test/intake/start', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      }),
    )
    expect(res.status).toBe(403)
  })
})

describe('admin API', () => {
  const admin = (path: string, init: RequestInit = {}, testEnv: Env = env) =>
    call(new Request(`http://ret.test/api/v1/admin${path}`, init), testEnv)
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }

  it('is closed without a configured token, and refuses a missing or wrong token', async () => {
    const { ADMIN_TOKEN: _unused, ...withoutToken } = env
    expect((await admin('/cases/RET-2026-0001/audit', { headers: auth }, withoutToken as Env)).status).toBe(
      503,
    )
    expect((await admin('/cases/RET-2026-0001/audit')).status).toBe(401)
    const wrong = await admin('/cases/RET-2026-0001/audit', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}x` },
    })
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer')
    const body = (await wrong.json()) as { error: { nl: string; en: string } }
    expect(body.error.nl).toContain('beheertoken')
    expect(body.error.en).toContain('admin token')
  })

  it('checks reference, reason and JSON; an unknown case is a 404', async () => {
    const post = (path: string, body: string) => admin(path, { method: 'POST', headers: auth, body })
    expect((await post('/cases/RET-1/erase', '{"reason":"request"}')).status).toBe(400)
    const reason = await post('/cases/RET-2026-0999/erase', '{"reason":"omdat"}')
    expect(reason.status).toBe(400)
    expect(((await reason.json()) as { error: { en: string } }).error.en).toContain('consent_withdrawn')
    expect((await post('/cases/RET-2026-0999/erase', '{nope')).status).toBe(400)
    expect((await post('/cases/RET-2026-0999/erase', '{"reason":"request"}')).status).toBe(404)
  })
})
