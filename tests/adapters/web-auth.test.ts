import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildAesGcmCipher } from '../../adapters/crypto/aes-gcm-cipher'
import { MemoryCaseStore } from '../../adapters/memory/memory-case-store'
import { MemoryLinkStore } from '../../adapters/memory/memory-link-store'
import { buildMemoryDraftStore } from '../../adapters/storage/draft-transition'
import { verifyAccessJwt } from '../../src/auth/access'
import { buildCsrfToken, verifyCsrfToken } from '../../src/auth/csrf'
import { buildWebActor } from '../../src/auth/identity'
import { buildSessionCookieValue, buildUserIdFromName, readSessionCookieValue } from '../../src/auth/session'
import { loadConfig } from '../../src/config'
import type { JobQueue } from '../../src/ports/queue'
import { buildWebRoutes } from '../../src/routes/web'

const KEY = 'test-link-signing-key-0123456789'
const NOW = 1_800_000_000
const TEAM = 'ret-test.cloudflareaccess.com'
const AUD = 'aud-0123456789abcdef'
const CERTS = `https://${TEAM}/cdn-cgi/access/certs`

describe('dev sessions', () => {
  const identity = {
    tenant: 'dev',
    userId: 'sanne-de-vries',
    name: 'Sanne de Vries',
    roles: ['referrer' as const],
  }

  it('round-trips a signed session and refuses tampering, another key and expiry', async () => {
    const value = await buildSessionCookieValue(KEY, identity, NOW)
    expect(await readSessionCookieValue(KEY, value, NOW + 60)).toEqual(identity)
    expect(await readSessionCookieValue('another-key-0123456789', value, NOW)).toBeNull()
    expect(await readSessionCookieValue(KEY, value, NOW + 8 * 3600)).toBeNull()
    const [body, sig] = value.split('.')
    const forged = Buffer.from(
      JSON.stringify({ v: 1, t: 'dev', u: 'chair', n: 'X', r: ['admin'], exp: NOW + 999 }),
    ).toString('base64url')
    expect(await readSessionCookieValue(KEY, `${forged}.${sig}`, NOW)).toBeNull()
    expect(await readSessionCookieValue(KEY, `${body}.${sig}x`, NOW)).toBeNull()
    expect(await readSessionCookieValue(KEY, 'garbage', NOW)).toBeNull()
    expect(await readSessionCookieValue(KEY, undefined, NOW)).toBeNull()
  })

  it('derives the same user id from the same name, accents and spacing aside', () => {
    expect(buildUserIdFromName('Sanne de Vries')).toBe('sanne-de-vries')
    expect(buildUserIdFromName('  sanne  DE vries ')).toBe('sanne-de-vries')
    expect(buildUserIdFromName('Zoë Çelik-IJzerman')).toBe('zoe-celik-ijzerman')
    expect(buildUserIdFromName('!!!')).toBe('user')
  })

  it('checks CSRF tokens against the browser secret', async () => {
    const token = await buildCsrfToken(KEY, 'secret-of-this-browser')
    expect(await verifyCsrfToken(KEY, 'secret-of-this-browser', token)).toBe(true)
    expect(await verifyCsrfToken(KEY, 'secret-of-another-browser', token)).toBe(false)
    expect(await verifyCsrfToken(KEY, undefined, token)).toBe(false)
    expect(await verifyCsrfToken(KEY, 'secret-of-this-browser', undefined)).toBe(false)
  })

  it('takes roles from configuration; a picked role only counts in DEV_MODE', () => {
    const dev = loadConfig({ DEV_MODE: 'true', CHAIRS: 'web:dev:chair-1' })
    const prod = loadConfig({ DEV_MODE: 'false', CHAIRS: 'web:access:chair@example.org' })
    expect(buildWebActor(dev, { ...identity, roles: ['coordinator'] }, 'nl').roles).toEqual([
      'referrer',
      'coordinator',
    ])
    expect(buildWebActor(dev, { ...identity, userId: 'chair-1' }, 'nl').roles).toEqual(['referrer', 'chair'])
    const viaAccess = {
      tenant: 'access',
      userId: 'chair@example.org',
      name: 'chair@example.org',
      roles: ['admin' as const],
    }
    expect(buildWebActor(prod, viaAccess, 'en').roles).toEqual(['referrer', 'chair'])
  })
})

