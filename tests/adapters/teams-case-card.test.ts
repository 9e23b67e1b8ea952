import { describe, expect, it } from 'vitest'
import {
  amsterdamInstant,
  buildAcuteActivity,
  buildTeamsCaseCard,
  buildTeamsThreadLine,
  parseTriageCommand,
  parseTriageInvoke,
  type TeamsCaseCard,
  type TriageInvoke,
} from '../../adapters/teams/case-card'
import { teamsChairObjectIds } from '../../adapters/teams/deps'
import type { CaseCardSummary } from '../../src/domain/case-card'
import { rolesFor } from '../../src/services/access'

const summary = (over: Partial<CaseCardSummary> = {}): CaseCardSummary => ({
  reference: 'RET-2026-0042',
  status: 'submitted',
  version: 3,
  suggested: 'EXPERTTAFEL',
  chosen: null,
  alternatives: ['ROP'],
  reasons: [{ nl: 'Langdurig vastgelopen hulp', en: 'Help stuck for a long time' }],
  municipality: 'Emmen',
  ageBand: '12–15',
  urgency: 'regulier',
  analysisMissing: true,
  consultationOnly: false,
  gates: [],
  missing: ['analysis'],
  leadSlackUserId: null,
  leadOtherSurface: 'teams',
  scheduledFor: null,
  ...over,
})

type Action = { type: string; verb?: string; data?: unknown; card?: { body: unknown[]; actions: Action[] } }

function executes(card: TeamsCaseCard): Action[] {
  const out: Action[] = []
  const walk = (list: Action[] | undefined) => {
    for (const a of list ?? []) {
      if (a.type === 'Action.Execute') out.push(a)
      if (a.type === 'Action.ShowCard') walk(a.card?.actions)
    }
  }
  walk(card.actions as Action[] | undefined)
  return out
}

const invoke = (action: TriageInvoke['action'], inputs: Record<string, string>): TriageInvoke => ({
  action,
  reference: 'RET-2026-0042',
  version: 3,
  inputs,
})
const NOW = new Date('2027-01-10T10:00:00Z')

describe('the Teams case card', () => {
  it('offers the status actions as Action.Execute with the reference and version, inputs on the card', () => {
    const card = buildTeamsCaseCard(summary(), 'nl')
    expect(card.version).toBe('1.4')
    const verbs = executes(card).map((a) => a.verb)
    expect(verbs).toEqual(
      expect.arrayContaining(['ret.triage.accept', 'ret.triage.reroute', 'ret.triage.request_info']),
    )
    expect(verbs).not.toContain('ret.triage.record_outcome')
    for (const a of executes(card)) expect(a.data).toEqual({ reference: 'RET-2026-0042', version: 3 })
    const reroute = (card.actions as Action[]).find(
      (a) => a.type === 'Action.ShowCard' && a.card?.actions[0]?.verb === 'ret.triage.reroute',
    )
    expect(JSON.stringify(reroute?.card?.body)).toContain('"id":"reroute.reason"')
  })

  it('gives every input an id unique in the whole card (reroute, decline and reopen all ask a reason)', () => {
    for (const status of ['submitted', 'in_triage', 'accepted', 'scheduled', 'advised', 'closed'] as const) {
      const ids: string[] = []
      JSON.stringify(buildTeamsCaseCard(summary({ status }), 'nl'), (key, value) => {
        if (key === 'id' && typeof value === 'string') ids.push(value)
        return value
      })
      expect(ids.length, status).toBeGreaterThan(0)
      expect(new Set(ids).size, status).toBe(ids.length)
    }
  })

  it('links to the web case page when the public origin is configured, never to a file (issue 12 §3)', () => {
    const withLink = buildTeamsCaseCard(summary(), 'nl', { caseUrlBase: 'https://ret.example.org/' })
    const open = (withLink.actions as { type: string; url?: string; title?: string }[]).filter(
      (a) => a.type === 'Action.OpenUrl',
    )
    expect(open).toEqual([
      { type: 'Action.OpenUrl', title: 'Casus bekijken', url: 'https://ret.example.org/cases/RET-2026-0042' },
    ])
    expect(JSON.stringify(withLink)).not.toContain('/files/')
    const without = buildTeamsCaseCard(summary(), 'nl')
    expect(JSON.stringify(without)).not.toContain('Action.OpenUrl')
  })

  it('shows only non-personal fields, and errors on top when asked', () => {
    const text = JSON.stringify(buildTeamsCaseCard(summary(), 'en', { notice: ['A reason is required.'] }))
    expect(text).toContain('RET-2026-0042')
    expect(text).toContain('12–15')
    expect(text).toContain('A reason is required.')
    expect(text).not.toMatch(/pseudonym|birth/i)
  })

  it('a thread line names no person and no free text', () => {
    const line = buildTeamsThreadLine(
      {
        type: 'requestInfo',
        at: NOW.toISOString(),
        actorKey: 'teams:t1:0c4a1a11-1111-4a11-8a11-000000000001',
        surface: 'teams',
        from: 'submitted',
        to: 'info_requested',
        data: { items: ['analysis', 'Naam van het kind'], question: 'GEHEIM' },
      },
      'nl',
    )
    expect(line).not.toContain('GEHEIM')
    expect(line).not.toContain('Naam van het kind')
    expect(line).not.toContain('0c4a1a11')
    expect(line).toContain('+1')
  })
})

