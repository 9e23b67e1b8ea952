import { describe, expect, it } from 'vitest'
import { t } from '../../src/domain/copy'
import { buildIntake, eventFromAction, newDraft, step } from '../../src/domain/dialogue'
import type { DraftState } from '../../src/domain/dialogue-types'
import { loadSample, loadSamples } from '../../tests/fixtures/samples'
import {
  answerFrom,
  draft,
  expectRefused,
  formValuesFor,
  NOW,
  run,
  screen,
  script,
  stepDef,
} from './dialogue-helpers'

const ro3 = loadSample('ro3').intake

function withChanges(
  base: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const copy = structuredClone(base)
  for (const [path, value] of Object.entries(changes)) {
    const parts = path.split('.')
    let node = copy as Record<string, unknown>
    for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>
    node[parts[parts.length - 1]!] = value
  }
  return copy
}

function toReview(intake: Record<string, unknown>): DraftState {
  const state = answerFrom(draft(intake.language as 'nl' | 'en'), intake)
  expect(state.phase).toBe('review')
  return state
}

describe('dialogue: a whole intake', () => {
  it.each(loadSamples().map((s) => [s.name, s] as const))(
    '%s: answering every step as a form gives the same intake and the expected route',
    (_name, sample) => {
      const state = toReview(sample.intake)
      const built = buildIntake(state, NOW)
      expect(built.ok && built.value).toEqual(sample.intake)
      const review = screen(state).review!
      expect(review.decision?.primary).toBe(sample.expected.primary)
      expect(review.decision?.gates.map((g) => g.gate)).toEqual(sample.expected.gates)

      const submitted = step(state, { type: 'submit' }, script, NOW)
      expect(submitted.state.phase).toBe('submitting')
      expect(submitted.effects).toEqual([
        { type: 'createCase', intake: sample.intake, decision: review.decision, idempotencyKey: 'draft-1' },
      ])
      const done = step(submitted.state, { type: 'submitted', reference: 'RET-2026-0042' }, script, NOW)
      expect(done.state.phase).toBe('submitted')
      expect(done.state.reference).toBe('RET-2026-0042')
      expect(screen(done.state).reference).toBe('RET-2026-0042')
    },
  )

  it('starts on the first step at version 0, with times from the injected clock', () => {
    const state = newDraft('d-9', 'en', NOW)
    expect(state).toMatchObject({ version: 0, phase: 'step', stepId: 'start', lang: 'en', reference: null })
    expect(state.startedAt).toBe('2026-11-23T10:00:00.000Z')
  })
})

