import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  findAdminActor,
  findAdminByToken,
  hasAdminTokens,
  hashAdminToken,
  parseAdminTokens,
} from '../../src/auth/admin'
import { resolveTarget } from '../../src/cli/admin-client'
import type { CliContext } from '../../src/cli/types'
import { loadConfig } from '../../src/config'

/** Issue 14 §8: one named token per admin, compared by hash; the CLI sends a token only over https or to loopback. */

const ANNA = 'anna-admin-token-0123456789abcdef'
const sha = (s: string) => createHash('sha256').update(s).digest('hex')

describe('ADMIN_TOKENS', () => {
  it('hashes like sha256sum, parses name:hash pairs and names bad entries by position only', async () => {
    expect(await hashAdminToken(ANNA)).toBe(sha(ANNA))
    const ok = parseAdminTokens(` anna:${sha(ANNA)} , bram.de-vries:${sha('b').toUpperCase()} `)
    expect(ok.problems).toEqual([])
    expect(ok.entries.map((e) => e.name)).toEqual(['anna', 'bram.de-vries'])
    const bad = parseAdminTokens(
      `anna:${sha(ANNA)},anna:${sha('x')},Anna Jansen:${sha('y')},kees:abc,${sha('z')}`,
    )
    expect(bad.entries.map((e) => e.name)).toEqual(['anna'])
    expect(bad.problems).toEqual(['ADMIN_TOKENS[1]', 'ADMIN_TOKENS[2]', 'ADMIN_TOKENS[3]', 'ADMIN_TOKENS[4]'])
    expect(() => loadConfig({ ADMIN_TOKENS: `kees:${ANNA}` })).toThrow(/ADMIN_TOKENS/)
    expect(loadConfig({ ADMIN_TOKENS: `anna:${sha(ANNA)}` }).ADMIN_TOKENS).toContain('anna:')
  })

  it('finds the admin of a token; another, a changed or a short token matches nobody', async () => {
    const { entries } = parseAdminTokens(`anna:${sha(ANNA)},bram:${sha('bram-admin-token-0123456789abcdef')}`)
    expect(await findAdminByToken(ANNA, entries)).toBe('anna')
    expect(await findAdminByToken('bram-admin-token-0123456789abcdef', entries)).toBe('bram')
    expect(await findAdminByToken(`${ANNA}!`, entries)).toBeNull()
    expect(await findAdminByToken(sha(ANNA), entries)).toBeNull()
    const short = parseAdminTokens(`kort:${sha('short')}`).entries
    expect(await findAdminByToken('short', short)).toBeNull()
  })

  it('acts as api:admin:<name>; the shared ADMIN_TOKEN counts only while ADMIN_TOKENS is empty', async () => {
    const shared = 'shared-admin-token-0123456789ab'
    const named = { ADMIN_TOKENS: `anna:${sha(ANNA)}`, ADMIN_TOKEN: shared }
    expect(await findAdminActor(ANNA, named)).toMatchObject({
      surface: 'api',
      tenant: 'admin',
      userId: 'anna',
      roles: ['admin'],
    })
    expect(await findAdminActor(shared, named)).toBeNull()
    const legacy = { ADMIN_TOKENS: '', ADMIN_TOKEN: shared }
    expect(await findAdminActor(shared, legacy)).toMatchObject({ userId: 'token', roles: ['admin'] })
    expect(await findAdminActor(ANNA, legacy)).toBeNull()
    expect(await findAdminActor('', { ADMIN_TOKENS: '' })).toBeNull()
    expect(hasAdminTokens({ ADMIN_TOKENS: '' })).toBe(false)
    expect(hasAdminTokens({ ADMIN_TOKENS: '', ADMIN_TOKEN: 'too-short' })).toBe(false)
    expect(hasAdminTokens(named)).toBe(true)
  })
})

describe('ret CLI target (issue 14 §8)', () => {
  const run = (url: string) => {
    const err: string[] = []
    const ctx: CliContext = {
      lang: 'en',
      stdout: () => {},
      stderr: (t) => err.push(t),
      readStdin: async () => '',
      now: () => new Date(),
    }
    const target = resolveTarget(ctx, { fetch, env: { RET_ADMIN_TOKEN: ANNA } }, url)
    return { target, err: err.join('\n') }
  }

  it('refuses http:// to anything but this machine, before sending the token', () => {
    for (const url of ['http://ret.example.org', 'http://10.0.0.5:8787', 'http://localhost.evil.example']) {
      const { target, err } = run(url)
      expect(target, url).toBeNull()
      expect(err, url).toContain('unencrypted')
    }
    for (const url of [
      'https://ret.example.org',
      'http://localhost:8787',
      'http://127.0.0.1:8787',
      'http://[::1]:8787',
    ]) {
      expect(run(url).target, url).toEqual({ base: url, token: ANNA })
    }
    expect(run('ftp://ret.example.org').err).toContain('http(s)')
  })
})
