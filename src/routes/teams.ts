import { type Context, Hono } from 'hono'
import { BUNDLED_PDF_RENDERER } from '../../adapters/pdf/fonts'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import { buildDurableDraftStore } from '../../adapters/storage/draft-object'
import { ActivitySchema } from '../../adapters/teams/activity'
import {
  buildTeamsChannelSide,
  buildTeamsConnector,
  buildTeamsPdfLinkIssuer,
  buildTeamsVerifyConfig,
} from '../../adapters/teams/deps'
import { D1TeamsStore } from '../../adapters/teams/store'
import { checkTeamsActivity, TeamsAuthError, verifyTeamsToken } from '../../adapters/teams/verify'
import type { AppEnv } from '../app'
import { loadConfig } from '../config'
import { t } from '../domain/copy'
import { logger } from '../logger'
import { authorizeLinkDownload } from '../services/links'
import { loadCaseFile } from '../services/pdf'
import { buildDeps } from '../wiring/deps'

/** Largest accepted activity (Teams messages are a few KiB; cards submit only their inputs). */
export const MAX_ACTIVITY_BYTES = 256 * 1024

const refused = (status: 400 | 401 | 413 | 503) => ({
  error:
    status === 401
      ? { nl: 'Niet geautoriseerd.', en: 'Unauthorized.' }
      : status === 503
        ? { nl: 'Tijdelijk niet beschikbaar.', en: 'Temporarily unavailable.' }
        : status === 413
          ? { nl: 'Bericht te groot.', en: 'Message too large.' }
          : { nl: 'Ongeldig bericht.', en: 'Invalid message.' },
})

/**
 * `POST /api/messages`, the Bot Framework messaging endpoint. Order matters: the bearer token is
 * verified before the body is read; the activity's `serviceUrl`, channel and tenant are checked
 * against the token before anything is parsed further; then the Teams SDK (adapters/teams/sdk.ts,
 * loaded on first use) routes the activity to its handler; a delivery id seen before changes nothing.
 */
export function buildTeamsRoutes() {
  const app = new Hono<AppEnv>()

  app.post('/messages', async function handleTeamsMessages(c) {
    const requestId = c.get('requestId')
    const config = loadConfig(c.env as unknown as Record<string, unknown>)
    const verifyConfig = buildTeamsVerifyConfig(config)
    let claims: Awaited<ReturnType<typeof verifyTeamsToken>>
    try {
      // The edge's rate limiter verified this request's token already; verify here only when it did not.
      claims = c.get('teamsClaims') ?? (await verifyTeamsToken(c.req.header('authorization'), verifyConfig))
    } catch (error) {
      const code = error instanceof TeamsAuthError ? error.code : 'keys_unavailable'
      const status = error instanceof TeamsAuthError ? error.status : 503
      logger.warn('teams_auth_refused', { requestId, code, status })
      return c.json(refused(status), status)
    }

    const bytes = await c.req.arrayBuffer()
    if (bytes.byteLength > MAX_ACTIVITY_BYTES) return c.json(refused(413), 413)
    let body: unknown
    try {
      // Strict UTF-8 (issue 14 §7): invalid bytes throw and are refused like invalid JSON.
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes))
    } catch {
      return c.json(refused(400), 400)
    }
    let tenantId: string
    try {
      tenantId = checkTeamsActivity(claims, body, verifyConfig).tenantId
    } catch (error) {
      const code = error instanceof TeamsAuthError ? error.code : 'unknown'
      logger.warn('teams_auth_refused', { requestId, code, status: 401 })
      return c.json(refused(401), 401)
    }
    const parsed = ActivitySchema.safeParse(body)
    if (!parsed.success) {
      logger.warn('teams_activity_invalid', { requestId, count: parsed.error.issues.length })
      return c.json(refused(400), 400)
    }
    const activity = parsed.data

    // The Teams SDK loads here, on the first Teams request of an isolate, never for other traffic.
    const { dispatchTeamsActivity } = await import('../../adapters/teams/sdk')
    const deps = buildDeps(c.env)
    const connector = buildTeamsConnector(config)
    const response = await dispatchTeamsActivity(
      { appId: config.TEAMS_APP_ID, connector },
      activity,
      { 'content-type': 'application/json' },
      {
        tenantId,
        requestId,
        origin: new URL(c.req.url).origin,
        turn: {
          deps,
          drafts: buildDurableDraftStore(c.env.DRAFTS),
          issuePdfLink: buildTeamsPdfLinkIssuer(deps),
        },
        store: new D1TeamsStore(c.env.DB),
        connector,
        waitUntil: (promise) => c.executionCtx.waitUntil(promise),
        channel: buildTeamsChannelSide(c.env, config),
      },
    )
    // Messages and installs answer 200 with an empty body; invokes with their invoke response.
    return c.json((response.body ?? {}) as object, response.status as 200)
  })

  /**
   * `GET /api/teams/files/:token`: the intake PDF behind a link issued in Teams. A Teams referrer has
   * no web session (the web surface knows people by their Access email, Teams by their Entra object
   * id), so the link itself is the credential: signed, 15 minutes, issued only into the referrer's own
   * 1:1 chat, bound to the case's referrer at issue and again here, and every download is audited.
   */
  app.get('/teams/files/:token{[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+}', async function handleTeamsFile(c) {
    const deps = buildDeps(c.env)
    const decision = await authorizeLinkDownload(deps, { token: c.req.param('token'), session: null })
    const audit = (who: string, action: 'download' | 'refused', reference: string | null, detail: string) =>
      deps.store.audit({
        at: deps.clock().toISOString(),
        actorKey: who,
        surface: 'teams',
        action,
        reference,
        requestId: c.get('requestId'),
        detail,
      })
    if (!decision.ok) {
      if (decision.reason === 'not_configured') return filePage(c, 503, 'notConfigured')
      if (decision.reason === 'invalid_link') {
        await audit('teams:link:anonymous', 'refused', decision.reference, `teams_download:${decision.link}`)
        return filePage(c, 403, decision.link === 'expired' ? 'expired' : 'invalid')
      }
      const who = 'who' in decision ? decision.who : 'teams:link:anonymous'
      await audit(who, 'refused', decision.reference, `teams_download:${decision.reason}`)
      return filePage(c, 403, 'invalid')
    }
    const { claims, record } = decision
    if (!claims.file.startsWith('pdf:')) {
      await audit(claims.user, 'refused', claims.reference, 'teams_download:not_pdf')
      return filePage(c, 403, 'invalid')
    }
    const file = await loadCaseFile(
      deps,
      buildCaseFileStore(c.env),
      record,
      claims.file,
      BUNDLED_PDF_RENDERER,
    )
    if (!file) return filePage(c, 404, 'notFound')
    await audit(claims.user, 'download', claims.reference, claims.file)
    return new Response(file.bytes, {
      headers: {
        'Content-Type': file.contentType,
        'Content-Disposition': `attachment; filename="${file.fileName}"`,
        'Content-Length': String(file.bytes.length),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      },
    })
  })

  return app
}

/** A small page in both languages (the browser that opens a link says nothing about Teams' locale). */
function filePage(c: Context<AppEnv>, status: 403 | 404 | 503, key: string): Response {
  const nl = t('nl', `teams.files.${key}`)
  const en = t('en', `teams.files.${key}`)
  const body = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${t('nl', 'teams.files.title')}</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5"><p>${nl}</p><p lang="en">${en}</p></body></html>`
  return c.html(body, status, {
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  })
}
