import { describe, expect, it } from 'vitest'
import { platformUserId, storedIdentityKey } from '../../src/auth/identity'
import { buildActor } from '../../src/services/access'

/** Issue 14 §4: the keyed pseudonyms of chat identities, and roles configured by platform id. */

const KEY = { IDENTITY_HMAC_KEY: 'unit-identity-key-0123456789abcdef0123' }
const AAD = '0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5'

describe('platform pseudonyms', () => {
  it('are p_ + 32 base64url characters, stable, and differ by tenant, surface and key', async () => {
    const a = await platformUserId(KEY, 'teams', 'tenant-1', AAD)
    expect(a).toMatch(/^p_[A-Za-z0-9_-]{32}$/)
    expect(a).not.toContain(AAD)
    expect(await platformUserId(KEY, 'teams', 'tenant-1', AAD)).toBe(a)
    expect(await platformUserId(KEY, 'teams', 'tenant-2', AAD)).not.toBe(a)
    expect(await platformUserId(KEY, 'slack', 'tenant-1', AAD)).not.toBe(a)
    expect(
      await platformUserId({ IDENTITY_HMAC_KEY: `${KEY.IDENTITY_HMAC_KEY}x` }, 'teams', 'tenant-1', AAD),
    ).not.toBe(a)
    // A pseudonym is not pseudonymised again; without the key (a local setup) the id is kept.
    expect(await platformUserId(KEY, 'teams', 'tenant-1', a)).toBe(a)
    expect(await platformUserId({}, 'teams', 'tenant-1', AAD)).toBe(AAD)
  })

  it('apply to stored Teams keys only (Slack ids, web and API keys pass unchanged)', async () => {
    const pseudonym = await platformUserId(KEY, 'teams', 'tenant-1', AAD)
    expect(await storedIdentityKey(KEY, `teams:tenant-1:${AAD}`)).toBe(`teams:tenant-1:${pseudonym}`)
    expect(await storedIdentityKey(KEY, `teams:tenant-1:${pseudonym}`)).toBe(`teams:tenant-1:${pseudonym}`)
    for (const key of [
      'slack:T0TEAM:U0USER',
      'web:access:p_abc',
      'web:dev:chair-1',
      'api:admin:token',
      'nonsense',
    ])
      expect(await storedIdentityKey(KEY, key)).toBe(key)
    expect(await storedIdentityKey({}, `teams:tenant-1:${AAD}`)).toBe(`teams:tenant-1:${AAD}`)
  })

  it('roles configured by object id reach the pseudonymised actor', async () => {
    const pseudonym = await platformUserId(KEY, 'teams', 'tenant-1', AAD)
    const config = {
      CHAIRS: [],
      COORDINATORS: [`teams:tenant-1:${AAD}`],
      ADMINS: [],
      SLACK_CHAIR_USER_IDS: [],
      TEAMS_CHAIR_OBJECT_IDS: [`tenant-1:${AAD}`],
    }
    const actor = buildActor(config, {
      surface: 'teams',
      tenant: 'tenant-1',
      userId: pseudonym,
      platformUserId: AAD,
    })
    expect(actor.userId).toBe(pseudonym)
    expect([...actor.roles].sort()).toEqual(['chair', 'coordinator', 'referrer'])
    // Without the platform id only the pseudonym's own entries count.
    expect(buildActor(config, { surface: 'teams', tenant: 'tenant-1', userId: pseudonym }).roles).toEqual([
      'referrer',
    ])
  })
})
