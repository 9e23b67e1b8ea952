import { describe, expect, it } from 'vitest'
import { hasNoControlCharacters, parseIntake } from '../../src/domain/intake'
import { CaseCommandSchema } from '../../src/domain/lifecycle'
import {
  decodeUtf8Strict,
  isStrictUtf8Form,
  multipartBoundary,
  multipartTextProblem,
} from '../../src/routes/strict-utf8'
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

describe('multipart bodies (uploads)', () => {
  const B = '----ret-boundary-7'
  const enc = (text: string) => new TextEncoder().encode(text)
  const concat = (...parts: (string | Uint8Array)[]) => {
    const chunks = parts.map((p) => (typeof p === 'string' ? enc(p) : p))
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
    let at = 0
    for (const c of chunks) {
      out.set(c, at)
      at += c.length
    }
    return out
  }
  /** A body with a text part `_csrf` and a file part, each piece as given. */
  const body = (
    csrf: string | Uint8Array,
    disposition: string | Uint8Array,
    file: Uint8Array = new Uint8Array([0xff, 0x00, 0xfe, 0x01]),
  ) =>
    concat(
      `--${B}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n`,
      csrf,
      `\r\n--${B}\r\n`,
      disposition,
      '\r\nContent-Type: application/pdf\r\n\r\n',
      file,
      `\r\n--${B}--\r\n`,
    )
  const fileHead = (name: string | Uint8Array) =>
    concat('Content-Disposition: form-data; name="file"; filename="', name, '"')

  it('reads the boundary of multipart/form-data only', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${B}`)).toBe(B)
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b')
    expect(multipartBoundary('application/x-www-form-urlencoded')).toBeNull()
    expect(multipartBoundary('multipart/form-data')).toBeNull()
  })

  it('accepts clean text parts and UTF-8 file names whatever the file bytes are', () => {
    expect(multipartTextProblem(body('abc.def', fileHead('scan van Łukasiewicz.pdf')), B)).toBeNull()
    expect(multipartTextProblem(body('regel 1\r\nregel\t2', fileHead('ĳ.pdf')), B)).toBeNull()
  })

  it('refuses invalid UTF-8 in a file name (raw or filename*) and in a text part', () => {
    expect(multipartTextProblem(body('abc', fileHead(new Uint8Array([0x61, 0xff, 0x2e]))), B)).toBe(
      'encoding',
    )
    expect(
      multipartTextProblem(
        body('abc', 'Content-Disposition: form-data; name="file"; filename*=UTF-8\'\'a%FF.pdf'),
        B,
      ),
    ).toBe('encoding')
    expect(multipartTextProblem(body(new Uint8Array([0x61, 0xc3, 0x28]), fileHead('a.pdf')), B)).toBe(
      'encoding',
    )
  })

  it('refuses control characters in a file name (raw, escaped or filename*) and in a text part', () => {
    expect(multipartTextProblem(body('abc', fileHead('a\u0001b.pdf')), B)).toBe('control')
    expect(multipartTextProblem(body('abc', fileHead('a\u0000.pdf')), B)).toBe('control')
    expect(multipartTextProblem(body('abc', fileHead('a%0Ab.pdf')), B)).toBe('control')
    expect(
      multipartTextProblem(
        body('abc', 'Content-Disposition: form-data; name="file"; filename*=UTF-8\'\'a%07.pdf'),
        B,
      ),
    ).toBe('control')
    expect(multipartTextProblem(body('ab\u0000c', fileHead('a.pdf')), B)).toBe('control')
    expect(multipartTextProblem(body('ab\u001b[31m', fileHead('a.pdf')), B)).toBe('control')
  })

  it('leaves a body that is not well-formed multipart to the parser', () => {
    expect(multipartTextProblem(enc('no boundary here \u0000'), B)).toBeNull()
    expect(
      multipartTextProblem(enc(`--${B}\r\nContent-Disposition: form-data; name="x"\r\n\r\nabc`), B),
    ).toBeNull()
  })
})