describe('dialogue: which steps apply', () => {
  it.each([
    [3, false],
    [4, true],
    [18, true],
    [19, false],
  ])('age %i: school step shown = %s', (age, shown) => {
    const intake = withChanges(ro3, {
      'child.birthYear': 2026 - age,
      'legal.consent.child': age >= 12,
      'legal.consent.parents': age < 16,
    })
    const state = toReview(intake)
    expect(state.trail.includes('school')).toBe(shown)
    const built = buildIntake(state, NOW)
    expect(built.ok).toBe(true)
    if (built.ok)
      expect(built.value.school).toEqual(
        shown
          ? ro3.school
          : { type: 'geen', attendance: 'geen_school', weeksAbsent: 0, leerplichtInvolved: false },
      )
  })

  it('asks the safety follow-up only when a safety signal is given', () => {
    expect(toReview(ro3).trail).not.toContain('safety')
    const withSignal = withChanges(ro3, {
      'situation.safety': {
        signals: ['kindermishandeling'],
        structural: false,
        veiligThuis: 'advies',
        veiligThuisDate: '2026-10-01',
      },
    })
    const state = toReview(withSignal)
    expect(state.trail).toContain('safety')
    const built = buildIntake(state, NOW)
    expect(built.ok && built.value.situation.safety.veiligThuisDate).toBe('2026-10-01')
  })

  it('forgets the safety answers in the intake when the signal is taken back', () => {
    const withSignal = withChanges(ro3, {
      'situation.safety': {
        signals: ['huiselijk_geweld'],
        structural: false,
        veiligThuis: 'advies',
        veiligThuisDate: '2026-10-01',
      },
    })
    let state = toReview(withSignal)
    state = run(state, { type: 'edit', stepId: 'situation' }).state
    state = run(state, {
      type: 'answer',
      stepId: 'situation',
      values: formValuesFor(stepDef('situation'), ro3),
    }).state
    expect(state.phase).toBe('review')
    const built = buildIntake(state, NOW)
    expect(built.ok && built.value.situation.safety).toEqual(
      ro3.situation && (ro3.situation as { safety: unknown }).safety,
    )
  })

  it('counts the steps that apply or may still apply: "Stap 1 van 12", never more while moving forward', () => {
    let state = draft()
    expect(screen(state).progress).toEqual({ current: 1, total: 12, label: 'Stap 1 van 12' })
    state = answerFrom(state, ro3, (s) => s.stepId === 'legal')
    // school applies (age 12); the safety follow-up may still apply until the signals are answered
    expect(screen(state).progress).toEqual({ current: 4, total: 12, label: 'Stap 4 van 12' })
    expect(screen({ ...state, lang: 'en' }).progress.label).toBe('Step 4 of 12')
    const review = answerFrom(state, ro3)
    expect(screen(review).progress.current).toBe(screen(review).progress.total)
  })

  it.each(['ro3', 'mda', 'rop', 'rst', 'experttafel'])(
    'never grows the total while the %s sample moves forward, and the step number only rises',
    (name) => {
      const intake = loadSample(name).intake
      let state = draft()
      let last = screen(state).progress
      for (let guard = 0; guard < 30 && state.phase === 'step'; guard++) {
        const values = formValuesFor(stepDef(state.stepId), intake)
        state = step(state, { type: 'answer', stepId: state.stepId, values }, script, NOW).state
        while (state.phase === 'notice') {
          const choice = state.stepId === 'G2' ? 'continue' : 'consultation'
          state = step(state, { type: 'choose', noticeId: state.stepId, choice }, script, NOW).state
        }
        const now = screen(state).progress
        expect(now.total, `${state.stepId}: ${now.label} after ${last.label}`).toBeLessThanOrEqual(last.total)
        if (state.phase === 'step') expect(now.current).toBeGreaterThan(last.current)
        else expect(now.current).toBe(now.total)
        expect(now.label).toMatch(/^(Stap \d+ van \d+|Controleren en versturen)$/)
        last = now
      }
      expect(state.phase).toBe('review')
    },
  )
})

