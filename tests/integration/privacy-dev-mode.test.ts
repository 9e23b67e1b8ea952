import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSessionCookieValue, SESSION_COOKIE } from '../../src/auth/session'
import worker from '../../src/index'
import { logSink } from '../../src/logger'

/**
 * Issue 14 §1: DEV_MODE (on in this test pool) opens the dev sign-in only on a developer's own machine.
 * Not with Cloudflare Access configured, not for a request from another address or sent to another host;
 * each refusal is a log line naming why. A dev session cookie is then worth nothing.
 */

const lines: string[] = []
const original = logSink.write
beforeAll(() => {
  logSink.write = (line) => {
    lines.push(line)
  }
})
afterAll(() => {
  logSink.write = original
})

async function call(request: Request, testEnv: Env = env): Promise<Response> {
  const ctx = createExecutionContext()
  const response = await worker.fetch(request, testEnv, ctx)
  await waitOnExecutionContext(ctx)
  return response
}

const refusals = (code: string) =>
  lines.filter((l) => {
    const line = JSON.parse(l) as { event?: string; code?: string }
    return line.event === 'dev_mode_refused' && line.code === code
  }).length

/** A dev session naming itself admin (only DEV_MODE honours the picked role). */
const adminSession = async () =>
  `${SESSION_COOKIE}=${await buildSessionCookieValue(
    env.LINK_SIGNING_KEY ?? '',
    { tenant: 'dev', userId: `dev-${crypto.randomUUID()}`, name: 'Dirk Dev', roles: ['admin', 'chair'] },
    Math.floor(Date.now() / 1000),
  )}`

describe('DEV_MODE is for loopback only (issue 14 §1)', () => {
  it('serves the dev sign-in on a loopback host without a client address or from a loopback address', async () => {
    for (const [url, ip] of [
      ['http://127.0.0.1:8787/dev/login', undefined],
      ['http://localhost:8787/dev/login', '127.0.0.1'],
      ['http://[::1]:8787/dev/login', '::1'],
    ] as const) {
      const res = await call(new Request(url, { headers: ip ? { 'cf-connecting-ip': ip } : {} }))
      expect(res.status, url).toBe(200)
      expect(await res.text()).toContain('name="role"')
    }
  })

  it('refuses it, and says why in the log, for a request from another address or to another host', async () => {
    const before = refusals('not_loopback')
    const fromOutside = await call(
      new Request('http://127.0.0.1:8787/dev/login', { headers: { 'cf-connecting-ip': '203.0.113.7' } }),
    )
    expect(fromOutside.status).toBe(404)
    expect(await fromOutside.text()).not.toContain('name="role"')
    const publicHost = await call(new Request('https://ret.example.org/dev/login'))
    expect(publicHost.status).toBe(404)
    // A spoofed Host header does not help: Cloudflare sets the client address.
    const spoofed = await call(
      new Request('https://localhost/dev/login', { headers: { 'cf-connecting-ip': '2001:db8::1' } }),
    )
    expect(spoofed.status).toBe(404)
    expect(refusals('not_loopback') - before).toBe(3)
    // The posted form is refused the same way (before any session is made).
    const post = await call(
      new Request('https://ret.example.org/dev/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=Mallory&role=chair',
      }),
    )
    expect([403, 404]).toContain(post.status)
    expect(post.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false)
  })

  it('a dev session from outside is no identity: the pages answer 401, not the case list', async () => {
    const cookie = await adminSession()
    const outside = await call(
      new Request('https://ret.example.org/cases', { headers: { cookie, accept: 'text/html' } }),
    )
    expect(outside.status).toBe(401)
    const html = await outside.text()
    expect(html).toContain('No access')
    expect(html).not.toContain('href="/dev/login"')
    // The same cookie on the developer's machine is honoured.
    const inside = await call(new Request('http://127.0.0.1:8787/cases', { headers: { cookie } }))
    expect(inside.status).toBe(200)
  })

  it('refuses it even on loopback when Cloudflare Access is configured', async () => {
    const withAccess = {
      ...env,
      ACCESS_TEAM_DOMAIN: 'ret-test.cloudflareaccess.com',
      ACCESS_AUD: 'aud-0123456789abcdef',
    } as Env
    const before = refusals('access_configured')
    const res = await call(new Request('http://127.0.0.1:8787/dev/login'), withAccess)
    expect(res.status).toBe(404)
    const intake = await call(
      new Request('http://127.0.0.1:8787/intake', { headers: { cookie: await adminSession() } }),
      withAccess,
    )
    expect(intake.status).toBe(401)
    expect(refusals('access_configured') - before).toBe(2)
  })
})
