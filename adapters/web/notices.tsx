/** @jsxImportSource hono/jsx */
import { label, t } from '../../src/domain/copy'
import { totalText } from '../../src/domain/digest-lines'
import type { Lang } from '../../src/domain/enums'
import { formatLocalTime } from '../../src/domain/local-time'
import type { Notice } from '../../src/domain/notices'

/**
 * HTML for the neutral notices (src/domain/notices.ts), for the web surface. The web has no push
 * channel: the Notifier does not deliver to web users (they see their cases in "Mijn casussen", which
 * reads the case itself), so this renderer is what a web page would show for a notice — e.g. a banner.
 * Every value is escaped by hono/jsx; the chair's question is shown as text, never as markup.
 */
function NoticeBody({ notice, lang }: { notice: Notice; lang: Lang }) {
  switch (notice.kind) {
    case 'receipt':
      return (
        <p>
          {t(lang, 'teams.receipt.title')} · {notice.reference} ·{' '}
          {label(lang, 'intervention', notice.intervention)}
        </p>
      )
    case 'status':
      return (
        <p>
          {notice.reference}: {t(lang, `lifecycle.statuses.${notice.status}`)}
          {notice.status === 'scheduled' && notice.scheduledFor
            ? ` · ${formatLocalTime(notice.scheduledFor, lang)}`
            : ''}
        </p>
      )
    case 'question':
      return (
        <>
          <p>{notice.reference}</p>
          <blockquote>{notice.question}</blockquote>
        </>
      )
    case 'followUp':
      return (
        <p>
          {t(lang, `lifecycle.followUp.${notice.number > 1 ? 'reminderTitle' : 'title'}`, {
            reference: notice.reference,
          })}
        </p>
      )
    case 'reminder':
    case 'erased':
    case 'dead-letter':
      return <p>{notice.text[lang]}</p>
    case 'digest':
      return (
        <p>
          {t(lang, 'digest.title', { week: notice.digest.week })}: {totalText(notice.digest, lang)}
        </p>
      )
  }
}

/** A notice as an HTML fragment (`<section class="notice">…`). */
export function renderWebNotice(notice: Notice, lang: Lang): string {
  return String(
    <section class="notice" data-kind={notice.kind} lang={lang}>
      <NoticeBody notice={notice} lang={lang} />
    </section>,
  )
}
