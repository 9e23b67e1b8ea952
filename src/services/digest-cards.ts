import { escapeMrkdwn } from '../../adapters/slack/cards'
import type { SlackBlock } from '../../adapters/slack/types'
import type { AdaptiveCard, CardElement } from '../../adapters/teams/card-schema'
import { label, t } from '../domain/copy'
import type { Delta, Digest, LeadTimeStats, StalledEntry } from '../domain/digest'
import type { ChartBreakdown } from '../domain/digest-render'
import { INTERVENTIONS, type Lang } from '../domain/enums'

/**
 * Pure builders of the digest and reminder messages for the chat surfaces. They render the digest model
 * (src/domain/digest.ts) and add nothing: reference and pseudonym identify a case, nothing else personal.
 * A post in a shared Slack channel leaves the pseudonym out as well (a channel has a wider audience than
 * the coordinator's own chat).
 *
 * Charts in Teams: Adaptive Cards 1.5 (the newest every Teams client renders) has no chart element; Teams
 * adds `Chart.HorizontalBar` (desktop and web; not every mobile client). The card carries that element
 * with a `fallback` to a text bar chart (`▇▇▇ 3 (+1)`), so a client without charts shows the text bars
 * and every number stays readable as text. Slack has no chart block: the same text bars in a code block.
 */

/** Stalled cases listed in a chat message; the rest are counted and point to the web page. */
export const CHAT_LIST_LIMIT = 20

const BAR = '▇'
const BAR_WIDTH = 12

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n)
}

/** A text bar of `value` against `max` (at least one block for a non-zero value). */
export function buildTextBar(value: number, max: number): string {
  if (value <= 0 || max <= 0) return ''
  return BAR.repeat(Math.max(1, Math.round((value / max) * BAR_WIDTH)))
}

/** The rows of one breakdown that have a case now or a week ago, biggest first (stable by name). */
export function chartRows(digest: Digest, breakdown: ChartBreakdown): { name: string; d: Delta }[] {
  return Object.entries(digest.change[breakdown] as Record<string, Delta>)
    .filter(([, d]) => d.now > 0 || d.weekAgo > 0)
    .sort(([a, x], [b, y]) => y.now - x.now || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, d]) => ({ name, d }))
}

function nameOf(lang: Lang, breakdown: ChartBreakdown, name: string): string {
  return breakdown === 'byIntervention' ? label(lang, 'intervention', name) : name
}

/** Who takes the next step, as the coordinator reads it: the role, and the lead's user id when known. */
export function ownerText(entry: StalledEntry, lang: Lang): string {
  const role = t(lang, `digest.owners.${entry.nextStep.owner}`)
  if (entry.nextStep.owner !== 'lead' || !entry.owner) return role
  const user = entry.owner.split(':').pop() ?? ''
  return user ? `${role} (${user})` : role
}

/** One stalled case as a line: status, working days, owner, next step and its due date. */
export function entryText(entry: StalledEntry, lang: Lang): string {
  return t(lang, 'digest.delivery.entry', {
    status: t(lang, `lifecycle.statuses.${entry.status}`),
    days: entry.workingDaysInStatus,
    owner: ownerText(entry, lang),
    step: entry.nextStep[lang],
    due: entry.nextStep.due,
  })
}

function leadTimeText(stats: LeadTimeStats, lang: Lang): string {
  if (stats.n === 0 || stats.median === null || stats.p90 === null) return t(lang, 'digest.delivery.noData')
  return t(lang, 'digest.delivery.leadTime', { median: stats.median, p90: stats.p90, n: stats.n })
}

/** Lead times per intervention with at least one measured case, as lines. */
export function leadTimeLines(digest: Digest, lang: Lang): { title: string; value: string }[] {
  return INTERVENTIONS.filter((i) => {
    const lt = digest.leadTimes[i]
    return lt.submissionToTriage.n > 0 || lt.submissionToAdvice.n > 0
  }).map((i) => ({
    title: label(lang, 'intervention', i),
    value: [
      `${t(lang, 'digest.columns.submissionToTriage')}: ${leadTimeText(digest.leadTimes[i].submissionToTriage, lang)}`,
      `${t(lang, 'digest.columns.submissionToAdvice')}: ${leadTimeText(digest.leadTimes[i].submissionToAdvice, lang)}`,
    ].join(' · '),
  }))
}

function totalText(digest: Digest, lang: Lang): string {
  const total = digest.change.total
  return t(lang, 'digest.delivery.total', {
    now: total.now,
    weekAgo: total.weekAgo,
    delta: signed(total.delta),
  })
}

// ---------------------------------------------------------------------------------------------------
// Teams

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
    {
      type: 'TextBlock',
      text: `${t(lang, 'digest.headings.stalled')} (${digest.stalled.length})`,
      wrap: true,
      weight: 'bolder',
      spacing: 'medium',
    },
  ]
  if (digest.stalled.length === 0)
    body.push({ type: 'TextBlock', text: t(lang, 'digest.noneStalled'), wrap: true })
  else {
    body.push({
      type: 'FactSet',
      facts: digest.stalled.slice(0, CHAT_LIST_LIMIT).map((s) => ({
        title: s.pseudonym ? `${s.reference} · ${s.pseudonym}` : s.reference,
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

// ---------------------------------------------------------------------------------------------------
// Slack

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
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t(lang, 'digest.delivery.web')) }],
  })
  return { text: `${title}: ${totalText(digest, lang)}`, blocks }
}
