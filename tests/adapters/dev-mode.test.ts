import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { devModeRefusal, isLoopbackAddress, isLoopbackHost, webConfigFor } from '../../src/auth/dev-mode'
import { loadConfig } from '../../src/config'
import { logSink } from '../../src/logger'

/** Issue 14 §1: the dev sign-in only without Access and from loopback; production cannot switch it on quietly. */

const dev = loadConfig({ DEV_MODE: 'true' })
const local = { url: 'http://127.0.0.1:8787/dev/login', connectingIp: undefined }

describe('loopback', () => {
  it('knows loopback hosts and addresses, and nothing else', () => {
    for (const host of ['localhost', 'LOCALHOST', 'ret.localhost', '127.0.0.1', '127.1.2.3', '[::1]'])
      expect(isLoopbackHost(host), host).toBe(true)
    for (const host of ['ret.example.org', 'localhost.example.org', '10.0.0.1', '[2001:db8::1]', '128.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(false)
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(ip), ip).toBe(true)
    for (const ip of ['203.0.113.7', '::ffff:10.0.0.1', '127.0.0.999', '', 'unknown'])
      expect(isLoopbackAddress(ip), ip).toBe(false)
  })
})

describe('devModeRefusal', () => {
  it('allows the dev sign-in on loopback without Access', () => {
    expect(devModeRefusal(dev, local)).toBeNull()
    expect(devModeRefusal(dev, { url: 'http://localhost:8787/', connectingIp: '::1' })).toBeNull()
  })

  it('refuses it with Access configured (either setting), from another address or to another host', () => {
    expect(devModeRefusal({ ...dev, ACCESS_AUD: 'aud-0123456789' }, local)).toBe('access_configured')
    expect(devModeRefusal({ ...dev, ACCESS_TEAM_DOMAIN: 'x.cloudflareaccess.com' }, local)).toBe(
      'access_configured',
    )
    expect(devModeRefusal(dev, { ...local, connectingIp: '198.51.100.4' })).toBe('not_loopback')
    expect(devModeRefusal(dev, { url: 'https://ret.example.org/', connectingIp: undefined })).toBe(
      'not_loopback',
    )
    expect(devModeRefusal(dev, { url: 'not a url', connectingIp: undefined })).toBe('not_loopback')
  })

  it('has nothing to refuse without DEV_MODE', () => {
    expect(devModeRefusal(loadConfig({}), { url: 'https://ret.example.org/', connectingIp: '1.2.3.4' })).toBe(
      null,
    )
  })
})

describe('webConfigFor', () => {
  const original = logSink.write
  afterEach(() => {
    logSink.write = original
  })

  it('turns DEV_MODE off for a refused request and logs why (no address, no host in the line)', () => {
    const lines: string[] = []
    logSink.write = (line) => void lines.push(line)
    const served = webConfigFor(dev, {
      url: 'https://ret.example.org/dev/login',
      connectingIp: '203.0.113.9',
      requestId: 'rq-1',
    })
    expect(served.DEV_MODE).toBe(false)
    expect(dev.DEV_MODE).toBe(true)
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0] as string)).toEqual({
      level: 'warn',
      event: 'dev_mode_refused',
      code: 'not_loopback',
      requestId: 'rq-1',
    })
    expect(lines[0]).not.toContain('203.0.113.9')
    expect(webConfigFor(dev, local)).toBe(dev)
    expect(lines).toHaveLength(1)
  })
})

describe('production configuration cannot turn DEV_MODE on quietly', () => {
  it('defaults to off, and refuses anything but an exact true/false/1/0', () => {
    expect(loadConfig({}).DEV_MODE).toBe(false)
    for (const value of ['yes', 'TRUE', 'on', ' true']) {
      expect(() => loadConfig({ DEV_MODE: value }), value).toThrow(/DEV_MODE/)
    }
  })

  it('wrangler.toml sets DEV_MODE = "false" in every section that sets it, and nothing else turns it on', () => {
    const toml = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8')
    const settings = [...toml.matchAll(/^\s*DEV_MODE\s*=\s*(.+)$/gm)].map((m) => m[1]?.trim())
    expect(settings.length).toBeGreaterThan(0)
    for (const value of settings) expect(value).toBe('"false"')
    // Only `npm run dev` (scripts/dev.mjs, wrangler dev on 127.0.0.1) passes DEV_MODE=true.
    const dev = readFileSync(new URL('../../scripts/dev.mjs', import.meta.url), 'utf8')
    expect(dev).toContain("DEV_MODE: 'true'")
    expect(dev).toContain("'--ip', '127.0.0.1'")
  })
})
