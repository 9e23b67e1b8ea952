import { describe, expect, it } from 'vitest'
import { amsterdamDay } from '../../src/domain/calendar'
import {
  amsterdamLocalToIso,
  amsterdamMidnight,
  cursorText,
  groupReasons,
  parseCaseListParams,
  stalledCutoffs,
  statusesOf,
} from '../../src/domain/case-list'
import type { CaseStatus } from '../../src/domain/lifecycle'
import { assessCase, type CaseSummary } from '../../src/domain/stalled'
import type { RoutingReason } from '../../src/domain/types'

const HOUR = 3_600_000

function summary(status: CaseStatus, since: string, extra: Partial<CaseSummary> = {}): CaseSummary {
  return {
    reference: 'RET-2026-0001',
    status,
    statusSince: since,
    submittedAt: since,
    triagedAt: null,
    scheduledFor: null,
    advisedAt: status === 'advised' ? since : null,
    followUpDoneAt: null,
    intervention: 'RO3',
    municipality: 'Assen',
    pseudonym: null,
    owner: null,
    ...extra,
  }
}

/** The verdict the list's SQL bound gives (the same comparisons the D1 and memory stores make). */
function stalledByCutoff(s: CaseSummary, now: Date): boolean {
  const c = stalledCutoffs(now)
  switch (s.status) {
    case 'submitted':
    case 'in_triage':
      return s.statusSince < c.triage
    case 'info_requested':
      return s.statusSince < c.info
    case 'accepted':
    case 'scheduled':
      if (s.scheduledFor === null) return s.statusSince < c.scheduling
      return Date.parse(s.scheduledFor) < Date.parse(c.outcome)
    case 'advised':
      return s.followUpDoneAt === null && (s.advisedAt ?? s.statusSince) < c.followUp
    default:
      return false
  }
}

describe('case list: stalled bounds', () => {
  it('agree with assessCase for every status over two months of moments, holidays and DST included', () => {
    // Around Christmas, New Year and the end of March (DST): every 7 hours over 70 days.
    for (const start of ['2026-12-01T00:00:00Z', '2026-03-10T00:00:00Z']) {
      const now = new Date(Date.parse(start) + 75 * 24 * HOUR)
      for (let t = Date.parse(start); t < now.getTime(); t += 7 * HOUR) {
        const since = new Date(t).toISOString()
        const cases = [
          summary('submitted', since),
          summary('in_triage', since),
          summary('info_requested', since),
          summary('accepted', since),
          summary('scheduled', since, { scheduledFor: since }),
          summary('advised', since),
        ]
        for (const s of cases) {
          expect(stalledByCutoff(s, now), `${s.status} since ${since}`).toBe(assessCase(s, now).stalled)
        }
      }
    }
  })

  it('puts the bound at Amsterdam midnight', () => {
    expect(amsterdamMidnight(amsterdamDay(new Date('2026-07-01T12:00:00Z'))).toISOString()).toBe(
      '2026-06-30T22:00:00.000Z',
    )
    expect(amsterdamMidnight(amsterdamDay(new Date('2026-12-01T12:00:00Z'))).toISOString()).toBe(
      '2026-11-30T23:00:00.000Z',
    )
  })
})

describe('case list: query string and helpers', () => {
  it('reads filters and falls back to the defaults on junk', () => {
    const p = parseCaseListParams({
      status: 'in_triage',
      intervention: 'MDA++',
      municipality: 'Emmen',
      urgency: 'spoed',
      stalled: '1',
      sort: 'recent',
      after: cursorText({ statusSince: '2026-11-02T09:00:00.000Z', reference: 'RET-2026-0042' }),
    })
    expect(p).toEqual({
      status: 'in_triage',
      intervention: 'MDA++',
      municipality: 'Emmen',
      urgency: 'spoed',
      stalled: true,
      sort: 'recent',
      after: { statusSince: '2026-11-02T09:00:00.000Z', reference: 'RET-2026-0042' },
    })
    const junk = parseCaseListParams({
      status: 'draft',
      urgency: '<x>',
      stalled: 'yes',
      sort: '1',
      after: "'; --",
    })
    expect(junk).toEqual({
      status: 'open',
      intervention: undefined,
      municipality: undefined,
      urgency: undefined,
      stalled: false,
      sort: 'waiting',
      after: undefined,
    })
    expect(statusesOf('open')).toEqual([
      'submitted',
      'in_triage',
      'info_requested',
      'accepted',
      'scheduled',
      'advised',
    ])
    expect(statusesOf('all')).toBeUndefined()
  })

  it('turns an Amsterdam date and time into an instant, refusing dates that do not exist', () => {
    expect(amsterdamLocalToIso('2026-12-08', '14:30')).toBe('2026-12-08T13:30:00.000Z')
    expect(amsterdamLocalToIso('2026-07-08', '09:05')).toBe('2026-07-08T07:05:00.000Z')
    expect(amsterdamLocalToIso('2026-03-29', '03:30')).toBe('2026-03-29T01:30:00.000Z')
    expect(amsterdamLocalToIso('2026-02-30', '10:00')).toBeNull()
    expect(amsterdamLocalToIso('2026-12-08', '24:00')).toBeNull()
    expect(amsterdamLocalToIso('8-12-2026', '10:00')).toBeNull()
  })

  it('groups reasons by the intervention their rule belongs to, the suggestion first', () => {
    const reason = (rule: string, intervention: RoutingReason['intervention']): RoutingReason => ({
      rule,
      field: 'x',
      intervention,
      weight: 1,
      nl: rule,
      en: rule,
    })
    const groups = groupReasons({
      primary: 'RO3',
      alternatives: ['EXPERTTAFEL'],
      reasons: [reason('mda_structural', 'MDA++'), reason('r1', 'EXPERTTAFEL'), reason('r2', 'RO3')],
    })
    expect(groups.map((g) => [g.intervention, g.reasons.map((r) => r.rule)])).toEqual([
      ['RO3', ['r2']],
      ['EXPERTTAFEL', ['r1']],
      ['MDA++', ['mda_structural']],
    ])
  })
})
