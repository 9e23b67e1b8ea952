import { describe, expect, it } from 'vitest'
import { parseActorKey } from '../../src/domain/actor-key'
import { buildCaseSummary, cardActions, viewerActions } from '../../src/domain/case-card'
import { INTERVENTIONS } from '../../src/domain/enums'
import type { CaseEvent, CaseState } from '../../src/domain/lifecycle'
import {
  buildCaseChangeNotice,
  buildChairsReminderNotice,
  buildDeadLetterNotice,
  buildErasedNotice,
  buildLeadReminderNotice,
  buildReceiptNotice,
  buildReferrerReminderNotice,
} from '../../src/domain/notices'
import type { Actor } from '../../src/domain/types'

const REFERRER = 'slack:T0TEAM:U0REF'
const state = {
  reference: 'RET-2026-0042',
  referrerKey: REFERRER,
  leadKey: null,
  status: 'in_triage',
  version: 3,
  suggestedIntervention: 'ROP',
  chosenIntervention: null,
  urgency: 'regulier',
  flags: ['analysis_missing'],
  scheduledFor: null,
  municipality: 'Assen',
  ageBand: '12-15',
  consultation: false,
} as unknown as CaseState

function event(over: Partial<CaseEvent>): CaseEvent {
  return {
    type: 'accept',
    at: '2026-11-23T10:00:00Z',
    actorKey: 'slack:T0TEAM:U0CHAIR',
    surface: 'slack',
    from: 'in_triage',
    to: 'accepted',
    data: {},
    ...over,
  }
}

describe('notices (neutral, pure)', () => {
  it('builds the receipt from the case, without personal data', () => {
    expect(buildReceiptNotice(state)).toEqual({
      kind: 'receipt',
      reference: 'RET-2026-0042',
      intervention: 'ROP',
      urgency: 'regulier',
      analysisMissing: true,
      acuteDanger: false,
      youthCrisisPhone: null,
    })
  })

  it('marks the receipt of a spoedmelding (G1 fired) and carries the configured crisis number', () => {
    const notice = buildReceiptNotice({ ...state, urgency: 'acuut', flags: ['G1'] }, '0592-303030')
    expect(notice).toMatchObject({ acuteDanger: true, youthCrisisPhone: '0592-303030' })
    expect(buildReceiptNotice({ ...state, urgency: 'acuut', flags: [] }).acuteDanger).toBe(false)
  })

  it('turns a chair question into a question notice that keeps the text as plain data', () => {
    const notice = buildCaseChangeNotice(
      state,
      4,
      event({
        type: 'requestInfo',
        to: 'info_requested',
        data: { items: ['analysis'], question: 'Wat is <b>de</b> vraag?' },
      }),
      INTERVENTIONS,
    )
    expect(notice).toEqual({
      kind: 'question',
      reference: 'RET-2026-0042',
      version: 4,
      items: ['analysis'],
      question: 'Wat is <b>de</b> vraag?',
    })
  })

  it('names a reroute, and ignores the referrer’s own changes and changes without news', () => {
    const rerouted = buildCaseChangeNotice(
      state,
      4,
      event({ data: { rerouted: true, intervention: 'RST' } }),
      INTERVENTIONS,
    )
    expect(rerouted).toMatchObject({ kind: 'status', change: 'rerouted', changeIntervention: 'RST' })
    expect(buildCaseChangeNotice(state, 4, event({ actorKey: REFERRER }), INTERVENTIONS)).toBeNull()
    expect(
      buildCaseChangeNotice(
        state,
        4,
        event({ type: 'assignLead', from: 'accepted', to: 'accepted' }),
        INTERVENTIONS,
      ),
    ).toBeNull()
    expect(
      buildCaseChangeNotice(state, 4, event({ data: { intervention: 'NOT_ONE' } }), INTERVENTIONS),
    ).toMatchObject({ changeIntervention: null })
  })

  it('builds reminders in both languages from the copy', () => {
    const info = buildReferrerReminderNotice('info', 'RET-2026-0042', 4)
    expect(info.topic).toBe('info')
    expect(info.text.nl).toContain('RET-2026-0042')
    expect(info.text.en).toContain('RET-2026-0042')
    expect(info.text.nl).not.toBe(info.text.en)
    const lead = buildLeadReminderNotice('RET-2026-0042', 'schedule', '2026-12-01')
    expect(lead.text.nl).toContain('2026-12-01')
    const escalation = buildChairsReminderNotice(
      {
        reference: 'RET-2026-0042',
        kind: 'escalation',
        rule: 'info_overdue',
        days: 9,
        step: null,
        due: null,
      },
      2,
    )
    expect(escalation.topic).toBe('chairs')
    expect(escalation.text.en).toContain('RET-2026-0042')
  })

  it('names the reference of an erased case and of a dead job when its id has one', () => {
    expect(buildErasedNotice('RET-2026-0042').text.nl).toContain('RET-2026-0042')
    expect(buildDeadLetterNotice({ type: 'digest.send', id: 'x:RET-2026-0042:y' })).toMatchObject({
      jobType: 'digest.send',
      reference: 'RET-2026-0042',
    })
    expect(buildDeadLetterNotice({ type: null, id: null })).toMatchObject({ jobType: '?', reference: null })
  })
})

describe('actor keys (one parser)', () => {
  it('parses surface, tenant and user, keeping colons in the user part', () => {
    expect(parseActorKey('teams:tenant-1:aad-42')).toEqual({
      surface: 'teams',
      tenant: 'tenant-1',
      user: 'aad-42',
    })
    expect(parseActorKey('web:access:a:b')).toEqual({ surface: 'web', tenant: 'access', user: 'a:b' })
  })

  it('refuses unknown surfaces, empty parts and non-keys', () => {
    for (const bad of ['', 'slack', 'slack:T1', 'slack::U1', 'mail:x:y', 'slack:T 1:U1', null, undefined]) {
      expect(parseActorKey(bad)).toBeNull()
    }
  })
})

describe('case card (viewer actions)', () => {
  const summary = buildCaseSummary(state)
  const kase = { referrerKey: REFERRER, leadKey: null, municipality: 'Assen' }
  const person = (roles: Actor['roles'], userId = 'U0X'): Actor => ({
    surface: 'slack',
    tenant: 'T0TEAM',
    userId,
    name: '',
    roles,
    lang: 'nl',
  })

  it('gives a chair every action of the status', () => {
    expect(viewerActions(summary, person(['referrer', 'chair']), kase)).toEqual(cardActions('in_triage'))
    expect(cardActions('in_triage')).toContain('accept')
  })

  it('gives the referrer only the details, and a stranger nothing', () => {
    expect(viewerActions(summary, person(['referrer'], 'U0REF'), kase)).toEqual(['details'])
    expect(viewerActions(summary, person(['referrer'], 'U0OTHER'), kase)).toEqual([])
  })

  it('shows the lead as a Slack user only when the lead is on Slack', () => {
    expect(buildCaseSummary({ ...state, leadKey: 'slack:T0TEAM:U0LEAD' }).leadSlackUserId).toBe('U0LEAD')
    expect(buildCaseSummary({ ...state, leadKey: 'teams:t:aad' })).toMatchObject({
      leadSlackUserId: null,
      leadOtherSurface: 'teams',
    })
  })
})
