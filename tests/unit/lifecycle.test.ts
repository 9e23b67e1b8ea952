import { describe, expect, it } from 'vitest'
import {
  actorKey,
  ageBandOf,
  applyCommand,
  availableCommands,
  CASE_STATUSES,
  type CaseCommandInput,
  type CaseState,
  type CaseStatus,
  type CommandType,
  TRANSITIONS,
} from '../../src/domain/lifecycle'
import type { Actor, Role } from '../../src/domain/types'

const NOW = new Date('2026-11-23T10:00:00Z')
const EARLIER = '2026-11-20T09:00:00.000Z'

function actor(userId: string, roles: Role[], surface: Actor['surface'] = 'slack'): Actor {
  return { surface, tenant: 'T1', userId, name: 'Iemand', roles, lang: 'nl' }
}

const chair = actor('chair', ['chair'])
const admin = actor('admin', ['admin'])
const referrer = actor('ref', ['referrer'], 'teams')
const otherReferrer = actor('ref-2', ['referrer'], 'teams')
const lead = actor('lead', [])
const coordinator = actor('coord', ['coordinator'])

function state(status: CaseStatus, extra: Partial<CaseState> = {}): CaseState {
  return {
    reference: 'RET-2026-0001',
    status,
    referrerKey: actorKey(referrer),
    suggestedIntervention: 'ROP',
    chosenIntervention: null,
    leadKey: actorKey(lead),
    municipality: 'Assen',
    ageBand: '12-15',
    urgency: 'regulier',
    flags: [],
    consultation: false,
    createdAt: EARLIER,
    statusSince: EARLIER,
    submittedAt: EARLIER,
    triagedAt: null,
    scheduledFor: null,
    advisedAt: null,
    followUpDoneAt: null,
    closedAt: null,
    version: 3,
    ...extra,
  }
}

/** A valid instance of every command. */
const VALID: Record<CommandType, CaseCommandInput> = {
  startTriage: { type: 'startTriage' },
  requestInfo: { type: 'requestInfo', items: ['analysis'], question: 'Graag de analyse.' },
  provideInfo: { type: 'provideInfo', answer: 'De analyse staat in het dossier.' },
  accept: { type: 'accept', intervention: 'ROP', reason: null },
  assignLead: { type: 'assignLead', leadKey: 'slack:T1:lead-2' },
  schedule: { type: 'schedule', at: '2026-12-01T10:00:00+01:00', note: null },
  recordOutcome: { type: 'recordOutcome', advice: 'Pleeggezin met extra ondersteuning.' },
  recordFollowUp: { type: 'recordFollowUp', note: null },
  answerFollowUp: {
    type: 'answerFollowUp',
    adviceFollowed: 'yes',
    careStarted: true,
    careStartedAt: '2026-11-20',
    goalsReached: 'partly',
    stoppedEarly: false,
    usefulness: 4,
    note: 'Het pleeggezin past goed.',
  },
  close: { type: 'close', reason: null },
  decline: { type: 'decline', reason: 'Geen RET-vraag.', alternative: 'Het lokale team.' },
  withdraw: { type: 'withdraw', reason: null },
  reopen: { type: 'reopen', reason: 'Nieuwe signalen.' },
}

const KEEP = ['submitted', 'in_triage', 'info_requested', 'accepted', 'scheduled', 'advised'] as const

/** The expected table, written out independently of TRANSITIONS: [from, to]. */
const EXPECTED: Record<CommandType, [CaseStatus, CaseStatus][]> = {
  startTriage: [['submitted', 'in_triage']],
  requestInfo: [
    ['submitted', 'info_requested'],
    ['in_triage', 'info_requested'],
  ],
  provideInfo: [['info_requested', 'in_triage']],
  accept: [
    ['submitted', 'accepted'],
    ['in_triage', 'accepted'],
  ],
  assignLead: KEEP.map((s) => [s, s]),
  schedule: [
    ['accepted', 'scheduled'],
    ['scheduled', 'scheduled'],
  ],
  recordOutcome: [['scheduled', 'advised']],
  recordFollowUp: [['advised', 'advised']],
  answerFollowUp: [['advised', 'advised']],
  close: [['advised', 'closed']],
  decline: [
    ['submitted', 'declined'],
    ['in_triage', 'declined'],
    ['info_requested', 'declined'],
  ],
  withdraw: [
    ['submitted', 'withdrawn'],
    ['in_triage', 'withdrawn'],
    ['info_requested', 'withdrawn'],
    ['accepted', 'withdrawn'],
    ['scheduled', 'withdrawn'],
  ],
  reopen: [
    ['closed', 'in_triage'],
    ['declined', 'in_triage'],
  ],
}

