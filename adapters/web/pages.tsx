/** @jsxImportSource hono/jsx */
import { t } from '../../src/domain/copy'
import { noticeLine, type ReceiptText } from '../../src/domain/crisis'
import type { Lang } from '../../src/domain/enums'
import { CsrfField, Layout, type PageContext } from './layout'
import { PhoneText } from './phone-text'

/** A short message shown once after a redirect (e.g. "saved, continue later"). */
export type Flash = 'saved' | 'savedPartial' | 'cancelled' | 'noDraft' | 'crisis'

function FlashMessage({
  flash,
  lang,
  phone,
}: {
  flash?: Flash | null
  lang: Lang
  phone?: string | undefined
}) {
  if (!flash) return null
  // Stopping at the acute-danger notice (G1) must not lose the crisis numbers: they stay on screen.
  if (flash === 'crisis')
    return (
      <section class="notice notice-danger" role="alert">
        <h2>{t(lang, 'dialogue.notices.G1.title')}</h2>
        {['call112', 'veiligThuis', 'crisis', 'notAReport'].map((line) => (
          <p>
            <PhoneText text={noticeLine(lang, `dialogue.notices.G1.${line}`, {}, phone)} />
          </p>
        ))}
      </section>
    )
  const key = flash === 'noDraft' ? 'web.errors.noDraft' : `web.landing.${flash}`
  return (
    <p class="flash" role="status">
      {t(lang, key)}
    </p>
  )
}

function formatDate(iso: string, lang: Lang): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/Amsterdam',
  }).format(d)
}

/** The landing page: what this is, then start or resume (or sign in). */
export function LandingPage({
  ctx,
  draft,
  flash,
}: {
  ctx: PageContext
  /** The unfinished draft of this person, if any. */
  draft: { updatedAt: string } | null
  flash?: Flash | null
}) {
  const { lang } = ctx
  return (
    <Layout ctx={ctx} title={t(lang, 'web.landing.title')}>
      <h1>{t(lang, 'web.landing.title')}</h1>
      <FlashMessage flash={flash} lang={lang} phone={ctx.youthCrisisPhone} />
      <p class="intro">{t(lang, 'web.landing.intro')}</p>
      <p>{t(lang, 'web.landing.steps')}</p>
      <section class="notice notice-danger" aria-labelledby="acute-title">
        <h2 id="acute-title" class="visually-hidden">
          112
        </h2>
        <p>
          <PhoneText text={t(lang, 'web.landing.acute')} />
        </p>
      </section>
      <p>{t(lang, 'web.landing.privacy')}</p>
      {ctx.user ? (
        <div class="actions">
          {draft ? (
            <>
              <p>{t(lang, 'web.landing.resumeHint', { date: formatDate(draft.updatedAt, lang) })}</p>
              <a class="button primary" href="/intake">
                {t(lang, 'web.landing.resume')}
              </a>
            </>
          ) : (
            <form method="post" action="/intake/start" class="inline">
              <CsrfField ctx={ctx} />
              <button type="submit" class="primary">
                {t(lang, 'web.landing.start')}
              </button>
            </form>
          )}
        </div>
      ) : ctx.devMode ? (
        <p>
          <a class="button primary" href="/dev/login">
            {t(lang, 'web.nav.login')}
          </a>
        </p>
      ) : (
        <p>{t(lang, 'web.landing.loginFirst')}</p>
      )}
    </Layout>
  )
}

/**
 * After submitting: the case reference, prominently; what happens next (a call back now for a spoedmelding,
 * never "within 3 working days") and, for an urgent report, 112, Veilig Thuis and the crisis service.
 */
export function DonePage({
  ctx,
  reference,
  receipt,
}: {
  ctx: PageContext
  reference: string
  receipt?: ReceiptText | undefined
}) {
  const { lang } = ctx
  return (
    <Layout ctx={ctx} title={t(lang, 'web.done.title')}>
      <h1>{t(lang, 'web.done.title')}</h1>
      <p>{t(lang, 'web.done.reference')}</p>
      <p class="reference" id="reference">
        {reference}
      </p>
      <p id="next">{receipt ? receipt.next : t(lang, 'web.done.body')}</p>
      {receipt && receipt.crisis.length > 0 ? (
        <section class="notice notice-danger" aria-labelledby="crisis-title">
          <h2 id="crisis-title">{t(lang, 'dialogue.receipt.crisisTitle')}</h2>
          {receipt.crisis.map((line) => (
            <p>
              <PhoneText text={line} />
            </p>
          ))}
        </section>
      ) : null}
      {receipt ? <p>{t(lang, 'web.done.refer')}</p> : null}
      <div class="actions">
        <a class="button primary" href="/cases">
          {t(lang, 'web.done.cases')}
        </a>
        <form method="post" action="/intake/start" class="inline">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="fresh" value="1" />
          <button type="submit">{t(lang, 'web.done.new')}</button>
        </form>
      </div>
    </Layout>
  )
}

