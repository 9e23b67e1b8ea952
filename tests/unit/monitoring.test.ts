import { describe, expect, it } from 'vitest'
import {
  ageBucket,
  buildMonitoring,
  type FollowUpAnswers,
  type MonitoringCase,
  MonitoringQuerySchema,
  maskSmall,
  parseMonitoringCases,
  quarterBounds,
  quartersBetween,
} from '../../src/domain/monitoring'
import { caseSummary } from '../fixtures/case-summary'

/** Monday 7 December 2026, 09:00 in Amsterdam (CET): a fixed clock. */
const NOW = new Date('2026-12-07T09:00:00+01:00')

/** A monitoring summary: submitted at `submittedAt`, closed unless stated; only what matters is given. */
function mc(over: Partial<MonitoringCase> & { submittedAt: string }): MonitoringCase {
  return {
    ...caseSummary({ status: 'closed', statusSince: over.submittedAt }),
    ...over,
  }
}

const answers = (over: Partial<FollowUpAnswers> = {}): FollowUpAnswers => ({
  answeredAt: '2026-11-30T10:00:00+01:00',
  adviceFollowed: 'yes',
  careStarted: true,
  careStartedAt: '2026-11-16',
  goalsReached: 'partly',
  stoppedEarly: false,
  usefulness: 4,
  ...over,
})

describe('quarters', () => {
  it.each([
    ['2026-01-01', '2026-03-31', ['2026-Q1']],
    ['2026-03-31', '2026-04-01', ['2026-Q1', '2026-Q2']],
    ['2025-11-15', '2026-02-01', ['2025-Q4', '2026-Q1']],
    ['2026-08-15', '2026-11-15', ['2026-Q3', '2026-Q4']],
  ])('%s … %s touches %j', (from, to, expected) => {
    expect(quartersBetween(from, to)).toEqual(expected)
  })

  it.each([
    ['2026-Q1', '2026-01-01', '2026-03-31'],
    ['2024-Q1', '2024-01-01', '2024-03-31'],
    ['2026-Q4', '2026-10-01', '2026-12-31'],
  ])('%s runs %s … %s', (q, from, to) => {
    expect(quarterBounds(q)).toEqual({ from, to })
  })
})

