/// <reference types="vite/client" />
import { env } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { WebClient } from './web-client'

/**
 * Issue 14 §7 end to end: a body that is not valid UTF-8 is refused with a clear bilingual 400 (it used to
 * be filed with U+FFFD in it, 201), and a control character in a free text is refused naming the field.
 */

const API_TOKEN = 'test-api-token-0123456789'
const sample = Object.values(
  import.meta.glob<{ intake: Record<string, unknown> }>('../fixtures/intakes/sample-mda.json', {
    eager: true,
    import: 'default',
  }),
)[0]!.intake

const caseCount = async () =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM cases').first<{ n: number }>())?.n ?? 0

/** The sample's JSON with the bytes 0xFF 0xFE in the middle of the question. */
function brokenUtf8(): Uint8Array {
  const text = JSON.stringify({ ...sample, question: 'Kan hij thuis BREAK blijven?' })
  const [before, after] = text.split('BREAK') as [string, string]
  const enc = new TextEncoder()
  return new Uint8Array([...enc.encode(before), 0xff, 0xfe, ...enc.encode(after)])
}

const fileCase = (body: BodyInit) =>
  exports.default.fetch(
    new Request('https://ret.example.test/api/v1/cases', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${API_TOKEN}`,
        'content-type': 'application/json',
        'idempotency-key': crypto.randomUUID(),
      },
      body,
    }),
  )

type Errors = { errors: { path: string; nl: string; en: string }[] }

describe('strict input (issue 14 §7)', () => {
  it('POST /api/v1/cases: invalid UTF-8 is a 400 naming UTF-8, and files nothing', async () => {
    const before = await caseCount()
    const res = await fileCase(brokenUtf8())
    expect(res.status).toBe(400)
    const body = (await res.json()) as Errors
    expect(body.errors[0]?.path).toBe('intake')
    expect(body.errors[0]?.nl).toContain('UTF-8')
    expect(body.errors[0]?.en).toContain('UTF-8')
    expect(await caseCount()).toBe(before)
  })

  it('POST /api/v1/cases: a NUL byte in a free text is a 400 naming the field', async () => {
    const before = await caseCount()
    const res = await fileCase(JSON.stringify({ ...sample, perspective: 'Moeder zegt\u0000 genoeg.' }))
    expect(res.status).toBe(400)
    const body = (await res.json()) as Errors
    expect(body.errors).toEqual([
      {
        path: 'perspective',
        nl: expect.stringContaining('stuurteken'),
        en: expect.stringContaining('control character'),
      },
    ])
    expect(await caseCount()).toBe(before)
    // The same intake without it is filed.
    expect(
      (await fileCase(JSON.stringify({ ...sample, perspective: 'Moeder zegt:\r\ngenoeg.' }))).status,
    ).toBe(201)
  })

  it('POST /api/v1/route: invalid UTF-8 is a 400 too', async () => {
    const res = await exports.default.fetch(
      new Request('https://ret.example.test/api/v1/route', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: brokenUtf8(),
      }),
    )
    expect(res.status).toBe(400)
    expect(((await res.json()) as Errors).errors[0]?.en).toContain('UTF-8')
  })

  it('web forms: a %FF escape or a raw invalid byte is a bilingual-ready 400 page, the draft untouched', async () => {
    const b = new WebClient()
    await b.login('Strikte Invoer')
    await b.post('/intake/start', {})
    const step = b.stepId()
    expect(step).not.toBe('')
    const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const send = (body: BodyInit) =>
      exports.default.fetch(
        new Request('http://127.0.0.1:8787/intake', {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body,
          redirect: 'manual',
        }),
      )
    const csrf = encodeURIComponent(b.csrf())
    for (const body of [
      `_csrf=${csrf}&_step=${step}&_action=next&question=%FF%FE`,
      new Uint8Array([...new TextEncoder().encode(`_csrf=${csrf}&_step=${step}&_action=next&q=`), 0xc3]),
    ]) {
      const res = await send(body)
      expect(res.status).toBe(400)
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
      expect(await res.text()).toContain('UTF-8')
    }
    // The draft is still where it was.
    await b.get('/intake')
    expect(b.stepId()).toBe(step)
  })
})
