import { describe, expect, it } from 'vitest'
import type { Activity } from '../../adapters/teams/activity'
import { runTeamsActivity, type TeamsTurnDeps } from '../../adapters/teams/intake'

/** The turn must answer before it touches any dependency: none are given. */
const NO_DEPS = {} as TeamsTurnDeps

function personalMessage(locale: string, from: Activity['from']): Activity {
  return {
    type: 'message',
    id: 'act-1',
    locale,
    serviceUrl: 'https://smba.example.test/emea/',
    channelId: 'msteams',
    from,
    recipient: { id: '28:bot' },
    conversation: { id: 'a:personal-1', conversationType: 'personal' },
    text: 'nieuwe casus',
  }
}

describe('Teams: a personal message without aadObjectId (issue 13 §16)', () => {
  it.each([
    ['nl-NL', /Ik kan niet zien wie je bent/],
    ['en-US', /I cannot tell who you are/],
  ] as const)('gets a clear answer, not silence (%s)', async (locale, text) => {
    const result = await runTeamsActivity(NO_DEPS, {
      activity: personalMessage(locale, { id: '29:guest', name: 'Gast' }),
      tenantId: 'tenant-1',
      requestId: 'req-1',
      known: null,
    } as Parameters<typeof runTeamsActivity>[1])
    expect(result.conversation).toBeNull()
    expect(result.replies).toHaveLength(1)
    expect(JSON.stringify(result.replies[0])).toMatch(text)
  })

  it('an install without aadObjectId sends nothing', async () => {
    const install = {
      ...personalMessage('nl-NL', { id: '29:guest' }),
      type: 'installationUpdate',
      action: 'add',
    }
    const result = await runTeamsActivity(NO_DEPS, {
      activity: install,
      tenantId: 'tenant-1',
      requestId: 'req-1',
      known: null,
    } as Parameters<typeof runTeamsActivity>[1])
    expect(result.replies).toEqual([])
  })
})
