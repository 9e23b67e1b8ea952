import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { parseIntake } from '../../src/domain/intake'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import type { Actor } from '../../src/domain/types'
import { runSubmitIntake } from '../../src/services/cases'
import { runEraseCase } from '../../src/services/erase'
import {
  authorizeLink,
  checkLinkToken,
  consumeLink,
  issueAnalysisUploadLink,
  issueFileLink,
  LINK_CLOCK_SKEW_SECONDS,
  LINK_TTL_SECONDS,
  linkIdOf,
} from '../../src/services/links'
import { buildDeps, buildPrivacyDeps } from '../../src/wiring'
import sample from '../fixtures/intakes/sample-rop.json'

/**
 * Issue 14 §2 and §5: file link tokens are opaque random ids looked up server-side (D1 `file_links`),
 * single-use, with an expiry capped at the issuing TTL plus clock skew; a link of an erased case is
 * unknown.
 */

const KEY = env.LINK_SIGNING_KEY ?? ''
const NOW = new Date('2026-11-23T10:00:00Z')

const LOTTE: Actor = {
  surface: 'web',
  tenant: 'dev',
  userId: 'lotte-bakker',
  name: 'Lotte Bakker',
  roles: ['referrer'],
  lang: 'nl',
}
const TEAMS_REFERRER: Actor = {
  surface: 'teams',
  tenant: 'tenant-drenthe-0001',
  userId: 'aad-1',
  name: 'R',
  roles: ['referrer'],
  lang: 'nl',
}

function depsAt(clock: { now: Date }) {
  return buildDeps(env, { clock: () => clock.now })
}

async function fileCase(actor: Actor, key: string): Promise<string> {
  const parsed = parseIntake(structuredClone(sample.intake))
  if (!parsed.ok) throw new Error('sample does not parse')
  const { reference } = await runSubmitIntake(buildDeps(env), {
    intake: parsed.value,
    decision: route(parsed.value, DEFAULT_RULES, NOW),
    actor,
    idempotencyKey: key,
  })
  return reference
}

async function rowsOf(reference: string) {
  const { results } = await env.DB.prepare('SELECT * FROM file_links WHERE reference = ?1')
    .bind(reference)
    .all<Record<string, string | null>>()
  return results
}

