// A local stand-in for the Bot Connector of a Teams triage channel, for `npm run dev` and the e2e tests:
// the token endpoint (`POST /token`) and a conversation's activities (`POST` a new one, `PUT` an update,
// under `/v3/conversations/<id>/activities`). Every activity is answered with an id and recorded;
// `GET /_calls` lists them (newest last) as JSON.
//
//   RET_TEAMS_STUB=1 npm run dev   (or RET_TEAMS_CONNECTOR_URL=<a running stub>)
//
// Only for local use: it has no authentication and keeps everything in memory.
import { createServer } from 'node:http'

/**
 * Starts the stub on 127.0.0.1 (port 0 = any free port).
 * @returns {Promise<{ url: string, calls: { method: string, conversationId: string, activityId: string, body: Record<string, unknown> }[], close(): Promise<void> }>}
 */
export function startTeamsStub({ port = 0, onCall } = {}) {
  /** @type {{ method: string, conversationId: string, activityId: string, body: Record<string, unknown> }[]} */
  const calls = []
  let seq = 0
  const server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (chunk) => {
      raw += chunk
    })
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://stub').pathname
      res.setHeader('content-type', 'application/json; charset=utf-8')
      if (req.method === 'GET' && path === '/_calls') {
        res.end(JSON.stringify(calls))
        return
      }
      if (req.method === 'POST' && path === '/token') {
        res.end(
          JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: 'dev-connector-token' }),
        )
        return
      }
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path)
      if (!match || (req.method !== 'POST' && req.method !== 'PUT')) {
        res.statusCode = 404
        res.end(JSON.stringify({ error: { code: 'NotFound' } }))
        return
      }
      let body = {}
      try {
        body = JSON.parse(raw || '{}')
      } catch {
        // recorded as empty
      }
      const activityId = req.method === 'PUT' ? decodeURIComponent(match[2] ?? '') : `dev-act-${++seq}`
      const call = {
        method: req.method,
        conversationId: decodeURIComponent(match[1] ?? ''),
        activityId,
        body,
      }
      calls.push(call)
      onCall?.(call)
      res.end(JSON.stringify({ id: activityId }))
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`
      resolve({ url, calls, close: () => new Promise((done) => server.close(() => done())) })
    })
  })
}