describe('reading a triage invoke', () => {
  it('accepts only the card verbs with a valid reference, and keeps the inputs', () => {
    const value = (verb: string, data: unknown) => ({ action: { type: 'Action.Execute', verb, data } })
    expect(parseTriageInvoke(value('ret.triage.accept', { reference: 'RET-2026-0042', version: 3 }))).toEqual(
      {
        action: 'accept',
        reference: 'RET-2026-0042',
        version: 3,
        inputs: {},
      },
    )
    expect(
      parseTriageInvoke(value('ret.triage.details', { reference: 'RET-2026-0042', version: 3 })),
    ).toBeNull()
    expect(parseTriageInvoke(value('ret.triage.accept', { reference: 'x', version: 3 }))).toBeNull()
    expect(parseTriageInvoke(value('next', { reference: 'RET-2026-0042', version: 3 }))).toBeNull()
    expect(
      parseTriageInvoke(
        value('ret.triage.reroute', { reference: 'RET-2026-0042', version: '3', reason: 'r' }),
      )?.inputs,
    ).toEqual({ reason: 'r' })
    // The card's own prefixed inputs count; another action's inputs (sent along by Teams) do not.
    expect(
      parseTriageInvoke(
        value('ret.triage.decline', {
          reference: 'RET-2026-0042',
          version: 3,
          'decline.reason': 'Past niet',
          'decline.where': 'Wijkteam',
          'reroute.reason': 'niet deze',
          'reopen.reason': 'ook niet',
        }),
      )?.inputs,
    ).toEqual({ reason: 'Past niet', where: 'Wijkteam' })
  })

  it('applies the Slack rules: reroute needs a reason and another intervention', () => {
    const missing = parseTriageCommand(
      invoke('reroute', { intervention: 'ROP', reason: ' ' }),
      summary(),
      't1',
      'nl',
      NOW,
    )
    expect(missing).toEqual({ ok: false, errors: ['Een reden is verplicht bij een andere route.'] })
    const same = parseTriageCommand(
      invoke('reroute', { intervention: 'EXPERTTAFEL', reason: 'Omdat het moet' }),
      summary(),
      't1',
      'nl',
      NOW,
    )
    expect(same.ok).toBe(false)
    const good = parseTriageCommand(
      invoke('reroute', { intervention: 'ROP', reason: 'Omdat het moet' }),
      summary(),
      't1',
      'nl',
      NOW,
    )
    expect(good).toEqual({
      ok: true,
      command: { type: 'accept', intervention: 'ROP', reason: 'Omdat het moet' },
    })
  })

  it('reads items, a picked lead, and a date and time in Amsterdam', () => {
    const info = parseTriageCommand(
      invoke('request_info', { items: 'analysis,school,bogus', question: 'Kun je dit delen?' }),
      summary(),
      't1',
      'nl',
      NOW,
    )
    expect(info).toEqual({
      ok: true,
      command: { type: 'requestInfo', items: ['analysis', 'school'], question: 'Kun je dit delen?' },
    })
    const lead = parseTriageCommand(
      invoke('assign_lead', { lead: '0C4A1A11-1111-4A11-8A11-000000000001' }),
      summary(),
      't1',
      'nl',
      NOW,
    )
    expect(lead).toEqual({
      ok: true,
      command: { type: 'assignLead', leadKey: 'teams:t1:0c4a1a11-1111-4a11-8a11-000000000001' },
    })
    expect(parseTriageCommand(invoke('assign_lead', { lead: 'Jan' }), summary(), 't1', 'nl', NOW).ok).toBe(
      false,
    )
    expect(amsterdamInstant('2027-02-03', '14:30')).toBe('2027-02-03T13:30:00.000Z')
    expect(amsterdamInstant('2027-07-03', '14:30')).toBe('2027-07-03T12:30:00.000Z')
    expect(amsterdamInstant('3 feb', '14:30')).toBeNull()
    const past = parseTriageCommand(
      invoke('schedule', { date: '2027-01-09', time: '10:00' }),
      summary(),
      't1',
      'nl',
      NOW,
    )
    expect(past).toEqual({ ok: false, errors: ['Kies een moment in de toekomst.'] })
  })
})

