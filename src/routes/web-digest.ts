import { Hono } from 'hono'
import { renderDigestWeb } from '../../adapters/web/digest-page'
import { buildDigestCsv } from '../domain/digest-render'
import { buildAuditEntry } from '../services/access'
import type { Deps } from '../services/deps'
import { loadDigest } from '../services/digest-delivery'
import type { DigestStore } from '../services/digest-store'
import { buildDeps, buildDigestStore } from '../wiring/deps'
import {
  htmlErrors,
  pageContext,
  requirePermission,
  type WebContext,
  type WebEnv,
  webContext,
} from './web-context'

/** Paths of the digest pages. */
export const DIGEST_PATHS = ['/digest', '/digest.csv'] as const

/** Overrides for tests: the dependencies (clock) and the digest store. */
export interface WebDigestRouteOptions {
  deps?: (env: Env) => Deps
  store?: (env: Env) => DigestStore
}

/**
 * The coordinators' weekly digest on the web (issue 6): `GET /digest` (the page, with SVG charts) and
 * `GET /digest.csv` (the stalled list as CSV in the reader's language). Coordinators and admins only
 * (`digest.view`); anyone else signed in gets a 403 page in their language, and the refusal is audited.
 * Each view and download is audited (`view` / `export`, detail `digest:<week>`). The digest is built
 * live as of now and compared with last week's stored snapshot. Mounted at `/`.
 */
export function buildWebDigestRoutes(options: WebDigestRouteOptions = {}) {
  const web = new Hono<WebEnv>()
  const depsOf = (c: WebContext) => (options.deps ?? ((env: Env) => buildDeps(env)))(c.env)
  const storeOf = (c: WebContext) => (options.store ?? buildDigestStore)(c.env)

  for (const path of DIGEST_PATHS) {
    web.use(path, webContext())
    web.use(path, htmlErrors())
  }

  /** The signed-in coordinator or admin, or the response that refuses (sign-in, 401 or 403). */
  const requireCoordinator = (c: WebContext, deps: Deps) =>
    requirePermission(c, deps, 'digest.view', renderDigestWeb.forbidden)

  web.get('/digest', async (c) => {
    const deps = depsOf(c)
    const actor = await requireCoordinator(c, deps)
    if (actor instanceof Response) return actor
    const now = deps.clock()
    const digest = await loadDigest(deps, storeOf(c), now)
    await deps.store.audit(
      buildAuditEntry(now, actor, 'view', null, {
        requestId: c.get('requestId'),
        detail: `digest:${digest.week}`,
      }),
    )
    return c.html(renderDigestWeb.page(pageContext(c), digest))
  })

  web.get('/digest.csv', async (c) => {
    const deps = depsOf(c)
    const actor = await requireCoordinator(c, deps)
    if (actor instanceof Response) return actor
    const now = deps.clock()
    const digest = await loadDigest(deps, storeOf(c), now)
    await deps.store.audit(
      buildAuditEntry(now, actor, 'export', null, {
        requestId: c.get('requestId'),
        detail: `digest:${digest.week}`,
      }),
    )
    const lang = c.get('lang')
    return c.body(buildDigestCsv(digest, lang), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="ret-digest-${digest.week}-${lang}.csv"`,
    })
  })

  return web
}