describe('buildMonitoring lead times (working days, §6 count)', () => {
  const query = { from: '2026-01-01', to: '2026-12-31' }
  it.each([
    {
      name: 'plain weeks',
      c: {
        submittedAt: '2026-11-02T09:00:00+01:00',
        triagedAt: '2026-11-04T09:00:00+01:00',
        advisedAt: '2026-11-20T15:00:00+01:00',
        careStartedAt: '2026-12-01',
      },
      expected: { submissionToTriage: 2, submissionToAdvice: 14, adviceToCare: 7, submissionToCare: 21 },
    },
    {
      name: "King's Day (Monday 27 April 2026) skipped",
      c: { submittedAt: '2026-04-24T16:00:00+02:00', triagedAt: '2026-04-28T09:00:00+02:00' },
      expected: {
        submissionToTriage: 1,
        submissionToAdvice: null,
        adviceToCare: null,
        submissionToCare: null,
      },
    },
    {
      name: 'Christmas skipped, across the year end',
      c: {
        submittedAt: '2025-12-23T10:00:00+01:00',
        triagedAt: '2025-12-29T10:00:00+01:00',
        advisedAt: '2026-01-05T10:00:00+01:00',
      },
      // 24 Dec, (25, 26 holidays), 29 Dec → 2; then 30, 31 Dec, (1 Jan), 2 Jan, 5 Jan → 6 in all.
      expected: { submissionToTriage: 2, submissionToAdvice: 6, adviceToCare: null, submissionToCare: null },
      query: { from: '2025-12-01', to: '2026-01-31' },
    },
    {
      name: 'care start from the follow-up answer when careStartedAt is absent',
      c: {
        submittedAt: '2026-11-02T09:00:00+01:00',
        advisedAt: '2026-11-09T09:00:00+01:00',
        followUp: answers({ careStartedAt: '2026-11-16' }),
      },
      expected: { submissionToTriage: null, submissionToAdvice: 5, adviceToCare: 5, submissionToCare: 10 },
    },
    {
      name: 'an end after now is not counted yet',
      c: {
        submittedAt: '2026-11-02T09:00:00+01:00',
        triagedAt: '2026-11-03T09:00:00+01:00',
        advisedAt: '2026-11-09T09:00:00+01:00',
        careStartedAt: '2027-01-11',
      },
      expected: { submissionToTriage: 1, submissionToAdvice: 5, adviceToCare: null, submissionToCare: null },
    },
  ])('$name', ({ c, expected, query: q }) => {
    const m = buildMonitoring([mc(c)], q ?? query, NOW)
    for (const [stage, value] of Object.entries(expected)) {
      const s = m.leadTimes.overall[stage as keyof typeof expected]
      expect(s.median, stage).toBe(value)
      expect(s.p90, stage).toBe(value)
      expect(s.n, stage).toBe(value === null ? 0 : 1)
    }
  })

  it('gives median and p90 per intervention, municipality and quarter', () => {
    // Triage after 1…10 working days for ROP in Assen; one EXPERTTAFEL case in Emmen after 3.
    const monday = new Date('2026-10-05T09:00:00+02:00').getTime()
    const rop = Array.from({ length: 10 }, (_, i) =>
      mc({
        reference: `RET-2026-${String(100 + i).padStart(4, '0')}`,
        submittedAt: new Date(monday).toISOString(),
        // i+1 working days after Monday 5 October (no holidays in October).
        triagedAt: new Date(monday + [1, 2, 3, 4, 7, 8, 9, 10, 11, 14][i]! * 86_400_000).toISOString(),
      }),
    )
    const et = mc({
      submittedAt: '2026-07-06T09:00:00+02:00',
      triagedAt: '2026-07-09T09:00:00+02:00',
      intervention: 'EXPERTTAFEL',
      municipality: 'Emmen',
    })
    const m = buildMonitoring([...rop, et], { from: '2026-07-01', to: '2026-12-31' }, NOW)
    expect(m.leadTimes.byIntervention.ROP.submissionToTriage).toEqual({ median: 5.5, p90: 9, n: 10 })
    expect(m.leadTimes.byIntervention.EXPERTTAFEL.submissionToTriage).toEqual({ median: 3, p90: 3, n: 1 })
    expect(m.leadTimes.byIntervention.RST.submissionToTriage).toEqual({ median: null, p90: null, n: 0 })
    expect(m.leadTimes.byMunicipality.Assen.submissionToTriage.n).toBe(10)
    expect(m.leadTimes.byMunicipality.Emmen.submissionToTriage.median).toBe(3)
    expect(m.leadTimes.overall.submissionToTriage).toEqual({ median: 5, p90: 9, n: 11 })
    expect(m.quarters.map((q) => [q.quarter, q.submitted, q.leadTimes.submissionToTriage.median])).toEqual([
      ['2026-Q3', 1, 3],
      ['2026-Q4', 10, 5.5],
    ])
  })
})

describe('buildMonitoring periods', () => {
  it('puts a case in the quarter of its Amsterdam submission date', () => {
    // 23:30 UTC on 30 September is 01:30 on 1 October in Amsterdam (CEST).
    const m = buildMonitoring(
      [mc({ submittedAt: '2026-09-30T23:30:00Z' }), mc({ submittedAt: '2026-09-30T21:30:00Z' })],
      { from: '2026-08-15', to: '2026-11-15' },
      NOW,
    )
    expect(m.quarters).toMatchObject([
      { quarter: '2026-Q3', from: '2026-08-15', to: '2026-09-30', partial: true, submitted: 1 },
      { quarter: '2026-Q4', from: '2026-10-01', to: '2026-11-15', partial: true, submitted: 1 },
    ])
    expect(m.submitted).toBe(2)
  })

  it('keeps empty quarters and an empty period as zeros and nulls', () => {
    const m = buildMonitoring(
      [mc({ submittedAt: '2026-02-10T09:00:00+01:00' })],
      { from: '2025-01-01', to: '2025-12-31' },
      NOW,
    )
    expect(m.submitted).toBe(0)
    expect(m.quarters.map((q) => [q.quarter, q.submitted, q.partial])).toEqual([
      ['2025-Q1', 0, false],
      ['2025-Q2', 0, false],
      ['2025-Q3', 0, false],
      ['2025-Q4', 0, false],
    ])
    expect(m.leadTimes.overall.submissionToTriage).toEqual({ median: null, p90: null, n: 0 })
    expect(m.shares.declined).toEqual({ count: 0, of: 0, share: null })
    expect(m.outcomes.usefulness.mean).toBeNull()
  })

  it('counts both boundary days of the period and nothing outside', () => {
    const m = buildMonitoring(
      [
        mc({ submittedAt: '2026-03-01T00:30:00+01:00' }),
        mc({ submittedAt: '2026-03-31T23:30:00+02:00' }),
        mc({ submittedAt: '2026-02-28T23:30:00+01:00' }),
        mc({ submittedAt: '2026-04-01T00:30:00+02:00' }),
      ],
      { from: '2026-03-01', to: '2026-03-31' },
      NOW,
    )
    expect(m.submitted).toBe(2)
  })

  it('applies the municipality and intervention filters to everything', () => {
    const cases = [
      mc({ submittedAt: '2026-11-02T09:00:00+01:00', municipality: 'Assen', intervention: 'ROP' }),
      mc({ submittedAt: '2026-11-02T09:00:00+01:00', municipality: 'Emmen', intervention: 'ROP' }),
      mc({
        submittedAt: '2026-11-02T09:00:00+01:00',
        municipality: 'Emmen',
        intervention: 'RST',
        status: 'in_triage',
      }),
    ]
    const q = { from: '2026-10-01', to: '2026-12-31' }
    expect(buildMonitoring(cases, { ...q, municipality: 'Emmen' }, NOW).submitted).toBe(2)
    expect(buildMonitoring(cases, { ...q, intervention: 'ROP' }, NOW).submitted).toBe(2)
    const both = buildMonitoring(cases, { ...q, municipality: 'Emmen', intervention: 'RST' }, NOW)
    expect(both.submitted).toBe(1)
    expect(both.waiting.total).toBe(1)
    expect(both.filter).toEqual({ municipality: 'Emmen', intervention: 'RST' })
    expect(buildMonitoring(cases, { ...q, municipality: 'Assen' }, NOW).waiting.total).toBe(0)
  })
})

