import { Hono } from 'hono'
import { BUNDLED_PDF_RENDERER } from '../../adapters/pdf/fonts'
import { buildCaseFileStore } from '../../adapters/storage/case-files'
import { renderFilePages } from '../../adapters/web/file-pages'
import { verifyCsrfToken } from '../auth/csrf'
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
import { MAX_ATTACHMENT_BYTES, runAttachFile, sniffContentType } from '../services/attachments'
import { maySeeCase } from '../services/cases'
import type { Deps } from '../services/deps'
import {
  authorizeLink,
  consumeLink,
  issueFileLink,
  LINK_TTL_SECONDS,
  type LinkClaims,
  type LinkGrant,
  type LinkPurpose,
  type LinkRefusal,
  releaseLink,
} from '../services/links'
import { loadCaseFile } from '../services/pdf'
import { buildDeps } from '../wiring/deps'
import { pageContext, type WebContext, type WebEnv, webContext } from './web-context'

/**
 * Files of a case over HTTP (issue 3; links opaque and single-use since issue 14 §2, §5):
 * - `GET /files/:token`: the file a link grants, once. A web link only to the signed-in user it was
 *   issued to; a chat link (Slack/Teams) shows a Download button whose `POST /files/:token` (CSRF
 *   token in the body) uses it. Every download and every refusal is audited.
 * - `GET /cases/:reference/pdf` and `/cases/:reference/attachments/:id`: issue a 15-minute link for
 *   someone who may see the case (`maySeeCase`) and redirect to it ("Download PDF" on the web surface).
 * - `GET /cases/:reference/attachments/new`: an upload link for the referrer who filed the case.
 * - `GET|POST /files/upload/:token`: the upload form of a single-use upload link (also what the Teams
 *   and Slack dialogues hand out), CSRF-protected, content-sniffed, ≤ 10 MB, stored encrypted in the
 *   name of the real uploader.
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

  /**
   * The refusal page of a link (and its audit row). Unknown links (never issued, or of an erased case)
   * and links of a case that is gone answer 404; used, expired, foreign links 403; without a sign-in,
   * the sign-in.
   */
  async function refuse(
    c: WebContext,
    deps: Deps,
    purpose: LinkPurpose,
    refusal: LinkRefusal,
  ): Promise<Response> {
    const actor = c.get('actor')
    const anonymous = actor ? actorKey(actor) : 'web:anonymous:anonymous'
    switch (refusal.reason) {
      case 'not_configured':
        return message(c, 503, 'notConfigured')
      case 'invalid_link': {
        await audit(c, deps, anonymous, 'refused', refusal.reference, `${purpose}:${refusal.link}`)
        logger.warn('file_link_refused', { requestId: c.get('requestId'), code: refusal.link })
        if (refusal.link === 'malformed' || refusal.link === 'unknown') return message(c, 404, 'unknownLink')
        const key = refusal.link === 'wrong_purpose' ? 'invalid' : refusal.link
        return message(c, 403, key, { minutes: LINK_TTL_SECONDS / 60 })
      }
      case 'gone':
        await audit(c, deps, anonymous, 'refused', refusal.reference, `${purpose}:gone`)
        return message(c, 404, 'notFound')
      case 'unauthenticated':
        await audit(c, deps, anonymous, 'refused', refusal.reference, `${purpose}:unauthenticated`)
        return (await requireActor(c)) as Response
      default:
        await audit(c, deps, refusal.who, 'refused', refusal.reference, `${purpose}:${refusal.reason}`)
        return message(c, 403, 'forbidden')
    }
  }

  /** Whether a posted form carries this browser's CSRF token; if not, audits and gives the 403 page. */
  async function checkCsrf(
    c: WebContext,
    deps: Deps,
    purpose: LinkPurpose,
    posted: unknown,
  ): Promise<Response | null> {
    const key = c.get('config').LINK_SIGNING_KEY
    if (key && (await verifyCsrfToken(key, c.get('csrfSecret'), posted))) return null
    const actor = c.get('actor')
    await audit(
      c,
      deps,
      actor ? actorKey(actor) : 'web:anonymous:anonymous',
      'refused',
      null,
      `${purpose}:csrf`,
    )
    return message(c, 403, 'csrf')
  }

  /** Uses a granted download link once and sends the file; audited. */
  async function sendFile(c: WebContext, deps: Deps, grant: LinkGrant): Promise<Response> {
    const { claims, record, who } = grant
    if (!(await consumeLink(deps, grant.id))) {
      await audit(c, deps, who, 'refused', claims.reference, 'download:used')
      return message(c, 403, 'used')
    }
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
        'Referrer-Policy': 'no-referrer',
      },
    })
  }

  const TOKEN_PARAM = '/files/:token{[A-Za-z0-9_.-]{1,200}}'

  /**
   * A web-bound link downloads at once (only its signed-in owner gets here, and only once). A link
   * from a chat shows a page with a Download button first: opening it uses nothing, so a link scanner
   * or preview that fetches the URL cannot use up the one download; the button posts the form.
   */
  app.get(TOKEN_PARAM, async (c) => {
    const deps = depsOf(c)
    const token = c.req.param('token') ?? ''
    const decision = await authorizeLink(deps, {
      token,
      session: c.get('actor') ?? null,
      purpose: 'download',
    })
    if (!decision.ok) return refuse(c, deps, 'download', decision)
    if (decision.claims.boundTo === 'web') return sendFile(c, deps, decision)
    const lang = c.get('lang')
    const until = `${formatLocalDate(lang, decision.claims.expiresAt)} ${formatLocalTime(decision.claims.expiresAt)}`
    return c.html(
      renderFilePages.download(pageContext(c), { reference: decision.claims.reference, validUntil: until }),
    )
  })

  app.post(TOKEN_PARAM, async (c) => {
    const deps = depsOf(c)
    let posted: unknown
    try {
      posted = (await c.req.parseBody())._csrf
    } catch {
      posted = undefined
    }
    const csrf = await checkCsrf(c, deps, 'download', posted)
    if (csrf) return csrf
    const token = c.req.param('token') ?? ''
    const decision = await authorizeLink(deps, {
      token,
      session: c.get('actor') ?? null,
      purpose: 'download',
    })
    if (!decision.ok) return refuse(c, deps, 'download', decision)
    return sendFile(c, deps, decision)
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
    extra: { error?: string; uploaded?: boolean; againHref?: string } = {},
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

  const UPLOAD_PARAM = '/files/upload/:token{[A-Za-z0-9_.-]{1,200}}'

  app.get(UPLOAD_PARAM, async (c) => {
    const deps = depsOf(c)
    const token = c.req.param('token') ?? ''
    const decision = await authorizeLink(deps, { token, session: c.get('actor') ?? null, purpose: 'upload' })
    if (!decision.ok) return refuse(c, deps, 'upload', decision)
    return uploadForm(c, decision.claims)
  })

  /**
   * The upload: the browser's CSRF token, the link (authorised again), the file (size, type by
   * content), then the link is used — atomically, so of two posts at once only one uploads — and the
   * file stored in the name of the real uploader (the signed-in web user, else the chat person the
   * single-use link was handed to). A refused file, or a storage failure, gives the link back for
   * another try (`releaseLink`).
   */
  app.post(UPLOAD_PARAM, async (c) => {
    const deps = depsOf(c)
    const length = Number(c.req.header('content-length') ?? '0')
    let form: FormData | null = null
    if (length <= MAX_ATTACHMENT_BYTES + FORM_OVERHEAD) {
      try {
        form = await c.req.raw.formData()
      } catch {
        form = null
      }
    }
    const csrf = await checkCsrf(c, deps, 'upload', form?.get('_csrf'))
    if (csrf) return csrf
    const token = c.req.param('token') ?? ''
    const decision = await authorizeLink(deps, { token, session: c.get('actor') ?? null, purpose: 'upload' })
    if (!decision.ok) return refuse(c, deps, 'upload', decision)
    const { claims, record, who } = decision
    const retry = (status: 400 | 413 | 415, key: string) => uploadForm(c, claims, { error: key }, status)
    if (length > MAX_ATTACHMENT_BYTES + FORM_OVERHEAD) return retry(413, 'tooLarge')
    if (!form) return retry(400, 'badForm')
    const file = form.get('file')
    if (!(file instanceof File) || file.size === 0) return retry(400, 'empty')
    if (file.size > MAX_ATTACHMENT_BYTES) return retry(413, 'tooLarge')
    const bytes = new Uint8Array(await file.arrayBuffer())
    if (!sniffContentType(bytes)) {
      await audit(c, deps, who, 'refused', claims.reference, 'upload:unsupported')
      return retry(415, 'unsupported')
    }
    const usedAt = await consumeLink(deps, decision.id)
    if (!usedAt) {
      await audit(c, deps, who, 'refused', claims.reference, 'upload:used')
      return message(c, 403, 'used')
    }
    let result: Awaited<ReturnType<typeof runAttachFile>>
    try {
      result = await runAttachFile(deps, filesOf(c), {
        record,
        actor: identityOf(who),
        name: file.name,
        bytes,
        requestId: c.get('requestId') ?? null,
      })
    } catch (error) {
      // Storage failed: nothing was attached, so the one use of the link is given back.
      await releaseLink(deps, decision.id, usedAt)
      throw error
    }
    if (!result.ok) {
      await releaseLink(deps, decision.id, usedAt)
      await audit(c, deps, who, 'refused', claims.reference, `upload:${result.code}`)
      return retry(
        result.code === 'too_large' ? 413 : result.code === 'unsupported' ? 415 : 400,
        result.code === 'too_large' ? 'tooLarge' : result.code,
      )
    }
    // A web user may ask for a new link at once; a chat user asks in their chat.
    return uploadForm(c, claims, {
      uploaded: true,
      ...(claims.boundTo === 'web' ? { againHref: `/cases/${claims.reference}/attachments/new` } : {}),
    })
  })

  return app
}
