import { describe, expect, it } from 'vitest'
import { step, view } from '../../src/domain/dialogue'
import type { DraftState } from '../../src/domain/dialogue-types'
import { loadSample } from '../../tests/fixtures/samples'
import {
  answerFrom,
  draft,
  expectRefused,
  formValuesFor,
  NOW,
  screen,
  script,
  stepDef,
} from './dialogue-helpers'

const ro3 = loadSample('ro3').intake
const at = (stepId: string): DraftState => answerFrom(draft(), ro3, (s) => s.stepId === stepId)

describe('dialogue: invalid answers', () => {
  // [step, field, typed value, error field, Dutch message part, English message part]
  it.each([
    [
      'referrer',
      'referrer.name',
      '',
      'referrer.name',
      'Je naam: vul dit in',
      'Your name: please fill this in',
    ],
    [
      'referrer',
      'referrer.email',
      'm.bakker@',
      'referrer.email',
      'Je e-mailadres: vul een geldig e-mailadres',
      'Your email address: please enter a valid',
    ],
    ['referrer', 'referrer.phone', 'bel mij', 'referrer.phone', 'Je telefoonnummer:', 'Your phone number:'],
    [
      'referrer',
      'referrer.role',
      'directeur',
      'referrer.role',
      'Je rol: kies een van de mogelijkheden',
      'Your role: please choose',
    ],
    [
      'referrer',
      'referrer.organisation',
      'x'.repeat(201),
      'referrer.organisation',
      'maximaal 200 tekens',
      'at most 200 characters',
    ],
    [
      'child',
      'child.birthYear',
      '14',
      'child.birthYear',
      'Geboortejaar: vul een jaartal in',
      'Year of birth: please enter a year',
    ],
    [
      'child',
      'child.birthYear',
      '2031',
      'child.birthYear',
      'Geboortejaar: dit jaar ligt in de toekomst',
      'Year of birth: this year is in the future',
    ],
    ['child', 'child.birthYear', '1980', 'child.birthYear', 'tussen 1990 en 2026', 'between 1990 and 2026'],
    ['child', 'child.birthYear', '12-03-2014', 'child.birthYear', 'Geboortejaar:', 'Year of birth:'],
    [
      'child',
      'child.pseudonym',
      '111 222 333',
      'child.pseudonym',
      'lijkt op een BSN',
      'looks like a citizen service number',
    ],
    [
      'child',
      'child.municipality',
      'Groningen',
      'child.municipality',
      'Gemeente waar de jeugdige woont: kies',
      'Municipality where the young person lives: please choose',
    ],
    [
      'legal',
      'legal.consent.date',
      '31-02-2026',
      'legal.consent.date',
      'Datum van de toestemming: vul een datum in',
      'Date of consent: please enter a date',
    ],
    [
      'legal',
      'legal.consent.date',
      '2027-01-01',
      'legal.consent.date',
      'ligt in de toekomst',
      'is in the future',
    ],
    [
      'legal',
      'legal.consent.scope',
      '',
      'legal.consent.scope',
      'Waarvoor is toestemming gegeven? Vul dit in.',
      'What was consent given for? Please fill this in.',
    ],
    [
      'legal',
      'legal.consent.child',
      'misschien',
      'legal.consent.child',
      'bij het RET? Kies ja of nee.',
      '? Please choose yes or no.',
    ],
    [
      'situation',
      'situation.problemDomains',
      ['ggz', 'armoede'],
      'situation.problemDomains',
      'Op welke gebieden',
      'In which areas',
    ],
    [
      'help',
      'help.monthsWithoutProgress',
      '-3',
      'help.monthsWithoutProgress',
      'vooruitgang? Vul een heel getal in',
      '? Please enter a whole number',
    ],
    [
      'help',
      'help.monthsWithoutProgress',
      '601',
      'help.monthsWithoutProgress',
      'van 0 tot en met 600',
      'from 0 to 600',
    ],
    ['school', 'school.weeksAbsent', '', 'school.weeksAbsent', 'Hoeveel weken', 'For how many weeks'],
    // implausible values: an age over 23 from the birth year, more months than the child lived, > 52 weeks
    ['child', 'child.birthYear', '2000', 'child.birthYear', 'zou dan 26 jaar zijn', 'would then be 26'],
    [
      'help',
      'help.monthsWithoutProgress',
      '200',
      'help.monthsWithoutProgress',
      'langer dan de jeugdige leeft (12 jaar)',
      'longer than the young person has lived (12 years)',
    ],
    ['school', 'school.weeksAbsent', '60', 'school.weeksAbsent', 'van 0 tot en met 52', 'from 0 to 52'],
  ] as const)('%s %s = %j → %s', (stepId, field, typed, errorField, nl, en) => {
    const state = at(stepId)
    const values = { ...formValuesFor(stepDef(stepId), ro3), [field]: typed }
    const result = step(state, { type: 'answer', stepId, values }, script, NOW)
    expectRefused(result.state, state)
    expect(result.effects).toEqual([])
    const error = result.errors.find((e) => e.field === errorField)
    expect(error, JSON.stringify(result.errors)).toBeDefined()
    expect(error!.nl).toContain(nl)
    expect(error!.en).toContain(en)
    // no doubled punctuation after a label that is a question
    expect(error!.nl).not.toMatch(/[?!.:]\s*:/)
    expect(error!.en).not.toMatch(/[?!.:]\s*:/)
  })

  it('names list rows by their number and checks the period order', () => {
    const state = at('network')
    const values = {
      ...formValuesFor(stepDef('network'), ro3),
      'help.history[1].what': 'Gezinscoaching',
      'help.history[1].from': '2025-06',
      'help.history[1].to': '2025-02',
      'help.history[1].result': 'gestopt',
      'help.history[2].what': 'Schoolmaatschappelijk werk',
    }
    const result = step(state, { type: 'answer', stepId: 'network', values }, script, NOW)
    expectRefused(result.state, state)
    const byField = Object.fromEntries(result.errors.map((e) => [e.field, e]))
    expect(byField['help.history[1].provider']?.nl).toBe('Hulp tot nu toe, regel 2: Aanbieder: vul dit in.')
    expect(byField['help.history[1].provider']?.en).toBe('Help so far, row 2: Provider: please fill this in.')
    expect(byField['help.history[2].from']?.nl).toContain('regel 3: Vanaf')
    expect(Object.keys(byField)).not.toContain('help.history[1].to')
  })

  it('rejects a period that ends before it starts', () => {
    const state = at('network')
    const values = {
      ...formValuesFor(stepDef('network'), ro3),
      'help.history[0].from': '06-2025',
      'help.history[0].to': '02-2025',
    }
    const result = step(state, { type: 'answer', stepId: 'network', values }, script, NOW)
    expect(result.errors.map((e) => e.field)).toEqual(['help.history[0].to'])
    expect(result.errors[0]!.nl).toContain('de einddatum ligt vóór de begindatum')
  })

  it.each(['J.', 'JdB', 'Ő.', 'J.d.B.', 'Ĳ.', 'O\u030b.'])('accepts the initial %s', (pseudonym) => {
    const values = { ...formValuesFor(stepDef('child'), ro3), 'child.pseudonym': pseudonym }
    expect(step(at('child'), { type: 'answer', stepId: 'child', values }, script, NOW).errors).toEqual([])
  })

  it.each(['Jan de Boer', 'Ĳsbrand', 'Jans', 'J. B.'])(
    'refuses %s as an initial and says why',
    (pseudonym) => {
      const values = { ...formValuesFor(stepDef('child'), ro3), 'child.pseudonym': pseudonym }
      const result = step(at('child'), { type: 'answer', stepId: 'child', values }, script, NOW)
      expect(result.errors).toEqual([
        {
          field: 'child.pseudonym',
          nl: 'Initiaal of roepletter van de jeugdige: vul alleen een initiaal in: één woord van hoogstens 3 letters, bijvoorbeeld J. of JdB. Een naam of langer woord kan het kind herkenbaar maken.',
          en: 'Initial or nickname of the young person: please enter an initial only: one word of at most 3 letters, for example J. or JdB. A name or longer word could identify the child.',
        },
      ])
    },
  )

  it('shows the typed input back with the errors next to the fields, in the draft language', () => {
    const state = at('child')
    const values = { 'child.pseudonym': 'K.', 'child.birthYear': 'twintig', 'child.municipality': 'Assen' }
    const result = step(state, { type: 'answer', stepId: 'child', values }, script, NOW)
    const v = view(result.state, script, NOW, undefined, { values, errors: result.errors })
    const byName = Object.fromEntries(v.fields.map((f) => [f.name, f]))
    expect(byName['child.pseudonym']?.value).toBe('K.')
    expect(byName['child.birthYear']?.value).toBe('twintig')
    expect(byName['child.birthYear']?.error).toBe('Geboortejaar: vul een jaartal in, bijvoorbeeld 2012.')
    expect(byName['child.municipality']?.value).toBe('Assen')
    expect(v.errors).toEqual(result.errors)
    const en = view({ ...result.state, lang: 'en' }, script, NOW, undefined, {
      values,
      errors: result.errors,
    })
    expect(en.fields.find((f) => f.name === 'child.birthYear')?.error).toBe(
      'Year of birth: please enter a year, for example 2012.',
    )
  })

  it.each([
    ['legal.consent.date', '20-11-2026', '2026-11-20'],
    ['legal.consent.date', '2026-11-20', '2026-11-20'],
    ['legal.consent.date', '1/2/2026', '2026-02-01'],
  ])('accepts %s typed as %s', (field, typed, stored) => {
    const state = at('legal')
    const values = { ...formValuesFor(stepDef('legal'), ro3), [field]: typed }
    expect(step(state, { type: 'answer', stepId: 'legal', values }, script, NOW).state.answers[field]).toBe(
      stored,
    )
  })

  it.each([
    ['ja', true],
    ['Yes', true],
    ['true', true],
    ['nee', false],
    ['false', false],
  ])('reads a yes/no answer %s as %s', (typed, value) => {
    const state = draft()
    const result = step(
      state,
      { type: 'answer', stepId: 'start', values: { acuteDanger: 'nee', consultationOnly: typed } },
      script,
      NOW,
    )
    expect(result.state.answers.consultationOnly).toBe(value)
  })

  it('accepts a month typed the Dutch way and trims text', () => {
    const state = at('network')
    const values = {
      ...formValuesFor(stepDef('network'), ro3),
      'help.history[0].from': '3-2025',
      'help.history[0].what': '  Ouderbegeleiding ',
    }
    const row = (
      step(state, { type: 'answer', stepId: 'network', values }, script, NOW).state.answers[
        'help.history'
      ] as Record<string, unknown>[]
    )[0]
    expect(row).toMatchObject({ from: '2025-03', what: 'Ouderbegeleiding' })
  })

  it('does not store what does not apply (a consent date without consent)', () => {
    const state = at('legal')
    const values = {
      ...formValuesFor(stepDef('legal'), ro3),
      'legal.framework': 'ots',
      'legal.consent.child': 'false',
      'legal.consent.parents': 'false',
      'legal.consent.date': '2026-11-01',
    }
    const next = step(state, { type: 'answer', stepId: 'legal', values }, script, NOW).state
    expect(next.answers['legal.consent.date']).toBeUndefined()
    expect(next.answers['legal.consent.scope']).toBeUndefined()
  })

  it('ignores keys that are not fields of the step and values of the wrong shape', () => {
    const state = at('child')
    const values = {
      ...formValuesFor(stepDef('child'), ro3),
      'referrer.name': 'overwritten?',
      csrf: 'x',
      'child.municipality': { nested: true },
    }
    const result = step(state, { type: 'answer', stepId: 'child', values }, script, NOW)
    expect(result.errors.map((e) => e.field)).toEqual(['child.municipality'])
    expect(screen(state).fields.length).toBe(3)
  })
})

describe('a text over 5,000 characters (issue 13 §7)', () => {
  it('is refused with a message that names the limit and the count, and is kept whole', () => {
    const state = at('question')
    const long = 'a'.repeat(5200)
    const values = { ...formValuesFor(stepDef('question'), ro3), question: long }
    const result = step(state, { type: 'answer', stepId: 'question', values }, script, NOW)
    const error = result.errors.find((e) => e.field === 'question')
    expect(error?.nl).toContain('maximaal 5000 tekens (nu 5200)')
    expect(error?.en).toContain('at most 5000 characters (now 5200)')
    // nothing typed is cut: the kept input is the whole text
    expect(result.state.pending?.values.question).toBe(long)
  })
})
