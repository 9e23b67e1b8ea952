import { describe, expect, it } from 'vitest'
import { step, view } from '../../src/domain/dialogue'
import type { DraftState, ScreenView } from '../../src/domain/dialogue-types'
import { loadSample } from '../../tests/fixtures/samples'
import { answerFrom, draft, formValuesFor, NOW, screen, script, stepDef } from './dialogue-helpers'

const mda = loadSample('mda').intake

/** Every screen of a full intake that visits all steps (safety signal, school age), in order. */
function allScreens(): DraftState[] {
  const states: DraftState[] = []
  let state = draft()
  for (let guard = 0; guard < 20 && state.phase === 'step'; guard++) {
    states.push(state)
    const values = formValuesFor(stepDef(state.stepId), mda)
    state = step(state, { type: 'answer', stepId: state.stepId, values }, script, NOW).state
  }
  states.push(state)
  return states
}

/** Every user-facing text of a screen. */
function textsOf(v: ScreenView): string[] {
  return [
    v.title,
    v.intro ?? '',
    v.progress.label,
    ...v.fields.flatMap((f) => [
      f.label,
      f.hint ?? '',
      ...(f.options ?? []).map((o) => o.label),
      ...(f.itemFields ?? []).flatMap((i) => [
        i.label,
        i.hint ?? '',
        ...(i.options ?? []).map((o) => o.label),
      ]),
      ...(f.actions ?? []).map((a) => a.label),
    ]),
    ...v.notices.flatMap((n) => [n.title, ...n.body]),
    ...v.actions.map((a) => a.label),
    ...(v.review?.sections.flatMap((s) => [s.title, ...s.rows.flatMap((r) => [r.label, r.value])]) ?? []),
    ...(v.review?.summary ?? []),
  ].filter((t) => t !== '')
}