const COMMANDS = Object.keys(VALID) as CommandType[]

describe('lifecycle transitions', () => {
  it('covers every command in the transition table', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...COMMANDS].sort())
    expect(Object.keys(EXPECTED).sort()).toEqual([...COMMANDS].sort())
  })

  const allowed = COMMANDS.flatMap((type) => EXPECTED[type].map(([from, to]) => ({ type, from, to })))
  it.each(allowed)('$type: $from → $to', ({ type, from, to }) => {
    const before = state(from)
    const result = applyCommand(before, VALID[type], admin, NOW)
    if (!result.ok) throw new Error(`${type} from ${from}: ${result.error.en}`)
    expect(result.next.status).toBe(to)
    expect(result.next.version).toBe(before.version + 1)
    expect(result.next.statusSince).toBe(from === to ? EARLIER : NOW.toISOString())
    expect(result.event).toMatchObject({
      type,
      at: NOW.toISOString(),
      actorKey: 'slack:T1:admin',
      surface: 'slack',
      from,
      to,
    })
  })

  const forbidden = COMMANDS.flatMap((type) =>
    CASE_STATUSES.filter((s) => !EXPECTED[type].some(([from]) => from === s)).map((from) => ({
      type,
      from,
    })),
  )
  it.each(forbidden)('$type is refused from $from', ({ type, from }) => {
    const result = applyCommand(state(from), VALID[type], admin, NOW)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('invalid_transition')
    expect(result.error.nl).not.toBe(result.error.en)
    expect(result.error.nl.length).toBeGreaterThan(10)
  })

  it('names the command and status in the user’s language when refusing', () => {
    const result = applyCommand(state('closed'), VALID.startTriage, admin, NOW)
    expect(result).toMatchObject({
      ok: false,
      error: {
        nl: expect.stringContaining('Afgesloten'),
        en: expect.stringContaining('Closed'),
      },
    })
  })
})

describe('lifecycle permits', () => {
  /** Who may run what (besides admin, who may run everything). */
  const WHO: Record<CommandType, Actor[]> = {
    startTriage: [chair],
    requestInfo: [chair],
    provideInfo: [referrer],
    accept: [chair],
    assignLead: [chair],
    schedule: [chair, lead],
    recordOutcome: [chair, lead],
    recordFollowUp: [chair, lead],
    answerFollowUp: [referrer],
    close: [chair],
    decline: [chair],
    withdraw: [referrer],
    reopen: [chair],
  }
  const everyone = [chair, admin, referrer, otherReferrer, lead, coordinator]
  const cases = COMMANDS.flatMap((type) =>
    everyone.map((who) => ({
      type,
      who: who.userId,
      actor: who,
      allowed: who === admin || WHO[type].includes(who),
    })),
  )
  it.each(cases)('$type by $who → allowed: $allowed', ({ type, actor: who, allowed }) => {
    const from = EXPECTED[type][0]?.[0] as CaseStatus
    const result = applyCommand(state(from), VALID[type], who, NOW)
    if (allowed) expect(result.ok).toBe(true)
    else expect(result).toMatchObject({ ok: false, error: { code: 'not_allowed' } })
  })

  it('lists the commands an actor may run now', () => {
    expect(availableCommands(state('in_triage'), chair).sort()).toEqual(
      ['accept', 'assignLead', 'decline', 'requestInfo'].sort(),
    )
    expect(availableCommands(state('info_requested'), referrer).sort()).toEqual(['provideInfo', 'withdraw'])
    expect(availableCommands(state('in_triage'), coordinator)).toEqual([])
  })

  it('accepts a Teams user id (with its own colon) as lead key', () => {
    const result = applyCommand(
      state('accepted'),
      { type: 'assignLead', leadKey: 'teams:tenant-1:29:1AbCdEf' },
      chair,
      NOW,
    )
    expect(result.ok && result.next.leadKey).toBe('teams:tenant-1:29:1AbCdEf')
  })

  it('checks the lead by identity key, not by role', () => {
    const noLead = state('scheduled', { leadKey: null })
    expect(applyCommand(noLead, VALID.recordOutcome, lead, NOW).ok).toBe(false)
  })
})