describe('dialogue: navigation', () => {
  it('goes back one applicable step, and not before the first', () => {
    const atReferrer = answerFrom(draft(), ro3, (s) => s.stepId === 'referrer')
    const back = run(atReferrer, { type: 'back' }).state
    expect(back.stepId).toBe('start')
    expect(back.version).toBe(atReferrer.version + 1)
    const again = step(back, { type: 'back' }, script, NOW)
    expect(again.state).toBe(back)
  })

  it('skips steps that do not apply when going back (analysis → network at age 19, no school)', () => {
    const intake = withChanges(ro3, { 'child.birthYear': 2007, 'legal.consent.parents': false })
    const atAnalysis = answerFrom(draft(), intake, (s) => s.stepId === 'analysis')
    expect(run(atAnalysis, { type: 'back' }).state.stepId).toBe('network')
  })

  it('shows earlier answers again after going back', () => {
    const atChild = answerFrom(draft(), ro3, (s) => s.stepId === 'child')
    const back = run(atChild, { type: 'back' }).state
    const name = screen(back).fields.find((f) => f.name === 'referrer.name')
    expect(name?.value).toBe('M. Bakker')
  })

  it('edits one step from the review and returns straight to the review', () => {
    const review = toReview(ro3)
    const editing = run(review, { type: 'edit', stepId: 'referrer' }).state
    expect(editing).toMatchObject({ phase: 'step', stepId: 'referrer', returnToReview: true })
    const values = { ...formValuesFor(stepDef('referrer'), ro3), 'referrer.phone': '' }
    const back = run(editing, { type: 'answer', stepId: 'referrer', values }).state
    expect(back.phase).toBe('review')
    const built = buildIntake(back, NOW)
    expect(built.ok && built.value.referrer.phone).toBeNull()
  })

  it('goes from the review back to the last step', () => {
    expect(run(toReview(ro3), { type: 'back' }).state.stepId).toBe('question')
  })

  it('cancels once, with a cancelled effect; later events change nothing', () => {
    const state = answerFrom(draft(), ro3, (s) => s.stepId === 'child')
    const cancelled = step(state, { type: 'cancel' }, script, NOW)
    expect(cancelled.state.phase).toBe('cancelled')
    expect(cancelled.effects).toEqual([{ type: 'cancelled' }])
    for (const event of [{ type: 'cancel' }, { type: 'back' }, { type: 'submit' }] as const)
      expect(step(cancelled.state, event, script, NOW)).toEqual({
        state: cancelled.state,
        effects: [],
        errors: [],
      })
  })

  it('maps every action id of a view to an event', () => {
    expect(eventFromAction('next', 'child', { a: '1' })).toEqual({
      type: 'answer',
      stepId: 'child',
      values: { a: '1' },
    })
    expect(eventFromAction('later', 'child', {})).toEqual({ type: 'save', stepId: 'child', values: {} })
    expect(eventFromAction('edit:legal', 'review')).toEqual({ type: 'edit', stepId: 'legal' })
    expect(eventFromAction('choose:G1:stop', 'G1')).toEqual({
      type: 'choose',
      noticeId: 'G1',
      choice: 'stop',
    })
    expect(eventFromAction('add:help.parties', 'network')).toMatchObject({
      type: 'addRow',
      path: 'help.parties',
    })
    expect(eventFromAction('remove:help.parties:2', 'network')).toMatchObject({ type: 'removeRow', index: 2 })
    expect(eventFromAction('remove:help.parties:x', 'network')).toBeNull()
    expect(eventFromAction('explode', 'network')).toBeNull()
  })
})

