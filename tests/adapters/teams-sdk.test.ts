import { afterEach, describe, expect, it, vi } from 'vitest'
import { WorkerHttpAdapter, workerHttpClient } from '../../adapters/teams/sdk'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('WorkerHttpAdapter', () => {
  it('keeps the handler the SDK registers for POST /api/messages and hands requests to it', async () => {
    const adapter = new WorkerHttpAdapter()
    await expect(adapter.handle({ body: {}, headers: {} })).rejects.toThrow(/no messaging route/)
    adapter.registerRoute('POST', '/api/other', async () => ({ status: 418 }))
    adapter.registerRoute('POST', '/api/messages', async (req) => ({ status: 200, body: req.body }))
    expect(await adapter.handle({ body: { a: 1 }, headers: {} })).toEqual({ status: 200, body: { a: 1 } })
  })
})

describe('workerHttpClient', () => {
  it('clones cheaply: one axios instance, but each clone sends its own token and headers, through fetch', async () => {
    const seen: { auth: string | null; agent: string | null; url: string }[] = []
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      seen.push({
        url: request.url,
        auth: request.headers.get('authorization'),
        agent: request.headers.get('user-agent'),
      })
      return Response.json({ ok: true })
    })
    const parent = workerHttpClient()
    const a = parent.clone({ token: () => 'token-a', headers: { 'User-Agent': 'ua-a' } })
    const b = a.clone({ token: () => 'token-b' })
    // `http` (the axios instance) is protected in the SDK's types: read it as the runtime sees it.
    const axiosOf = (c: object) => (c as { http: unknown }).http
    expect(axiosOf(a)).toBe(axiosOf(parent))
    expect(axiosOf(b)).toBe(axiosOf(parent))
    await a.get('https://connector.example.test/a')
    await b.get('https://connector.example.test/b')
    await parent.get('https://connector.example.test/p')
    expect(seen).toEqual([
      { url: 'https://connector.example.test/a', auth: 'Bearer token-a', agent: 'ua-a' },
      { url: 'https://connector.example.test/b', auth: 'Bearer token-b', agent: 'ua-a' },
      { url: 'https://connector.example.test/p', auth: null, agent: expect.not.stringContaining('ua-a') },
    ])
  })
})
