import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accessPseudonym } from '../../src/auth/identity'
import worker from '../../src/index'
import { logSink } from '../../src/logger'
import { dumpD1, dumpDrafts, PRIVACY_ANSWERS } from './privacy-helpers'

/**
 * Identities at rest (issue 14 §4): a referrer signed in through Cloudflare Access files a full web
 * intake; afterwards no D1 table and no draft holds their e-mail address or their Access `sub` — only
 * the keyed pseudonym `web:access:p_…` in `cases.referrer_key`, the timeline, the audit log and the
 * draft keys. The Worker runs here with Access configured (DEV_MODE off), its JWKS answered by msw.
 */

const TEAM = 'ret-identities.cloudflareaccess.com'
const AUD = 'aud-identities-0123456789'
const CERTS = 'https://certs.identities.test/cdn-cgi/access/certs'
const HMAC_KEY = 'identity-hmac-key-for-integration-0123'
const EMAIL = 'ijsbrand.identiteit@gemeente-voorbeeld.nl'
const SUB = '7f3c2a10-sub-of-ijsbrand-0042'
const accessEnv = {
  ...env,
  DEV_MODE: 'false',
  ACCESS_TEAM_DOMAIN: TEAM,
  ACCESS_AUD: AUD,
  ACCESS_CERTS_URL: CERTS,
  IDENTITY_HMAC_KEY: HMAC_KEY,
} as unknown as Env

const server = setupServer()
let token = ''
const logLines: string[] = []
const originalWrite = logSink.write

/** A browser whose every request carries the Access JWT, against the Worker with Access configured. */
class AccessBrowser {
  readonly cookies = new Map<string, string>()
  html = ''
  status = 0

  private async send(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers)
    headers.set('cf-access-jwt-assertion', token)
    headers.set('cf-connecting-ip', '203.0.113.7')
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const ctx = createExecutionContext()
    const res = await worker.fetch(
      new Request(new URL(path, 'https://ret.example'), { ...init, headers, redirect: 'manual' }),
      accessEnv,
      ctx,
    )
    await waitOnExecutionContext(ctx)
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim())
    }
    return res
  }

  private async settle(res: Response): Promise<void> {
    let current = res
    for (let hops = 0; hops < 5 && current.status >= 300 && current.status < 400; hops++) {
      current = await this.send(current.headers.get('location')!, { method: 'GET' })
    }
    this.status = current.status
    this.html = await current.text()
  }

  async get(path: string) {
    await this.settle(await this.send(path, { method: 'GET' }))
  }

  async post(path: string, fields: Record<string, string | string[]>) {
    const body = new URLSearchParams()
    body.append('_csrf', this.html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '')
    for (const [k, v] of Object.entries(fields))
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one)
    await this.settle(
      await this.send(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      }),
    )
  }

  stepId(): string {
    return this.html.match(/name="_step" value="([^"]+)"/)?.[1] ?? ''
  }
}

let reference = ''

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'id1', alg: 'RS256', use: 'sig' }
  server.use(http.get(CERTS, () => HttpResponse.json({ keys: [jwk] })))
  server.listen({ onUnhandledRequest: 'bypass' })
  const now = Math.floor(Date.now() / 1000)
  token = await new SignJWT({ email: EMAIL })
    .setProtectedHeader({ alg: 'RS256', kid: 'id1' })
    .setIssuer(`https://${TEAM}`)
    .setAudience(AUD)
    .setSubject(SUB)
    .setIssuedAt(now - 5)
    .setExpirationTime(now + 3600)
    .sign(privateKey)

  logSink.write = (line, level) => {
    logLines.push(line)
    originalWrite(line, level)
  }
  const b = new AccessBrowser()
  await b.get('/')
  expect(b.status).toBe(200)
  await b.post('/intake/start', {})
  for (let guard = 0; guard < 25; guard++) {
    const stepId = b.stepId()
    if (stepId === 'review') break
    const values = PRIVACY_ANSWERS[stepId]
    if (!values) throw new Error(`no answers for step "${stepId}" (status ${b.status})`)
    await b.post('/intake', { _step: stepId, _action: 'next', ...values })
  }
  await b.post('/intake', { _step: 'review', _action: 'submit' })
  reference = b.html.match(/RET-\d{4}-\d{4,}/)?.[0] ?? ''
  expect(reference).not.toBe('')
  // Start a second, unfinished draft as the same person.
  await b.post('/intake/start', { fresh: '1' })
}, 60_000)

afterAll(() => {
  logSink.write = originalWrite
  server.close()
})

describe('identities at rest (issue 14 §4)', () => {
  it('stores the keyed pseudonym of the Access sub; no table and no draft holds the e-mail or the sub', async () => {
    const key = `web:access:${await accessPseudonym(HMAC_KEY, SUB)}`
    const row = await env.DB.prepare('SELECT id, referrer_key FROM cases WHERE reference = ?1')
      .bind(reference)
      .first<{ id: string; referrer_key: string }>()
    expect(row?.referrer_key).toBe(key)
    const actors = await env.DB.prepare('SELECT DISTINCT actor_key FROM case_events WHERE case_id = ?1')
      .bind(row?.id)
      .all<{ actor_key: string }>()
    expect(actors.results.map((r) => r.actor_key)).toEqual([key])
    const audit = await env.DB.prepare('SELECT DISTINCT actor_key FROM audit_log WHERE case_reference = ?1')
      .bind(reference)
      .all<{ actor_key: string }>()
    expect(audit.results.map((r) => r.actor_key)).toContain(key)
    const drafts = await env.DB.prepare('SELECT key FROM draft_keys WHERE key = ?1').bind(key).first()
    expect(drafts).not.toBeNull()

    const local = EMAIL.split('@')[0] as string
    for (const [table, text] of Object.entries(await dumpD1())) {
      for (const needle of [EMAIL, local, SUB]) expect(text, `${table} holds ${needle}`).not.toContain(needle)
      // No identity key anywhere is an e-mail address.
      expect(text, table).not.toMatch(/web:access:[^"',\s]*@/)
    }
    const stored = await dumpDrafts()
    expect(Object.keys(stored)).toContain(key)
    for (const [draftKey, text] of Object.entries(stored)) {
      for (const needle of [EMAIL, local, SUB]) expect(text, draftKey).not.toContain(needle)
      expect(draftKey).not.toContain('@')
    }
  })

  it('no log line of the flow names the e-mail, the sub or the pseudonym key', async () => {
    expect(logLines.length).toBeGreaterThan(0)
    const pseudonym = await accessPseudonym(HMAC_KEY, SUB)
    for (const line of logLines)
      for (const needle of [EMAIL, SUB, pseudonym]) expect(line).not.toContain(needle)
  })
})
