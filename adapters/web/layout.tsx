/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx'
import { t } from '../../src/domain/copy'
import type { Lang } from '../../src/domain/enums'
import type { Role } from '../../src/domain/types'
import { WEB_CSS } from './styles'

/** What every page needs from the request: language, CSRF token, CSP nonce and who is signed in. */
export interface PageContext {
  lang: Lang
  /** The CSRF token every form carries. */
  csrf: string
  /** CSP nonce of the inline stylesheet. */
  nonce: string
  devMode: boolean
  user: { name: string; roles: readonly Role[] } | null
  /** Path of this page (the language switch comes back here). */
  path: string
  /** The regional youth crisis service's number (configuration `YOUTH_CRISIS_PHONE`), when set. */
  youthCrisisPhone?: string
}

/** The hidden CSRF field every form carries. */
export function CsrfField({ ctx }: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrf} />
}

function LanguageSwitch({ ctx }: { ctx: PageContext }) {
  return (
    <form method="post" action="/lang" class="langs inline">
      <CsrfField ctx={ctx} />
      <input type="hidden" name="next" value={ctx.path} />
      <span class="visually-hidden">{t(ctx.lang, 'web.nav.language')}</span>
      {(['nl', 'en'] as const).map((lang) => (
        <button
          type="submit"
          name="lang"
          value={lang}
          lang={lang}
          aria-pressed={ctx.lang === lang ? 'true' : 'false'}
        >
          {t(lang, `web.nav.${lang}`)}
        </button>
      ))}
    </form>
  )
}

/** The page shell: `lang` set, skip link, dev banner, header with navigation and language switch. */
export function Layout({
  ctx,
  title,
  children,
  wide,
}: {
  ctx: PageContext
  title: string
  children?: Child
  /** Wider main column (the chairs' case list). */
  wide?: boolean
}) {
  const appName = t(ctx.lang, 'app.name')
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} – ${appName}`}</title>
        <style nonce={ctx.nonce} dangerouslySetInnerHTML={{ __html: WEB_CSS }} />
      </head>
      <body>
        <a class="skip" href="#main">
          {t(ctx.lang, 'web.skipLink')}
        </a>
        {ctx.devMode ? (
          <p class="dev" role="note">
            {t(ctx.lang, 'web.devBanner')}
          </p>
        ) : null}
        <header class="site">
          <div class="bar">
            <a class="brand" href="/">
              {appName}
            </a>
            <nav aria-label={t(ctx.lang, 'web.nav.label')}>
              <ul>
                <li>
                  <a href="/">{t(ctx.lang, 'web.nav.home')}</a>
                </li>
                {ctx.user ? (
                  <li>
                    <a href="/cases" aria-current={ctx.path === '/cases' ? 'page' : undefined}>
                      {ctx.user.roles.some((r) => r === 'chair' || r === 'admin')
                        ? t(ctx.lang, 'web.console.titleChair')
                        : t(ctx.lang, 'web.nav.cases')}
                    </a>
                  </li>
                ) : null}
                {ctx.user?.roles.some((r) => r === 'coordinator' || r === 'admin') ? (
                  <li>
                    <a href="/digest" aria-current={ctx.path === '/digest' ? 'page' : undefined}>
                      {t(ctx.lang, 'web.nav.digest')}
                    </a>
                  </li>
                ) : null}
                {ctx.user?.roles.some((r) => r === 'coordinator' || r === 'admin') ? (
                  <li>
                    <a href="/monitoring" aria-current={ctx.path === '/monitoring' ? 'page' : undefined}>
                      {t(ctx.lang, 'monitoring.page.title')}
                    </a>
                  </li>
                ) : null}
                {ctx.user ? (
                  <li class="who">{t(ctx.lang, 'web.nav.signedInAs', { name: ctx.user.name })}</li>
                ) : null}
                {ctx.user && ctx.devMode ? (
                  <li>
                    <form method="post" action="/dev/logout" class="inline">
                      <CsrfField ctx={ctx} />
                      <button type="submit" class="linkbtn">
                        {t(ctx.lang, 'web.nav.logout')}
                      </button>
                    </form>
                  </li>
                ) : null}
                {ctx.user && !ctx.devMode ? (
                  <li>
                    {/* Cloudflare Access ends its own session here. */}
                    <a href="/cdn-cgi/access/logout">{t(ctx.lang, 'web.nav.logout')}</a>
                  </li>
                ) : null}
                {!ctx.user && ctx.devMode ? (
                  <li>
                    <a href="/dev/login">{t(ctx.lang, 'web.nav.login')}</a>
                  </li>
                ) : null}
                {ctx.csrf ? (
                  <li>
                    <LanguageSwitch ctx={ctx} />
                  </li>
                ) : null}
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" tabindex={-1} class={wide ? 'wide' : undefined}>
          {children}
        </main>
      </body>
    </html>
  )
}

/** Renders a page element to a complete HTML document. */
export function renderDocument(node: unknown): string {
  return `<!doctype html>${String(node)}`
}
