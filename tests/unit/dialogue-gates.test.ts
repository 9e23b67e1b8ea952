import { describe, expect, it } from 'vitest'
import { buildIntake, step } from '../../src/domain/dialogue'
import type { DraftState } from '../../src/domain/dialogue-types'
import type { Lang } from '../../src/domain/enums'
import { loadSample } from '../../tests/fixtures/samples'
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

function answer(state: DraftState, stepId: string, values: Record<string, unknown>): DraftState {
  const result = step(state, { type: 'answer', stepId, values }, script, NOW)
  expect(result.errors).toEqual([])
  return result.state
}

const at = (stepId: string, lang: Lang = 'nl') => answerFrom(draft(lang), ro3, (s) => s.stepId === stepId)

describe('G1 acute danger', () => {
  const danger = (lang: Lang = 'nl') =>
    answer(draft(lang), 'start', { acuteDanger: 'ja', consultationOnly: 'nee' })

  it.each(['nl', 'en'] as const)(
    'stops the flow at once and shows 112, Veilig Thuis 0800-2000 and the crisis service (%s)',
    (lang) => {
      const state = danger(lang)
      expect(state).toMatchObject({ phase: 'notice', stepId: 'G1', from: 'start' })
      const v = screen(state)
      expect(v.fields).toEqual([])
      expect(v.notices[0]!.tone).toBe('danger')
      const text = v.notices[0]!.body.join(' ')
      expect(text).toContain('112')
      expect(text).toContain('0800-2000')
      expect(text).toMatch(lang === 'nl' ? /crisisdienst/ : /crisis service/)
      expect(text).toMatch(lang === 'nl' ? /géén melding bij Veilig Thuis/ : /NOT a report to Veilig Thuis/)
      expect(v.actions.map((a) => a.id)).toEqual(['choose:G1:spoedmelding', 'choose:G1:stop', 'back'])
    },
  )

  it('stop cancels the draft and still shows where to call', () => {
    const result = step(danger(), { type: 'choose', noticeId: 'G1', choice: 'stop' }, script, NOW)
    expect(result.state.phase).toBe('cancelled')
    expect(result.effects).toEqual([{ type: 'cancelled' }])
    expect(screen(result.state).notices[0]!.body.join(' ')).toContain('112')
  })

  it('spoedmelding is a short intake: referrer, child, question; urgency acuut; alertAcute with createCase', () => {
    let state = run(danger(), { type: 'choose', noticeId: 'G1', choice: 'spoedmelding' }).state
    expect(state).toMatchObject({ phase: 'step', stepId: 'referrer', flow: 'spoed' })
    expect(screen(state).progress).toMatchObject({ current: 2, total: 4 })
    expect(screen(state).notices.some((n) => n.tone === 'danger' && n.body.join(' ').includes('112'))).toBe(
      true,
    )
    state = answerFrom(state, ro3, (s) => s.stepId === 'child')
    // without recorded consent a spoedmelding stores nothing that identifies the child
    const child = screen(state)
    expect(child.fields.map((f) => f.name)).toEqual(['child.birthYear', 'child.municipality'])
    // one notice about the initial, not two that contradict each other (issue 13 §3)
    expect(child.notices.map((n) => n.id)).toEqual(['spoed', 'spoedChild'])
    state = answerFrom(state, ro3, (s) => s.stepId === 'question')
    expect(state.trail).toEqual(['start', 'referrer', 'child'])
    expect(screen(state).fields.map((f) => f.name)).toEqual(['question'])
    state = answer(state, 'question', { question: 'Jongere kan vannacht niet thuis slapen.' })
    expect(state.phase).toBe('review')

    const built = buildIntake(state, NOW)
    expect(built.ok).toBe(true)
    if (!built.ok) return
    expect(built.value).toMatchObject({
      acuteDanger: true,
      consultationOnly: true,
      urgency: 'acuut',
      referrer: { name: 'M. Bakker', email: 'm.bakker@example.nl' },
      child: { pseudonym: null, birthYear: 2014, municipality: 'Emmen' },
      perspective: 'Nog niet uitgevraagd (spoedmelding).',
      legal: { framework: 'vrijwillig', consent: { child: false, parents: false, date: null, scope: null } },
      school: { type: 'geen', attendance: 'geen_school', weeksAbsent: 0, leerplichtInvolved: false },
    })
    const submitted = step(state, { type: 'submit' }, script, NOW)
    expect(submitted.effects.map((e) => e.type)).toEqual(['createCase', 'alertAcute'])
    expect(submitted.effects[1]).toEqual({ type: 'alertAcute', idempotencyKey: 'draft-1' })
    const create = submitted.effects[0]
    expect(create?.type === 'createCase' && create.decision.gates.map((g) => g.gate)).toContain('G1')
    // the case service accepts it: consent gate G3 only blocks intakes that are not anonymous
    expect(create?.type === 'createCase' && create.intake.consultationOnly).toBe(true)
  })

  it.each(['nl', 'en'] as const)(
    'asks for the phone number as required once acute danger was answered (%s)',
    (lang) => {
      const state = run(danger(lang), { type: 'choose', noticeId: 'G1', choice: 'spoedmelding' }).state
      const phone = screen(state).fields.find((f) => f.name === 'referrer.phone')
      expect(phone?.required).toBe(true)
      const values = { ...formValuesFor(stepDef('referrer'), ro3), 'referrer.phone': '' }
      const refused = step(state, { type: 'answer', stepId: 'referrer', values }, script, NOW)
      expectRefused(refused.state, state)
      expect(refused.errors.map((e) => e.field)).toEqual(['referrer.phone'])
      expect(refused.errors[0]!.nl).toMatch(/^Je telefoonnummer: vul dit in/)
      expect(refused.errors[0]!.en).toMatch(/^Your phone number: /)
      // without acute danger the same field stays optional
      const regular = answerFrom(draft(lang), ro3, (s) => s.stepId === 'referrer')
      expect(screen(regular).fields.find((f) => f.name === 'referrer.phone')?.required).toBe(false)
    },
  )

  it('going back and answering "no" to acute danger returns to the regular intake', () => {
    let state = run(
      danger(),
      { type: 'choose', noticeId: 'G1', choice: 'spoedmelding' },
      { type: 'back' },
    ).state
    expect(state.stepId).toBe('start')
    state = answer(state, 'start', { acuteDanger: 'nee', consultationOnly: 'nee' })
    expect(state.flow).toBe('regular')
    expect(screen(state).progress.total).toBe(12)
  })

  it('back on the notice returns to the question', () => {
    expect(run(danger(), { type: 'back' }).state).toMatchObject({ phase: 'step', stepId: 'start' })
  })
})

