import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashAdminToken } from '../../src/auth/admin'
import worker from '../../src/index'
import { ADMIN_TOKEN } from './privacy-helpers'

/**
 * Issue 14 §8 and §7 on the admin API: every admin action names a person — a token per admin
 * (`ADMIN_TOKENS`, `name:sha256`) or a Cloudflare Access identity with the admin role — and that person is
 * in the audit row; the shared token stops counting once named tokens exist. Bodies are JSON objects in
 * strict UTF-8.
 */

const ANNA = 'anna-admin-token-0123456789abcdef'
const BRAM = 'bram-admin-token-0123456789abcdef'
const TEAM = 'ret-admin-test.cloudflareaccess.com'
const AUD = 'aud-admin-0123456789abcdef'
const CERTS = 'https://access.example.test/certs'

async function call(request: Request, testEnv: Env): Promise<Response> {
  const ctx = createExecutionContext()
  const response = await worker.fetch(request, testEnv, ctx)
  await waitOnExecutionContext(ctx)
  return response
}

const auditRows = async (reference: string) =>
  (
    await env.DB.prepare(
      'SELECT actor_key, action, detail FROM audit_log WHERE case_reference = ?1 ORDER BY id',
    )
      .bind(reference)
      .all<{ actor_key: string; action: string; detail: string | null }>()
  ).results

let keys: Awaited<ReturnType<typeof generateKeyPair>>
const server = setupServer()
beforeAll(async () => {
  keys = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'adm1', alg: 'RS256', use: 'sig' }
  server.use(http.get(CERTS, () => HttpResponse.json({ keys: [jwk] })))
  server.listen({ onUnhandledRequest: 'bypass' })
})
afterAll(() => server.close())

describe('named admin tokens (issue 14 §8)', () => {
  let named: Env
  beforeAll(async () => {
    named = {
      ...env,
      ADMIN_TOKENS: `anna:${await hashAdminToken(ANNA)},bram:${await hashAdminToken(BRAM)}`,
    } as Env
  })

  it('audits the person of the token, and refuses the shared token once named tokens exist', async () => {
    const reference = 'RET-2026-9101'
    const audit = (token: string) =>
      call(
        new Request(`https://ret.test/api/v1/admin/cases/${reference}/audit`, {
          headers: { authorization: `Bearer ${token}` },
        }),
        named,
      )
    expect((await audit(ANNA)).status).toBe(200)
    expect((await audit(BRAM)).status).toBe(200)
    expect((await audit(ADMIN_TOKEN)).status).toBe(401)
    expect((await audit(`${ANNA}x`)).status).toBe(401)
    const rows = await auditRows(reference)
    expect(rows.map((r) => r.actor_key)).toEqual(['api:admin:anna', 'api:admin:bram'])
    expect(rows.every((r) => r.action === 'view' && r.detail === 'audit')).toBe(true)
  })

  it('audits a refused or completed erase by name too', async () => {
    const res = await call(
      new Request('https://ret.test/api/v1/admin/cases/RET-2026-9102/erase', {
        method: 'POST',
        headers: { authorization: `Bearer ${BRAM}`, 'content-type': 'application/json' },
        body: '{"reason":"request"}',
      }),
      named,
    )
    expect(res.status).toBe(404)
    const rotate = await call(
      new Request('https://ret.test/api/v1/admin/rotate-key', {
        method: 'POST',
        headers: { authorization: `Bearer ${ANNA}`, 'content-type': 'application/json' },
        body: '{"batchSize":5,"maxBatches":1}',
      }),
      named,
    )
    expect(rotate.status).toBe(200)
    const row = await env.DB.prepare(
      "SELECT actor_key FROM audit_log WHERE detail LIKE 'rotate-key:%' ORDER BY id DESC LIMIT 1",
    ).first<{ actor_key: string }>()
    expect(row?.actor_key).toBe('api:admin:anna')
  })

  it('without named tokens the shared ADMIN_TOKEN still works, audited as api:admin:token', async () => {
    const reference = 'RET-2026-9103'
    const res = await call(
      new Request(`https://ret.test/api/v1/admin/cases/${reference}/audit`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      }),
      env,
    )
    expect(res.status).toBe(200)
    expect((await auditRows(reference)).map((r) => r.actor_key)).toEqual(['api:admin:token'])
  })
})

describe('admins through Cloudflare Access (issue 14 §8)', () => {
  const withAccess = () =>
    ({
      ...env,
      DEV_MODE: 'false',
      ADMIN_TOKEN: undefined,
      ACCESS_TEAM_DOMAIN: TEAM,
      ACCESS_AUD: AUD,
      ACCESS_CERTS_URL: CERTS,
      ADMINS: 'web:access:beheer@gemeente.example',
      // Access identities are stored as keyed pseudonyms (issue 14 §4); ADMINS may still name the e-mail.
      IDENTITY_HMAC_KEY: 'admin-test-identity-key-0123456789abcdef',
    }) as unknown as Env
  const jwt = (email: string) => {
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({ email })
      .setProtectedHeader({ alg: 'RS256', kid: 'adm1' })
      .setIssuer(`https://${TEAM}`)
      .setAudience(AUD)
      .setSubject(`sub-${email}`)
      .setIssuedAt(now - 5)
      .setExpirationTime(now + 600)
      .sign(keys.privateKey)
  }

  it('lets an Access identity listed in ADMINS in, audited as that identity; others get 401', async () => {
    const testEnv = withAccess()
    const reference = 'RET-2026-9104'
    const audit = async (email: string | null) =>
      call(
        new Request(`https://ret.test/api/v1/admin/cases/${reference}/audit`, {
          headers: email ? { 'cf-access-jwt-assertion': await jwt(email) } : {},
        }),
        testEnv,
      )
    const ok = await audit('beheer@gemeente.example')
    expect(ok.status).toBe(200)
    expect((await audit('referent@gemeente.example')).status).toBe(401)
    expect((await audit(null)).status).toBe(401)
    const rows = await auditRows(reference)
    expect(rows).toHaveLength(1)
    // Audited as that person's pseudonym, never the e-mail or the shared token.
    expect(rows[0]?.actor_key).toMatch(/^web:access:p_/)
    expect(rows[0]?.actor_key).not.toContain('beheer@')
  })
})

describe('admin request bodies (issue 14 §7)', () => {
  const post = (path: string, body: BodyInit) =>
    call(
      new Request(`https://ret.test/api/v1/admin${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body,
      }),
      env,
    )

  it('refuses anything but a JSON object, and invalid UTF-8, with a bilingual 400', async () => {
    for (const body of ['[]', '"request"', 'null', '42', '["reason","request"]']) {
      for (const path of ['/cases/RET-2026-9105/erase', '/rotate-key']) {
        const res = await post(path, body)
        expect(res.status, `${path} ${body}`).toBe(400)
        const error = ((await res.json()) as { error: { code: string; nl: string; en: string } }).error
        expect(error.code).toBe('not_an_object')
        expect(error.nl).toContain('JSON-object')
        expect(error.en).toContain('JSON object')
      }
    }
    const bytes = new Uint8Array([...new TextEncoder().encode('{"reason":"req'), 0xff, 0xfe, 0x22, 0x7d])
    const res = await post('/cases/RET-2026-9105/erase', bytes)
    expect(res.status).toBe(400)
    const error = ((await res.json()) as { error: { code: string; en: string } }).error
    expect(error.code).toBe('invalid_utf8')
    expect(error.en).toContain('UTF-8')
    // An object (or an empty body for rotate-key) still works.
    expect((await post('/cases/RET-2026-9105/erase', '{"reason":"request"}')).status).toBe(404)
  })
})