describe('buildMonitoring waiting now', () => {
  it('counts open cases by status and age in working days since submission, whatever the period', () => {
    const cases = [
      // 7 Dec (Monday) − 1 Dec (Tuesday): 4 working days.
      mc({ submittedAt: '2026-12-01T09:00:00+01:00', status: 'submitted' }),
      mc({ submittedAt: '2026-11-23T09:00:00+01:00', status: 'in_triage' }), // 10
      mc({ submittedAt: '2026-11-20T09:00:00+01:00', status: 'info_requested' }), // 11
      mc({
        submittedAt: '2026-10-01T09:00:00+02:00',
        status: 'advised',
        advisedAt: '2026-11-02T09:00:00+01:00',
      }),
      mc({ submittedAt: '2026-10-01T09:00:00+02:00', status: 'closed' }),
      mc({ submittedAt: '2026-10-01T09:00:00+02:00', status: 'declined' }),
      mc({ submittedAt: '2026-12-08T09:00:00+01:00', status: 'submitted' }), // after now: not yet
    ]
    const m = buildMonitoring(cases, { from: '2025-01-01', to: '2025-03-31' }, NOW)
    expect(m.waiting.total).toBe(4)
    expect(m.waiting.byStatus).toEqual({
      submitted: 1,
      in_triage: 1,
      info_requested: 1,
      accepted: 0,
      scheduled: 0,
      advised: 1,
    })
    expect(m.waiting.byAge).toEqual({ '0-5': 1, '6-10': 1, '11-20': 1, '21-40': 0, '41+': 1 })
    expect(m.waiting.byStatusAndAge.advised['41+']).toBe(1)
    expect(m.submitted).toBe(0)
  })

  it.each([
    [0, '0-5'],
    [5, '0-5'],
    [6, '6-10'],
    [20, '11-20'],
    [21, '21-40'],
    [41, '41+'],
  ])('%i working days is bucket %s', (days, bucket) => {
    expect(ageBucket(days)).toBe(bucket)
  })
})

