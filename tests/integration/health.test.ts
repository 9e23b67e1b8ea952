import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

describe('worker', () => {
  it('answers the health check and a bilingual 404', async () => {
    const ok = await exports.default.fetch('http://x/healthz')
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ ok: true })
    const missing = await exports.default.fetch('http://x/nope')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ error: { nl: 'Niet gevonden.', en: 'Not found.' } })
  })
})