describe('lifecycle required reasons and data', () => {
  it('confirms the suggested route without a reason', () => {
    const result = applyCommand(state('in_triage'), VALID.accept, chair, NOW)
    expect(result.ok && result.next.chosenIntervention).toBe('ROP')
    expect(result.ok && result.event.data).toMatchObject({ intervention: 'ROP', rerouted: false })
  })

  it('requires a reason to reroute to another intervention', () => {
    const missing = applyCommand(
      state('in_triage'),
      { type: 'accept', intervention: 'RST', reason: null },
      chair,
      NOW,
    )
    expect(missing).toMatchObject({ ok: false, error: { code: 'reason_required' } })
    const blank = applyCommand(
      state('in_triage'),
      { type: 'accept', intervention: 'RST', reason: '   ' },
      chair,
      NOW,
    )
    expect(blank).toMatchObject({ ok: false, error: { code: 'reason_required' } })
    const given = applyCommand(
      state('in_triage'),
      { type: 'accept', intervention: 'RST', reason: 'Expertise ontbreekt.' },
      chair,
      NOW,
    )
    expect(given.ok && given.next.chosenIntervention).toBe('RST')
    expect(given.ok && given.event.data).toMatchObject({ rerouted: true, reason: 'Expertise ontbreekt.' })
  })

  it.each([
    ['decline without reason', { type: 'decline', alternative: 'Lokaal team' }, 'in_triage'],
    ['decline with blank reason', { type: 'decline', reason: ' ', alternative: 'x' }, 'in_triage'],
    ['requestInfo without question', { type: 'requestInfo', items: ['analysis'] }, 'in_triage'],
    ['provideInfo without answer', { type: 'provideInfo', answer: '' }, 'info_requested'],
    ['recordOutcome without advice', { type: 'recordOutcome' }, 'scheduled'],
    ['reopen without reason', { type: 'reopen' }, 'closed'],
  ] as const)('%s → reason_required, naming the field', (_name, command, from) => {
    const who = command.type === 'provideInfo' ? referrer : admin
    const result = applyCommand(state(from), command, who, NOW)
    expect(result).toMatchObject({ ok: false, error: { code: 'reason_required' } })
    if (!result.ok) {
      expect(result.error.errors?.[0]?.path).toMatch(/^(reason|alternative|question|answer|advice)$/)
      expect(result.error.nl).not.toBe(result.error.en)
    }
  })

  it('declines with where to instead from the closed list; the free text is an optional extra (issue 15 §3)', () => {
    const chosen = applyCommand(
      state('in_triage'),
      { type: 'decline', reason: 'Geen RET-vraag.', destination: 'ggz' },
      chair,
      NOW,
    )
    expect(chosen.ok && chosen.next.declinedTo).toBe('ggz')
    expect(chosen.ok && chosen.event.data).toEqual({
      reason: 'Geen RET-vraag.',
      destination: 'ggz',
      alternative: null,
    })
    // Without a category (an API caller of before): "other".
    const plain = applyCommand(state('in_triage'), { type: 'decline', reason: 'Geen RET-vraag.' }, chair, NOW)
    expect(plain.ok && plain.next.declinedTo).toBe('other')
    const unknown = applyCommand(
      state('in_triage'),
      { type: 'decline', reason: 'Geen RET-vraag.', destination: 'elders' },
      chair,
      NOW,
    )
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_command' } })
    // Reopened, the case is no longer declined anywhere.
    if (chosen.ok) {
      const reopened = applyCommand(chosen.next, { type: 'reopen', reason: 'Nieuwe feiten.' }, chair, NOW)
      expect(reopened.ok && reopened.next.declinedTo).toBeNull()
    }
  })

  it.each([
    ['unknown command', { type: 'explode' }],
    ['not an object', 'startTriage'],
    ['bad date-time', { type: 'schedule', at: 'morgen', note: null }],
    ['unknown field', { type: 'startTriage', extra: 1 }],
    ['bad lead key', { type: 'assignLead', leadKey: 'Jan Jansen' }],
  ])('%s → invalid_command', (_name, command) => {
    const from: CaseStatus = (command as { type?: string }).type === 'schedule' ? 'accepted' : 'submitted'
    const result = applyCommand(state(from), command, admin, NOW)
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_command' } })
  })

  it('sets the timestamps the digest reads', () => {
    const triaged = applyCommand(state('submitted'), VALID.startTriage, chair, NOW)
    expect(triaged.ok && triaged.next.triagedAt).toBe(NOW.toISOString())
    const scheduled = applyCommand(state('accepted'), VALID.schedule, chair, NOW)
    expect(scheduled.ok && scheduled.next.scheduledFor).toBe('2026-12-01T10:00:00+01:00')
    const advised = applyCommand(state('scheduled'), VALID.recordOutcome, lead, NOW)
    expect(advised.ok && advised.next.advisedAt).toBe(NOW.toISOString())
    const followed = applyCommand(state('advised'), VALID.recordFollowUp, chair, NOW)
    expect(followed.ok && followed.next.followUpDoneAt).toBe(NOW.toISOString())
    const closed = applyCommand(state('advised'), VALID.close, chair, NOW)
    expect(closed.ok && closed.next.closedAt).toBe(NOW.toISOString())
    const reopened = applyCommand(state('closed', { closedAt: EARLIER }), VALID.reopen, chair, NOW)
    expect(reopened.ok && reopened.next.closedAt).toBeNull()
  })

  it('keeps the first triage time when info comes back', () => {
    const s = state('in_triage', { triagedAt: EARLIER })
    const asked = applyCommand(s, VALID.requestInfo, chair, NOW)
    expect(asked.ok && asked.next.triagedAt).toBe(EARLIER)
  })

  it('records a re-schedule with the previous date', () => {
    const s = state('scheduled', { scheduledFor: '2026-11-30T10:00:00+01:00' })
    const result = applyCommand(s, VALID.schedule, chair, NOW)
    expect(result.ok && result.event.data).toMatchObject({ previous: '2026-11-30T10:00:00+01:00' })
  })

  it('records the follow-up only once', () => {
    const result = applyCommand(
      state('advised', { followUpDoneAt: EARLIER }),
      VALID.recordFollowUp,
      chair,
      NOW,
    )
    expect(result).toMatchObject({ ok: false, error: { code: 'follow_up_done' } })
  })

  it('does not change the state it was given', () => {
    const s = state('submitted')
    const copy = structuredClone(s)
    applyCommand(s, VALID.startTriage, chair, NOW)
    expect(s).toEqual(copy)
  })
})

