// A local stand-in for the Slack Web API, for `npm run dev` and the e2e tests: the Worker's
// SLACK_API_URL points here, so case cards, their updates and thread lines land in this process instead
// of slack.com. It answers every method with `ok: true` (chat.postMessage with a channel and a fresh ts)
// and records each call with its answer; `GET /_calls` lists them (newest last) as JSON.
//
//   node scripts/slack-stub.mjs [port]   → prints its URL; or RET_SLACK_STUB=1 npm run dev
//
// Only for local use: it has no authentication and keeps everything in memory.
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'

/** Reads a Web API request body: WebClient sends form fields (blocks as a JSON string) or JSON. */
function parseBody(raw, contentType) {
  if ((contentType ?? '').includes('application/json')) {
    try {
      return JSON.parse(raw || '{}')
    } catch {
      return {}
    }
  }
  const body = Object.fromEntries(new URLSearchParams(raw))
  for (const key of ['blocks', 'attachments', 'view', 'metadata']) {
    if (typeof body[key] === 'string') {
      try {
        body[key] = JSON.parse(body[key])
      } catch {
        // leave as sent
      }
    }
  }
  return body
}

/**
 * Starts the stub on 127.0.0.1 (port 0 = any free port).
 * @returns {Promise<{ url: string, calls: { method: string, body: Record<string, unknown>, answer: Record<string, unknown> }[], close(): Promise<void> }>}
 */
export function startSlackStub({ port = 0, onCall } = {}) {
  /** @type {{ method: string, body: Record<string, unknown>, answer: Record<string, unknown> }[]} */
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
      const method = path.replace(/^\/(api\/)?/, '')
      const body = parseBody(raw, req.headers['content-type'])
      const answer = { ok: true }
      const call = { method, body, answer }
      calls.push(call)
      if (method === 'chat.postMessage') {
        seq += 1
        answer.channel = body.channel
        answer.ts = `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`
      } else if (method === 'chat.update') {
        answer.channel = body.channel
        answer.ts = body.ts
      } else if (method === 'views.open' || method === 'views.update') {
        answer.view = { id: `V${String(++seq).padStart(8, '0')}` }
      } else if (method === 'users.info') {
        answer.user = { id: body.user, locale: 'nl-NL' }
      }
      onCall?.(call)
      res.end(JSON.stringify(answer))
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/api/`
      resolve({
        url,
        calls,
        close: () => new Promise((done) => server.close(() => done())),
      })
    })
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const stub = await startSlackStub({
    port: Number(process.argv[2] ?? 0),
    onCall: ({ method, body, answer }) =>
      console.log(`slack stub: ${method} ${body.channel ?? ''} ${answer.ts ?? ''}`),
  })
  console.log(
    `Slack Web API stub on ${stub.url} (GET ${stub.url.replace(/api\/$/, '_calls')} lists the calls)`,
  )
}