describe('dialogue: stale and repeated events change nothing', () => {
  it('a double-clicked answer advances once', () => {
    const state = draft()
    const event = {
      type: 'answer' as const,
      stepId: 'start',
      values: { acuteDanger: 'false', consultationOnly: 'false' },
    }
    const first = step(state, event, script, NOW)
    expect(first.state).toMatchObject({ stepId: 'referrer', version: 1 })
    const second = step(first.state, event, script, NOW)
    expect(second.state).toBe(first.state)
    expect(second.effects).toEqual([])
  })

  it.each([
    ['an answer for another step', { type: 'answer', stepId: 'legal', values: {} }],
    ['an edit outside the review', { type: 'edit', stepId: 'start' }],
    ['a choice without a notice', { type: 'choose', noticeId: 'G1', choice: 'stop' }],
    ['a submit before the review', { type: 'submit' }],
    ['a submitted report before a submit', { type: 'submitted', reference: 'RET-2026-0001' }],
    ['the language it already has', { type: 'setLang', lang: 'nl' }],
    ['a save for another step', { type: 'save', stepId: 'legal', values: {} }],
    ['a row for a field that is not a list', { type: 'addRow', stepId: 'referrer', path: 'referrer.name' }],
  ] as const)('%s', (_name, event) => {
    const state = answerFrom(draft(), ro3, (s) => s.stepId === 'referrer')
    const result = step(state, event as never, script, NOW)
    expect(result.state).toBe(state)
    expect(result.effects).toEqual([])
  })

  it('a refused answer keeps what was typed for a reload, and nothing else (issue 13 §7)', () => {
    const state = answerFrom(draft(), ro3, (s) => s.stepId === 'legal')
    const values = {
      ...formValuesFor(stepDef('legal'), ro3),
      'legal.consent.date': 'gisteren',
      'legal.framework': 'ots',
    }
    const result = step(state, { type: 'answer', stepId: 'legal', values }, script, NOW)
    expect(result.errors.map((e) => e.field)).toEqual(['legal.consent.date'])
    expectRefused(result.state, state)
    // a reload (the view without the refused input) shows the values as typed
    const reloaded = screen(result.state)
    expect(reloaded.fields.find((f) => f.name === 'legal.consent.date')?.value).toBe('gisteren')
    expect(reloaded.fields.find((f) => f.name === 'legal.framework')?.value).toBe('ots')
    // the same refused input again is a no-op
    expect(step(result.state, { type: 'answer', stepId: 'legal', values }, script, NOW).state).toBe(
      result.state,
    )
    expect(buildIntake(answerFrom(result.state, ro3), NOW)).toEqual({ ok: true, value: ro3 })
  })

  it('saving the same input twice changes the state once', () => {
    const state = answerFrom(draft(), ro3, (s) => s.stepId === 'child')
    const event = { type: 'save' as const, stepId: 'child', values: { 'child.birthYear': '201' } }
    const once = step(state, event, script, NOW).state
    expect(step(once, event, script, NOW).state).toBe(once)
  })

  it('a repeated submit re-emits the same createCase; after submitted it does nothing', () => {
    const review = toReview(ro3)
    const first = step(review, { type: 'submit' }, script, NOW)
    const again = step(first.state, { type: 'submit' }, script, NOW)
    expect(again.state).toBe(first.state)
    expect(again.effects).toEqual(first.effects)
    const done = step(first.state, { type: 'submitted', reference: 'RET-2026-0007' }, script, NOW).state
    expect(step(done, { type: 'submit' }, script, NOW)).toEqual({ state: done, effects: [], errors: [] })
    expect(step(done, { type: 'submitted', reference: 'RET-2026-0008' }, script, NOW).state).toBe(done)
    expect(step(done, { type: 'cancel' }, script, NOW).state).toBe(done)
    expect(step(done, { type: 'setLang', lang: 'en' }, script, NOW).state).toBe(done)
  })

  it('changes the language with a version bump', () => {
    const state = draft()
    const en = step(state, { type: 'setLang', lang: 'en' }, script, NOW).state
    expect(en).toMatchObject({ lang: 'en', version: 1 })
    expect(screen(en).title).toBe('First things first')
  })
})

