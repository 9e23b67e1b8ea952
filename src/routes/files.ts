import { Hono } from 'hono'
import { BUNDLED_PDF_RENDERER } from '../../adapters/pdf/fonts'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import { renderFilePages } from '../../adapters/web/file-pages'
import { parseActorKey } from '../domain/actor-key'
import type { Lang } from '../domain/enums'
import { actorKey } from '../domain/lifecycle'
import { formatLocalDate, formatLocalTime } from '../domain/report'
import type { Actor } from '../domain/types'
import { logger } from '../logger'
import type { CaseFileStore } from '../ports/case-files'
import type { CaseRecord } from '../ports/case-store'
import type { PdfRenderer } from '../ports/pdf-renderer'
import { chairScopesOf } from '../services/access'
import { MAX_ATTACHMENT_BYTES, runAttachFile } from '../services/attachments'
import { maySeeCase } from '../services/cases'
import type { Deps } from '../services/deps'
import {
  authorizeLinkDownload,
  issueFileLink,
  LINK_TTL_SECONDS,
  type LinkClaims,
  type LinkPurpose,
  verifyLinkToken,
} from '../services/links'
import { loadCaseFile } from '../services/pdf'
import { buildDeps } from '../wiring/deps'
import { pageContext, type WebContext, type WebEnv, webContext } from './web-context'

/**
 * Files of a case over HTTP (issue 3):
 * - `GET /files/:token`: the file a signed link grants — only to the signed-in user it was issued to,
 *   before it expires; every download and every refusal is audited.
 * - `GET /cases/:reference/pdf` and `/cases/:reference/attachments/:id`: issue a 15-minute link for
 *   someone who may see the case (`maySeeCase`) and redirect to it ("Download PDF" on the web surface).
 * - `GET /cases/:reference/attachments/new`: an upload link for the referrer who filed the case.
 * - `GET|POST /files/upload/:token`: the upload page of a short-lived upload link (also what the Teams
 *   and Slack dialogues hand out), content-sniffed, ≤ 10 MB, stored encrypted.
 * Mounted at `/`.
 */

export interface FilesRouteOptions {
  deps?: (env: Env) => Deps
  files?: (env: Env) => CaseFileStore
  pdf?: PdfRenderer
}

/** Multipart overhead allowed on top of the file itself. */
const FORM_OVERHEAD = 64 * 1024

async function message(
  c: WebContext,
  status: 401 | 403 | 404 | 413 | 415 | 400 | 503,
  key: string,
  params?: Record<string, string | number>,
) {
  // The site's layout: header, language switch and a way back (issue 13 §13).
  return c.html(renderFilePages.message(pageContext(c), key, params), status)
}

/** The surface/tenant/user of an identity key (`web:dev:chair-1`), for audit rows. */
function identityOf(key: string): Pick<Actor, 'surface' | 'tenant' | 'userId'> {
  const parts = parseActorKey(key)
  return parts
    ? { surface: parts.surface, tenant: parts.tenant, userId: parts.user }
    : { surface: 'system', tenant: '', userId: '' }
}

