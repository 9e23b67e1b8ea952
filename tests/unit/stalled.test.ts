import { describe, expect, it } from 'vitest'
import type { CaseStatus } from '../../src/domain/lifecycle'
import {
  assessCase,
  type CaseSummary,
  DEFAULT_STALLED_RULES,
  dueReminders,
  nextStep,
  parseCaseSummaries,
  referrerSends,
  type StalledRules,
  StalledRulesSchema,
  stalledRule,
} from '../../src/domain/stalled'
import rulesJson from '../../templates/stalled-rules.json'
import { caseSummary } from '../fixtures/case-summary'

const summary = caseSummary

function withRules(change: (r: StalledRules) => void): StalledRules {
  const copy = structuredClone(DEFAULT_STALLED_RULES)
  change(copy)
  return copy
}

const at = (iso: string) => new Date(iso)

describe('the rules template', () => {
  it('is valid and holds the DOMAIN.md §6 defaults', () => {
    const rules = StalledRulesSchema.parse(rulesJson)
    expect(rules.rules.triage_overdue.limit).toBe(3)
    expect(rules.rules.info_overdue.limit).toBe(5)
    expect(rules.rules.scheduling_overdue.limit).toBe(10)
    expect(rules.rules.outcome_overdue.limit).toBe(2)
    expect(rules.rules.follow_up_overdue).toMatchObject({ limit: 6, unit: 'calendarWeeks' })
    expect(rules.calendar).toEqual({ goodFriday: false, liberationDay: false })
    expect(rules.reminders.referrerMax).toBe(2)
  })

  it('rejects unknown rules and wrong units', () => {
    const extra = structuredClone(rulesJson) as Record<string, unknown> & { rules: Record<string, unknown> }
    extra.rules.made_up = { limit: 1, unit: 'workingDays', owner: 'chairs', remind: false }
    expect(StalledRulesSchema.safeParse(extra).success).toBe(false)
    const unit = structuredClone(rulesJson)
    ;(unit.rules.follow_up_overdue as { unit: string }).unit = 'workingDays'
    expect(StalledRulesSchema.safeParse(unit).success).toBe(false)
  })
})