describe('dialogue: lists and saving for later', () => {
  const atNetwork = () => answerFrom(draft(), ro3, (s) => s.stepId === 'network')

  it('accepts rows as indexed fields and as an array of row objects, skipping empty rows', () => {
    const state = atNetwork()
    const rows = (ro3.help as { parties: unknown[] }).parties
    const base = formValuesFor(stepDef('network'), ro3)
    const asIndexed = step(
      state,
      { type: 'answer', stepId: 'network', values: { ...base, 'help.parties[7].role': ' ' } },
      script,
      NOW,
    )
    const asArray = step(
      state,
      { type: 'answer', stepId: 'network', values: { ...base, 'help.parties': rows } },
      script,
      NOW,
    )
    expect(asIndexed.state.answers['help.parties']).toEqual(rows)
    expect(asArray.state.answers['help.parties']).toEqual(rows)
  })

  it('adds and removes rows, keeping what was typed', () => {
    const state = atNetwork()
    const typed = {
      'help.caseDirector': 'false',
      'help.parties[0].organisation': 'School',
      'help.parties[0].role': 'mentor',
    }
    const added = step(
      state,
      { type: 'addRow', stepId: 'network', path: 'help.parties', values: typed },
      script,
      NOW,
    ).state
    let parties = screen(added).fields.find((f) => f.name === 'help.parties')!
    expect(parties.value).toEqual([
      { organisation: 'School', role: 'mentor' },
      { organisation: '', role: '' },
    ])
    expect(parties.actions?.map((a) => a.id)).toEqual([
      'remove:help.parties:0',
      'remove:help.parties:1',
      'add:help.parties',
    ])
    const removed = step(
      added,
      { type: 'removeRow', stepId: 'network', path: 'help.parties', index: 0 },
      script,
      NOW,
    ).state
    parties = screen(removed).fields.find((f) => f.name === 'help.parties')!
    expect(parties.value).toEqual([{ organisation: '', role: '' }])
    expect(screen(removed).fields.find((f) => f.name === 'help.caseDirector')?.value).toBe('false')
  })

  it('stops adding rows at the maximum (LIMITS.parties)', () => {
    const state = atNetwork()
    const values: Record<string, string> = {}
    for (let i = 0; i < 30; i++) values[`help.parties[${i}].organisation`] = `Org ${i}`
    const full = step(state, { type: 'addRow', stepId: 'network', path: 'help.parties', values }, script, NOW)
    expect(full.state).toBe(state)
    const field = screen(
      step(state, { type: 'save', stepId: 'network', values }, script, NOW).state,
    ).fields.find((f) => f.name === 'help.parties')!
    expect(field.maxItems).toBe(30)
    expect(field.actions?.some((a) => a.id === 'add:help.parties')).toBe(false)
  })

  it('saves typed input for later without validating it, and shows it again', () => {
    const state = answerFrom(draft(), ro3, (s) => s.stepId === 'child')
    const saved = step(
      state,
      { type: 'save', stepId: 'child', values: { 'child.birthYear': '20', 'child.pseudonym': 'K.' } },
      script,
      NOW,
    )
    expect(saved.state.version).toBe(state.version + 1)
    expect(saved.state.answers['child.birthYear']).toBeUndefined()
    const fields = screen(saved.state).fields
    expect(fields.find((f) => f.name === 'child.birthYear')?.value).toBe('20')
    expect(fields.find((f) => f.name === 'child.pseudonym')?.value).toBe('K.')
  })
})

describe('unanswered optional numbers (issue 13 §6)', () => {
  const rop = loadSample('rop').intake as Record<string, unknown>
  it.each(['nl', 'en'] as const)(
    'stay unanswered in the answers, the review, the intake and routing — never 0 (%s)',
    (lang) => {
      let state = answerFrom(draft(lang), rop, (s) => s.stepId === 'placement')
      const values = {
        ...formValuesFor(stepDef('placement'), rop),
        'situation.placement.movesLast12Months': '',
        'situation.placement.rejectedByProviders': '',
      }
      const result = step(state, { type: 'answer', stepId: 'placement', values }, script, NOW)
      expect(result.errors).toEqual([])
      state = result.state
      expect(state.answers['situation.placement.movesLast12Months']).toBeNull()
      state = answerFrom(state, rop)
      expect(state.phase).toBe('review')
      const review = screen(state).review!
      const rows = review.sections.find((s) => s.stepId === 'placement')!.rows
      const moves = rows.find(
        (r) => r.label === t(lang, 'dialogue.fields.situation.placement.movesLast12Months.label'),
      )
      expect(moves?.value).toBe(lang === 'nl' ? 'Niet ingevuld' : 'Not answered')
      const built = buildIntake(state, NOW)
      expect(built.ok && built.value.situation.placement).toMatchObject({
        movesLast12Months: null,
        rejectedByProviders: null,
      })
      expect(review.decision?.reasons.map((r) => r.field)).not.toContain(
        'situation.placement.movesLast12Months',
      )
      expect(review.decision?.reasons.map((r) => r.field)).not.toContain(
        'situation.placement.rejectedByProviders',
      )
    },
  )
})
