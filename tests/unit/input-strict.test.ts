import { describe, expect, it } from 'vitest'
import { hasNoControlCharacters, parseIntake } from '../../src/domain/intake'
import { CaseCommandSchema } from '../../src/domain/lifecycle'
import { decodeUtf8Strict, isStrictUtf8Form } from '../../src/routes/strict-utf8'
import { loadSamples } from '../fixtures/samples'

/** Issue 14 §7: strict UTF-8 and no control characters in text fields. */

/** A sample intake, loosely typed so a test can break any field. */
type Loose = {
  question: string
  perspective: string
  referrer: Record<string, unknown>
  legal: { consent: Record<string, unknown> }
  help: Record<string, unknown>
}
const sample = () => structuredClone(loadSamples()[0]!.intake) as unknown as Loose

describe('control characters in text fields', () => {
  it('allows tab, newline and CRLF; refuses NUL, other C0, a lone CR, DEL and C1', () => {
    for (const ok of ['regel 1\nregel 2', 'a\tb', 'Windows\r\nregel', 'ĳ Ł ő 👩🏽‍⚕️', ''])
      expect(hasNoControlCharacters(ok), JSON.stringify(ok)).toBe(true)
    for (const bad of ['a\u0000b', '\u0007', 'oud\rMac', 'esc\u001b[31m', '\u007f', '\u0085', '\u009b'])
      expect(hasNoControlCharacters(bad), JSON.stringify(bad)).toBe(false)
  })

  it('refuses a NUL byte in the question, naming the field in Dutch and English', () => {
    const intake = sample()
    intake.question = 'Kan hij thuis\u0000 blijven?'
    const result = parseIntake(intake)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual([
      {
        path: 'question',
        nl: expect.stringMatching(/^question: bevat een onzichtbaar stuurteken/),
        en: expect.stringMatching(/^question: contains an invisible control character/),
      },
    ])
  })

  it('checks every free text of the intake: referrer, consent scope, history, parties, phone', () => {
    const cases: [string, (i: Loose) => void][] = [
      ['referrer.name', (i) => (i.referrer.name = 'Sanne\u0008')],
      ['referrer.phone', (i) => (i.referrer.phone = '06\u001b12345678')],
      ['perspective', (i) => (i.perspective = 'goed\u007f')],
      ['legal.consent.scope', (i) => (i.legal.consent.scope = 'alles\u0000')],
      ['help.parties[0].role', (i) => (i.help.parties = [{ organisation: 'GI', role: 'voogd\u0002' }])],
    ]
    for (const [path, breakIt] of cases) {
      const intake = sample()
      breakIt(intake)
      const result = parseIntake(intake)
      expect(result.ok, path).toBe(false)
      if (!result.ok)
        expect(
          result.errors.map((e) => e.path),
          path,
        ).toContain(path)
    }
    const multiline = sample()
    multiline.question = 'Eerste regel\r\nTweede regel\n\tmet tab'
    expect(parseIntake(multiline).ok).toBe(true)
  })

  it('refuses control characters in a chair question, reason and answer', () => {
    expect(CaseCommandSchema.safeParse({ type: 'requestInfo', question: 'Waar\u0000?' }).success).toBe(false)
    expect(
      CaseCommandSchema.safeParse({ type: 'decline', reason: 'x\u001b', alternative: 'y' }).success,
    ).toBe(false)
    expect(CaseCommandSchema.safeParse({ type: 'provideInfo', answer: 'ja\r\nzeker' }).success).toBe(true)
  })
})

describe('strict UTF-8', () => {
  const enc = (s: string) => new TextEncoder().encode(s)
  it('decodes valid UTF-8 and refuses invalid bytes instead of replacing them', () => {
    expect(decodeUtf8Strict(enc('{"q":"ĳ👩🏽‍⚕️"}'))).toBe('{"q":"ĳ👩🏽‍⚕️"}')
    expect(decodeUtf8Strict(new Uint8Array([0x7b, 0xff, 0x7d]))).toBeNull()
    expect(decodeUtf8Strict(new Uint8Array([0xc3]))).toBeNull()
    expect(decodeUtf8Strict(new Uint8Array([0xed, 0xa0, 0x80]))).toBeNull() // an encoded surrogate
  })

  it('checks form bodies raw and through their %XX escapes', () => {
    expect(isStrictUtf8Form(enc('name=Zo%C3%AB+%C4%B2&x=%25'))).toBe(true)
    expect(isStrictUtf8Form(enc('name=%FF'))).toBe(false)
    expect(isStrictUtf8Form(enc('name=%C3&x=%A9'))).toBe(false)
    expect(isStrictUtf8Form(new Uint8Array([0x61, 0x3d, 0xfe]))).toBe(false)
    // A stray % that is no escape is left to the form parser.
    expect(isStrictUtf8Form(enc('a=100%'))).toBe(true)
  })
})
