import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { deleteCookie, getCookie } from 'hono/cookie'
import { buildDurableDraftStore } from '../../adapters/storage/durable-draft-store'
import { type FormBody, formString, parseIntakeForm } from '../../adapters/web/form'
import { type ErrorKind, type Flash, renderWeb } from '../../adapters/web/render'
import { verifyCsrfToken } from '../auth/csrf'
import { randomToken } from '../auth/hmac'
import { DEV_TENANT } from '../auth/identity'
import {
  buildSessionCookieValue,
  buildUserIdFromName,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
} from '../auth/session'
import { t } from '../domain/copy'
import { eventFromAction } from '../domain/dialogue'
import type { ScreenView } from '../domain/dialogue-types'
import type { Lang } from '../domain/enums'
import type { Actor, Role } from '../domain/types'
import { type DraftStore, draftKey } from '../ports/draft-store'
import type { Deps } from '../services/deps'
import { runDialogueEvent, runLoadDialogue } from '../services/dialogue'
import { buildDeps } from '../wiring/deps'
import {
  buildSecurityHeaders,
  htmlErrors,
  LANG_COOKIE,
  pageContext,
  setWebCookie,
  type WebContext,
  type WebEnv,
  webContext,
} from './web-context'

/** Paths the web surface serves (its middleware runs on these only, not on other surfaces). */
export const WEB_PATHS = [
  '/',
  '/intake',
  '/intake/start',
  '/intake/cancel',
  '/lang',
  '/dev/login',
  '/dev/logout',
] as const

const FLASHES: readonly Flash[] = ['saved', 'savedPartial', 'cancelled', 'noDraft', 'crisis']
const DEV_ROLES: readonly Role[] = ['referrer', 'chair', 'coordinator', 'admin']
const ACTIVE_PHASES = new Set(['step', 'notice', 'review', 'submitting'])
/** Where the language switch may send a person back to. */
const RETURN_PATHS = new Set([
  '/',
  '/intake',
  '/intake/cancel',
  '/cases',
  '/dev/login',
  '/digest',
  '/monitoring',
])

/** Overrides for tests: the dependencies and the draft store. */
export interface WebRouteOptions {
  deps?: (env: Env) => Deps
  drafts?: (env: Env) => DraftStore
}

function errorPage(c: WebContext, kind: ErrorKind, status: 400 | 401 | 403 | 404 | 413 | 500) {
  return c.html(renderWeb.error(pageContext(c), kind), status)
}

async function readForm(c: WebContext): Promise<FormBody | null> {
  try {
    return (await c.req.parseBody({ all: true })) as FormBody
  } catch {
    return null
  }
}

/**
 * The web surface (DESIGN.md §3): landing, the intake one step per page, done, "Mijn casussen", the
 * development sign-in, the language switch. POST/redirect/GET; every form carries a CSRF token; a refused
 * answer is shown again (422) with the input as typed. Mounted at `/`.
 */
