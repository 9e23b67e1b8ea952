import type { Context, MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { D1CaseStore } from '../../adapters/storage/d1-case-store'
import { type PageContext, renderWeb } from '../../adapters/web/render'
import type { AppVariables } from '../app'
import { buildCsrfSecret, buildCsrfToken, CSRF_COOKIE } from '../auth/csrf'
import { webConfigFor } from '../auth/dev-mode'
import { randomToken } from '../auth/hmac'
import { buildWebActor, readWebIdentity } from '../auth/identity'
import { SESSION_COOKIE } from '../auth/session'
import { type Config, loadConfig } from '../config'
import type { Lang } from '../domain/enums'
import type { Actor } from '../domain/types'
import { logger } from '../logger'
import { type AuthorizeInput, authorize } from '../services/access'
import { adoptLegacyIdentity } from '../services/identities'
import { isStrictUtf8Form, multipartBoundary, multipartTextProblem } from './strict-utf8'

/** The language preference cookie (nl default). */
export const LANG_COOKIE = 'ret_lang'

/** Per-request values of the web surface. */
export type WebVariables = AppVariables & {
  config: Config
  actor: Actor | null
  lang: Lang
  nonce: string
  csrfSecret: string
  csrfToken: string
}
export type WebEnv = { Bindings: Env; Variables: WebVariables }
export type WebContext = Context<WebEnv>

/** Whether the request came over HTTPS (cookies are then `Secure`). */
export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:'
}

/** Sets a cookie the web surface owns: HttpOnly, SameSite=Lax, path /, Secure over HTTPS. */
export function setWebCookie(c: Context, name: string, value: string, maxAge: number): void {
  setCookie(c, name, value, { httpOnly: true, sameSite: 'Lax', path: '/', secure: isHttps(c), maxAge })
}

/**
 * Security headers for every web page: a strict CSP (the one stylesheet by nonce, no scripts at all),
 * no framing, no referrer, no caching (pages carry personal data).
 */
export function buildSecurityHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Security-Policy': [
      "default-src 'none'",
      `style-src 'nonce-${nonce}'`,
      // one small script by nonce: the character counter of long texts (progressive enhancement)
      `script-src 'nonce-${nonce}'`,
      "img-src 'self' data:",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  }
}

/**
 * Builds the web context of a request: configuration, language (cookie, Dutch default), CSP nonce,
 * the browser's CSRF secret and token, and the signed-in actor (dev session or Cloudflare Access JWT).
 * Afterwards it adds the security headers.
 */
export function webContext(): MiddlewareHandler<WebEnv> {
  return async function webContext(c, next) {
    // DEV_MODE counts only without Access and from loopback (src/auth/dev-mode.ts); else it is logged and off.
    const config = webConfigFor(loadConfig(c.env), {
      url: c.req.url,
      connectingIp: c.req.header('cf-connecting-ip'),
      requestId: c.get('requestId'),
    })
    c.set('config', config)
    const lang: Lang = getCookie(c, LANG_COOKIE) === 'en' ? 'en' : 'nl'
    c.set('lang', lang)
    const nonce = randomToken(16)
    c.set('nonce', nonce)
    let csrfSecret = getCookie(c, CSRF_COOKIE)
    if (!csrfSecret || !/^[A-Za-z0-9_-]{16,64}$/.test(csrfSecret)) {
      csrfSecret = buildCsrfSecret()
      setWebCookie(c, CSRF_COOKIE, csrfSecret, 60 * 60 * 24 * 30)
    }
    c.set('csrfSecret', csrfSecret)
    const key = config.LINK_SIGNING_KEY ?? ''
    c.set('csrfToken', key ? await buildCsrfToken(key, csrfSecret) : '')
    const credentials = {
      sessionCookie: getCookie(c, SESSION_COOKIE),
      accessJwt: c.req.header('Cf-Access-Jwt-Assertion'),
    }
    // The rate limiter verified these very credentials already (the same rule); verify only otherwise.
    const known = c.get('webIdentity')
    const identity =
      known && known.sessionCookie === credentials.sessionCookie && known.accessJwt === credentials.accessJwt
        ? known.identity
        : await readWebIdentity(config, credentials, new Date())
    const actor = identity ? buildWebActor(config, identity, lang) : null
    c.set('actor', actor)
    // Cases filed under the e-mail key before pseudonyms move to the pseudonym (issue 14 §4).
    if (actor && identity?.email && c.env?.DB) {
      await adoptLegacyIdentity(
        new D1CaseStore(c.env.DB),
        `web:${identity.tenant}:${identity.email}`,
        `web:${identity.tenant}:${identity.userId}`,
      )
    }
    const problem = await formTextProblem(c)
    if (problem) {
      // Issue 14 §7: a form whose text is not valid UTF-8 is refused, never stored with U+FFFD in it;
      // so is a multipart form with a control character in a file name or a text part.
      const res = c.html(renderWeb.error(pageContext(c), problem), 400)
      for (const [name, value] of Object.entries(buildSecurityHeaders(nonce))) res.headers.set(name, value)
      return res
    }
    await next()
    for (const [name, value] of Object.entries(buildSecurityHeaders(nonce))) c.res.headers.set(name, value)
  }
}

