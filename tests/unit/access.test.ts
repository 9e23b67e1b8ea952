import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { ACCESS_ACTIONS, type AccessAction, can, parseChairScopes } from '../../src/domain/access'
import type { Actor, Role, Surface } from '../../src/domain/types'
import { buildActor, isAllowedTenant, rolesFor } from '../../src/services/access'
import { parseRetention } from '../../src/services/retention'

const actor = (surface: Surface, userId: string, roles: Role[], tenant = 't1'): Actor => ({
  surface,
  tenant,
  userId,
  name: '',
  roles,
  lang: 'nl',
})

const REFERRER = actor('teams', 'ref-1', ['referrer'])
const OTHER_REFERRER = actor('teams', 'ref-2', ['referrer'])
const CHAIR = actor('slack', 'U0CHAIR', ['referrer', 'chair'])
const COORDINATOR = actor('web', 'coord', ['referrer', 'coordinator'])
const ADMIN = actor('web', 'admin', ['referrer', 'admin'])
const LEAD = actor('web', 'lead', ['referrer'])

const CASE = { referrerKey: 'teams:t1:ref-1', leadKey: 'web:t1:lead', municipality: 'Assen' }

/** The expected matrix: per actor, the actions allowed on CASE (everything else is refused). */
const EXPECTED: [string, Actor, AccessAction[]][] = [
  [
    'referrer of the case',
    REFERRER,
    ['case.create', 'case.listOwn', 'case.view', 'case.download', 'case.respond'],
  ],
  ['another referrer', OTHER_REFERRER, ['case.create', 'case.listOwn']],
  [
    'chair',
    CHAIR,
    ['case.create', 'case.listOwn', 'case.view', 'case.download', 'case.triage', 'case.rectify'],
  ],
  ['coordinator', COORDINATOR, ['case.create', 'case.listOwn', 'digest.view', 'monitoring.view']],
  [
    'admin',
    ADMIN,
    [
      'case.create',
      'case.listOwn',
      'case.view',
      'case.download',
      'case.triage',
      'case.respond',
      'case.export',
      'case.erase',
      'digest.view',
      'monitoring.view',
      'audit.view',
      'keys.rotate',
      'case.rectify',
    ],
  ],
  ['case lead', LEAD, ['case.create', 'case.listOwn', 'case.view', 'case.download', 'case.triage']],
]

describe('access policy: role × action', () => {
  for (const [name, who, allowed] of EXPECTED) {
    it(`${name}: allowed and refused actions`, () => {
      const granted = ACCESS_ACTIONS.filter((action) => can(who, action, CASE))
      expect(granted).toEqual(allowed)
    })
  }

  it('refuses every action on a case when no case is given', () => {
    for (const action of [
      'case.view',
      'case.download',
      'case.triage',
      'case.respond',
      'case.erase',
      'case.rectify',
    ] as const) {
      expect(can(ADMIN, action)).toBe(false)
    }
  })

  it('limits a chair to the municipalities of their region', () => {
    const scopes = parseChairScopes('slack:t1:U0CHAIR=Emmen|Coevorden;web:t1:other=Assen')
    expect(can(CHAIR, 'case.view', CASE, scopes)).toBe(false)
    expect(can(CHAIR, 'case.triage', CASE, scopes)).toBe(false)
    expect(can(CHAIR, 'case.view', { ...CASE, municipality: 'Emmen' }, scopes)).toBe(true)
    // A chair without an entry sees the whole region of the deployment.
    expect(can(CHAIR, 'case.view', CASE, parseChairScopes('web:t1:other=Emmen'))).toBe(true)
    // The case's own referrer and an admin are not limited by chair scopes.
    expect(can(REFERRER, 'case.view', CASE, scopes)).toBe(true)
    expect(can(ADMIN, 'case.erase', CASE, scopes)).toBe(true)
  })

  it('lets the system erase (retention, withdrawn consent) but not rotate keys', () => {
    const system = actor('system', 'retention', [])
    expect(can(system, 'case.erase', CASE)).toBe(true)
    expect(can(system, 'keys.rotate')).toBe(false)
  })

  it('skips malformed chair scope parts', () => {
    const scopes = parseChairScopes('=Assen;web:x:y=;;web:a:b=Assen| |Emmen')
    expect([...scopes.entries()]).toEqual([['web:a:b', ['Assen', 'Emmen']]])
  })
})

describe('roles and tenants from configuration', () => {
  const config = loadConfig({
    CHAIRS: 'web:access:chair@drenthe.nl,teams:tenant-a:aad-chair',
    COORDINATORS: 'slack:T1:U0COORD',
    ADMINS: 'web:access:admin@drenthe.nl',
    SLACK_CHAIR_USER_IDS: 'U0CHAIR',
    SLACK_TEAM_IDS: 'T1',
    TEAMS_TENANT_IDS: 'tenant-a',
  })

  it('gives roles per surface identity; everyone may refer', () => {
    expect(rolesFor(config, 'web:access:chair@drenthe.nl')).toEqual(['referrer', 'chair'])
    expect(rolesFor(config, 'teams:tenant-a:aad-chair')).toEqual(['referrer', 'chair'])
    expect(rolesFor(config, 'slack:T1:U0CHAIR')).toEqual(['referrer', 'chair'])
    expect(rolesFor(config, 'slack:T1:U0COORD')).toEqual(['referrer', 'coordinator'])
    expect(rolesFor(config, 'web:access:admin@drenthe.nl')).toEqual(['referrer', 'admin'])
    expect(rolesFor(config, 'web:access:someone@drenthe.nl')).toEqual(['referrer'])
    // A chair key of one surface does not make the same user id a chair elsewhere.
    expect(rolesFor(config, 'web:access:U0CHAIR')).toEqual(['referrer'])
    expect(buildActor(config, { surface: 'teams', tenant: 'tenant-a', userId: 'aad-chair' }).roles).toContain(
      'chair',
    )
  })

  it('refuses unknown tenants per surface', () => {
    expect(isAllowedTenant(config, 'slack', 'T1')).toBe(true)
    expect(isAllowedTenant(config, 'slack', 'T2')).toBe(false)
    expect(isAllowedTenant(config, 'teams', 'tenant-a')).toBe(true)
    expect(isAllowedTenant(config, 'teams', 'tenant-b')).toBe(false)
    expect(isAllowedTenant(config, 'teams', '')).toBe(false)
    expect(isAllowedTenant(config, 'web', 'access')).toBe(true)
    // The development sign-in exists only with DEV_MODE.
    expect(isAllowedTenant(config, 'web', 'dev')).toBe(false)
    expect(isAllowedTenant({ ...config, DEV_MODE: true }, 'web', 'dev')).toBe(true)
    expect(isAllowedTenant(config, 'api', 'default')).toBe(true)
    expect(isAllowedTenant(config, 'api', 'other')).toBe(false)
  })
})

describe('retention settings', () => {
  it('parses retention per state over the defaults and refuses unknown states', () => {
    const parsed = parseRetention('closed=180, info_requested=365, withdrawn=never')
    expect(parsed).toEqual({
      ok: true,
      policy: { closed: 180, declined: 90, draft: 30, info_requested: 365 },
    })
    expect(parseRetention('')).toEqual({
      ok: true,
      policy: { withdrawn: 30, declined: 90, closed: 90, draft: 30 },
    })
    expect(parseRetention('closd=90,closed=-1')).toEqual({ ok: false, problems: ['closd=90', 'closed=-1'] })
  })
})
