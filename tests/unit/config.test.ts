import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { buildTag } from '../../src/routes/rate-limit'

describe('loadConfig', () => {
  it('parses a bindings object once and hands out the same settings for it afterwards', () => {
    const env = { DEV_MODE: 'true', CHAIRS: 'web:dev:chair-1' }
    const first = loadConfig(env)
    expect(first.DEV_MODE).toBe(true)
    expect(loadConfig(env)).toBe(first)
  })

  it('parses another bindings object on its own', () => {
    const a = loadConfig({ DEV_MODE: 'true' })
    const b = loadConfig({ DEV_MODE: 'false' })
    expect(a.DEV_MODE).toBe(true)
    expect(b.DEV_MODE).toBe(false)
  })

  it('does not remember a configuration it refused: every use names the bad setting', () => {
    const env = { ACCESS_MAX_TOKEN_AGE_SECONDS: '10' }
    expect(() => loadConfig(env)).toThrow(/ACCESS_MAX_TOKEN_AGE_SECONDS/)
    expect(() => loadConfig(env)).toThrow(/ACCESS_MAX_TOKEN_AGE_SECONDS/)
  })
})

describe('rate-limit tags', () => {
  const sha = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 24)

  it('is the first 12 bytes of SHA-256 of the key, the same when answered from the isolate cache', async () => {
    expect(await buildTag('slack:T1:U1')).toBe(sha('slack:T1:U1'))
    expect(await buildTag('slack:T1:U1')).toBe(sha('slack:T1:U1'))
  })

  it('stays right past the cache bound (junk keys cannot grow it)', async () => {
    for (let i = 0; i < 2500; i++) await buildTag(`web:ip:10.0.${i >> 8}.${i & 255}`)
    expect(await buildTag('web:ip:10.0.0.1')).toBe(sha('web:ip:10.0.0.1'))
    expect(await buildTag('slack:T1:U1')).toBe(sha('slack:T1:U1'))
  })
})