export function buildWebRoutes(options: WebRouteOptions = {}) {
  const web = new Hono<WebEnv>()
  const depsOf = (c: WebContext) => (options.deps ?? ((env: Env) => buildDeps(env)))(c.env)
  const draftsOf = (c: WebContext) =>
    (options.drafts ?? ((env: Env) => buildDurableDraftStore(env.DRAFTS)))(c.env)

  for (const path of WEB_PATHS) {
    web.use(path, webContext())
    web.use(path, htmlErrors())
    web.post(
      path,
      bodyLimit({ maxSize: 256 * 1024, onError: (c) => errorPage(c as WebContext, 'tooLarge', 413) }),
      async function csrf(c, next) {
        const body = await readForm(c)
        if (!body) return errorPage(c, 'badForm', 400)
        const key = c.get('config').LINK_SIGNING_KEY
        if (!key || !(await verifyCsrfToken(key, c.get('csrfSecret'), formString(body, '_csrf')))) {
          return errorPage(c, 'csrf', 403)
        }
        await next()
      },
    )
  }

  /** The signed-in actor, or a response: the dev sign-in (DEV_MODE) or the bilingual 401 page. */
  function requireActor(c: WebContext): Actor | Response {
    const actor = c.get('actor')
    if (actor) return actor
    if (c.get('config').DEV_MODE && c.req.method === 'GET') return c.redirect('/dev/login', 303)
    return errorPage(c, 'unauthorized', 401)
  }

  web.get('/', async (c) => {
    const actor = c.get('actor')
    if (!actor && !c.get('config').DEV_MODE) return errorPage(c, 'unauthorized', 401)
    const flashParam = c.req.query('m') ?? ''
    const flash = (FLASHES as readonly string[]).includes(flashParam) ? (flashParam as Flash) : null
    let draft: { updatedAt: string } | null = null
    if (actor) {
      const state = await draftsOf(c).load(draftKey(actor))
      if (state && ACTIVE_PHASES.has(state.phase)) draft = { updatedAt: state.updatedAt }
    }
    return c.html(renderWeb.landing(pageContext(c), draft, flash))
  })

  web.get('/dev/login', (c) => {
    if (!c.get('config').DEV_MODE) return errorPage(c, 'notFound', 404)
    return c.html(renderWeb.devLogin(pageContext(c), { name: '', role: 'referrer' }, {}))
  })

  web.post('/dev/login', async (c) => {
    if (!c.get('config').DEV_MODE) return errorPage(c, 'notFound', 404)
    const body = (await c.req.parseBody({ all: true })) as FormBody
    const name = formString(body, 'name').trim().replace(/\s+/g, ' ')
    const role = formString(body, 'role')
    const errors = {
      ...(name.length < 1 || name.length > 100 ? { name: true } : {}),
      ...((DEV_ROLES as readonly string[]).includes(role) ? {} : { role: true }),
    }
    if (errors.name || errors.role) {
      return c.html(renderWeb.devLogin(pageContext(c), { name: name.slice(0, 100), role }, errors), 422)
    }
    const key = c.get('config').LINK_SIGNING_KEY
    if (!key) return errorPage(c, 'server', 500)
    const userId = buildUserIdFromName(name)
    const value = await buildSessionCookieValue(
      key,
      { tenant: DEV_TENANT, userId, name, roles: [role as Role] },
      Math.floor(Date.now() / 1000),
    )
    setWebCookie(c, SESSION_COOKIE, value, SESSION_TTL_SECONDS)
    return c.redirect('/', 303)
  })

  web.post('/dev/logout', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.redirect('/', 303)
  })

  web.post('/lang', async (c) => {
    const body = (await c.req.parseBody({ all: true })) as FormBody
    const lang: Lang = formString(body, 'lang') === 'en' ? 'en' : 'nl'
    setWebCookie(c, LANG_COOKIE, lang, 60 * 60 * 24 * 365)
    const actor = c.get('actor')
    if (actor) {
      const drafts = draftsOf(c)
      const key = draftKey(actor)
      const state = await drafts.load(key)
      if (state && state.lang !== lang) {
        await runDialogueEvent(depsOf(c), drafts, {
          key,
          actor: { ...actor, lang },
          event: { type: 'setLang', lang },
          requestId: c.get('requestId'),
        })
      }
    }
    const next = formString(body, 'next')
    // A case page (issue 12) is a way back too; its reference is checked by its own route.
    const back = RETURN_PATHS.has(next) || /^\/cases\/RET-\d{4}-\d{4,6}$/.test(next)
    return c.redirect(back ? next : '/', 303)
  })

  web.post('/intake/start', async (c) => {
    const actor = requireActor(c)
    if (actor instanceof Response) return actor
    const body = (await c.req.parseBody({ all: true })) as FormBody
    const drafts = draftsOf(c)
    const key = draftKey(actor)
    const state = await drafts.load(key)
    // An unfinished draft is resumed, never silently replaced; a new one starts after submit or cancel.
    const fresh = formString(body, 'fresh') === '1' && state?.phase === 'submitted'
    if (!state || !ACTIVE_PHASES.has(state.phase) || fresh) {
      await runDialogueEvent(depsOf(c), drafts, {
        key,
        actor,
        event: { type: 'start', lang: c.get('lang') },
        requestId: c.get('requestId'),
      })
    }
    return c.redirect('/intake', 303)
  })

  function renderScreen(c: WebContext, screen: ScreenView, status: 200 | 422 = 200) {
    const ctx = pageContext(c, screen.lang)
    if (screen.phase === 'submitted' && screen.reference)
      return c.html(renderWeb.done(ctx, screen.reference, screen.receipt))
    if (screen.phase === 'submitting' && screen.actions.length === 0) {
      // Filing did not finish: offer to send again (idempotent: the same draft never makes two cases).
      const retry = { id: 'submit', label: t(screen.lang, 'web.intake.retrySubmit'), primary: true }
      return c.html(renderWeb.intake(ctx, { ...screen, actions: [retry] }), status)
    }
    return c.html(renderWeb.intake(ctx, screen), status)
  }

  web.get('/intake', async (c) => {
    const actor = requireActor(c)
    if (actor instanceof Response) return actor
    const turn = await runLoadDialogue(depsOf(c), draftsOf(c), draftKey(actor))
    if (!turn.view) return c.redirect('/?m=noDraft', 303)
    return renderScreen(c, turn.view)
  })

  web.post('/intake', async (c) => {
    const actor = requireActor(c)
    if (actor instanceof Response) return actor
    const parsed = parseIntakeForm((await c.req.parseBody({ all: true })) as FormBody)
    if (!parsed.ok) return errorPage(c, parsed.problem, parsed.problem === 'tooLarge' ? 413 : 400)
    const { action, stepId, values } = parsed.form
    if (action === 'cancel') return c.redirect('/intake/cancel', 303)
    const event = eventFromAction(action, stepId, values)
    if (!event) return c.redirect('/intake', 303)
    // Without a draft nothing is started: the check is part of the one call to the draft's object.
    const turn = await runDialogueEvent(depsOf(c), draftsOf(c), {
      key: draftKey(actor),
      actor: { ...actor, lang: c.get('lang') },
      event,
      requestId: c.get('requestId'),
      guard: { existing: true },
    })
    if (turn.refused) return c.redirect('/?m=noDraft', 303)
    if (!turn.view) {
      const acute = event.type === 'choose' && event.noticeId === 'G1'
      return c.redirect(acute ? '/?m=crisis' : '/?m=cancelled', 303)
    }
    if (turn.view.errors.length > 0) return renderScreen(c, turn.view, 422)
    if (event.type === 'save') return c.redirect('/?m=saved', 303)
    return c.redirect('/intake', 303)
  })

  web.get('/intake/cancel', (c) => {
    const actor = requireActor(c)
    if (actor instanceof Response) return actor
    return c.html(renderWeb.cancel(pageContext(c)))
  })

  web.post('/intake/cancel', async (c) => {
    const actor = requireActor(c)
    if (actor instanceof Response) return actor
    await runDialogueEvent(depsOf(c), draftsOf(c), {
      key: draftKey(actor),
      actor,
      event: { type: 'cancel' },
      requestId: c.get('requestId'),
    })
    return c.redirect('/?m=cancelled', 303)
  })

  return web
}

/**
 * A browser asking for a page that does not exist gets an HTML page in its language instead of the API's
 * JSON 404; anything else gets null (the app answers JSON). Used by the app's notFound handler.
 */
export function handleWebNotFound(c: Context): Response | null {
  if (c.req.method !== 'GET' || !(c.req.header('accept') ?? '').includes('text/html')) return null
  const nonce = randomToken(16)
  const ctx = {
    lang: getCookie(c, LANG_COOKIE) === 'en' ? ('en' as const) : ('nl' as const),
    csrf: '',
    nonce,
    devMode: false,
    user: null,
    path: '/',
  }
  return new Response(renderWeb.error(ctx, 'notFound'), {
    status: 404,
    headers: { 'content-type': 'text/html; charset=UTF-8', ...buildSecurityHeaders(nonce) },
  })
}