describe('opaque file links', () => {
  it('are 32 random bytes that say nothing; only their HMAC is stored, with what they grant', async () => {
    const reference = await fileCase(LOTTE, 'links-opaque')
    const clock = { now: NOW }
    const link = await issueFileLink(depsAt(clock), { actor: LOTTE, reference, file: 'pdf:nl' })
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(link.path).toBe(`/files/${link.token}`)
    expect(link.boundTo).toBe('web')
    // Nothing readable: no reference, user or file in the token, decoded or not.
    const decoded = atob(link.token.replace(/-/g, '+').replace(/_/g, '/') + '=')
    for (const text of [link.token, decoded]) {
      for (const secret of [reference, 'lotte', 'pdf', '{"']) expect(text).not.toContain(secret)
    }
    const rows = await rowsOf(reference)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      id: await linkIdOf(KEY, link.token),
      purpose: 'download',
      user_key: 'web:dev:lotte-bakker',
      file: 'pdf:nl',
      bound_to: 'web',
      created_at: NOW.toISOString(),
      expires_at: new Date(NOW.getTime() + LINK_TTL_SECONDS * 1000).toISOString(),
      used_at: null,
    })
    expect(JSON.stringify(rows)).not.toContain(link.token)
    // Two links for the same file differ.
    const again = await issueFileLink(depsAt(clock), { actor: LOTTE, reference, file: 'pdf:nl' })
    expect(again.token).not.toBe(link.token)
  })

  it('are checked server-side: unknown, old signed tokens, wrong purpose, expiry at 15 minutes', async () => {
    const reference = await fileCase(LOTTE, 'links-check')
    const clock = { now: NOW }
    const deps = depsAt(clock)
    const link = await issueFileLink(deps, { actor: LOTTE, reference, file: 'pdf:nl' })
    expect(await checkLinkToken(deps, KEY, link.token, 'download')).toMatchObject({
      ok: true,
      claims: { reference, user: 'web:dev:lotte-bakker', file: 'pdf:nl', boundTo: 'web' },
    })
    expect(await checkLinkToken(deps, KEY, link.token, 'upload')).toMatchObject({
      ok: false,
      reason: 'wrong_purpose',
    })
    // A token of the right shape that was never issued, and the old readable `<payload>.<hmac>` form.
    const flipped = (link.token[0] === 'A' ? 'B' : 'A') + link.token.slice(1)
    expect(await checkLinkToken(deps, KEY, flipped, 'download')).toEqual({
      ok: false,
      reason: 'unknown',
      claims: null,
    })
    const oldStyle = `${btoa(JSON.stringify({ v: 1, p: 'download', r: reference })).replace(/=+$/, '')}.abc`
    for (const garbage of [oldStyle, '', 'x'.repeat(3000), `${link.token}x`]) {
      expect(await checkLinkToken(deps, KEY, garbage, 'download')).toMatchObject({
        ok: false,
        reason: 'malformed',
      })
    }
    // Another signing key finds nothing.
    expect(await checkLinkToken(deps, 'another-key-0123456789abcdef', link.token, 'download')).toMatchObject({
      ok: false,
      reason: 'unknown',
    })
    clock.now = new Date(NOW.getTime() + LINK_TTL_SECONDS * 1000 - 1000)
    expect((await checkLinkToken(deps, KEY, link.token, 'download')).ok).toBe(true)
    clock.now = new Date(NOW.getTime() + LINK_TTL_SECONDS * 1000)
    expect(await checkLinkToken(deps, KEY, link.token, 'download')).toMatchObject({
      ok: false,
      reason: 'expired',
      claims: { reference },
    })
  })

  it('never live longer than the TTL plus clock skew, whatever was asked or stored', async () => {
    const reference = await fileCase(LOTTE, 'links-cap')
    const clock = { now: NOW }
    const deps = depsAt(clock)
    const long = await issueFileLink(deps, { actor: LOTTE, reference, file: 'pdf:nl', ttlSeconds: 86_400 })
    expect(long.expiresAt.toISOString()).toBe(new Date(NOW.getTime() + LINK_TTL_SECONDS * 1000).toISOString())
    // A row whose stored expiry says a year (a bug, or a changed row): the cap still ends it.
    await env.DB.prepare('UPDATE file_links SET expires_at = ?2 WHERE id = ?1')
      .bind(await linkIdOf(KEY, long.token), '2027-11-23T10:00:00.000Z')
      .run()
    clock.now = new Date(NOW.getTime() + (LINK_TTL_SECONDS + LINK_CLOCK_SKEW_SECONDS) * 1000 - 1000)
    expect((await checkLinkToken(deps, KEY, long.token, 'download')).ok).toBe(true)
    clock.now = new Date(NOW.getTime() + (LINK_TTL_SECONDS + LINK_CLOCK_SKEW_SECONDS) * 1000)
    expect(await checkLinkToken(deps, KEY, long.token, 'download')).toMatchObject({
      ok: false,
      reason: 'expired',
    })
  })

  it('work once: of simultaneous uses exactly one wins, and the link is then refused as used', async () => {
    const reference = await fileCase(LOTTE, 'links-once')
    const clock = { now: NOW }
    const deps = depsAt(clock)
    const link = await issueFileLink(deps, { actor: LOTTE, reference, file: 'pdf:nl' })
    const id = await linkIdOf(KEY, link.token)
    const results = await Promise.all([1, 2, 3, 4].map(() => consumeLink(deps, id)))
    expect(results.filter((r) => r !== null)).toHaveLength(1)
    expect(await checkLinkToken(deps, KEY, link.token, 'download')).toMatchObject({
      ok: false,
      reason: 'used',
    })
    expect(await consumeLink(deps, id)).toBeNull()
  })

  it('bind a web link to its signed-in owner; a chat link is single-use and needs no session', async () => {
    const reference = await fileCase(TEAMS_REFERRER, 'links-bind')
    const deps = depsAt({ now: NOW })
    const chat = await issueFileLink(deps, { actor: TEAMS_REFERRER, reference, file: 'pdf:nl' })
    expect(chat.boundTo).toBe('chat')
    expect(
      await authorizeLink(deps, { token: chat.token, session: null, purpose: 'download' }),
    ).toMatchObject({
      ok: true,
      who: 'teams:tenant-drenthe-0001:aad-1',
    })
    // The admin who may see every case gets a web-bound link: nobody else may use it, nor anonymously.
    const admin: Actor = { ...LOTTE, userId: 'admin-1', roles: ['referrer', 'admin'] }
    const web = await issueFileLink(deps, { actor: admin, reference, file: 'pdf:nl' })
    expect(await authorizeLink(deps, { token: web.token, session: null, purpose: 'download' })).toMatchObject(
      {
        ok: false,
        reason: 'unauthenticated',
      },
    )
    const other: Actor = { ...admin, userId: 'admin-2' }
    expect(
      await authorizeLink(deps, { token: web.token, session: other, purpose: 'download' }),
    ).toMatchObject({
      ok: false,
      reason: 'other_user',
      who: 'web:dev:admin-2',
    })
    expect(
      await authorizeLink(deps, { token: web.token, session: admin, purpose: 'download' }),
    ).toMatchObject({
      ok: true,
      who: 'web:dev:admin-1',
    })
  })

  it('give the chat dialogues an upload link for the referrer who filed the case only, audited', async () => {
    const reference = await fileCase(TEAMS_REFERRER, 'links-upload')
    const deps = buildDeps(env)
    const link = await issueAnalysisUploadLink(deps, {
      actor: TEAMS_REFERRER,
      reference,
      origin: 'https://ret.example.nl',
    })
    expect(link.ok && link.url).toMatch(/^https:\/\/ret\.example\.nl\/files\/upload\/[A-Za-z0-9_-]{43}$/)
    const someoneElse = { ...TEAMS_REFERRER, userId: 'aad-2' }
    expect(
      await issueAnalysisUploadLink(deps, { actor: someoneElse, reference, origin: 'https://x' }),
    ).toEqual({ ok: false, code: 'not_referrer' })
    const audit = await deps.store.listAudit({ reference })
    expect(
      audit.some(
        (a) => a.actorKey === 'teams:tenant-drenthe-0001:aad-1' && a.detail === 'link_issued:upload:analysis',
      ),
    ).toBe(true)
    expect((await rowsOf(reference)).map((r) => [r.purpose, r.bound_to])).toEqual([['upload', 'chat']])
  })

  it('of an erased case are deleted with it: the token is then unknown', async () => {
    const reference = await fileCase(LOTTE, 'links-erase')
    const deps = buildDeps(env)
    const link = await issueFileLink(deps, { actor: LOTTE, reference, file: 'pdf:nl' })
    const admin: Actor = { ...LOTTE, userId: 'admin-1', roles: ['admin'] }
    const erased = await runEraseCase(buildPrivacyDeps(env, deps), {
      reference,
      reason: 'request',
      actor: admin,
    })
    expect(erased.ok).toBe(true)
    expect(await rowsOf(reference)).toEqual([])
    expect(await checkLinkToken(deps, KEY, link.token, 'download')).toMatchObject({
      ok: false,
      reason: 'unknown',
    })
  })
})
