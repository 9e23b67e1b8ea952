import { Agent, request, fetch as undiciFetch } from 'undici'

/**
 * The one HTTP client of the served benches: a single keep-alive undici `Agent` (one connection pool per
 * origin) used for workerd's own listening sockets (our Worker, the floor) and for the Bolt peer's socket
 * alike, so every figure pays the same client and the same loopback hop. `undici` is the client Miniflare
 * itself depends on (no dependency of ours is added for it).
 */
export const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, pipelining: 1 })

export interface Answer {
  status: number
  /** The body, read to the end (a response is done when its last byte has arrived). */
  body: string
}

/** One request, body read to the end: the timed primitive of the ack benches (no WHATWG stream layer). */
export async function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const res = await request(url, {
    dispatcher: agent,
    method: (init.method ?? 'GET') as 'GET',
    headers: init.headers ?? {},
    body: init.body ?? null,
  })
  return { status: res.statusCode, body: await res.body.text() }
}

/**
 * A `fetch` against one origin on the same agent, for the dialogue clients (cookies, redirects as 303s,
 * `getSetCookie`): same signature as the harness's former `dispatchFetch` wrapper.
 */
export function fetcher(origin: string) {
  return (path: string, init?: RequestInit) =>
    undiciFetch(`${origin}${path}`, {
      ...(init as object),
      dispatcher: agent,
    }) as unknown as Promise<Response>
}

export async function closeAgent(): Promise<void> {
  await agent.close()
}
