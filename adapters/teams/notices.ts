import { t } from '../../src/domain/copy'
import type { Digest } from '../../src/domain/digest'
import {
  buildTextBar,
  CHAT_LIST_LIMIT,
  chartRows,
  entryText,
  leadTimeLines,
  nameOf,
  newAndOpenText,
  openByStatusText,
  quietText,
  signed,
  totalText,
} from '../../src/domain/digest-lines'
import type { ChartBreakdown } from '../../src/domain/digest-render'
import type { Lang } from '../../src/domain/enums'
import { formatLocalTime } from '../../src/domain/local-time'
import type { Notice } from '../../src/domain/notices'
import type { AdaptiveCard, CardElement } from './card-schema'
import {
  buildMessageCard,
  buildQuestionCard,
  buildReceiptCard,
  buildReminderCard,
  buildStatusCard,
  escapeCardMarkdown,
} from './cards'
import { buildFollowUpCard } from './follow-up'

/**
 * Adaptive Cards for the neutral notices (src/domain/notices.ts): the referrer's receipt, status,
 * question and reminder cards (built by ./cards), the erased and dead-letter cards, and the weekly
 * digest card. Pure.
 *
 * Charts in Teams: Adaptive Cards 1.5 (the newest every Teams client renders) has no chart element; Teams
 * adds `Chart.HorizontalBar` (desktop and web; not every mobile client). The digest card carries that
 * element with a `fallback` to a text bar chart (`▇▇▇ 3 (+1)`), so a client without charts shows the text
 * bars and every number stays readable as text.
 */

/** The card for a notice in the recipient's language, or null when Teams has no card for it. */
export function renderTeamsNotice(notice: Notice, lang: Lang): AdaptiveCard | null {
  switch (notice.kind) {
    case 'receipt':
      return buildReceiptCard({
        lang,
        reference: notice.reference,
        intervention: notice.intervention,
        urgency: notice.urgency,
        analysisMissing: notice.analysisMissing,
        acuteDanger: notice.acuteDanger,
        youthCrisisPhone: notice.youthCrisisPhone,
      })
    case 'status':
      // Teams shows status changes; a change that keeps the status (a new table date) is not sent.
      if (notice.from === notice.status) return null
      return buildStatusCard({
        lang,
        reference: notice.reference,
        status: notice.status,
        intervention: notice.intervention,
        ...(notice.status === 'scheduled' && notice.scheduledFor
          ? { scheduledFor: formatLocalTime(notice.scheduledFor, lang) }
          : {}),
      })
    case 'question':
      return buildQuestionCard({
        lang,
        reference: notice.reference,
        questionId: String(notice.version),
        question: notice.question,
      })
    case 'followUp':
      return buildFollowUpCard({ lang, reference: notice.reference, number: notice.number })
    case 'reminder':
      if (notice.topic === 'draft' || notice.topic === 'info' || notice.topic === 'analysis')
        return buildReminderCard({
          lang,
          kind: notice.topic,
          ...(notice.reference ? { reference: notice.reference } : {}),
        })
      return buildTeamsReminderCard(lang, notice.text[lang])
    case 'erased':
    case 'dead-letter':
      return buildMessageCard(lang, notice.text[lang])
    case 'digest':
      // The digest card adds Teams chart elements to the 1.5 card (see above).
      return buildTeamsDigestCard(notice.digest, lang) as unknown as AdaptiveCard
  }
}

/** The Teams chart element (outside the 1.5 schema the intake cards keep to; see the note above). */
export interface TeamsChartElement {
  type: 'Chart.HorizontalBar'
  title: string
  showTitle?: boolean
  colorSet?: 'categorical' | 'sequential' | 'diverging'
  data: { x: string; y: number }[]
  fallback: CardElement
}

/** The digest card: Adaptive Card 1.5 elements plus Teams chart elements with a text fallback. */
export type DigestCard = Omit<AdaptiveCard, 'body'> & { body: (CardElement | TeamsChartElement)[] }