describe('stalled rules at their boundaries (limit is fine, limit + 1 stalls)', () => {
  type Row = [name: string, c: CaseSummary, okAt: string, stalledAt: string, rule: string]
  const rows: Row[] = [
    [
      'triage: submitted Monday, 3 working days → Thursday fine, Friday stalled',
      summary({ status: 'submitted', statusSince: '2026-11-02T09:00:00+01:00' }),
      '2026-11-05T23:59:00+01:00',
      '2026-11-06T00:00:00+01:00',
      'triage_overdue',
    ],
    [
      'triage: in_triage late on a Friday → the weekend does not count',
      summary({ status: 'in_triage', statusSince: '2026-11-06T23:30:00+01:00' }),
      '2026-11-11T12:00:00+01:00',
      '2026-11-12T08:00:00+01:00',
      'triage_overdue',
    ],
    [
      'triage: across Easter Monday 2026 (Good Friday counts by default)',
      summary({ status: 'submitted', statusSince: '2026-04-02T10:00:00+02:00' }),
      '2026-04-08T17:00:00+02:00',
      '2026-04-09T09:00:00+02:00',
      'triage_overdue',
    ],
    [
      'triage: across Christmas and Boxing Day 2026',
      summary({ status: 'submitted', statusSince: '2026-12-23T10:00:00+01:00' }),
      '2026-12-29T17:00:00+01:00',
      '2026-12-30T09:00:00+01:00',
      'triage_overdue',
    ],
    [
      'triage: across Christmas 2025 and New Year 2026',
      summary({ status: 'submitted', statusSince: '2025-12-24T10:00:00+01:00' }),
      '2025-12-31T17:00:00+01:00',
      '2026-01-02T09:00:00+01:00',
      'triage_overdue',
    ],
    [
      'triage: spring DST — 22:30 UTC on Sunday 29 March is Monday in Amsterdam',
      summary({ status: 'submitted', statusSince: '2026-03-29T22:30:00Z' }),
      '2026-04-02T21:59:00Z',
      '2026-04-02T22:00:00Z',
      'triage_overdue',
    ],
    [
      'triage: autumn DST — 22:30 UTC on Sunday 25 October is still Sunday in Amsterdam',
      summary({ status: 'submitted', statusSince: '2026-10-25T22:30:00Z' }),
      '2026-10-28T22:59:00Z',
      '2026-10-28T23:00:00Z',
      'triage_overdue',
    ],
    [
      'info: 5 working days across Koningsdag 2026 (Monday 27 April)',
      summary({ status: 'info_requested', statusSince: '2026-04-20T10:00:00+02:00' }),
      '2026-04-28T17:00:00+02:00',
      '2026-04-29T09:00:00+02:00',
      'info_overdue',
    ],
    [
      'info: across Koningsdag 2025 (Saturday 26 April: no working day lost)',
      summary({ status: 'info_requested', statusSince: '2025-04-21T10:00:00+02:00' }),
      '2025-04-28T17:00:00+02:00',
      '2025-04-29T09:00:00+02:00',
      'info_overdue',
    ],
    [
      'info: across New Year 2027',
      summary({ status: 'info_requested', statusSince: '2026-12-28T10:00:00+01:00' }),
      '2027-01-05T17:00:00+01:00',
      '2027-01-06T09:00:00+01:00',
      'info_overdue',
    ],
    [
      'scheduling: 10 working days across Whit Monday 2026',
      summary({ status: 'accepted', statusSince: '2026-05-15T10:00:00+02:00' }),
      '2026-06-01T17:00:00+02:00',
      '2026-06-02T09:00:00+02:00',
      'scheduling_overdue',
    ],
    [
      'outcome: 2 working days after the table, across Ascension 2026',
      summary({
        status: 'scheduled',
        statusSince: '2026-05-01T10:00:00+02:00',
        scheduledFor: '2026-05-13T14:00:00+02:00',
      }),
      '2026-05-18T17:00:00+02:00',
      '2026-05-19T09:00:00+02:00',
      'outcome_overdue',
    ],
    [
      'outcome: scheduledFor as a plain date',
      summary({ status: 'scheduled', statusSince: '2026-11-01T10:00:00+01:00', scheduledFor: '2026-11-20' }),
      '2026-11-24T17:00:00+01:00',
      '2026-11-25T09:00:00+01:00',
      'outcome_overdue',
    ],
    [
      'follow-up: 6 calendar weeks after advisedAt (across the autumn DST switch)',
      summary({
        status: 'advised',
        statusSince: '2026-10-01T10:00:00+02:00',
        advisedAt: '2026-10-01T10:00:00+02:00',
      }),
      '2026-11-12T23:59:00+01:00',
      '2026-11-13T00:00:00+01:00',
      'follow_up_overdue',
    ],
  ]

  it.each(rows)('%s', (_name, c, okAt, stalledAt, rule) => {
    expect(stalledRule(c, at(okAt))).toBeNull()
    expect(assessCase(c, at(okAt)).rule).toBe(rule)
    expect(stalledRule(c, at(stalledAt))).toBe(rule)
  })

  it('counts Good Friday as a day off only when configured', () => {
    const c = summary({ status: 'submitted', statusSince: '2026-04-02T10:00:00+02:00' })
    const rules = withRules((r) => {
      r.calendar.goodFriday = true
    })
    expect(stalledRule(c, at('2026-04-09T09:00:00+02:00'))).toBe('triage_overdue')
    expect(stalledRule(c, at('2026-04-09T09:00:00+02:00'), rules)).toBeNull()
    expect(stalledRule(c, at('2026-04-10T09:00:00+02:00'), rules)).toBe('triage_overdue')
  })

  it('counts Liberation Day as a day off only when configured', () => {
    const c = summary({ status: 'info_requested', statusSince: '2026-04-29T10:00:00+02:00' })
    // Thu 30 Apr 1, Fri 1 May 2, Mon 4 May 3, Tue 5 May 4, Wed 6 May 5, Thu 7 May 6
    const rules = withRules((r) => {
      r.calendar.liberationDay = true
    })
    expect(stalledRule(c, at('2026-05-07T09:00:00+02:00'))).toBe('info_overdue')
    expect(stalledRule(c, at('2026-05-07T09:00:00+02:00'), rules)).toBeNull()
  })

  it('uses configured limits', () => {
    const c = summary({ status: 'submitted', statusSince: '2026-11-02T09:00:00+01:00' })
    const rules = withRules((r) => {
      r.rules.triage_overdue.limit = 1
    })
    expect(stalledRule(c, at('2026-11-03T12:00:00+01:00'), rules)).toBeNull()
    expect(stalledRule(c, at('2026-11-04T12:00:00+01:00'), rules)).toBe('triage_overdue')
  })

  it.each<CaseStatus>(['draft', 'closed', 'declined', 'withdrawn'])(
    '%s never stalls and has no next step',
    (status) => {
      const c = summary({ status, statusSince: '2020-01-06T09:00:00+01:00' })
      const now = at('2026-11-23T08:00:00+01:00')
      expect(stalledRule(c, now)).toBeNull()
      expect(nextStep(c, now)).toBeNull()
    },
  )

  it('stops the follow-up clock once followUpDoneAt is set', () => {
    const c = summary({
      status: 'advised',
      statusSince: '2026-08-03T10:00:00+02:00',
      advisedAt: '2026-08-03T10:00:00+02:00',
      followUpDoneAt: '2026-09-10T10:00:00+02:00',
    })
    expect(stalledRule(c, at('2026-11-23T08:00:00+01:00'))).toBeNull()
    expect(nextStep(c, at('2026-11-23T08:00:00+01:00'))).toMatchObject({ step: 'close', owner: 'chairs' })
  })

  it('pauses triage while information is requested and resumes it from triageWorkingDaysBefore', () => {
    const waiting = summary({ status: 'info_requested', statusSince: '2026-11-02T09:00:00+01:00' })
    // 4 working days in info_requested: the referrer's clock (limit 5), not the chairs' (limit 3)
    expect(assessCase(waiting, at('2026-11-06T12:00:00+01:00'))).toMatchObject({
      rule: 'info_overdue',
      stalled: false,
    })
    const back = summary({
      status: 'in_triage',
      statusSince: '2026-11-09T09:00:00+01:00',
      triageWorkingDaysBefore: 2,
    })
    expect(assessCase(back, at('2026-11-10T12:00:00+01:00'))).toMatchObject({
      stalled: false,
      workingDaysInStatus: 3,
    })
    expect(stalledRule(back, at('2026-11-11T12:00:00+01:00'))).toBe('triage_overdue')
    expect(nextStep(back, at('2026-11-10T12:00:00+01:00'))?.due).toBe('2026-11-10')
  })
})

