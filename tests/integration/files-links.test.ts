import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { parseIntake } from '../../src/domain/intake'
import { route } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import type { Actor } from '../../src/domain/types'
import { runSubmitIntake } from '../../src/services/cases'
import {
  buildLinkToken,
  issueAnalysisUploadLink,
  LINK_TTL_SECONDS,
  type LinkClaims,
  verifyLinkToken,
} from '../../src/services/links'
import { buildDeps } from '../../src/wiring'
import sample from '../fixtures/intakes/sample-rop.json'

const KEY = 'test-link-signing-key-0123456789'
const NOW = new Date('2026-11-23T10:00:00Z')
const CLAIMS: LinkClaims = {
  purpose: 'download',
  reference: 'RET-2026-0042',
  user: 'web:dev:lotte-bakker',
  file: 'pdf:nl',
  expiresAt: new Date(NOW.getTime() + LINK_TTL_SECONDS * 1000),
}

function reencode(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [payload, signature] = token.split('.') as [string, string]
  const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')))
  change(json)
  const again = btoa(JSON.stringify(json)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  return `${again}.${signature}`
}

describe('signed file links', () => {
  it('accepts its own token until it expires, after 15 minutes', async () => {
    const token = await buildLinkToken(KEY, CLAIMS)
    const ok = await verifyLinkToken(KEY, token, 'download', NOW)
    expect(ok).toEqual({
      ok: true,
      claims: { ...CLAIMS, expiresAt: new Date(Math.floor(CLAIMS.expiresAt.getTime() / 1000) * 1000) },
    })
    const justBefore = new Date(CLAIMS.expiresAt.getTime() - 1000)
    expect((await verifyLinkToken(KEY, token, 'download', justBefore)).ok).toBe(true)
    const expired = await verifyLinkToken(KEY, token, 'download', CLAIMS.expiresAt)
    expect(expired).toMatchObject({ ok: false, reason: 'expired', claims: { reference: 'RET-2026-0042' } })
  })

  it('refuses a changed user, case, file or expiry, another key, and garbage', async () => {
    const token = await buildLinkToken(KEY, CLAIMS)
    const changes: ((c: Record<string, unknown>) => void)[] = [
      (c) => (c.u = 'web:dev:sanne-de-vries'),
      (c) => (c.r = 'RET-2026-0043'),
      (c) => (c.f = 'att:abcdefgh'),
      (c) => (c.e = Number(c.e) + 3600),
      (c) => (c.p = 'upload'),
    ]
    for (const change of changes) {
      const result = await verifyLinkToken(KEY, reencode(token, change), 'download', NOW)
      expect(result).toEqual({ ok: false, reason: 'tampered', claims: null })
    }
    expect((await verifyLinkToken('another-key-0123456789abcdef', token, 'download', NOW)).ok).toBe(false)
    for (const garbage of ['', 'abc', 'a.b.c', `${token}x`, '..', 'x'.repeat(3000)]) {
      expect((await verifyLinkToken(KEY, garbage, 'download', NOW)).ok).toBe(false)
    }
    expect(await verifyLinkToken(KEY, token, 'upload', NOW)).toMatchObject({
      ok: false,
      reason: 'wrong_purpose',
    })
  })

  it('makes every link different, even for the same claims', async () => {
    expect(await buildLinkToken(KEY, CLAIMS)).not.toBe(await buildLinkToken(KEY, CLAIMS))
  })

  it('gives the chat dialogues an upload link for the referrer who filed the case only, audited', async () => {
    const parsed = parseIntake(structuredClone(sample.intake))
    if (!parsed.ok) throw new Error('sample does not parse')
    const referrer: Actor = {
      surface: 'teams',
      tenant: 't1',
      userId: 'aad-1',
      name: 'R',
      roles: ['referrer'],
      lang: 'nl',
    }
    const deps = buildDeps(env)
    const { reference } = await runSubmitIntake(deps, {
      intake: parsed.value,
      decision: route(parsed.value, DEFAULT_RULES, NOW),
      actor: referrer,
      idempotencyKey: 'links-1',
    })
    const link = await issueAnalysisUploadLink(deps, {
      actor: referrer,
      reference,
      origin: 'https://ret.example.nl',
    })
    expect(link.ok && link.url).toMatch(
      /^https:\/\/ret\.example\.nl\/files\/upload\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
    )
    const someoneElse = { ...referrer, userId: 'aad-2' }
    expect(
      await issueAnalysisUploadLink(deps, { actor: someoneElse, reference, origin: 'https://x' }),
    ).toEqual({
      ok: false,
      code: 'not_referrer',
    })
    const audit = await deps.store.listAudit({ reference })
    expect(
      audit.some((a) => a.actorKey === 'teams:t1:aad-1' && a.detail === 'link_issued:upload:analysis'),
    ).toBe(true)
  })
})