export function buildFilesRoutes(options: FilesRouteOptions = {}) {
  const app = new Hono<WebEnv>()
  const depsOf = (c: WebContext) => (options.deps ?? ((env: Env) => buildDeps(env)))(c.env)
  const filesOf = (c: WebContext) => (options.files ?? buildCaseFileStore)(c.env)
  const pdf = options.pdf ?? BUNDLED_PDF_RENDERER

  app.use('/files/*', webContext())
  app.use('/cases/:reference/pdf', webContext())
  app.use('/cases/:reference/attachments/*', webContext())

  async function audit(
    c: WebContext,
    deps: Deps,
    who: string,
    action: 'download' | 'refused' | 'change',
    reference: string | null,
    detail: string,
  ) {
    await deps.store.audit({
      at: deps.clock().toISOString(),
      actorKey: who,
      surface: identityOf(who).surface,
      action,
      reference,
      requestId: c.get('requestId') ?? null,
      detail,
    })
  }

  /** The signed-in actor, or the sign-in redirect (development) / the 401 page. */
  async function requireActor(c: WebContext): Promise<Actor | Response> {
    const actor = c.get('actor')
    if (actor) return actor
    if (c.get('config').DEV_MODE) return c.redirect('/dev/login', 303)
    return message(c, 401, 'unauthorized')
  }

  /** Checks a link; on failure audits the refusal and returns the page to show. */
  async function checkToken(
    c: WebContext,
    deps: Deps,
    purpose: LinkPurpose,
  ): Promise<{ ok: true; claims: LinkClaims } | { ok: false; response: Response }> {
    const secret = c.get('config').LINK_SIGNING_KEY
    if (!secret) return { ok: false, response: await message(c, 503, 'notConfigured') }
    const check = await verifyLinkToken(secret, c.req.param('token') ?? '', purpose, deps.clock())
    if (check.ok) return check
    const actor = c.get('actor')
    const who = actor ? actorKey(actor) : 'web:anonymous:anonymous'
    await audit(c, deps, who, 'refused', check.claims?.reference ?? null, `${purpose}:${check.reason}`)
    logger.warn('file_link_refused', { requestId: c.get('requestId'), code: check.reason })
    const key = check.reason === 'expired' ? 'expired' : 'invalid'
    return { ok: false, response: await message(c, 403, key, { minutes: LINK_TTL_SECONDS / 60 }) }
  }

  app.get('/files/:token{[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+}', async (c) => {
    const deps = depsOf(c)
    const decision = await authorizeLinkDownload(deps, {
      token: c.req.param('token') ?? '',
      session: c.get('actor') ?? null,
    })
    if (!decision.ok) {
      switch (decision.reason) {
        case 'not_configured':
          return message(c, 503, 'notConfigured')
        case 'invalid_link': {
          const actor = c.get('actor')
          const who = actor ? actorKey(actor) : 'web:anonymous:anonymous'
          await audit(c, deps, who, 'refused', decision.reference, `download:${decision.link}`)
          logger.warn('file_link_refused', { requestId: c.get('requestId'), code: decision.link })
          const key = decision.link === 'expired' ? 'expired' : 'invalid'
          return message(c, 403, key, { minutes: LINK_TTL_SECONDS / 60 })
        }
        case 'unauthenticated':
          await audit(
            c,
            deps,
            'web:anonymous:anonymous',
            'refused',
            decision.reference,
            'download:unauthenticated',
          )
          return (await requireActor(c)) as Response
        default:
          await audit(c, deps, decision.who, 'refused', decision.reference, `download:${decision.reason}`)
          return message(c, 403, 'forbidden')
      }
    }
    const { claims, record, who } = decision
    const file = await loadCaseFile(deps, filesOf(c), record, claims.file, pdf)
    if (!file) return message(c, 404, 'notFound')
    await audit(
      c,
      deps,
      who,
      'download',
      claims.reference,
      claims.file.startsWith('att:') ? 'attachment' : claims.file,
    )
    return new Response(file.bytes, {
      headers: {
        'Content-Type': file.contentType,
        'Content-Disposition': `attachment; filename="${file.fileName}"`,
        'Content-Length': String(file.bytes.length),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    })
  })

  async function caseFor(
    c: WebContext,
    deps: Deps,
  ): Promise<{ actor: Actor; record: CaseRecord } | Response> {
    const actor = await requireActor(c)
    if (actor instanceof Response) return actor
    const reference = c.req.param('reference') ?? ''
    const record = await deps.store.getByReference(reference)
    if (!record) return message(c, 404, 'notFound')
    if (!maySeeCase(record, actor, chairScopesOf(deps.config))) {
      await audit(c, deps, actorKey(actor), 'refused', record.reference, 'link:no_access')
      return message(c, 403, 'forbidden')
    }
    return { actor, record }
  }

  async function redirectToLink(c: WebContext, file: string, purpose: LinkPurpose = 'download') {
    const deps = depsOf(c)
    const found = await caseFor(c, deps)
    if (found instanceof Response) return found
    if (!c.get('config').LINK_SIGNING_KEY) return message(c, 503, 'notConfigured')
    const link = await issueFileLink(deps, {
      actor: found.actor,
      reference: found.record.reference,
      file,
      purpose,
      requestId: c.get('requestId') ?? null,
    })
    return c.redirect(link.path, 303)
  }

  app.get('/cases/:reference/pdf', (c) => redirectToLink(c, `pdf:${c.get('lang')}`))

  app.get('/cases/:reference/attachments/new', async (c) => {
    const deps = depsOf(c)
    const found = await caseFor(c, deps)
    if (found instanceof Response) return found
    const isAdmin = found.actor.roles.includes('admin')
    if (actorKey(found.actor) !== found.record.referrerKey && !isAdmin) return message(c, 403, 'notYours')
    return redirectToLink(c, 'analysis', 'upload')
  })

  app.get('/cases/:reference/attachments/:id{[A-Za-z0-9_-]{8,64}}', (c) =>
    redirectToLink(c, `att:${c.req.param('id')}`),
  )

  function uploadForm(
    c: WebContext,
    claims: LinkClaims,
    extra: { error?: string; uploaded?: boolean } = {},
    status: 200 | 400 | 413 | 415 = 200,
  ) {
    const lang: Lang = c.get('lang')
    const validUntil = `${formatLocalDate(lang, claims.expiresAt)} ${formatLocalTime(claims.expiresAt)}`
    return c.html(
      renderFilePages.upload(pageContext(c), {
        reference: claims.reference,
        validUntil,
        action: c.req.path,
        ...extra,
      }),
      status,
    )
  }

  app.get('/files/upload/:token', async (c) => {
    const checked = await checkToken(c, depsOf(c), 'upload')
    if (!checked.ok) return checked.response
    return uploadForm(c, checked.claims)
  })

  app.post('/files/upload/:token', async (c) => {
    const deps = depsOf(c)
    const checked = await checkToken(c, deps, 'upload')
    if (!checked.ok) return checked.response
    const { claims } = checked
    const retry = (status: 400 | 413 | 415, key: string) => uploadForm(c, claims, { error: key }, status)
    const length = Number(c.req.header('content-length') ?? '0')
    if (length > MAX_ATTACHMENT_BYTES + FORM_OVERHEAD) return retry(413, 'tooLarge')
    let file: unknown
    try {
      file = (await c.req.raw.formData()).get('file')
    } catch {
      return retry(400, 'badForm')
    }
    if (!(file instanceof File) || file.size === 0) return retry(400, 'empty')
    if (file.size > MAX_ATTACHMENT_BYTES) return retry(413, 'tooLarge')
    const record = await deps.store.getByReference(claims.reference)
    if (!record) return message(c, 404, 'notFound')
    const result = await runAttachFile(deps, filesOf(c), {
      record,
      actor: identityOf(claims.user),
      name: file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
      requestId: c.get('requestId') ?? null,
    })
    if (!result.ok) {
      await audit(c, deps, claims.user, 'refused', claims.reference, `upload:${result.code}`)
      return retry(
        result.code === 'too_large' ? 413 : result.code === 'unsupported' ? 415 : 400,
        result.code === 'too_large' ? 'tooLarge' : result.code,
      )
    }
    return uploadForm(c, claims, { uploaded: true })
  })

  return app
}
