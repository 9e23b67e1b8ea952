import { describe, expect, it } from 'vitest'
import { parseIntake, parseIntakeJson } from '../../src/domain/intake'
import { loadSamples } from '../fixtures/samples'

const samples = loadSamples()

const clone = <T>(v: T): T => structuredClone(v)

describe('intake schema', () => {
  it.each(samples)('accepts the shared sample $name', ({ intake }) => {
    expect(parseIntake(intake)).toMatchObject({ ok: true })
  })

  it('rejects an unknown field and names it in Dutch and English', () => {
    const bad = clone(samples[0]!.intake) as { child: Record<string, unknown> }
    bad.child.bsn = '123456782'
    const result = parseIntake(bad)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toContainEqual({
      path: 'child.bsn',
      nl: 'child.bsn: onbekend veld; dit veld hoort niet in de intake.',
      en: 'child.bsn: unknown field; it is not part of the intake.',
    })
  })

  it('names a missing field, a wrong type and a bad enum value', () => {
    const bad = clone(samples[0]!.intake) as Record<string, unknown> & { child: Record<string, unknown> }
    delete bad.question
    bad.child.birthYear = 'twee'
    bad.urgency = 'hoog'
    const result = parseIntake(bad)
    if (result.ok) throw new Error('expected errors')
    const byPath = Object.fromEntries(result.errors.map((e) => [e.path, e]))
    expect(byPath.question?.nl).toBe('question: dit veld is verplicht.')
    expect(byPath['child.birthYear']?.en).toMatch(/^child\.birthYear: expected a/)
    expect(byPath.urgency?.nl).toBe('urgency: ongeldige waarde. Kies uit: acuut, spoed, regulier.')
  })

  it('keeps an anonymous consultation anonymous', () => {
    const consult = clone(samples.find((s) => s.name === 'sample-consultation.json')!.intake) as {
      child: Record<string, unknown>
    }
    consult.child.pseudonym = 'L.'
    const result = parseIntake(consult)
    expect(result.ok).toBe(false)
  })

  it("requires the referrer's phone number when acute danger is reported, and names the field", () => {
    const urgent = clone(samples.find((s) => s.name === 'sample-ro3.json')!.intake) as Record<
      string,
      unknown
    > & {
      referrer: Record<string, unknown>
    }
    urgent.acuteDanger = true
    expect(parseIntake(urgent)).toMatchObject({ ok: true })
    urgent.referrer.phone = null
    const result = parseIntake(urgent)
    if (result.ok) throw new Error('expected an error')
    expect(result.errors).toEqual([
      {
        path: 'referrer.phone',
        nl: 'referrer.phone: vul een telefoonnummer in. Bij acuut gevaar belt de voorzitter je direct terug.',
        en: 'referrer.phone: please enter a phone number. In acute danger the chair calls you back straight away.',
      },
    ])
    urgent.acuteDanger = false
    expect(parseIntake(urgent)).toMatchObject({ ok: true })
  })

  it.each([
    ['J.', true],
    ['JdB', true],
    ['Ő.', true],
    ['Ĳ.', true],
    ['Jan de Boer', false],
    ['Ĳsbrand', false],
    ['Jans', false],
  ])("takes %s as the child's initial: %s", (pseudonym, ok) => {
    const intake = clone(samples.find((s) => s.name === 'sample-ro3.json')!.intake) as {
      child: Record<string, unknown>
    }
    intake.child.pseudonym = pseudonym
    const result = parseIntake(intake)
    expect(result.ok).toBe(ok)
    if (!result.ok)
      expect(result.errors).toEqual([
        {
          path: 'child.pseudonym',
          nl: 'child.pseudonym: vul alleen een initiaal in: één woord van hoogstens 3 letters, bijvoorbeeld J. of JdB. Een naam of langer woord kan het kind herkenbaar maken.',
          en: 'child.pseudonym: please enter an initial only: one word of at most 3 letters, for example J. or JdB. A name or longer word could identify the child.',
        },
      ])
  })

  it('refuses more than 52 weeks absent from school', () => {
    const intake = clone(samples.find((s) => s.name === 'sample-ro3.json')!.intake) as {
      school: Record<string, unknown>
    }
    intake.school.weeksAbsent = 52
    expect(parseIntake(intake).ok).toBe(true)
    intake.school.weeksAbsent = 53
    const result = parseIntake(intake)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(['school.weeksAbsent'])
  })

  it('reports text that is not JSON', () => {
    const result = parseIntakeJson('{oops')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]?.nl).toMatch(/^De invoer is geen geldige JSON/)
  })
})