describe('dialogue view', () => {
  const states = allScreens()

  it('visits every step of the script once', () => {
    expect(states.map((s) => s.stepId)).toEqual([...script.steps.map((s) => s.id), 'review'])
  })

  it.each(states.map((s) => [s.stepId, s] as const))(
    '%s: labelled fields and complete copy in Dutch and English',
    (_id, state) => {
      const nl = screen(state)
      const en = screen({ ...state, lang: 'en' })
      for (const v of [nl, en]) {
        const texts = textsOf(v)
        expect(texts.filter((t) => /\bdialogue\.|\benum\.|\{\w+\}/.test(t))).toEqual([])
        for (const f of v.fields) {
          expect(f.label.length).toBeGreaterThan(2)
          if (['select', 'radio', 'checkboxes', 'boolean'].includes(f.kind))
            expect(f.options?.length).toBeGreaterThan(1)
        }
        expect(v.actions.length).toBeGreaterThan(0)
      }
      expect(`${nl.title} ${nl.intro}`).not.toBe(`${en.title} ${en.intro}`)
      expect(nl.fields.map((f) => f.name)).toEqual(en.fields.map((f) => f.name))
      if (nl.fields.length > 0)
        expect(nl.fields.map((f) => f.label).join()).not.toBe(en.fields.map((f) => f.label).join())
    },
  )

  it('asks the birth year only and reminds never to type a name or BSN on the child step', () => {
    const child = screen(states.find((s) => s.stepId === 'child')!)
    expect(child.fields.map((f) => [f.name, f.kind])).toEqual([
      ['child.pseudonym', 'text'],
      ['child.birthYear', 'year'],
      ['child.municipality', 'select'],
    ])
    expect(child.notices.find((n) => n.id === 'noIdentifiers')?.body[0]).toMatch(/BSN/)
  })

  it('tells which consent the age needs on the legal step', () => {
    const legal = screen(states.find((s) => s.stepId === 'legal')!)
    expect(legal.notices.map((n) => n.title)).toEqual(['Toestemming bij 12 jaar'])
    expect(legal.notices[0]!.body[0]).toContain('12 tot en met 15 jaar')
    // the date only becomes required once consent is given; the form cannot know that yet
    // the date only becomes required once consent is given; the form cannot know that yet, so date and scope
    // are shown as required when they apply, never as optional
    for (const name of ['legal.consent.date', 'legal.consent.scope']) {
      const field = legal.fields.find((f) => f.name === name)
      expect(field, name).toMatchObject({ required: false, requiredWhenApplies: true })
    }
    expect(legal.fields.find((f) => f.name === 'legal.consent.child')?.required).toBe(true)
    expect(legal.fields.find((f) => f.name === 'legal.consent.child')?.requiredWhenApplies).toBeUndefined()
    const school = states.find((s) => s.stepId === 'school')
    if (school) {
      const weeks = screen(school).fields.find((f) => f.name === 'school.weeksAbsent')
      expect(weeks).toMatchObject({ required: false, requiredWhenApplies: true })
    }
    // a truly optional field is not marked
    const referrer = screen(states.find((s) => s.stepId === 'referrer')!)
    expect(referrer.fields.find((f) => f.name === 'referrer.phone')).toMatchObject({ required: false })
    expect(referrer.fields.find((f) => f.name === 'referrer.phone')?.requiredWhenApplies).toBeUndefined()
  })

  it('shows a list field with its row fields, rows and add/remove actions', () => {
    const network = screen(states.find((s) => s.stepId === 'network')!)
    const history = network.fields.find((f) => f.name === 'help.history')!
    expect(history.kind).toBe('list')
    expect(history.itemFields?.map((i) => i.name)).toEqual([
      'what',
      'provider',
      'from',
      'to',
      'result',
      'why',
    ])
    expect(history.maxItems).toBe(50)
    expect(history.value).toEqual([{ what: '', provider: '', from: '', to: '', result: '', why: '' }])
    expect(history.actions?.map((a) => a.id)).toEqual(['remove:help.history:0', 'add:help.history'])
  })

  it('labels an optional choice that may stay empty', () => {
    const help = screen(states.find((s) => s.stepId === 'help')!)
    const expertise = help.fields.find((f) => f.name === 'help.missingExpertise')!
    expect(expertise.options?.[0]).toEqual({ value: '', label: 'Nee, de nodige expertise is er' })
  })

  it('shows the answers, the suggested route and the edit actions on the review', () => {
    const review = screen(states[states.length - 1]!)
    expect(review.phase).toBe('review')
    expect(review.review?.sections.map((s) => s.stepId)).toEqual(script.steps.map((s) => s.id))
    const child = review.review!.sections.find((s) => s.stepId === 'child')!
    expect(child.rows).toContainEqual({ label: 'Geboortejaar', value: '2014' })
    const safety = review.review!.sections.find((s) => s.stepId === 'safety')!
    expect(safety.rows).toContainEqual({ label: 'Datum van het advies of de melding', value: '15-06-2026' })
    expect(review.review?.summary[0]).toBe('Voorgestelde route: MDA++.')
    const mdaReasons = review
      .review!.decision!.reasons.filter((r) => r.intervention === 'MDA++')
      .map((r) => r.nl)
    expect(mdaReasons.length).toBeGreaterThan(0)
    expect(review.review?.summary.slice(1, 1 + mdaReasons.length)).toEqual(mdaReasons)
    expect(review.actions[0]).toMatchObject({ id: 'submit', primary: true })
    expect(review.actions.map((a) => a.id)).toContain('edit:legal')
    const en = screen({ ...states[states.length - 1]!, lang: 'en' })
    expect(en.review?.summary[0]).toBe('Suggested route: MDA++.')
  })

  it('says a submitted draft has its reference', () => {
    const review = states[states.length - 1]!
    const submitting = step(review, { type: 'submit' }, script, NOW).state
    expect(screen(submitting).actions).toEqual([])
    const done = step(submitting, { type: 'submitted', reference: 'RET-2026-0042' }, script, NOW).state
    const v = view(done, script, NOW)
    expect(v.intro).toContain('RET-2026-0042')
    expect(v.reference).toBe('RET-2026-0042')
  })

  it('marks the analysis as missing on the review when there is none and it is needed', () => {
    const intake = structuredClone(mda) as { analysis: { present: boolean; sharedWithFamily: boolean } }
    intake.analysis.present = false
    intake.analysis.sharedWithFamily = false
    const review = answerFrom(draft(), intake)
    const v = screen(review)
    expect(v.review?.decision?.missing).toContain('analysis')
    expect(v.review?.summary.join(' ')).toContain('analyse ontbreekt')
  })
})
