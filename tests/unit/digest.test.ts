import { describe, expect, it } from 'vitest'
import {
  buildDigest,
  type Digest,
  digestKey,
  isDigestDue,
  leadTimeStats,
  snapshotOf,
} from '../../src/domain/digest'
import { INTERVENTIONS, MUNICIPALITIES } from '../../src/domain/enums'
import type { CaseStatus } from '../../src/domain/lifecycle'
import { type CaseSummary, parseCaseSummaries } from '../../src/domain/stalled'
import { caseSummary } from '../fixtures/case-summary'

const summary = caseSummary

/** Monday 23 November 2026, 08:00 in Amsterdam (CET): a digest morning in week 48. */
const NOW = new Date('2026-11-23T08:00:00+01:00')

describe('buildDigest', () => {
  it('builds the DOMAIN.md §6 example', () => {
    const parsed = parseCaseSummaries([
      {
        reference: 'RET-2026-0007',
        status: 'in_triage',
        statusSince: '2026-11-02T09:00:00+01:00',
        submittedAt: '2026-11-02T09:00:00+01:00',
        triagedAt: null,
        scheduledFor: null,
        advisedAt: null,
        followUpDoneAt: null,
        intervention: 'ROP',
        municipality: 'Assen',
        pseudonym: 'J.',
        owner: null,
      },
    ])
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
    const digest = buildDigest(parsed.value, NOW)
    expect(digest.week).toBe('2026-W48')
    expect(digest.date).toBe('2026-11-23')
    expect(digest.stalled).toEqual([
      {
        reference: 'RET-2026-0007',
        pseudonym: 'J.',
        status: 'in_triage',
        rule: 'triage_overdue',
        workingDaysInStatus: 15,
        owner: null,
        nextStep: expect.objectContaining({ step: 'decideTriage', owner: 'chairs', due: '2026-11-05' }),
        intervention: 'ROP',
        municipality: 'Assen',
      },
    ])
    expect(digest.counts.total).toBe(1)
    expect(digest.counts.byIntervention).toEqual({ EXPERTTAFEL: 0, RO3: 0, ROP: 1, 'MDA++': 0, RST: 0 })
    expect(digest.counts.byMunicipality.Assen).toBe(1)
    expect(Object.keys(digest.counts.byMunicipality)).toEqual([...MUNICIPALITIES])
    expect(digest.counts.byRule.triage_overdue).toBe(1)
  })

  it('lists only stalled, open cases and counts stalled and open cases separately', () => {
    const cases = [
      summary({ reference: 'RET-2026-0001', status: 'submitted', statusSince: '2026-11-16T10:00:00+01:00' }),
      summary({
        reference: 'RET-2026-0002',
        status: 'submitted',
        statusSince: '2026-11-20T10:00:00+01:00',
        intervention: 'RST',
        municipality: 'Emmen',
      }),
      summary({
        reference: 'RET-2026-0003',
        status: 'info_requested',
        statusSince: '2026-11-09T10:00:00+01:00',
        intervention: 'MDA++',
        municipality: 'Emmen',
      }),
      summary({ reference: 'RET-2026-0004', status: 'closed', statusSince: '2026-01-05T10:00:00+01:00' }),
      summary({ reference: 'RET-2026-0005', status: 'withdrawn', statusSince: '2026-01-05T10:00:00+01:00' }),
      summary({
        reference: 'RET-2026-0006',
        status: 'draft',
        statusSince: '2026-01-05T10:00:00+01:00',
        submittedAt: null,
        intervention: null,
      }),
    ]
    const digest = buildDigest(cases, NOW)
    expect(digest.stalled.map((s) => s.reference)).toEqual(['RET-2026-0003', 'RET-2026-0001'])
    expect(digest.counts.total).toBe(2)
    expect(digest.counts.byMunicipality).toMatchObject({ Assen: 1, Emmen: 1 })
    expect(digest.counts.byIntervention).toMatchObject({ ROP: 1, 'MDA++': 1, RST: 0 })
    expect(digest.open.total).toBe(3)
    expect(digest.open.byIntervention).toMatchObject({ ROP: 1, 'MDA++': 1, RST: 1 })
    expect(digest.open.byMunicipality).toMatchObject({ Assen: 1, Emmen: 2 })
  })

  it('carries reference and pseudonym only: no other field of a case reaches the stalled list', () => {
    const c = summary({
      status: 'submitted',
      statusSince: '2026-11-02T10:00:00+01:00',
      owner: 'teams:t1:lead-7',
      remindersSent: 1,
    })
    const [entry] = buildDigest([c], NOW).stalled
    expect(Object.keys(entry ?? {}).sort()).toEqual(
      [
        'intervention',
        'municipality',
        'nextStep',
        'owner',
        'pseudonym',
        'reference',
        'rule',
        'status',
        'workingDaysInStatus',
      ].sort(),
    )
  })

  it('gives the ISO week of now in Amsterdam at the year edges', () => {
    expect(buildDigest([], new Date('2026-12-31T12:00:00+01:00')).week).toBe('2026-W53')
    // Sunday 3 January 2027 23:30 UTC is Monday 4 January 00:30 in Amsterdam
    expect(buildDigest([], new Date('2027-01-03T22:30:00Z')).week).toBe('2026-W53')
    expect(buildDigest([], new Date('2027-01-03T23:30:00Z')).week).toBe('2027-W01')
  })

  describe('week-on-week change', () => {
    const cases = [
      // stalled now and a week ago (since 2 Nov: 10 wd a week ago, 15 now)
      summary({ reference: 'RET-2026-0011', status: 'submitted', statusSince: '2026-11-02T10:00:00+01:00' }),
      // stalled now only (since 16 Nov: reached its status after last Monday)
      summary({
        reference: 'RET-2026-0012',
        status: 'submitted',
        statusSince: '2026-11-16T09:00:00+01:00',
        municipality: 'Meppel',
      }),
      // stalled a week ago, not now: follow-up done on 20 Nov
      summary({
        reference: 'RET-2026-0013',
        status: 'advised',
        statusSince: '2026-09-01T10:00:00+02:00',
        advisedAt: '2026-09-01T10:00:00+02:00',
        followUpDoneAt: '2026-11-20T10:00:00+01:00',
        intervention: 'RO3',
        municipality: 'Tynaarlo',
      }),
      // in status since 12 Nov: 2 wd a week ago (fine), 7 now (stalled)
      summary({
        reference: 'RET-2026-0014',
        status: 'info_requested',
        statusSince: '2026-11-12T10:00:00+01:00',
        intervention: 'RO3',
      }),
    ]

    it('estimates last week from the current summaries', () => {
      const digest = buildDigest(cases, NOW)
      expect(digest.change.basis).toBe('estimate')
      expect(digest.change.total).toEqual({ now: 3, weekAgo: 2, delta: 1 })
      expect(digest.change.byIntervention.ROP).toEqual({ now: 2, weekAgo: 1, delta: 1 })
      expect(digest.change.byIntervention.RO3).toEqual({ now: 1, weekAgo: 1, delta: 0 })
      expect(digest.change.byMunicipality.Tynaarlo).toEqual({ now: 0, weekAgo: 1, delta: -1 })
      expect(digest.change.byMunicipality.Meppel).toEqual({ now: 1, weekAgo: 0, delta: 1 })
      expect(digest.change.byMunicipality.Assen).toEqual({ now: 2, weekAgo: 1, delta: 1 })
    })

    it('uses last week’s stored snapshot when given', () => {
      const lastWeek = buildDigest(cases, new Date('2026-11-16T08:00:00+01:00'))
      const snapshot = snapshotOf(lastWeek)
      expect(snapshot.week).toBe('2026-W47')
      const digest = buildDigest(cases, NOW, { previous: snapshot })
      expect(digest.change.basis).toBe('snapshot')
      expect(digest.change.total).toEqual({
        now: 3,
        weekAgo: snapshot.counts.total,
        delta: 3 - snapshot.counts.total,
      })
      expect(digest.change.byMunicipality.Tynaarlo.weekAgo).toBe(1)
    })
  })

  describe('lead times', () => {
    // Submitted Monday 2 November 2026; triaged/advised n working days later.
    const submitted = '2026-11-02T09:00:00+01:00'
    const days = ['2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-09', '2026-11-10']
    const onDay = (n: number) => (n === 0 ? submitted : `${days[n - 1]}T15:00:00+01:00`)
    const closed = (
      ref: number,
      triage: number,
      advice: number | null,
      intervention: CaseSummary['intervention'],
    ) =>
      summary({
        reference: `RET-2026-${String(ref).padStart(4, '0')}`,
        status: 'closed',
        statusSince: '2026-11-20T10:00:00+01:00',
        submittedAt: submitted,
        triagedAt: onDay(triage),
        advisedAt: advice === null ? null : onDay(advice),
        intervention,
      })

    it('gives median and p90 in working days per intervention', () => {
      const cases = [
        closed(1, 1, 6, 'EXPERTTAFEL'),
        closed(2, 2, 5, 'EXPERTTAFEL'),
        closed(3, 3, null, 'EXPERTTAFEL'),
        closed(4, 4, null, 'EXPERTTAFEL'),
        closed(5, 0, 2, 'ROP'),
      ]
      const { leadTimes } = buildDigest(cases, NOW)
      expect(leadTimes.EXPERTTAFEL.submissionToTriage).toEqual({ median: 2.5, p90: 4, n: 4 })
      expect(leadTimes.EXPERTTAFEL.submissionToAdvice).toEqual({ median: 5.5, p90: 6, n: 2 })
      expect(leadTimes.ROP.submissionToTriage).toEqual({ median: 0, p90: 0, n: 1 })
      expect(leadTimes.RST.submissionToAdvice).toEqual({ median: null, p90: null, n: 0 })
      expect(Object.keys(leadTimes)).toEqual([...INTERVENTIONS])
    })

    it('ignores moments after now', () => {
      const early = new Date('2026-11-04T12:00:00+01:00')
      const { leadTimes } = buildDigest([closed(1, 1, 6, 'RO3'), closed(2, 5, null, 'RO3')], early)
      expect(leadTimes.RO3.submissionToTriage).toEqual({ median: 1, p90: 1, n: 1 })
      expect(leadTimes.RO3.submissionToAdvice.n).toBe(0)
    })

    it.each<[number[], number | null, number | null]>([
      [[], null, null],
      [[7], 7, 7],
      [[3, 1, 2], 2, 3],
      [[1, 2, 3, 4, 10], 3, 10],
      [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5.5, 9],
      [[5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 50], 5, 5],
    ])('leadTimeStats(%j) → median %s, p90 %s', (values, median, p90) => {
      expect(leadTimeStats([...values])).toEqual({ median, p90, n: values.length })
    })
  })

  it('builds over 10,000 generated cases, most overdue first', () => {
    const statuses: CaseStatus[] = [
      'draft',
      'submitted',
      'in_triage',
      'info_requested',
      'accepted',
      'scheduled',
      'advised',
      'closed',
      'withdrawn',
      'declined',
    ]
    const base = Date.parse('2025-12-01T09:00:00+01:00')
    const raw = Array.from({ length: 10_000 }, (_, i) => {
      const status = statuses[i % statuses.length] as CaseStatus
      const submitted = base + ((i * 7919) % 340) * 86_400_000 + (i % 24) * 3_600_000
      const since = submitted + (i % 20) * 86_400_000
      return {
        reference: `RET-2026-${String(i).padStart(5, '0')}`,
        status,
        statusSince: new Date(since).toISOString(),
        submittedAt: status === 'draft' ? null : new Date(submitted).toISOString(),
        triagedAt: i % 4 === 0 ? null : new Date(submitted + 2 * 86_400_000).toISOString(),
        scheduledFor:
          status === 'scheduled' || i % 3 === 0 ? new Date(since + 3 * 86_400_000).toISOString() : null,
        advisedAt: status === 'advised' || status === 'closed' ? new Date(since).toISOString() : null,
        followUpDoneAt: status === 'closed' ? new Date(since + 86_400_000).toISOString() : null,
        intervention: status === 'draft' ? null : INTERVENTIONS[i % INTERVENTIONS.length],
        municipality: MUNICIPALITIES[i % MUNICIPALITIES.length],
        pseudonym: i % 7 === 0 ? null : 'K.',
        owner: i % 2 === 0 ? null : `teams:t1:lead-${i % 13}`,
      }
    })
    const parsed = parseCaseSummaries(raw)
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)))
    const digest: Digest = buildDigest(parsed.value, NOW)
    expect(digest.stalled.length).toBeGreaterThan(1000)
    expect(digest.counts.total).toBe(digest.stalled.length)
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0)
    expect(sum(digest.counts.byIntervention)).toBe(digest.counts.total)
    expect(sum(digest.counts.byMunicipality)).toBe(digest.counts.total)
    expect(sum(digest.counts.byRule)).toBe(digest.counts.total)
    const dues = digest.stalled.map((s) => s.nextStep.due)
    expect(dues).toEqual([...dues].sort())
    expect(digest.stalled.every((s) => s.nextStep.due < digest.date)).toBe(true)
  })
})