describe('nextStep: every open case shows next step, owner and due date', () => {
  const now = at('2026-11-23T08:00:00+01:00')
  it.each<[CaseStatus, Partial<CaseSummary>, string, string, string]>([
    ['submitted', {}, 'startTriage', 'chairs', '2026-11-19'],
    ['in_triage', {}, 'decideTriage', 'chairs', '2026-11-19'],
    ['info_requested', {}, 'provideInfo', 'referrer', '2026-11-23'],
    ['accepted', {}, 'scheduleTable', 'lead', '2026-11-30'],
    ['accepted', { scheduledFor: '2026-12-03T13:00:00+01:00' }, 'recordOutcome', 'lead', '2026-12-07'],
    ['scheduled', { scheduledFor: '2026-12-03T13:00:00+01:00' }, 'recordOutcome', 'lead', '2026-12-07'],
    ['advised', { advisedAt: '2026-11-16T10:00:00+01:00' }, 'followUp', 'referrer', '2026-12-28'],
  ])('%s %j → %s by %s, due %s', (status, extra, step, owner, due) => {
    const c = summary({ status, statusSince: '2026-11-16T10:00:00+01:00', ...extra })
    const next = nextStep(c, now)
    expect(next).toMatchObject({ step, owner, due, key: `digest.steps.${step}` })
    expect(next?.nl).not.toBe(next?.en)
    expect(next?.nl).not.toContain('digest.')
  })
})