describe('G2 safety / meldcode', () => {
  it.each([
    [true, 'geen', true],
    [true, 'advies', true],
    [true, 'melding', false],
    [false, 'geen', false],
    [false, 'advies', false],
  ] as const)('structural %s, Veilig Thuis %s → warning %s', (structural, veiligThuis, warned) => {
    let state = answerFrom(draft(), ro3, (s) => s.stepId === 'situation')
    state = answer(state, 'situation', {
      ...formValuesFor(stepDef('situation'), ro3),
      'situation.safety.signals': ['huiselijk_geweld'],
    })
    expect(state.stepId).toBe('safety')
    state = answer(state, 'safety', {
      'situation.safety.structural': String(structural),
      'situation.safety.veiligThuis': veiligThuis,
      'situation.safety.veiligThuisDate': veiligThuis === 'geen' ? '' : '01-09-2026',
    })
    expect(state.phase === 'notice' && state.stepId === 'G2').toBe(warned)
    if (!warned) {
      expect(state.stepId).toBe('placement')
      return
    }
    const v = screen(state)
    expect(v.notices[0]).toMatchObject({ id: 'G2', tone: 'warning' })
    expect(v.notices[0]!.body.join(' ')).toContain('Veilig Thuis')
    const next = run(state, { type: 'choose', noticeId: 'G2', choice: 'continue' }).state
    expect(next).toMatchObject({ phase: 'step', stepId: 'placement', acknowledged: ['G2'] })
  })
})