describe('buildMonitoring shares and outcomes', () => {
  const q = { from: '2026-10-01', to: '2026-12-31' }
  const at = '2026-10-05T09:00:00+02:00'

  it('counts shares over the cases that carry the field', () => {
    const m = buildMonitoring(
      [
        mc({ submittedAt: at, analysisPresent: true, urgency: 'spoed', consultationOnly: false }),
        mc({ submittedAt: at, analysisPresent: false, urgency: 'acuut', consultationOnly: true }),
        mc({ submittedAt: at, analysisPresent: true, urgency: 'regulier', gpRedirected: true }),
        mc({ submittedAt: at, analysisPresent: null, urgency: 'regulier', gpRedirected: false }),
        mc({ submittedAt: at, status: 'declined', declinedTo: 'lokaal_team' }),
        mc({ submittedAt: at, status: 'declined', declinedTo: 'lokaal_team' }),
        mc({ submittedAt: at, status: 'declined' }),
      ],
      q,
      NOW,
    )
    expect(m.shares.analysisPresent).toEqual({ count: 2, of: 3, share: 0.6667 })
    expect(m.shares.urgent).toEqual({ count: 2, of: 4, share: 0.5 })
    expect(m.shares.consultation).toEqual({ count: 1, of: 2, share: 0.5 })
    expect(m.shares.gpRedirected).toEqual({ count: 1, of: 2, share: 0.5 })
    expect(m.shares.declined).toEqual({ count: 3, of: 7, share: 0.4286 })
    expect(m.shares.declinedTo.lokaal_team).toBe(2)
    expect(m.shares.declinedTo.other).toBe(1)
    expect(m.quarters[0]?.shares.declined.count).toBe(3)
  })

  it('aggregates the follow-up answers', () => {
    const advisedAt = '2026-10-20T09:00:00+02:00'
    const m = buildMonitoring(
      [
        mc({ submittedAt: at, advisedAt, followUp: answers({ usefulness: 5, goalsReached: 'yes' }) }),
        mc({
          submittedAt: at,
          advisedAt,
          followUp: answers({
            adviceFollowed: 'no',
            careStarted: false,
            careStartedAt: null,
            goalsReached: null,
            usefulness: 2,
          }),
        }),
        mc({ submittedAt: at, advisedAt, followUp: answers({ stoppedEarly: true, goalsReached: 'no' }) }),
        mc({ submittedAt: at, advisedAt, status: 'advised' }),
        mc({ submittedAt: at }),
      ],
      q,
      NOW,
    )
    expect(m.outcomes).toEqual({
      advised: 4,
      answered: 3,
      adviceFollowed: { yes: 2, partly: 0, no: 1 },
      careStarted: 2,
      goalsReached: { yes: 1, partly: 0, no: 1 },
      stoppedEarly: 1,
      usefulness: { counts: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 1 }, mean: 3.67 },
    })
  })
})

describe('parseMonitoringCases and the query', () => {
  it('accepts digest summaries unchanged and the added fields', () => {
    const base = { ...caseSummary({ status: 'advised', statusSince: '2026-11-02T09:00:00+01:00' }) }
    const parsed = parseMonitoringCases([
      { ...base, advisedAt: '2026-11-02T09:00:00+01:00' },
      { ...base, advisedAt: '2026-11-02T09:00:00+01:00', careStartedAt: '2026-11-20', followUp: answers() },
    ])
    expect(parsed.ok).toBe(true)
  })

  it('names the index and field of a bad follow-up and an unknown field, in both languages', () => {
    const base = { ...caseSummary({ status: 'closed', statusSince: '2026-11-02T09:00:00+01:00' }) }
    const parsed = parseMonitoringCases([
      { ...base, followUp: { ...answers(), usefulness: 7 } },
      { ...base, name: 'Jan' },
    ])
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors.map((e) => e.path)).toEqual(['cases[0].followUp.usefulness', 'cases[1].name'])
    expect(parsed.errors[1]?.nl).toContain('careStartedAt')
    expect(parsed.errors[1]?.en).toContain('followUp')
  })

  it('still requires what the digest requires', () => {
    const base = { ...caseSummary({ status: 'advised', statusSince: '2026-11-02T09:00:00+01:00' }) }
    const parsed = parseMonitoringCases([{ ...base, advisedAt: null }])
    expect(parsed.ok).toBe(false)
  })

  it.each([
    [{ from: '2026-01-01', to: '2026-03-31' }, true],
    [{ from: '2026-04-01', to: '2026-03-31' }, false],
    [{ from: '2026-02-30', to: '2026-03-31' }, false],
    [{ from: '2000-01-01', to: '2026-03-31' }, false],
    [{ from: '2026-01-01', to: '2026-03-31', municipality: 'Assen', intervention: 'ROP' }, true],
    [{ from: '2026-01-01', to: '2026-03-31', municipality: 'Groningen' }, false],
  ])('query %j valid: %s', (input, ok) => {
    expect(MonitoringQuerySchema.safeParse(input).success).toBe(ok)
  })
})

describe('maskSmall', () => {
  it.each([
    [0, '<5'],
    [1, '<5'],
    [4, '<5'],
    [5, '5'],
    [123, '123'],
  ])('%i → %s', (n, text) => {
    expect(maskSmall(n)).toBe(text)
  })
})
