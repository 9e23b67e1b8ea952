import { env, runInDurableObject } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { WEB_ANSWERS } from './web-answers'
import { WebClient } from './web-client'

const REFERENCE = /RET-\d{4}-\d{4}/

/** Answers steps until the review (or `stopAt`), following whatever step the dialogue shows. */
async function answerUntil(b: WebClient, stopAt = 'review') {
  for (let i = 0; i < 20; i++) {
    const stepId = b.stepId()
    if (stepId === stopAt) return
    const answers = WEB_ANSWERS[stepId]
    if (!answers) throw new Error(`no answers for step ${stepId}`)
    await b.post('/intake', { _step: stepId, _action: 'next', ...answers })
    expect(b.status, `step ${stepId}: ${b.html.match(/error-summary[\s\S]*?<\/ul>/)?.[0]}`).toBe(200)
  }
  throw new Error('the intake did not reach the review')
}

async function casesOf(referrerKey: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM cases WHERE referrer_key = ?')
    .bind(referrerKey)
    .first<{ n: number }>()
  return row?.n ?? 0
}

describe('web surface', () => {
  it('signs in with the marked development login, and refuses a missing name in Dutch', async () => {
    const b = new WebClient()
    await b.get('/dev/login')
    expect(b.status).toBe(200)
    expect(b.html).toContain('Ontwikkelomgeving')
    expect(b.html).toContain('<label for="f-name">')
    await b.post('/dev/login', { name: '  ', role: 'referrer' })
    expect(b.status).toBe(422)
    expect(b.html).toContain('Vul je naam in')
    expect(b.cookies.has('ret_session')).toBe(false)
    await b.post('/dev/login', { name: 'Lotte Bakker', role: 'referrer' })
    expect(b.status).toBe(200)
    expect(b.html).toContain('Ingelogd als Lotte Bakker')
    expect(b.html).toContain('Nieuwe aanmelding starten')
  })

  it('sets security headers and the page language', async () => {
    const b = new WebClient()
    const res = await b.get('/')
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'nonce-[\w-]+'/)
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(b.html).toMatch(/^<!doctype html><html lang="nl">/)
    const nonce = res.headers.get('content-security-policy')!.match(/nonce-([\w-]+)/)![1]
    expect(b.html).toContain(`<style nonce="${nonce}">`)
  })

  it('answers a browser with an HTML 404 page, an API client with JSON', async () => {
    const b = new WebClient()
    const page = await exports.default.fetch('http://x/no-such-page', { headers: { accept: 'text/html' } })
    expect(page.status).toBe(404)
    expect(await page.text()).toContain('Pagina niet gevonden')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    const api = await exports.default.fetch('http://x/no-such-page')
    expect(api.status).toBe(404)
    expect(await api.json()).toEqual({ error: { nl: 'Niet gevonden.', en: 'Not found.' } })
    await b.get('/dev/login')
    expect(b.status).toBe(200)
  })

  it('refuses a form without a valid CSRF token and a post without a session, with a page, not a 500', async () => {
    const b = new WebClient()
    await b.login('Eva Jansen')
    await b.post('/intake/start', {}, { csrf: 'forged' })
    expect(b.status).toBe(403)
    expect(b.html).toContain('Formulier verlopen')
    const stranger = new WebClient()
    await stranger.get('/')
    await stranger.post('/intake', { _step: 'start', _action: 'next' })
    expect(stranger.status).toBe(401)
    expect(stranger.html).toContain('Geen toegang')
    expect(stranger.html).toContain('No access')
  })

  it('files a complete case: back, invalid input kept, resume elsewhere, one case for a double submit', async () => {
    const b = new WebClient()
    await b.login('Sanne de Vries')
    await b.post('/intake/start', {})
    expect(b.stepId()).toBe('start')
    expect(b.html).toContain('Stap 1 van')

    await answerUntil(b, 'child')
    // Back goes to the referrer step with the answers filled in.
    await b.post('/intake', { _step: 'child', _action: 'back' })
    expect(b.stepId()).toBe('referrer')
    expect(b.inputValue('referrer.name')).toBe('Sanne de Vries')
    await answerUntil(b, 'child')

    // Invalid input: a clear Dutch message linked to the field, the typed value kept, no state change.
    await b.post('/intake', {
      _step: 'child',
      _action: 'next',
      'child.pseudonym': 'J.',
      'child.birthYear': '20x2',
    })
    expect(b.status).toBe(422)
    expect(b.html).toContain('<a href="#f-child-birthYear">')
    expect(b.html).toMatch(/aria-describedby="[^"]*f-child-birthYear-error/)
    expect(b.html).toContain('vul een jaartal in')
    expect(b.inputValue('child.birthYear')).toBe('20x2')
    expect(b.inputValue('child.pseudonym')).toBe('J.')

    // The same error in English after switching the language.
    await b.post('/lang', { lang: 'en', next: '/intake' })
    await b.post('/intake', { _step: 'child', _action: 'next', 'child.birthYear': '20x2' })
    expect(b.status).toBe(422)
    expect(b.html).toMatch(/^<!doctype html><html lang="en">/)
    expect(b.html).toContain('enter a year')
    await b.post('/lang', { lang: 'nl', next: '/intake' })
    await b.post('/intake', { _step: 'child', _action: 'next', ...WEB_ANSWERS.child })
    expect(b.stepId()).toBe('legal')

    // The draft is stored encrypted, bound to its conversation key: no plaintext answers at rest.
    const stub = env.DRAFTS.get(env.DRAFTS.idFromName('web:dev:sanne-de-vries'))
    const stored = await runInDurableObject(stub, (_instance, state) =>
      state.storage.get<{ key: string; blob: string }>('draft'),
    )
    expect(stored?.key).toBe('web:dev:sanne-de-vries')
    expect(stored?.blob).toMatch(/^v2\.draft\./)
    expect(JSON.stringify(stored)).not.toContain('Sanne')
    expect(JSON.stringify(stored)).not.toContain('sanne@example.org')

    // "Save and continue later", then resume from another browser with the same identity.
    await b.post('/intake', { _step: 'legal', _action: 'later', 'legal.framework': 'vrijwillig' })
    expect(b.html).toContain('Je aanmelding is bewaard')
    const other = new WebClient()
    await other.login('Sanne de Vries')
    expect(other.html).toContain('Verder met mijn aanmelding')
    await other.get('/intake')
    expect(other.stepId()).toBe('legal')
    expect(other.html).toMatch(/<option value="vrijwillig" selected/)

    await answerUntil(other)
    expect(other.html).toContain('Voorgestelde interventie')
    expect(other.html).toContain('Je antwoorden')
    const csrf = other.csrf()

    // Two submits at once (a double click) and one more later: exactly one case.
    const again = new WebClient()
    for (const [k, v] of other.cookies) again.cookies.set(k, v)
    await Promise.all([
      other.post('/intake', { _step: 'review', _action: 'submit' }, { csrf }),
      again.post('/intake', { _step: 'review', _action: 'submit' }, { csrf }),
    ])
    const reference = other.html.match(REFERENCE)?.[0]
    expect(reference).toBeDefined()
    expect(again.html.match(REFERENCE)?.[0]).toBe(reference)
    await other.post('/intake', { _step: 'review', _action: 'submit' }, { csrf })
    expect(other.html.match(REFERENCE)?.[0]).toBe(reference)
    expect(await casesOf('web:dev:sanne-de-vries')).toBe(1)

    await other.get('/cases')
    expect(other.html).toContain(reference!)
    expect(other.html).toContain('Ingediend')
    // The first browser sees the submitted case, not a half-done draft.
    await b.get('/')
    expect(b.html).not.toContain('Verder met mijn aanmelding')
  })

  it('answers malformed and hostile posts with a page, never a 500, and keeps the draft', async () => {
    const b = new WebClient()
    await b.login('Robin Smit')
    await b.post('/intake/start', {})
    const csrf = b.csrf()
    const hostile: Record<string, string | string[]>[] = [
      { _step: 'start', _action: 'remove:help.history:999999' },
      { _step: '<script>', _action: 'next', acuteDanger: ['true', 'false'] },
      { _step: 'start', _action: 'choose:G1' },
      { _step: 'start', _action: 'edit:nope' },
      { _step: 'start', _action: 'next', acuteDanger: '{"$gt":1}', consultationOnly: 'x'.repeat(9000) },
      { _step: 'start', _action: 'x'.repeat(500) },
      {
        _step: 'start',
        _action: 'next',
        _multi: 'acuteDanger',
        'constructor.prototype': 'x',
        __proto__: 'y',
      },
    ]
    for (const fields of hostile) {
      await b.post('/intake', fields, { csrf })
      expect(b.status, JSON.stringify(fields).slice(0, 80)).toBeLessThan(500)
      expect([200, 400, 413, 422]).toContain(b.status)
    }
    await b.get('/intake')
    expect(b.stepId()).toBe('start')
    const huge = await b.post('/intake', { _step: 'start', question: 'x'.repeat(300_000) }, { csrf })
    expect(huge.status).toBe(413)
    await b.get('/intake')
    expect(b.stepId()).toBe('start')
  })

  it('cancels only after confirmation and then erases the draft', async () => {
    const b = new WebClient()
    await b.login('Noor Visser')
    await b.post('/intake/start', {})
    await b.post('/intake', { _step: 'start', _action: 'cancel' })
    expect(b.url).toBe('/intake/cancel')
    expect(b.html).toContain('Aanmelding stoppen?')
    await b.post('/intake/cancel', {})
    expect(b.html).toContain('De aanmelding is gestopt en gewist')
    await b.get('/intake')
    expect(b.html).toContain('Er is geen aanmelding in behandeling')
  })

  it('G1: stopping at the acute-danger notice keeps the crisis numbers on screen and files nothing', async () => {
    const b = new WebClient()
    await b.login('Daan Bos')
    await b.post('/intake/start', {})
    await b.post('/intake', {
      _step: 'start',
      _action: 'next',
      acuteDanger: 'true',
      consultationOnly: 'false',
    })
    const before = await env.DB.prepare('SELECT COUNT(*) AS n FROM cases').first<{ n: number }>()
    await b.post('/intake', { _step: b.stepId(), _action: 'choose:G1:stop' })
    expect(b.url).toBe('/?m=crisis')
    expect(b.html).toMatch(/<section class="notice notice-danger" role="alert"/)
    expect(b.html).toContain('112')
    expect(b.html).toContain('0800-2000')
    const after = await env.DB.prepare('SELECT COUNT(*) AS n FROM cases').first<{ n: number }>()
    expect(after?.n).toBe(before?.n)
    await b.get('/intake')
    expect(b.html).toContain('Er is geen aanmelding in behandeling')
  })

  it('G1: shows the crisis numbers as an alert and files a spoedmelding with urgency acuut', async () => {
    const b = new WebClient()
    await b.login('Fleur Mulder')
    await b.post('/intake/start', {})
    await b.post('/intake', {
      _step: 'start',
      _action: 'next',
      acuteDanger: 'true',
      consultationOnly: 'false',
    })
    expect(b.html).toMatch(/<section class="notice notice-danger" role="alert"/)
    expect(b.html).toContain('112')
    expect(b.html).toContain('0800-2000')
    expect(b.html).toContain('value="choose:G1:spoedmelding"')
    await b.post('/intake', { _step: b.stepId(), _action: 'choose:G1:spoedmelding' })
    // the chairs call back now: the phone number is asked as required, and refused when left empty
    expect(b.html).toMatch(/<input[^>]*id="f-referrer-phone"[^>]*aria-required="true"/)
    await b.post('/intake', {
      _step: 'referrer',
      _action: 'next',
      ...WEB_ANSWERS.referrer,
      'referrer.phone': '',
    })
    expect(b.stepId()).toBe('referrer')
    expect(b.html).toContain('Je telefoonnummer: vul dit in.')
    await answerUntil(b)
    await b.post('/intake', { _step: 'review', _action: 'submit' })
    const reference = b.html.match(REFERENCE)?.[0]
    expect(reference).toBeDefined()
    const row = await env.DB.prepare('SELECT urgency FROM cases WHERE reference = ?')
      .bind(reference)
      .first<{ urgency: string }>()
    expect(row?.urgency).toBe('acuut')
  })
})
