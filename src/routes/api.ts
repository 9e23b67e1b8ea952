import { type Context, Hono } from 'hono'
import type { AppEnv } from '../app'
import { both } from '../domain/copy'
import { parseIntake } from '../domain/intake'
import { route, toRoutingOutput } from '../domain/routing'
import { DEFAULT_RULES } from '../domain/rules'
import { systemClock } from '../ports/clock'
import { readCapped } from './api-cases'

/** Largest accepted request body (bytes). */
export const MAX_ROUTE_BODY_BYTES = 256 * 1024

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

type ApiContext = Context<AppEnv>

function errorBody(code: string, key: string, params?: Record<string, string | number>) {
  return { error: { code, ...both(`routing.api.${key}`, params) } }
}

/**
 * Reads the body as text, stopping as soon as it exceeds `max` bytes (a missing or false
 * Content-Length cannot make us buffer more than that).
 */
async function readBodyCapped(request: Request, max: number): Promise<{ text: string } | 'tooLarge'> {
  const bytes = await readCapped(request, max)
  return bytes === null ? 'tooLarge' : { text: new TextDecoder().decode(bytes) }
}

/**
 * `POST /api/v1/route`: the canonical intake as JSON in, the routing output (DOMAIN.md §4) out — the
 * same as `ret route`. Nothing is stored and nothing is logged but the outcome.
 * 400 `{ errors: [{ path, nl, en }] }` for invalid JSON or an invalid intake; 415 when the body is not
 * JSON; 413 over 256 KB.
 */
export async function handleRoute(c: ApiContext, now: () => Date = systemClock) {
  if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) {
    return c.json(errorBody('unsupported_media_type', 'notJson'), 415)
  }
  const tooLarge = () =>
    c.json(errorBody('payload_too_large', 'tooLarge', { max: MAX_ROUTE_BODY_BYTES / 1024 }), 413)
  const declared = Number(c.req.header('content-length'))
  if (Number.isFinite(declared) && declared > MAX_ROUTE_BODY_BYTES) return tooLarge()

  let body: Awaited<ReturnType<typeof readBodyCapped>>
  try {
    body = await readBodyCapped(c.req.raw, MAX_ROUTE_BODY_BYTES)
  } catch {
    return c.json({ errors: [{ path: 'intake', ...both('routing.api.unreadable') }] }, 400)
  }
  if (body === 'tooLarge') return tooLarge()
  if (body.text.trim() === '') {
    return c.json({ errors: [{ path: 'intake', ...both('routing.api.emptyBody') }] }, 400)
  }

  let data: unknown
  try {
    data = JSON.parse(body.text)
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'JSON'
    return c.json({ errors: [{ path: 'intake', ...both('validation.invalidJson', { detail }) }] }, 400)
  }
  const parsed = parseIntake(data)
  if (!parsed.ok) return c.json({ errors: parsed.errors }, 400)
  return c.json(toRoutingOutput(route(parsed.value, DEFAULT_RULES, now())), 200)
}

/**
 * The public API sub-app, mounted at `/api/v1` (cases live in ./api-cases.ts, mounted beside it).
 * `POST /route` needs no token: it stores nothing and returns only a suggestion.
 */
export function buildApiRoutes(now: () => Date = systemClock) {
  const api = new Hono<AppEnv>()
  api.post('/route', (c) => handleRoute(c, now))
  api.on(['GET', 'PUT', 'PATCH', 'DELETE'], '/route', (c) => {
    c.header('Allow', 'POST')
    return c.json(errorBody('method_not_allowed', 'methodNotAllowed'), 405)
  })
  return api
}