/** Confirmation before a draft is thrown away. */
export function CancelPage({ ctx }: { ctx: PageContext }) {
  const { lang } = ctx
  return (
    <Layout ctx={ctx} title={t(lang, 'web.cancel.title')}>
      <h1>{t(lang, 'web.cancel.title')}</h1>
      <p>{t(lang, 'web.cancel.body')}</p>
      <form method="post" action="/intake/cancel" class="actions">
        <CsrfField ctx={ctx} />
        <a class="button primary" href="/intake">
          {t(lang, 'web.cancel.keep')}
        </a>
        <button type="submit" class="danger">
          {t(lang, 'web.cancel.confirm')}
        </button>
      </form>
    </Layout>
  )
}

const DEV_ROLES = ['referrer', 'chair', 'coordinator', 'admin'] as const

/** The clearly marked development sign-in: a name and a role, no password. */
export function DevLoginPage({
  ctx,
  values,
  errors,
}: {
  ctx: PageContext
  values: { name: string; role: string }
  errors: { name?: boolean; role?: boolean }
}) {
  const { lang } = ctx
  const list = [
    errors.name ? { id: 'f-name', text: t(lang, 'web.login.errorName') } : null,
    errors.role ? { id: 'f-role', text: t(lang, 'web.login.errorRole') } : null,
  ].filter((e): e is { id: string; text: string } => e !== null)
  return (
    <Layout
      ctx={ctx}
      title={
        list.length > 0
          ? `${t(lang, 'web.errors.title')}: ${t(lang, 'web.login.title')}`
          : t(lang, 'web.login.title')
      }
    >
      <h1>{t(lang, 'web.login.title')}</h1>
      {list.length > 0 ? (
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
          <h2 id="error-summary-title">{t(lang, 'web.intake.errorSummaryTitle')}</h2>
          <ul>
            {list.map((e) => (
              <li>
                <a href={`#${e.id}`}>{e.text}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p>{t(lang, 'web.login.intro')}</p>
      <form method="post" action="/dev/login" novalidate>
        <CsrfField ctx={ctx} />
        <div class={errors.name ? 'field has-error' : 'field'}>
          <label for="f-name">{t(lang, 'web.login.name')}</label>
          <p class="hint" id="f-name-hint">
            {t(lang, 'web.login.nameHint')}
          </p>
          {errors.name ? (
            <p class="field-error" id="f-name-error">
              {t(lang, 'web.login.errorName')}
            </p>
          ) : null}
          <input
            type="text"
            id="f-name"
            name="name"
            value={values.name}
            maxlength={100}
            autocomplete="name"
            aria-describedby={errors.name ? 'f-name-hint f-name-error' : 'f-name-hint'}
            aria-invalid={errors.name ? 'true' : undefined}
          />
        </div>
        <div class={errors.role ? 'field has-error' : 'field'}>
          <fieldset aria-describedby={errors.role ? 'f-role-error' : undefined}>
            <legend>{t(lang, 'web.login.role')}</legend>
            {errors.role ? (
              <p class="field-error" id="f-role-error">
                {t(lang, 'web.login.errorRole')}
              </p>
            ) : null}
            {DEV_ROLES.map((role, i) => (
              <div class="choice">
                <input
                  type="radio"
                  id={i === 0 ? 'f-role' : `f-role-${i}`}
                  name="role"
                  value={role}
                  checked={values.role === role}
                />
                <label for={i === 0 ? 'f-role' : `f-role-${i}`}>{t(lang, `web.login.roles.${role}`)}</label>
              </div>
            ))}
          </fieldset>
        </div>
        <div class="actions">
          <button type="submit" class="primary">
            {t(lang, 'web.login.submit')}
          </button>
        </div>
      </form>
    </Layout>
  )
}

/** Which problem an error page explains. */
export type ErrorKind =
  | 'unauthorized'
  | 'csrf'
  | 'notFound'
  | 'server'
  | 'tooLarge'
  | 'badForm'
  | 'badEncoding'
  | 'badText'

/**
 * An error page. The 401 page is bilingual (we do not know the person's language yet); others use the
 * request language.
 */
export function ErrorPage({ ctx, kind }: { ctx: PageContext; kind: ErrorKind }) {
  const langs: Lang[] = kind === 'unauthorized' ? ['nl', 'en'] : [ctx.lang]
  const titleKey = {
    unauthorized: 'web.errors.unauthorizedTitle',
    csrf: 'web.errors.csrfTitle',
    notFound: 'web.errors.notFoundTitle',
    server: 'web.errors.serverTitle',
    tooLarge: 'web.errors.title',
    badForm: 'web.errors.title',
    badEncoding: 'web.errors.title',
    badText: 'web.errors.title',
  }[kind]
  const bodyKey = `web.errors.${kind}`
  return (
    <Layout ctx={ctx} title={langs.map((l) => t(l, titleKey)).join(' / ')}>
      {langs.map((l, i) => (
        <div lang={l}>
          {i === 0 ? <h1>{t(l, titleKey)}</h1> : <h2>{t(l, titleKey)}</h2>}
          <p>{t(l, bodyKey)}</p>
        </div>
      ))}
      {kind !== 'unauthorized' ? (
        <p>
          <a href="/">{t(ctx.lang, 'web.errors.goHome')}</a>
        </p>
      ) : ctx.devMode ? (
        <p>
          <a href="/dev/login">{t(ctx.lang, 'web.nav.login')}</a>
        </p>
      ) : null}
    </Layout>
  )
}