describe('parseCaseSummaries', () => {
  const example = {
    reference: 'RET-2026-0007',
    status: 'in_triage',
    statusSince: '2026-11-02T09:00:00+01:00',
    submittedAt: '2026-11-02T08:00:00+01:00',
    triagedAt: null,
    scheduledFor: null,
    advisedAt: null,
    followUpDoneAt: null,
    intervention: 'ROP',
    municipality: 'Assen',
    pseudonym: 'J.',
    owner: null,
  }

  it('accepts the DOMAIN.md §6 example', () => {
    const result = parseCaseSummaries([example])
    expect(result).toEqual({ ok: true, value: [example] })
  })

  it('names the index and the field of an unknown field, in both languages', () => {
    const result = parseCaseSummaries([example, { ...example, name: 'Jan Jansen' }])
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]?.path).toBe('cases[1].name')
    expect(result.errors[0]?.nl).toContain('cases[1].name: onbekend veld')
    expect(result.errors[0]?.en).toContain('cases[1].name: unknown field')
    // the value itself (personal data) never appears in a message
    expect(JSON.stringify(result.errors)).not.toContain('Jan Jansen')
  })

  it.each<[string, unknown, string, string]>([
    ['not an array', { cases: [] }, 'cases', 'JSON-lijst'],
    ['bad status', [{ ...example, status: 'lost' }], 'cases[0].status', 'Kies uit'],
    ['bad time', [{ ...example, statusSince: '2 november' }], 'cases[0].statusSince', 'ISO 8601'],
    [
      'time without zone',
      [{ ...example, statusSince: '2026-11-02T09:00:00' }],
      'cases[0].statusSince',
      'tijdzone',
    ],
    ['bad reference', [{ ...example, reference: 'X-1' }], 'cases[0].reference', 'RET-2026-0007'],
    ['missing field', [{ ...example, owner: undefined }], 'cases[0].owner', 'verplicht'],
    ['missing time', [{ ...example, triagedAt: undefined }], 'cases[0].triagedAt', 'verplicht'],
    ['missing date', [{ ...example, scheduledFor: undefined }], 'cases[0].scheduledFor', 'verplicht'],
    ['a number for a time', [{ ...example, advisedAt: 5 }], 'cases[0].advisedAt', 'ISO 8601'],
    [
      'a bad date',
      [{ ...example, scheduledFor: '2026-13-01' }],
      'cases[0].scheduledFor',
      'datum (2026-11-20)',
    ],
    ['unknown municipality', [{ ...example, municipality: 'Groningen' }], 'cases[0].municipality', 'Assen'],
    [
      'scheduled without a date',
      [{ ...example, status: 'scheduled' }],
      'cases[0].scheduledFor',
      'status scheduled',
    ],
    [
      'advised without advisedAt',
      [{ ...example, status: 'advised' }],
      'cases[0].advisedAt',
      'status advised',
    ],
    [
      'submitted without submittedAt',
      [{ ...example, submittedAt: null }],
      'cases[0].submittedAt',
      'verplicht',
    ],
    ['negative reminder count', [{ ...example, remindersSent: -1 }], 'cases[0].remindersSent', 'minimaal 0'],
  ])('%s → a clear message at %s', (_name, input, path, nlText) => {
    const result = parseCaseSummaries(input)
    expect(result.ok).toBe(false)
    if (result.ok) return
    const error = result.errors.find((e) => e.path === path)
    expect(error, JSON.stringify(result.errors)).toBeDefined()
    expect(error?.nl).toContain(nlText)
    expect(error?.en.length).toBeGreaterThan(10)
    expect(error?.en).not.toBe(error?.nl)
  })

  it('accepts a draft without submittedAt and intervention', () => {
    const draft = { ...example, status: 'draft', submittedAt: null, intervention: null }
    expect(parseCaseSummaries([draft]).ok).toBe(true)
  })
})