function teamsChart(
  digest: Digest,
  breakdown: ChartBreakdown,
  lang: Lang,
): (CardElement | TeamsChartElement)[] {
  const heading = t(lang, `digest.headings.${breakdown}`)
  const rows = chartRows(digest, breakdown)
  if (rows.length === 0) return []
  const max = Math.max(1, ...rows.map((r) => Math.max(r.d.now, r.d.weekAgo)))
  const fallback: CardElement = {
    type: 'FactSet',
    facts: rows.map(({ name, d }) => ({
      title: nameOf(lang, breakdown, name),
      value: `${buildTextBar(d.now, max)} ${d.now} (${signed(d.delta)})`.trim(),
    })),
  }
  return [
    { type: 'TextBlock', text: heading, wrap: true, weight: 'bolder', spacing: 'medium' },
    {
      type: 'Chart.HorizontalBar',
      title: heading,
      showTitle: false,
      colorSet: 'categorical',
      data: rows.map(({ name, d }) => ({ x: nameOf(lang, breakdown, name), y: d.now })),
      fallback,
    },
  ]
}

/** The weekly digest as a Teams card for one coordinator (their own 1:1 chat: pseudonyms shown). */
export function buildTeamsDigestCard(digest: Digest, lang: Lang): DigestCard {
  const body: (CardElement | TeamsChartElement)[] = [
    {
      type: 'TextBlock',
      text: t(lang, 'digest.title', { week: digest.week }),
      wrap: true,
      style: 'heading',
      size: 'large',
      weight: 'bolder',
    },
    { type: 'TextBlock', text: t(lang, 'digest.intro'), wrap: true, isSubtle: true },
  ]
  // A quiet week is one clear sentence, not a card of zeros.
  if (digest.quiet) {
    return digestCard(digest, lang, [
      ...body,
      { type: 'TextBlock', text: quietText(digest, lang), wrap: true, spacing: 'medium' },
      { type: 'TextBlock', text: t(lang, 'digest.delivery.web'), wrap: true, isSubtle: true },
    ])
  }
  const byStatus = openByStatusText(digest, lang)
  body.push(
    {
      type: 'TextBlock',
      text: newAndOpenText(digest, lang),
      wrap: true,
      weight: 'bolder',
      spacing: 'medium',
    },
    ...(byStatus ? [{ type: 'TextBlock', text: byStatus, wrap: true, isSubtle: true } as CardElement] : []),
    {
      type: 'TextBlock',
      text: `${t(lang, 'digest.headings.stalled')} (${digest.stalled.length})`,
      wrap: true,
      weight: 'bolder',
      spacing: 'medium',
    },
  )
  if (digest.stalled.length === 0)
    body.push({ type: 'TextBlock', text: t(lang, 'digest.noneStalled'), wrap: true })
  else {
    body.push({
      type: 'FactSet',
      facts: digest.stalled.slice(0, CHAT_LIST_LIMIT).map((s) => ({
        title: s.pseudonym ? `${s.reference} · ${escapeCardMarkdown(s.pseudonym)}` : s.reference,
        value: entryText(s, lang),
      })),
    })
    const more = digest.stalled.length - CHAT_LIST_LIMIT
    if (more > 0) {
      body.push({ type: 'TextBlock', text: t(lang, 'digest.delivery.more', { count: more }), wrap: true })
    }
  }
  body.push(
    {
      type: 'TextBlock',
      text: t(lang, 'digest.headings.change'),
      wrap: true,
      weight: 'bolder',
      spacing: 'medium',
      separator: true,
    },
    { type: 'TextBlock', text: totalText(digest, lang), wrap: true },
    ...teamsChart(digest, 'byIntervention', lang),
    ...teamsChart(digest, 'byMunicipality', lang),
  )
  const lines = leadTimeLines(digest, lang)
  body.push({
    type: 'TextBlock',
    text: t(lang, 'digest.headings.leadTimes'),
    wrap: true,
    weight: 'bolder',
    spacing: 'medium',
    separator: true,
  })
  body.push(
    lines.length > 0
      ? { type: 'FactSet', facts: lines }
      : { type: 'TextBlock', text: t(lang, 'digest.delivery.noData'), wrap: true },
  )
  body.push({ type: 'TextBlock', text: t(lang, 'digest.delivery.web'), wrap: true, isSubtle: true })
  return digestCard(digest, lang, body)
}

function digestCard(digest: Digest, lang: Lang, body: (CardElement | TeamsChartElement)[]): DigestCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    lang,
    fallbackText: t(lang, 'digest.title', { week: digest.week }),
    body,
  }
}

/** A reminder as a small Teams card (heading and one sentence; no personal data). */
export function buildTeamsReminderCard(lang: Lang, text: string): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    lang,
    fallbackText: text,
    body: [
      {
        type: 'TextBlock',
        text: t(lang, 'digest.reminders.title'),
        wrap: true,
        style: 'heading',
        weight: 'bolder',
      },
      { type: 'TextBlock', text, wrap: true },
    ],
  }
}
