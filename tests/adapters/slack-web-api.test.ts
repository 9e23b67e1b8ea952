import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildSlackWebApi, SlackApiError } from '../../adapters/slack/web-api'

/**
 * The Web API client on @slack/web-api's WebClient, against msw: base URL from configuration, bot token,
 * `redirect: 'manual'`, error codes for the queue, and `Retry-After` honoured on 429.
 */

const BASE = 'https://slack.stub.test/api/'

interface Seen {
  method: string
  auth: string | null
  contentType: string
  fields: Record<string, string>
}
const seen: Seen[] = []
/** Per method: the answers still to give, in order (then `{ ok: true }`). */
const script = new Map<string, Array<() => Response>>()

const server = setupServer(
  http.post(`${BASE}:method`, async ({ params, request }) => {
    const method = String(params.method)
    seen.push({
      method,
      auth: request.headers.get('authorization'),
      contentType: request.headers.get('content-type') ?? '',
      fields: Object.fromEntries(new URLSearchParams(await request.text())),
    })
    const next = script.get(method)?.shift()
    if (next) return next()
    if (method === 'chat.postMessage') return HttpResponse.json({ ok: true, channel: 'C1', ts: '1.000100' })
    if (method === 'views.open') return HttpResponse.json({ ok: true, view: { id: 'V1' } })
    if (method === 'users.info') return HttpResponse.json({ ok: true, user: { locale: 'en-GB' } })
    return HttpResponse.json({ ok: true })
  }),
  http.post('https://hooks.slack.com/*', () => new HttpResponse(null, { status: 200 })),
)

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  seen.length = 0
  script.clear()
  server.resetHandlers()
})

function client(sleeps: number[] = []) {
  return buildSlackWebApi({
    token: 'xoxb-unit',
    baseUrl: BASE.slice(0, -1), // without the trailing slash: the client adds it
    sleep: async (ms) => {
      sleeps.push(ms)
    },
  })
}

const rateLimited = (seconds: string) => () =>
  new HttpResponse(JSON.stringify({ ok: false, error: 'ratelimited' }), {
    status: 429,
    headers: { 'retry-after': seconds, 'content-type': 'application/json' },
  })

describe('Slack Web API on WebClient', () => {
  it('calls the configured base URL with the bot token; blocks travel JSON-encoded in form fields', async () => {
    const posted = await client().postMessage('C1', {
      text: 'RET-2026-0001',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }],
    })
    expect(posted).toEqual({ channel: 'C1', ts: '1.000100' })
    expect(seen).toHaveLength(1)
    expect(seen[0]?.method).toBe('chat.postMessage')
    expect(seen[0]?.auth).toBe('Bearer xoxb-unit')
    expect(seen[0]?.contentType).toContain('application/x-www-form-urlencoded')
    expect(JSON.parse(seen[0]?.fields.blocks ?? 'null')).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'x' } },
    ])
    expect(seen[0]?.fields.unfurl_links).toBe('false')
  })

  it('opens views and reads the locale', async () => {
    const api = client()
    const opened = await api.openView('trigger-1', {
      type: 'modal',
      callback_id: 'ret:x',
      title: { type: 'plain_text', text: 'RET' },
      private_metadata: '',
      blocks: [],
    })
    expect(opened).toEqual({ viewId: 'V1' })
    expect(await api.userLocale('U1')).toBe('en-GB')
    expect(seen.map((s) => s.method)).toEqual(['views.open', 'users.info'])
    expect(seen[1]?.fields).toMatchObject({ user: 'U1', include_locale: 'true' })
  })

  it('waits out a short Retry-After once and then succeeds', async () => {
    script.set('chat.update', [rateLimited('2')])
    const sleeps: number[] = []
    await client(sleeps).updateMessage('C1', '1.0001', { text: 'x' })
    expect(sleeps).toEqual([2000])
    expect(seen.map((s) => s.method)).toEqual(['chat.update', 'chat.update'])
  })

  it('hands a long Retry-After to the queue as a temporary error, without waiting', async () => {
    script.set('chat.postMessage', [rateLimited('30')])
    const sleeps: number[] = []
    const error = await client(sleeps)
      .postMessage('C1', { text: 'x' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SlackApiError)
    expect(error).toMatchObject({ code: 'ratelimited', temporary: true, retryAfterSeconds: 30 })
    expect(sleeps).toEqual([])
    expect(seen).toHaveLength(1)
  })

  it('does not wait twice: a second 429 after the wait is the queue’s', async () => {
    script.set('chat.postEphemeral', [rateLimited('1'), rateLimited('1')])
    const sleeps: number[] = []
    const error = await client(sleeps)
      .postEphemeral('C1', 'U1', { text: 'x' })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ratelimited', temporary: true, retryAfterSeconds: 1 })
    expect(sleeps).toEqual([1000])
    expect(seen).toHaveLength(2)
  })

  it('maps platform errors, HTTP failures and redirects to SlackApiError codes', async () => {
    script.set('chat.postMessage', [
      () => HttpResponse.json({ ok: false, error: 'channel_not_found' }),
      () => HttpResponse.json({ ok: false, error: 'internal_error' }),
      () => new HttpResponse('down', { status: 503 }),
      () => new HttpResponse(null, { status: 302, headers: { location: 'https://elsewhere.test/' } }),
    ])
    const api = client()
    const errors: unknown[] = []
    for (let i = 0; i < 4; i++)
      errors.push(await api.postMessage('C1', { text: 'x' }).catch((e: unknown) => e))
    expect(errors).toMatchObject([
      { code: 'channel_not_found', temporary: false },
      { code: 'internal_error', temporary: true },
      { code: 'http_503', temporary: true },
      // The redirect is not followed: nothing was sent to elsewhere.test (msw would have refused it).
      { code: 'http_302', temporary: false },
    ])
    expect(seen).toHaveLength(4)
  })

  it('passes redirect: manual to fetch on every call', async () => {
    const redirects: RequestInit['redirect'][] = []
    const api = buildSlackWebApi({
      token: 'xoxb-unit',
      baseUrl: BASE,
      fetch: async (input, init) => {
        redirects.push(init?.redirect)
        return fetch(input, init)
      },
    })
    await api.postMessage('C1', { text: 'x' })
    await api.respond('https://hooks.slack.com/commands/T1/1/abc', { text: 'x' })
    expect(redirects).toEqual(['manual', 'manual'])
  })

  it('answers only Slack’s own response_url hosts', async () => {
    const error = await client()
      .respond('https://attacker.example/hook', { text: 'x' })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'untrusted_url', temporary: false })
  })
})
