/** @jsxImportSource hono/jsx */
import { t } from '../../src/domain/copy'
import { CsrfField, Layout, type PageContext, renderDocument } from './layout'

/**
 * The upload page of a short-lived upload link and the file-error pages, in the site's layout (header,
 * language switch, a way back) like every other page (issue 13 §13).
 */

/** The way back from a file page: the referrer's or chair's own case list. */
function WayBack({ ctx }: { ctx: PageContext }) {
  return (
    <p>
      <a href="/cases">{t(ctx.lang, 'pdf.files.backToCases')}</a>
    </p>
  )
}

export interface UploadPageInput {
  reference: string
  /** "24 november 2026 10:15", in the page's language. */
  validUntil: string
  /** Path of the upload form (the link itself), where the form posts to. */
  action: string
  /** A refused upload: the copy key under `pdf.files.` (`empty`, `tooLarge`, …). */
  error?: string
  /** After a successful upload. */
  uploaded?: boolean
  /**
   * After an upload: where a web user asks for a new link at once (the used link works no more);
   * absent for a chat link, whose user asks in their chat.
   */
  againHref?: string
}

/** The upload form (or its result). Without a file the server answers with a message under the field. */
export function UploadPage({ ctx, input }: { ctx: PageContext; input: UploadPageInput }) {
  const { lang } = ctx
  const title = t(lang, 'pdf.files.uploadTitle')
  const error = input.error ? t(lang, `pdf.files.${input.error}`) : null
  return (
    <Layout ctx={ctx} title={error ? `${t(lang, 'web.errors.title')}: ${title}` : title}>
      <h1 id="upload-title" tabindex={-1} autofocus={error ? undefined : true}>
        {title}
      </h1>
      {input.uploaded ? (
        <>
          <p class="flash" role="status">
            {t(lang, 'pdf.files.uploaded', { reference: input.reference })}
          </p>
          {input.againHref ? (
            <p>
              <a href={input.againHref}>{t(lang, 'pdf.files.uploadAnother')}</a>
            </p>
          ) : (
            <p>{t(lang, 'pdf.files.uploadUsed')}</p>
          )}
        </>
      ) : (
        <>
          {error ? (
            <div
              class="error-summary"
              role="alert"
              aria-labelledby="upload-error-title"
              tabindex={-1}
              autofocus
            >
              <h2 id="upload-error-title">{t(lang, 'web.errors.title')}</h2>
              <ul>
                <li>
                  <a href="#file">{error}</a>
                </li>
              </ul>
            </div>
          ) : null}
          <p>{t(lang, 'pdf.files.uploadIntro', { reference: input.reference })}</p>
          {/* novalidate: an empty submit gets the server's message in the page's language, not the browser's. */}
          <form method="post" action={input.action} enctype="multipart/form-data" novalidate>
            <CsrfField ctx={ctx} />
            <div class={error ? 'field has-error' : 'field'}>
              <label for="file">{t(lang, 'pdf.files.uploadField')}</label>
              {error ? (
                <p class="field-error" id="file-error">
                  {error}
                </p>
              ) : null}
              <input
                id="file"
                name="file"
                type="file"
                required
                accept=".pdf,.docx,image/png,image/jpeg,image/gif,image/webp"
                aria-invalid={error ? 'true' : undefined}
                aria-describedby={error ? 'file-error' : undefined}
              />
            </div>
            <div class="actions">
              <button type="submit" class="primary">
                {t(lang, 'pdf.files.uploadButton')}
              </button>
            </div>
          </form>
          <p>
            <small>
              {t(lang, 'pdf.files.uploadValid', { time: input.validUntil })} {t(lang, 'pdf.files.uploadOnce')}
            </small>
          </p>
        </>
      )}
      <WayBack ctx={ctx} />
    </Layout>
  )
}

/** A file link that cannot be served (expired, not yours, not found…): the message and a way back. */
export function FileMessagePage({
  ctx,
  messageKey,
  params,
}: {
  ctx: PageContext
  messageKey: string
  params?: Record<string, string | number> | undefined
}) {
  const { lang } = ctx
  const title = t(lang, 'web.errors.title')
  return (
    <Layout ctx={ctx} title={title}>
      <h1 id="file-title" tabindex={-1} autofocus>
        {title}
      </h1>
      <p class="msg" role="alert">
        {t(lang, `pdf.files.${messageKey}`, params)}
      </p>
      <WayBack ctx={ctx} />
    </Layout>
  )
}

export interface DownloadPageInput {
  reference: string
  /** "24 november 2026 10:15", in the page's language. */
  validUntil: string
}

/**
 * A file link handed out in a chat: the page asks for one press of the button, whose POST (with the
 * CSRF token) spends the single-use link, so a link preview or scanner that fetches the URL cannot.
 */
export function DownloadPage({ ctx, input }: { ctx: PageContext; input: DownloadPageInput }) {
  const { lang } = ctx
  const title = t(lang, 'pdf.files.downloadTitle')
  return (
    <Layout ctx={ctx} title={title}>
      <h1 id="download-title" tabindex={-1} autofocus>
        {title}
      </h1>
      <p>{t(lang, 'pdf.files.downloadIntro', { reference: input.reference, time: input.validUntil })}</p>
      <form method="post">
        <CsrfField ctx={ctx} />
        <div class="actions">
          <button type="submit" class="primary">
            {t(lang, 'pdf.files.downloadButton')}
          </button>
        </div>
      </form>
      <WayBack ctx={ctx} />
    </Layout>
  )
}

/** The complete documents, for the files route. */
export const renderFilePages = {
  upload: (ctx: PageContext, input: UploadPageInput) =>
    renderDocument(<UploadPage ctx={ctx} input={input} />),
  download: (ctx: PageContext, input: DownloadPageInput) =>
    renderDocument(<DownloadPage ctx={ctx} input={input} />),
  message: (ctx: PageContext, messageKey: string, params?: Record<string, string | number>) =>
    renderDocument(<FileMessagePage ctx={ctx} messageKey={messageKey} params={params} />),
}