describe('isDigestDue (Monday 08:00 Amsterdam from the crons "0 6 * * *" and "0 7 * * 1")', () => {
  it.each([
    ['winter Monday, 07:00 UTC = 08:00 CET', '2026-11-23T07:00:00Z', true],
    ['winter Monday, 06:00 UTC = 07:00 CET', '2026-11-23T06:00:00Z', false],
    ['summer Monday, 06:00 UTC = 08:00 CEST', '2026-06-01T06:00:00Z', true],
    ['summer Monday, 07:00 UTC = 09:00 CEST', '2026-06-01T07:00:00Z', false],
    ['Monday after the spring switch, 06:00 UTC', '2026-03-30T06:00:00Z', true],
    ['Monday after the spring switch, 07:00 UTC', '2026-03-30T07:00:00Z', false],
    ['Monday before the spring switch, 07:00 UTC', '2026-03-23T07:00:00Z', true],
    ['Monday after the autumn switch, 07:00 UTC', '2026-10-26T07:00:00Z', true],
    ['Monday after the autumn switch, 06:00 UTC', '2026-10-26T06:00:00Z', false],
    ['Monday before the autumn switch, 06:00 UTC', '2026-10-19T06:00:00Z', true],
    ['Sunday of the spring switch, 06:00 UTC', '2026-03-29T06:00:00Z', false],
    ['Tuesday, 07:00 UTC', '2026-11-24T07:00:00Z', false],
    ['a late firing within the hour', '2026-11-23T07:04:30Z', true],
  ])('%s → %s', (_name, when, expected) => {
    expect(isDigestDue(new Date(when))).toBe(expected)
  })

  it('says yes exactly once every Monday of 2026 and 2027 for the two crons', () => {
    for (let day = Date.UTC(2026, 0, 5); day < Date.UTC(2028, 0, 1); day += 7 * 86_400_000) {
      const hits = [6, 7].filter((h) => isDigestDue(new Date(day + h * 3_600_000)))
      expect(hits.length, new Date(day).toISOString()).toBe(1)
    }
  })
})

describe('digestKey', () => {
  it('is one key per ISO week and recipient', () => {
    expect(digestKey('2026-W48', 'teams:t1:coord-1')).toBe('digest:2026-W48:teams:t1:coord-1')
    expect(digestKey('2026-W48', 'a')).not.toBe(digestKey('2026-W49', 'a'))
  })
})
