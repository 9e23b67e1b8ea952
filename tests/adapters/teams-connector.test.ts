import { describe, expect, it } from 'vitest'
import { ConnectorError, ConnectorTokenCache, TeamsConnector } from '../../adapters/teams/connector'

const config = {
  appId: 'app-1',
  appPassword: 'secret-1',
  tokenUrl: 'https://login.example.test/tenant/oauth2/v2.0/token',
}
const address = { serviceUrl: 'https://smba.example.test/emea/', conversationId: 'a:conv/1' }
const NOW = new Date('2026-11-23T10:00:00Z')

interface Seen {
  method: string
  url: string
  auth: string | null
  body: string
}

/** A fetch that plays token endpoint and connector; `connector` decides each connector answer. */
function stub(connector: (n: number) => Response, tokenAnswers: (n: number) => Response = () => token('t1')) {
  const seen: Seen[] = []
  let tokens = 0
  let calls = 0
  // The SDK's HTTP client (axios' fetch adapter) hands fetch a Request; our token call passes a URL and init.
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const url = request.url
    seen.push({
      method: request.method,
      url,
      auth: request.headers.get('authorization'),
      body: await request.text(),
    })
    if (url === config.tokenUrl) return tokenAnswers(tokens++)
    return connector(calls++)
  }) as typeof fetch
  return { seen, fetchImpl }
}

function token(value: string, expiresIn = 3600) {
  return Response.json({ token_type: 'Bearer', access_token: value, expires_in: expiresIn })
}

function connectorWith(s: ReturnType<typeof stub>, now = () => NOW, tokens = new ConnectorTokenCache()) {
  return new TeamsConnector(config, { fetch: s.fetchImpl, now, tokens, sleep: async () => {} })
}

describe('TeamsConnector', () => {
  it('posts to /v3/conversations/{id}/activities with a client-credentials token', async () => {
    const s = stub(() => Response.json({ id: 'act-9' }))
    const result = await connectorWith(s).sendActivity(address, { type: 'message', text: 'x' })
    expect(result).toEqual({ id: 'act-9' })
    const [tokenCall, post] = s.seen
    expect(tokenCall?.method).toBe('POST')
    const form = new URLSearchParams(tokenCall?.body)
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'app-1',
      client_secret: 'secret-1',
      scope: 'https://api.botframework.com/.default',
    })
    expect(post).toMatchObject({
      method: 'POST',
      url: 'https://smba.example.test/emea/v3/conversations/a%3Aconv%2F1/activities',
      auth: 'Bearer t1',
    })
  })

  it('updates in place with PUT on the activity id', async () => {
    const s = stub(() => Response.json({ id: 'act-1' }))
    await connectorWith(s).updateActivity(address, 'act-1', { type: 'message' })
    expect(s.seen[1]).toMatchObject({
      method: 'PUT',
      url: 'https://smba.example.test/emea/v3/conversations/a%3Aconv%2F1/activities/act-1',
    })
    expect(JSON.parse(s.seen[1]?.body ?? '{}')).toMatchObject({ id: 'act-1', type: 'message' })
  })

  it('caches the token until five minutes before it expires', async () => {
    const s = stub(
      () => Response.json({ id: 'a' }),
      (n) => token(`t${n + 1}`),
    )
    let now = NOW
    const tokens = new ConnectorTokenCache()
    const c = connectorWith(s, () => now, tokens)
    await c.sendActivity(address, { type: 'message' })
    now = new Date(NOW.getTime() + 50 * 60 * 1000)
    await c.sendActivity(address, { type: 'message' })
    expect(s.seen.filter((x) => x.url === config.tokenUrl)).toHaveLength(1)
    now = new Date(NOW.getTime() + 56 * 60 * 1000)
    await c.sendActivity(address, { type: 'message' })
    expect(s.seen.filter((x) => x.url === config.tokenUrl)).toHaveLength(2)
    expect(s.seen.at(-1)?.auth).toBe('Bearer t2')
  })

  it('retries 429 and 5xx twice, then gives up with a temporary error', async () => {
    const flaky = stub((n) => (n < 2 ? new Response('busy', { status: 429 }) : Response.json({ id: 'ok' })))
    await expect(connectorWith(flaky).sendActivity(address, { type: 'message' })).resolves.toEqual({
      id: 'ok',
    })
    const down = stub(() => new Response('down', { status: 503 }))
    const err = await connectorWith(down)
      .sendActivity(address, { type: 'message' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConnectorError)
    expect(err).toMatchObject({ status: 503, temporary: true, operation: 'send' })
    expect(down.seen.filter((x) => x.url !== config.tokenUrl)).toHaveLength(3)
  })

  it('does not retry a permanent refusal', async () => {
    const s = stub(() => new Response('gone', { status: 404 }))
    const err = await connectorWith(s)
      .updateActivity(address, 'old', { type: 'message' })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ status: 404, temporary: false, operation: 'update' })
    expect(s.seen.filter((x) => x.url !== config.tokenUrl)).toHaveLength(1)
  })

  it('fetches a new token once when the connector refuses the cached one', async () => {
    const s = stub(
      (n) => (n === 0 ? new Response('unauthorized', { status: 401 }) : Response.json({ id: 'ok' })),
      (n) => token(`t${n + 1}`),
    )
    await expect(connectorWith(s).sendActivity(address, { type: 'message' })).resolves.toEqual({ id: 'ok' })
    expect(s.seen.map((x) => x.auth ?? 'token')).toEqual(['token', 'Bearer t1', 'token', 'Bearer t2'])
  })

  it('reports a token endpoint outage as temporary and bad credentials as permanent', async () => {
    const outage = stub(
      () => Response.json({}),
      () => new Response('down', { status: 500 }),
    )
    await expect(connectorWith(outage).sendActivity(address, { type: 'message' })).rejects.toMatchObject({
      operation: 'token',
      temporary: true,
    })
    const refused = stub(
      () => Response.json({}),
      () => new Response('invalid_client', { status: 401 }),
    )
    await expect(connectorWith(refused).sendActivity(address, { type: 'message' })).rejects.toMatchObject({
      operation: 'token',
      temporary: false,
    })
  })
})