describe('age bands', () => {
  it.each([
    [0, '0-11'],
    [11, '0-11'],
    [12, '12-15'],
    [15, '12-15'],
    [16, '16-17'],
    [17, '16-17'],
    [18, '18+'],
    [22, '18+'],
  ] as const)('%i → %s', (age, band) => {
    expect(ageBandOf(age)).toBe(band)
  })
})

describe('answerFollowUp (issue 15 §1)', () => {
  const advised = state('advised', {
    advisedAt: '2026-10-01T10:00:00+02:00',
    statusSince: '2026-10-01T10:00:00+02:00',
    followUpDoneAt: null,
  })
  const at = new Date('2026-11-16T09:00:00+01:00')

  it('stores the answers with the case, the note only in the event, and counts as the follow-up check', () => {
    const r = applyCommand(advised, VALID.answerFollowUp, referrer, at)
    if (!r.ok) throw new Error(JSON.stringify(r.error))
    expect(r.next.status).toBe('advised')
    expect(r.next.followUpDoneAt).toBe(at.toISOString())
    expect(r.next.followUp).toEqual({
      adviceFollowed: 'yes',
      careStarted: true,
      careStartedAt: '2026-11-20',
      goalsReached: 'partly',
      stoppedEarly: false,
      usefulness: 4,
      answeredAt: at.toISOString(),
    })
    expect(JSON.stringify(r.next)).not.toContain('pleeggezin')
    expect(r.event.data).toMatchObject({ note: 'Het pleeggezin past goed.', usefulness: 4 })
    // Once answered, the chairs may close; a second answer is refused.
    expect(applyCommand(r.next, { type: 'close', reason: null }, chair, at).ok).toBe(true)
    expect(applyCommand(r.next, VALID.answerFollowUp, referrer, at).ok).toBe(false)
  })

  it.each([
    [{ usefulness: 6 }],
    [{ usefulness: 0 }],
    [{ adviceFollowed: 'maybe' }],
    [{ careStartedAt: '2026-13-01' }],
    [{ stoppedEarly: 'no' }],
  ])('refuses %j with a field error', (over) => {
    const r = applyCommand(advised, { ...VALID.answerFollowUp, ...over }, referrer, at)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('invalid_command')
  })
})
