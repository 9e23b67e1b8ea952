import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { parseIntake } from '../../src/domain/intake'
import { route, toRoutingOutput } from '../../src/domain/routing'
import { DEFAULT_RULES } from '../../src/domain/rules'
import sampleConsultation from '../fixtures/intakes/sample-consultation.json'
import sampleExperttafel from '../fixtures/intakes/sample-experttafel.json'
import sampleMda from '../fixtures/intakes/sample-mda.json'
import sampleRo3 from '../fixtures/intakes/sample-ro3.json'
import sampleRop from '../fixtures/intakes/sample-rop.json'
import sampleRst from '../fixtures/intakes/sample-rst.json'
import sampleUnicode from '../fixtures/intakes/sample-unicode-names.json'

// Inside workerd there is no file system: the committed copies of the shared samples are imported.
const SAMPLES: Record<string, { intake: unknown; expected: Record<string, string[] | string> }> = {
  consultation: sampleConsultation,
  experttafel: sampleExperttafel,
  mda: sampleMda,
  ro3: sampleRo3,
  rop: sampleRop,
  rst: sampleRst,
  unicode: sampleUnicode,
}

const URL_ROUTE = 'http://ret.test/api/v1/route'

function post(
  body: BodyInit | null,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  return exports.default.fetch(new Request(URL_ROUTE, { method: 'POST', body, headers }))
}

interface ErrorList {
  errors: { path: string; nl: string; en: string }[]
}

describe('POST /api/v1/route', () => {
  for (const [name, sample] of Object.entries(SAMPLES)) {
    it(`routes the ${name} sample as expected`, async () => {
      const res = await post(JSON.stringify(sample.intake))
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      const out = (await res.json()) as ReturnType<typeof toRoutingOutput>
      expect(Object.keys(out)).toEqual(['primary', 'alternatives', 'reasons', 'gates', 'missing', 'scores'])
      expect(Object.keys(out.scores).sort()).toEqual(['EXPERTTAFEL', 'MDA++', 'RO3', 'ROP', 'RST'])
      for (const r of out.reasons)
        expect(Object.keys(r)).toEqual(['rule', 'field', 'intervention', 'weight', 'nl', 'en'])
      expect(out.primary).toBe(sample.expected.primary)
      expect(out.gates.map((g) => g.gate)).toEqual(sample.expected.gates)
      expect(out.missing).toEqual(sample.expected.missing)
      expect([...out.alternatives].sort()).toEqual([...(sample.expected.alternatives as string[])].sort())
      // The same output as the domain (and so as `ret route`) for this year's clock.
      const parsed = parseIntake(sample.intake)
      if (!parsed.ok) throw new Error(name)
      const expected = toRoutingOutput(route(parsed.value, DEFAULT_RULES, new Date()))
      expect(out).toEqual(expected)
    })
  }

  it('shows names with Ĳ, Ł and Ő nowhere in the output (nothing personal comes back)', async () => {
    const res = await post(JSON.stringify(sampleUnicode.intake))
    const text = await res.text()
    expect(text).not.toMatch(/Ĳsbrand|Łukasiewicz/)
  })

  it('accepts application/json with a charset', async () => {
    const res = await post(JSON.stringify(sampleRop.intake), {
      'content-type': 'application/json; charset=utf-8',
    })
    expect(res.status).toBe(200)
  })

  it('400 with field-named bilingual errors for an invalid intake', async () => {
    const intake = structuredClone(sampleMda.intake) as Record<string, unknown> & {
      child: { birthYear: unknown }
    }
    intake.child.birthYear = 'twee'
    intake.unexpected = 1
    const res = await post(JSON.stringify(intake))
    expect(res.status).toBe(400)
    const body = (await res.json()) as ErrorList
    expect(body.errors.map((e) => e.path)).toEqual(['child.birthYear', 'unexpected'])
    for (const e of body.errors) {
      expect(e.nl).toContain(e.path)
      expect(e.en).toContain(e.path)
      expect(e.nl).not.toEqual(e.en)
    }
  })

  it('400 for JSON that is broken, empty, not an object, or a sample wrapper', async () => {
    const cases: [string, string][] = [
      ['{ "language": ', 'intake'],
      ['', 'intake'],
      ['[1, 2]', 'intake'],
      ['null', 'intake'],
      [JSON.stringify(sampleRop), 'language'],
    ]
    for (const [body, firstPath] of cases) {
      const res = await post(body)
      expect(res.status, body.slice(0, 20)).toBe(400)
      const json = (await res.json()) as ErrorList
      expect(json.errors[0]!.path).toBe(firstPath)
      expect(json.errors[0]!.nl.length).toBeGreaterThan(5)
      expect(json.errors[0]!.en.length).toBeGreaterThan(5)
    }
  })

  it('415 when the body is not declared as JSON', async () => {
    const variants: Record<string, string>[] = [
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
    ]
    for (const headers of variants) {
      const res = await post(JSON.stringify(sampleRop.intake), headers)
      expect(res.status).toBe(415)
      const body = (await res.json()) as { error: { code: string; nl: string; en: string } }
      expect(body.error.code).toBe('unsupported_media_type')
      expect(body.error.nl).toMatch(/JSON/)
      expect(body.error.en).toMatch(/JSON/)
    }
  })

  it('413 over 256 KB, by Content-Length and by the actual body', async () => {
    const big = JSON.stringify({ ...sampleRop.intake, question: 'x'.repeat(300 * 1024) })
    const declared = await post(big)
    expect(declared.status).toBe(413)
    expect(((await declared.json()) as { error: { en: string } }).error.en).toMatch(/256 kB/)

    // A streamed body carries no Content-Length: the size is counted while reading.
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const streamed = await post(stream)
    expect(streamed.status).toBe(413)

    // Just under the limit is read (and then rejected as an invalid intake, not as too large).
    const under = await post(JSON.stringify({ ...sampleRop.intake, question: 'x'.repeat(200 * 1024) }))
    expect(under.status).toBe(400)
  })

  it('405 for other methods', async () => {
    const res = await exports.default.fetch(URL_ROUTE)
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST')
  })

  it('needs no token and leaves the cases API to its own routes', async () => {
    const res = await exports.default.fetch(
      new Request('http://ret.test/api/v1/cases', {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
    )
    expect(res.status).toBe(401)
  })
})
