import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { botFrameworkDocuments, makeSigner, mintToken, type TestSigner } from '../tests/fixtures/teams/keys'

/**
 * The Bot Framework on loopback for the bench: OpenID metadata and JWKS (a key made here), the token
 * endpoint and the Bot Connector, on a `node:http` server at 127.0.0.1 whose URLs go into the Worker's
 * bindings. The connector keeps the last card sent to each conversation, so a bench client can read
 * its step and press its buttons the way a Teams user would.
 */

export const BENCH_APP_ID = '00000000-bench-0000-0000-000000000001'
export const BENCH_TENANT = 'tenant-bench-0001'

export interface SentCard {
  activityId: string
  card: unknown
}

export interface Platforms {
  base: string
  serviceUrl: string
  bindings: Record<string, string>
  /** A valid Bot Framework token for the connector at `serviceUrl`. */
  token: () => Promise<string>
  cards: Map<string, SentCard>
  /** Connector calls received for one conversation so far (replies are posted after the ack). */
  received: (conversationId: string) => number
  /** Connector calls answered so far. */
  calls: () => number
  close: () => Promise<void>
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function json(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

export async function startPlatforms(): Promise<Platforms> {
  const signer: TestSigner = await makeSigner('kid-bench-1')
  const cards = new Map<string, SentCard>()
  const perConversation = new Map<string, number>()
  let calls = 0
  let counter = 0
  let base = ''
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const body = await readBody(req)
    const docs = botFrameworkDocuments([signer])
    if (url.pathname === '/v1/.well-known/openidconfiguration') {
      return json(res, 200, { ...docs.metadata, jwks_uri: `${base}/v1/.well-known/keys` })
    }
    if (url.pathname === '/v1/.well-known/keys') return json(res, 200, docs.jwks)
    if (url.pathname === '/token') {
      return json(res, 200, {
        token_type: 'Bearer',
        expires_in: 3600,
        access_token: 'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.c2ln',
      })
    }
    const m = url.pathname.match(/^\/connector\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/)
    if (m) {
      calls++
      const conversationId = decodeURIComponent(m[1] ?? '')
      const activityId = m[2] ? decodeURIComponent(m[2]) : `bench-act-${++counter}`
      const card = (JSON.parse(body || '{}') as { attachments?: { content?: unknown }[] }).attachments?.[0]
        ?.content
      if (card) cards.set(conversationId, { activityId, card })
      perConversation.set(conversationId, (perConversation.get(conversationId) ?? 0) + 1)
      return json(res, 200, { id: activityId })
    }
    json(res, 404, { error: 'not found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const serviceUrl = `${base}/connector/`
  return {
    base,
    serviceUrl,
    bindings: {
      TEAMS_APP_ID: BENCH_APP_ID,
      TEAMS_APP_PASSWORD: 'bench-teams-password',
      TEAMS_OPENID_METADATA_URL: `${base}/v1/.well-known/openidconfiguration`,
      TEAMS_TOKEN_URL: `${base}/token`,
      TEAMS_TENANT_IDS: BENCH_TENANT,
    },
    token: () => mintToken(signer, Math.floor(Date.now() / 1000), { aud: BENCH_APP_ID, serviceUrl }),
    cards,
    received: (conversationId) => perConversation.get(conversationId) ?? 0,
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