describe('Teams chairs by object id', () => {
  const config = {
    CHAIRS: [],
    COORDINATORS: [],
    ADMINS: [],
    SLACK_CHAIR_USER_IDS: [],
    TEAMS_CHAIR_OBJECT_IDS: ['t1:oid-1'],
  }
  it('makes a listed tenant:objectId a chair, and nobody else', () => {
    expect(rolesFor(config, 'teams:t1:oid-1')).toContain('chair')
    expect(rolesFor(config, 'teams:t2:oid-1')).not.toContain('chair')
    expect(rolesFor(config, 'slack:t1:oid-1')).not.toContain('chair')
  })
})

describe('the acute flag on the Teams case card (issue 13 §3)', () => {
  it('says "acuut gevaar gemeld" only when G1 fired', () => {
    const g1 = JSON.stringify(buildTeamsCaseCard(summary({ urgency: 'acuut', gates: ['G1'] }), 'nl'))
    expect(g1).toContain('acuut gevaar gemeld')
    const urgencyOnly = JSON.stringify(buildTeamsCaseCard(summary({ urgency: 'acuut', gates: [] }), 'nl'))
    expect(urgencyOnly).not.toContain('gevaar gemeld')
    expect(urgencyOnly).toContain('Urgentie: acuut')
  })
})

describe('the spoedmelding in the Teams thread', () => {
  it('mentions each chair once by Entra object id, with a role label as the mention text', () => {
    const activity = buildAcuteActivity('RET-2026-0042', 'nl', ['oid-a', 'oid-b', 'oid-a'])
    expect(activity.text).toBe(
      '🚨 Spoedmelding RET-2026-0042: acuut gevaar gemeld. Graag nu triëren. <at>RET-voorzitter 1</at> <at>RET-voorzitter 2</at>',
    )
    expect(activity.entities).toEqual([
      {
        type: 'mention',
        text: '<at>RET-voorzitter 1</at>',
        mentioned: { id: 'oid-a', name: 'RET-voorzitter 1' },
      },
      {
        type: 'mention',
        text: '<at>RET-voorzitter 2</at>',
        mentioned: { id: 'oid-b', name: 'RET-voorzitter 2' },
      },
    ])
    const one = buildAcuteActivity('RET-2026-0042', 'en', ['oid-a'])
    expect(one.text).toBe(
      '🚨 Urgent report RET-2026-0042: acute danger reported. Please triage now. <at>RET chair</at>',
    )
  })

  it('without configured chairs it is the alert line alone', () => {
    expect(buildAcuteActivity('RET-2026-0042', 'nl', [])).toEqual({
      type: 'message',
      text: '🚨 Spoedmelding RET-2026-0042: acuut gevaar gemeld. Graag nu triëren.',
    })
  })

  it('takes the chairs from TEAMS_CHAIR_OBJECT_IDS and teams: keys in CHAIRS, each once', () => {
    expect(
      teamsChairObjectIds({
        TEAMS_CHAIR_OBJECT_IDS: ['t1:oid-1', 't2:oid-2'],
        CHAIRS: ['web:access:a@example.org', 'teams:t1:oid-3', 'teams:t1:oid-1', 'slack:T1:U1'],
      }),
    ).toEqual(['oid-1', 'oid-2', 'oid-3'])
  })
})
