import { type Context, Hono } from 'hono'
import type { AppEnv } from '../app'
import { both } from '../domain/copy'
import { parseIntakeIn } from '../domain/intake'
import { regionOf } from '../domain/region'
import { route, toRoutingOutput } from '../domain/routing'
import { systemClock } from '../ports/clock'
import { decodeUtf8Strict } from './strict-utf8'

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

type ApiContext = Context<AppEnv>

function errorBody(code: string, key: string, params?: Record<string, string | number>) {
  return { error: { code, ...both(`routing.api.${key}`, params) } }
}

/**
 * `POST /api/v1/route`: the canonical intake as JSON in, the routing output (DOMAIN.md §4) out — the
 * same as `ret route`. Nothing is stored and nothing is logged but the outcome.
 * 400 `{ errors: [{ path, nl, en }] }` for invalid JSON or an invalid intake; 415 when the body is not
 * JSON; 413 over 256 KB (the edge's body limit).
 */
export async function handleRoute(c: ApiContext, now: () => Date = systemClock) {
  if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) {
    return c.json(errorBody('unsupported_media_type', 'notJson'), 415)
  }
  // The size is capped at the edge (src/routes/edge.ts, 256 kB): the body is read whole.
  let text: string | null
  try {
    text = decodeUtf8Strict(await c.req.arrayBuffer())
  } catch {
    return c.json({ errors: [{ path: 'intake', ...both('routing.api.unreadable') }] }, 400)
  }
  // Strict UTF-8 (issue 14 §7): invalid bytes are refused, not replaced.
  if (text === null) return c.json({ errors: [{ path: 'intake', ...both('validation.invalidUtf8') }] }, 400)
  if (text.trim() === '') {
    return c.json({ errors: [{ path: 'intake', ...both('routing.api.emptyBody') }] }, 400)
  }

  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'JSON'
    return c.json({ errors: [{ path: 'intake', ...both('validation.invalidJson', { detail }) }] }, 400)
  }
  const region = regionOf(c.env)
  const parsed = parseIntakeIn(data, region.municipalities)
  if (!parsed.ok) return c.json({ errors: parsed.errors }, 400)
  return c.json(toRoutingOutput(route(parsed.value, region.rules, now()), region.interventions), 200)
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