/**
 * What is wrong with the text of a posted form, if anything: an `application/x-www-form-urlencoded` form
 * that is not valid UTF-8, raw or in its `%XX` escapes (`badEncoding`); a `multipart/form-data` form
 * (uploads, or any form a client sends that way) whose file names or text parts are not valid UTF-8
 * (`badEncoding`) or hold a control character (`badText`) — a file's own bytes are not checked. Read from
 * a copy, so the route's body limit and parser still see the body.
 */
async function formTextProblem(c: WebContext): Promise<'badEncoding' | 'badText' | null> {
  if (c.req.method !== 'POST') return null
  const type = c.req.header('content-type') ?? ''
  const boundary = multipartBoundary(type)
  const urlencoded = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)
  if (!urlencoded && !boundary) return null
  try {
    const bytes = new Uint8Array(await c.req.raw.clone().arrayBuffer())
    if (urlencoded) return isStrictUtf8Form(bytes) ? null : 'badEncoding'
    const problem = multipartTextProblem(bytes, boundary as string)
    return problem === 'encoding' ? 'badEncoding' : problem === 'control' ? 'badText' : null
  } catch {
    // An unreadable body is the route's to refuse (413 at the limit, 400 for a broken form).
    return null
  }
}

/** The page context for rendering. `lang` overrides the request language (a draft has its own). */
export function pageContext(c: WebContext, lang?: Lang): PageContext {
  const actor = c.get('actor')
  return {
    lang: lang ?? c.get('lang'),
    csrf: c.get('csrfToken'),
    nonce: c.get('nonce'),
    devMode: c.get('config').DEV_MODE,
    user: actor ? { name: actor.name, roles: actor.roles } : null,
    path: new URL(c.req.url).pathname,
    ...(c.get('config').YOUTH_CRISIS_PHONE ? { youthCrisisPhone: c.get('config').YOUTH_CRISIS_PHONE } : {}),
  }
}

/**
 * Never a bare 500 on a page: an error the route did not handle is logged (by name and route only) and
 * answered with the error page in the person's language. One per web sub-app, after `webContext()`.
 */
export function htmlErrors(): MiddlewareHandler<WebEnv> {
  return async function htmlErrors(c, next) {
    await next()
    if (c.error && c.res.status >= 500) {
      logger.error('web_error', {
        requestId: c.get('requestId'),
        route: c.req.routePath,
        error: c.error.name,
      })
      c.res = c.html(renderWeb.error(pageContext(c), 'server'), 500)
    }
  }
}

/**
 * The signed-in person allowed `action` (audited by `authorize`), or the response that refuses: the dev
 * sign-in or 401 without a person, `forbidden`'s page with 403 for someone not allowed.
 */
export async function requirePermission(
  c: WebContext,
  deps: Parameters<typeof authorize>[0],
  action: AuthorizeInput['action'],
  forbidden: (page: PageContext) => string,
): Promise<Actor | Response> {
  const actor = c.get('actor')
  if (!actor) {
    if (c.get('config').DEV_MODE) return c.redirect('/dev/login', 303)
    return c.html(renderWeb.error(pageContext(c), 'unauthorized'), 401)
  }
  const allowed = await authorize(deps, { actor, action, requestId: c.get('requestId') })
  if (!allowed) return c.html(forbidden(pageContext(c)), 403)
  return actor
}
