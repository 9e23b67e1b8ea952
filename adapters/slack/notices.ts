import { label, t } from '../../src/domain/copy'
import type { Digest } from '../../src/domain/digest'
import {
  BAR_WIDTH,
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
import { INTERVENTIONS, type Intervention, type Lang } from '../../src/domain/enums'
import type { Notice, StatusNotice } from '../../src/domain/notices'
import { buildQuestionMessage, escapeMrkdwn, slackDate } from './cards'
import { buildFollowUpMessage } from './follow-up'
import type { SlackBlock } from './types'

/**
 * Block Kit for the neutral notices (src/domain/notices.ts): the referrer's status and question
 * messages (direct messages from the app), reminders, the dead-letter alert and the weekly digest.
 * Pure. Slack has no chart block: the digest's charts are text bars in a code block. A post in a
 * shared channel leaves the pseudonyms out (a channel has a wider audience than a person's own chat).
 */

/** A message to post: fallback text and, for richer notices, Block Kit blocks. */
export interface SlackNoticeMessage {
  text: string
  blocks?: SlackBlock[]
}

/** Who reads a Slack message: one person (a direct message) or a shared channel. */
export type SlackAudience = 'person' | 'channel'

/**
 * The message for a notice, or null when Slack has none: the receipt (Slack confirms a submit in the
 * intake dialogue itself) and status changes without a message of their own.
 */
export function renderSlackNotice(
  notice: Notice,
  lang: Lang,
  audience: SlackAudience,
): SlackNoticeMessage | null {
  switch (notice.kind) {
    case 'receipt':
      return null
    case 'status': {
      const text = statusText(notice, lang)
      return text ? { text } : null
    }
    case 'question':
      return buildQuestionMessage(
        {
          reference: notice.reference,
          version: notice.version,
          items: notice.items,
          question: notice.question,
        },
        lang,
      )
    case 'followUp':
      return buildFollowUpMessage(notice.reference, notice.number, lang)
    case 'reminder':
    case 'dead-letter':
      return { text: notice.text[lang] }
    case 'erased':
      return {
        text: notice.text[lang],
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `~${notice.reference}~ ${notice.text[lang]}` } },
        ],
      }
    case 'digest':
      return buildSlackDigestMessage(notice.digest, lang, audience === 'person')
  }
}

/** The direct message for a change of the referrer's case; free text stays in the case. */
function statusText(notice: StatusNotice, lang: Lang): string | null {
  if (!notice.change || notice.change === 'requestInfo') return null
  const intervention: Intervention | null = (INTERVENTIONS as readonly string[]).includes(
    notice.changeIntervention ?? '',
  )
    ? notice.changeIntervention
    : null
  return t(lang, `slack.notice.${notice.change}`, {
    reference: notice.reference,
    intervention: intervention ? label(lang, 'intervention', intervention) : '—',
    items: '—',
    when: notice.at ? slackDate(notice.at) : '—',
  })
}

function slackChart(digest: Digest, breakdown: ChartBreakdown, lang: Lang): string | null {
  const rows = chartRows(digest, breakdown)
  if (rows.length === 0) return null
  const max = Math.max(1, ...rows.map((r) => Math.max(r.d.now, r.d.weekAgo)))
  const names = rows.map((r) => nameOf(lang, breakdown, r.name))
  const width = Math.max(...names.map((n) => n.length))
  const lines = rows.map(
    ({ d }, i) =>
      `${(names[i] ?? '').padEnd(width)} ${buildTextBar(d.now, max).padEnd(BAR_WIDTH)} ${d.now} (${signed(d.delta)})`,
  )
  return `*${escapeMrkdwn(t(lang, `digest.headings.${breakdown}`))}*\n\`\`\`${escapeMrkdwn(lines.join('\n'))}\`\`\``
}

/** A Slack message: fallback text and Block Kit blocks. */
export interface SlackDigestMessage {
  text: string
  blocks: SlackBlock[]
}

/**
 * The weekly digest as a Slack message. `withPseudonyms` is true for a direct message to the coordinator
 * and false for a channel post.
 */
export function buildSlackDigestMessage(
  digest: Digest,
  lang: Lang,
  withPseudonyms: boolean,
): SlackDigestMessage {
  const title = t(lang, 'digest.title', { week: digest.week })
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t(lang, 'digest.intro')) }] },
  ]
  const web: SlackBlock = {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t(lang, 'digest.delivery.web')) }],
  }
  // A quiet week is one clear sentence, not a message of zeros.
  if (digest.quiet) {
    const sentence = quietText(digest, lang)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(sentence) } }, web)
    return { text: `${title}: ${sentence}`, blocks }
  }
  // A section holds at most 3000 characters: list whole lines while they fit, count the rest.
  const heading = `*${escapeMrkdwn(t(lang, 'digest.headings.stalled'))} (${digest.stalled.length})*`
  const list: string[] = []
  let size = heading.length + 200
  for (const s of digest.stalled.slice(0, CHAT_LIST_LIMIT)) {
    const who = withPseudonyms && s.pseudonym ? ` · ${escapeMrkdwn(s.pseudonym)}` : ''
    const line = `• *${s.reference}*${who} — ${escapeMrkdwn(entryText(s, lang))}`
    if (size + line.length + 1 > 3000) break
    list.push(line)
    size += line.length + 1
  }
  const more = digest.stalled.length - list.length
  if (more > 0) list.push(`_${escapeMrkdwn(t(lang, 'digest.delivery.more', { count: more }))}_`)
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `${heading}\n${list.length > 0 ? list.join('\n') : escapeMrkdwn(t(lang, 'digest.noneStalled'))}`,
    },
  })
  const byStatus = openByStatusText(digest, lang)
  // New and open cases after the stalled list (the list stays the first section after the intro).
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `*${escapeMrkdwn(newAndOpenText(digest, lang))}*${byStatus ? `\n${escapeMrkdwn(byStatus)}` : ''}`,
    },
  })
  blocks.push({ type: 'divider' })
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `*${escapeMrkdwn(t(lang, 'digest.headings.change'))}*\n${escapeMrkdwn(totalText(digest, lang))}`,
    },
  })
  for (const breakdown of ['byIntervention', 'byMunicipality'] as const) {
    const chart = slackChart(digest, breakdown, lang)
    if (chart) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chart.slice(0, 3000) } })
  }
  const lines = leadTimeLines(digest, lang)
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `*${escapeMrkdwn(t(lang, 'digest.headings.leadTimes'))}*\n${
        lines.length > 0
          ? lines.map((l) => `• *${escapeMrkdwn(l.title)}*: ${escapeMrkdwn(l.value)}`).join('\n')
          : escapeMrkdwn(t(lang, 'digest.delivery.noData'))
      }`.slice(0, 3000),
    },
  })
  blocks.push(web)
  return { text: `${title}: ${totalText(digest, lang)}`, blocks }
}