describe('G3 consent by age', () => {
  // consent fields the form shows for the age: parents up to 15, child from 12
  it.each([
    [10, 'vrijwillig', { parents: 'false' }, true],
    [10, 'vrijwillig', { parents: 'true' }, false],
    [11, 'vrijwillig', { parents: 'true' }, false],
    [12, 'vrijwillig', { parents: 'true', child: 'false' }, true],
    [13, 'vrijwillig', { parents: 'false', child: 'true' }, true],
    [15, 'vrijwillig', { parents: 'true', child: 'true' }, false],
    [16, 'vrijwillig', { child: 'false' }, true],
    [17, 'vrijwillig', { child: 'true' }, false],
    [13, 'ots', { parents: 'false', child: 'false' }, false],
    [16, 'voogdij', { child: 'false' }, false],
  ] as const)('age %i, %s, consent %j → notice %s', (age, framework, consent, fires) => {
    let state = answerFrom(draft(), ro3, (s) => s.stepId === 'child')
    state = answer(state, 'child', {
      'child.pseudonym': 'L.',
      'child.birthYear': String(2026 - age),
      'child.municipality': 'Emmen',
    })
    const shown = screen(state).fields.map((f) => f.name)
    expect(shown.includes('legal.consent.parents')).toBe(age <= 15)
    expect(shown.includes('legal.consent.child')).toBe(age >= 12)
    const given = Object.values(consent).includes('true')
    state = answer(state, 'legal', {
      'legal.framework': framework,
      'legal.authority': 'beide_ouders',
      ...Object.fromEntries(Object.entries(consent).map(([who, v]) => [`legal.consent.${who}`, v])),
      'legal.consent.date': given ? '2026-11-01' : '',
      'legal.consent.scope': given ? 'RET-bespreking' : '',
    })
    expect(state.phase === 'notice' && state.stepId === 'G3').toBe(fires)
    if (fires) expect(screen(state).notices[0]!.body[0]).toContain(`${age} jaar`)
  })

  it('consultation clears the pseudonym and continues; fix goes back to the consent', () => {
    let state = at('legal')
    state = answer(state, 'legal', {
      'legal.framework': 'vrijwillig',
      'legal.authority': 'beide_ouders',
      'legal.consent.parents': 'false',
      'legal.consent.child': 'false',
    })
    expect(state.stepId).toBe('G3')
    expect(run(state, { type: 'choose', noticeId: 'G3', choice: 'fix' }).state).toMatchObject({
      phase: 'step',
      stepId: 'legal',
    })

    const consult = run(state, { type: 'choose', noticeId: 'G3', choice: 'consultation' }).state
    expect(consult).toMatchObject({ phase: 'step', stepId: 'situation' })
    expect(consult.answers.consultationOnly).toBe(true)
    expect('child.pseudonym' in consult.answers).toBe(false)
    const review = answerFrom(consult, ro3)
    const built = buildIntake(review, NOW)
    expect(built.ok && built.value.child.pseudonym).toBeNull()
    expect(built.ok && built.value.consultationOnly).toBe(true)
    expect(screen(review).review?.decision?.primary).toBe('EXPERTTAFEL')
    expect(screen(review).notices.some((n) => n.id === 'consultation')).toBe(true)
  })

  it('comes back when the birth year is changed from the review and the consent no longer fits', () => {
    // 10 years old with the parents' consent: fine. Made 13 on the review: the young person's consent is missing.
    const intake = structuredClone(ro3) as {
      child: { birthYear: number }
      legal: { consent: { child: boolean } }
    }
    intake.child.birthYear = 2016
    intake.legal.consent.child = false
    const review = answerFrom(draft(), intake)
    expect(review.phase).toBe('review')
    let state = run(review, { type: 'edit', stepId: 'child' }).state
    state = answer(state, 'child', {
      'child.pseudonym': 'L.',
      'child.birthYear': '2013',
      'child.municipality': 'Emmen',
    })
    expect(state).toMatchObject({ phase: 'notice', stepId: 'G3', from: 'child' })
    // fixing the consent leads back to the review
    state = run(state, { type: 'choose', noticeId: 'G3', choice: 'fix' }).state
    state = answer(state, 'legal', { ...formValuesFor(stepDef('legal'), ro3) })
    expect(state.phase).toBe('review')
  })
})

describe('G4 referrer huisarts', () => {
  const gp = () =>
    answer(at('referrer'), 'referrer', {
      ...formValuesFor(stepDef('referrer'), ro3),
      'referrer.role': 'huisarts',
    })

  it.each(['nl', 'en'] as const)(
    'explains and points to the local team, offering consultation or stop (%s)',
    (lang) => {
      const state = { ...gp(), lang }
      expect(state.stepId).toBe('G4')
      const v = screen(state)
      expect(v.notices[0]!.body.join(' ')).toMatch(lang === 'nl' ? /lokale team/ : /local team/)
      expect(v.actions.map((a) => a.id)).toEqual(['choose:G4:consultation', 'choose:G4:stop', 'back'])
    },
  )

  it('consultation goes on without asking for the pseudonym', () => {
    const state = run(gp(), { type: 'choose', noticeId: 'G4', choice: 'consultation' }).state
    expect(state).toMatchObject({ phase: 'step', stepId: 'child' })
    const v = screen(state)
    expect(v.fields.map((f) => f.name)).toEqual(['child.birthYear', 'child.municipality'])
    expect(v.notices.map((n) => n.id)).toContain('gpConsultation')
  })

  it('stop ends the draft', () => {
    const result = step(gp(), { type: 'choose', noticeId: 'G4', choice: 'stop' }, script, NOW)
    expect(result.state.phase).toBe('cancelled')
    expect(result.effects).toEqual([{ type: 'cancelled' }])
  })

  it('an unknown choice changes nothing', () => {
    const state = gp()
    expect(step(state, { type: 'choose', noticeId: 'G4', choice: 'ignore' }, script, NOW).state).toBe(state)
  })
})

describe('anonymous consultation from the start', () => {
  it('never asks for a pseudonym and reminds not to name the family in free text', () => {
    let state = answer(draft(), 'start', { acuteDanger: 'false', consultationOnly: 'true' })
    state = answerFrom(state, ro3, (s) => s.stepId === 'child')
    expect(screen(state).fields.some((f) => f.name === 'child.pseudonym')).toBe(false)
    // even a pseudonym that a surface sends anyway is not kept
    state = answer(state, 'child', {
      'child.pseudonym': 'L.',
      'child.birthYear': '2014',
      'child.municipality': 'Emmen',
    })
    expect('child.pseudonym' in state.answers).toBe(false)
    expect(screen(state).fields.some((f) => f.name.startsWith('legal.consent'))).toBe(false)
    state = answerFrom(state, ro3, (s) => s.stepId === 'question')
    expect(screen(state).notices.map((n) => n.id)).toContain('consultationText')
  })
})