describe('dueReminders', () => {
  const monday = at('2026-11-23T07:00:00+01:00')
  const info = (sent: number | undefined) =>
    summary({
      reference: 'RET-2026-0101',
      status: 'info_requested',
      statusSince: '2026-11-09T10:00:00+01:00',
      ...(sent === undefined ? {} : { remindersSent: sent }),
    })

  it.each<[number | undefined, string | null, string | null, number | null]>([
    [undefined, 'referrer', 'reminder', 1],
    [0, 'referrer', 'reminder', 1],
    [1, 'referrer', 'reminder', 2],
    [2, 'chairs', 'escalation', 3],
    [3, null, null, null],
  ])('info_overdue with remindersSent %s → %s %s', (sent, recipient, kind, number) => {
    const reminders = dueReminders([info(sent)], monday)
    if (recipient === null) {
      expect(reminders).toEqual([])
      return
    }
    expect(reminders).toEqual([
      {
        key: 'reminder:RET-2026-0101:info_overdue:2026-11-23',
        reference: 'RET-2026-0101',
        rule: 'info_overdue',
        recipient,
        kind,
        number,
        owner: null,
        date: '2026-11-23',
      },
    ])
  })

  it('reminds the lead (with the lead’s key) and the chairs, not the coordinator', () => {
    const cases = [
      summary({ reference: 'RET-2026-0201', status: 'submitted', statusSince: '2026-11-16T10:00:00+01:00' }),
      summary({
        reference: 'RET-2026-0202',
        status: 'accepted',
        statusSince: '2026-11-02T10:00:00+01:00',
        owner: 'teams:t1:lead-7',
      }),
      summary({
        reference: 'RET-2026-0203',
        status: 'scheduled',
        statusSince: '2026-11-02T10:00:00+01:00',
        scheduledFor: '2026-11-17',
        owner: 'slack:T1:U7',
      }),
      summary({
        reference: 'RET-2026-0204',
        status: 'advised',
        statusSince: '2026-09-01T10:00:00+02:00',
        advisedAt: '2026-09-01T10:00:00+02:00',
      }),
      summary({ reference: 'RET-2026-0205', status: 'submitted', statusSince: '2026-11-20T10:00:00+01:00' }),
    ]
    const reminders = dueReminders(cases, monday)
    expect(reminders.map((r) => [r.reference, r.rule, r.recipient, r.owner])).toEqual([
      ['RET-2026-0201', 'triage_overdue', 'chairs', null],
      ['RET-2026-0202', 'scheduling_overdue', 'lead', 'teams:t1:lead-7'],
      ['RET-2026-0203', 'outcome_overdue', 'lead', 'slack:T1:U7'],
      // The follow-up question goes to the referrer (issue 15 §1), never to the coordinator.
      ['RET-2026-0204', 'follow_up_overdue', 'referrer', null],
    ])
  })

  it('asks the follow-up question, reminds referrerMax times, then escalates to the chairs once', () => {
    const advised = (sent: number) =>
      summary({
        reference: 'RET-2026-0301',
        status: 'advised',
        statusSince: '2026-09-01T10:00:00+02:00',
        advisedAt: '2026-09-01T10:00:00+02:00',
        remindersSent: sent,
      })
    // referrerMax is 2: the question (1) and two reminders (2, 3), then the escalation, then nothing.
    expect(referrerSends('follow_up_overdue')).toBe(3)
    expect(referrerSends('info_overdue')).toBe(2)
    const plan = [0, 1, 2, 3, 4].map((sent) => dueReminders([advised(sent)], monday)[0] ?? null)
    expect(plan.map((r) => r && [r.recipient, r.kind, r.number])).toEqual([
      ['referrer', 'reminder', 1],
      ['referrer', 'reminder', 2],
      ['referrer', 'reminder', 3],
      ['chairs', 'escalation', 4],
      null,
    ])
    // Answered: the case no longer stalls, nothing is due.
    expect(dueReminders([{ ...advised(1), followUpDoneAt: '2026-11-20T10:00:00+01:00' }], monday)).toEqual([])
  })

  it('is idempotent per case, rule and Amsterdam day', () => {
    const c = [info(0)]
    const morning = dueReminders(c, at('2026-11-23T06:00:00Z'))
    const evening = dueReminders(c, at('2026-11-23T22:59:00Z'))
    const nextDay = dueReminders(c, at('2026-11-23T23:00:00Z'))
    expect(morning[0]?.key).toBe(evening[0]?.key)
    expect(nextDay[0]?.key).toBe('reminder:RET-2026-0101:info_overdue:2026-11-24')
  })

  it.each([
    ['Saturday', '2026-11-21T07:00:00+01:00'],
    ['Sunday', '2026-11-22T07:00:00+01:00'],
    ['Christmas Day', '2026-12-25T07:00:00+01:00'],
    ['King’s Day', '2026-04-27T07:00:00+02:00'],
  ])('sends nothing on %s', (_name, when) => {
    const c = summary({ status: 'submitted', statusSince: '2026-01-05T10:00:00+01:00' })
    expect(dueReminders([c], at(when))).toEqual([])
  })

  it('respects remind: false and referrerMax from the rules', () => {
    const quiet = withRules((r) => {
      r.rules.info_overdue.remind = false
    })
    expect(dueReminders([info(0)], monday, quiet)).toEqual([])
    const strict = withRules((r) => {
      r.reminders.referrerMax = 0
    })
    expect(dueReminders([info(0)], monday, strict)[0]).toMatchObject({
      kind: 'escalation',
      recipient: 'chairs',
    })
  })
})