async function accessKeys() {
  const { publicKey, privateKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
  const sign = (
    claims: Record<string, unknown>,
    options: { aud?: string; iss?: string; exp?: number; iat?: number } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(options.iss ?? `https://${TEAM}`)
      .setAudience(options.aud ?? AUD)
      .setSubject('user-sub-1')
      .setIssuedAt(options.iat ?? NOW - 10)
      .setExpirationTime(options.exp ?? NOW + 3600)
      .sign(privateKey)
  /** Signs exactly these claims (no defaults), to leave one out. */
  const signRaw = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey)
  return { jwks: { keys: [jwk] }, sign, signRaw }
}

describe('Cloudflare Access JWT', () => {
  let keys: Awaited<ReturnType<typeof accessKeys>>
  const server = setupServer()
  beforeAll(async () => {
    keys = await accessKeys()
    server.use(http.get(CERTS, () => HttpResponse.json(keys.jwks)))
    server.listen({ onUnhandledRequest: 'error' })
  })
  afterAll(() => server.close())

  const settings = { teamDomain: TEAM, audience: AUD }
  const at = new Date(NOW * 1000)

  it('accepts a valid token and refuses wrong audience, issuer, expiry and signature', async () => {
    const good = await keys.sign({ email: 'Sanne@Example.org' })
    expect(await verifyAccessJwt(good, settings, { now: at })).toEqual({
      email: 'sanne@example.org',
      subject: 'user-sub-1',
    })
    expect(
      await verifyAccessJwt(await keys.sign({ email: 'a@b.nl' }, { aud: 'other-aud' }), settings, {
        now: at,
      }),
    ).toBeNull()
    expect(
      await verifyAccessJwt(await keys.sign({ email: 'a@b.nl' }, { iss: 'https://evil.example' }), settings, {
        now: at,
      }),
    ).toBeNull()
    expect(
      await verifyAccessJwt(await keys.sign({ email: 'a@b.nl' }, { exp: NOW - 3600 }), settings, { now: at }),
    ).toBeNull()
    const other = await accessKeys()
    expect(await verifyAccessJwt(await other.sign({ email: 'a@b.nl' }), settings, { now: at })).toBeNull()
    expect(await verifyAccessJwt(await keys.sign({}), settings, { now: at })).toBeNull()
    expect(await verifyAccessJwt(undefined, settings, { now: at })).toBeNull()
  })

  it('requires exp, iat, sub and email, and refuses a token older than the maximum age (issue 14 §6)', async () => {
    const full = {
      iss: `https://${TEAM}`,
      aud: AUD,
      sub: 'user-sub-1',
      email: 'sanne@example.org',
      iat: NOW - 10,
      exp: NOW + 3600,
    }
    expect(await verifyAccessJwt(await keys.signRaw(full), settings, { now: at })).toEqual({
      email: 'sanne@example.org',
      subject: 'user-sub-1',
    })
    for (const claim of ['exp', 'iat', 'sub', 'email'] as const) {
      const { [claim]: _left, ...rest } = full
      expect(await verifyAccessJwt(await keys.signRaw(rest), settings, { now: at }), claim).toBeNull()
    }
    // Issued 25 hours ago with an expiry far ahead: too old under the default 24 h.
    const old = await keys.signRaw({ ...full, iat: NOW - 25 * 3600, exp: NOW + 30 * 24 * 3600 })
    expect(await verifyAccessJwt(old, settings, { now: at })).toBeNull()
    // A deployment with a longer Access session raises the age; a token issued in the future is refused.
    expect(
      await verifyAccessJwt(old, { ...settings, maxTokenAgeSeconds: 7 * 24 * 3600 }, { now: at }),
    ).not.toBeNull()
    const future = await keys.signRaw({ ...full, iat: NOW + 3600 })
    expect(await verifyAccessJwt(future, settings, { now: at })).toBeNull()
    // An empty e-mail or subject is no identity either.
    expect(
      await verifyAccessJwt(await keys.signRaw({ ...full, email: ' ' }), settings, { now: at }),
    ).toBeNull()
    expect(await verifyAccessJwt(await keys.signRaw({ ...full, sub: '' }), settings, { now: at })).toBeNull()
  })

  it('reads the maximum token age from ACCESS_MAX_TOKEN_AGE_SECONDS (default 24 h)', () => {
    expect(loadConfig({}).ACCESS_MAX_TOKEN_AGE_SECONDS).toBe(86_400)
    expect(loadConfig({ ACCESS_MAX_TOKEN_AGE_SECONDS: '604800' }).ACCESS_MAX_TOKEN_AGE_SECONDS).toBe(604_800)
    expect(() => loadConfig({ ACCESS_MAX_TOKEN_AGE_SECONDS: '10' })).toThrow(/ACCESS_MAX_TOKEN_AGE_SECONDS/)
  })

  describe('web routes in production mode (DEV_MODE=false)', () => {
    const env = {
      DEV_MODE: 'false',
      LINK_SIGNING_KEY: KEY,
      ENCRYPTION_KEYS: 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
      ACCESS_TEAM_DOMAIN: TEAM,
      ACCESS_AUD: AUD,
    } as unknown as Env
    const queue: JobQueue = { send: async () => {} }
    const config = loadConfig(env as unknown as Record<string, unknown>)
    const web = buildWebRoutes({
      deps: () => ({
        store: new MemoryCaseStore(),
        cipher: buildAesGcmCipher(env.ENCRYPTION_KEYS),
        queue,
        clock: () => new Date(),
        config,
        links: new MemoryLinkStore(),
      }),
      drafts: () => buildMemoryDraftStore(),
    })

    it('answers without an Access identity with the bilingual 401 page, and hides the dev login', async () => {
      const res = await web.request('/', {}, env)
      expect(res.status).toBe(401)
      const html = await res.text()
      expect(html).toContain('Geen toegang')
      expect(html).toContain('No access')
      expect((await web.request('/dev/login', {}, env)).status).toBe(404)
      const session = await buildSessionCookieValue(
        KEY,
        { tenant: 'dev', userId: 'x', name: 'X', roles: ['admin'] },
        Math.floor(Date.now() / 1000),
      )
      const withDevCookie = await web.request(
        '/intake',
        { headers: { cookie: `ret_session=${session}` } },
        env,
      )
      expect(withDevCookie.status).toBe(401)
    })

    it('lets a valid Access identity in', async () => {
      const now = Math.floor(Date.now() / 1000)
      const token = await keys.sign({ email: 'sanne@example.org' }, { iat: now, exp: now + 600 })
      const res = await web.request('/', { headers: { 'Cf-Access-Jwt-Assertion': token } }, env)
      expect(res.status).toBe(200)
      const html = await res.text()
      expect(html).toContain('Ingelogd als sanne@example.org')
      expect(html).toContain('href="/cdn-cgi/access/logout"')
      expect(html).not.toContain('Ontwikkelomgeving')
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    })
  })
})
