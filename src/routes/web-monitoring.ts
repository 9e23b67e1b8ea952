import { Hono } from 'hono'
import { renderMonitoringWeb } from '../../adapters/web/monitoring-page'
import { amsterdamDay, isoOfDay } from '../domain/calendar'
import {
  buildMonitoring,
  type MonitoringQuery,
  parseMonitoringQuery,
  quarterBounds,
  quarterOfDay,
} from '../domain/monitoring'
import { buildMonitoringCsv, buildMonitoringJson } from '../domain/monitoring-render'
import { type Region, regionOf } from '../domain/region'
import { buildAuditEntry } from '../services/access'
import type { Deps } from '../services/deps'
import { listMonitoringCases } from '../services/monitoring'
import { buildDeps } from '../wiring/deps'
import {
  htmlErrors,
  pageContext,
  requirePermission,
  type WebContext,
  type WebEnv,
  webContext,
} from './web-context'

/** Paths of the monitoring pages. */
export const MONITORING_PATHS = ['/monitoring', '/monitoring.csv', '/monitoring.json'] as const

/** Overrides for tests: the dependencies (clock, store). */
export interface WebMonitoringRouteOptions {
  deps?: (env: Env) => Deps
}

/** The default period: the current quarter and the three before it, up to today (Amsterdam). */
export function defaultMonitoringQuery(now: Date): MonitoringQuery {
  const today = amsterdamDay(now)
  let first = quarterBounds(quarterOfDay(today)).from
  for (let i = 0; i < 3; i++) {
    const previous = quarterOfDay(amsterdamDay(new Date(`${first}T12:00:00Z`)) - 1)
    first = quarterBounds(previous).from
  }
  return { from: first, to: isoOfDay(today), municipality: null, intervention: null }
}

/**
 * The coordinators' monitoring (issue 15 §3): `GET /monitoring` (the page with quarterly SVG charts and
 * tables), `GET /monitoring.csv` and `GET /monitoring.json` (aggregates only, counts under 5 as "<5").
 * Filters in the query string: `from`, `to` (dates), `municipality`, `intervention`; invalid filters
 * show the default period with a notice (page) or a 400 with a bilingual message (exports).
 * Coordinators and admins only (`monitoring.view`); anyone else signed in gets a 403, audited. Each view
 * and export is audited (`view` / `export`, detail `monitoring:<from>..<to>`). Mounted at `/`.
 */
export function buildWebMonitoringRoutes(options: WebMonitoringRouteOptions = {}) {
  const web = new Hono<WebEnv>()
  const depsOf = (c: WebContext) => (options.deps ?? ((env: Env) => buildDeps(env)))(c.env)

  for (const path of MONITORING_PATHS) {
    web.use(path, webContext())
    web.use(path, htmlErrors())
  }

  /** The signed-in coordinator or admin, or the response that refuses (sign-in, 401 or 403). */
  const requireCoordinator = (c: WebContext, deps: Deps) =>
    requirePermission(c, deps, 'monitoring.view', renderMonitoringWeb.forbidden)

  /** The filters of the address; null when the address has none (the default period). */
  function queryOf(c: WebContext, now: Date, region: Region) {
    const from = c.req.query('from')
    const to = c.req.query('to')
    const municipality = c.req.query('municipality') || null
    const intervention = c.req.query('intervention') || null
    if (from === undefined && to === undefined && municipality === null && intervention === null) {
      return { ok: true as const, value: defaultMonitoringQuery(now) }
    }
    const fallback = defaultMonitoringQuery(now)
    return parseMonitoringQuery(
      {
        from: from ?? fallback.from,
        to: to ?? fallback.to,
        municipality,
        intervention,
      },
      region,
    )
  }

  async function load(c: WebContext, action: 'view' | 'export') {
    const deps = depsOf(c)
    const actor = await requireCoordinator(c, deps)
    if (actor instanceof Response) return { response: actor }
    const now = deps.clock()
    const parsed = queryOf(c, now, regionOf(deps.config))
    const query = parsed.ok ? parsed.value : defaultMonitoringQuery(now)
    const region = regionOf(deps.config)
    const model = buildMonitoring(await listMonitoringCases(deps), query, now, region.stalled, region)
    await deps.store.audit(
      buildAuditEntry(now, actor, action, null, {
        requestId: c.get('requestId'),
        detail: `monitoring:${query.from}..${query.to}`,
      }),
    )
    return { model, query, parsed }
  }

  web.get('/monitoring', async (c) => {
    const r = await load(c, 'view')
    if ('response' in r) return r.response
    return c.html(renderMonitoringWeb.page(pageContext(c), r.model, r.query, !r.parsed.ok))
  })

  for (const kind of ['csv', 'json'] as const) {
    web.get(`/monitoring.${kind}`, async (c) => {
      const r = await load(c, 'export')
      if ('response' in r) return r.response
      if (!r.parsed.ok) return c.json({ errors: r.parsed.errors }, 400)
      const lang = c.get('lang')
      const name = `ret-monitoring-${r.query.from}-${r.query.to}`
      if (kind === 'json') {
        return c.body(JSON.stringify(buildMonitoringJson(r.model), null, 2), 200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Disposition': `attachment; filename="${name}.json"`,
        })
      }
      return c.body(buildMonitoringCsv(r.model, lang), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name}-${lang}.csv"`,
      })
    })
  }

  return web
}
