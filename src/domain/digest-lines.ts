import { actorKeyUser } from './actor-key'
import { label, t } from './copy'
import {
  type Delta,
  DIGEST_OPEN_STATUSES,
  type Digest,
  type LeadTimeStats,
  type StalledEntry,
} from './digest'
import type { ChartBreakdown } from './digest-render'
import type { Intervention, Lang } from './enums'

/**
 * The digest's lines as text, shared by every surface's renderer (adapters/slack/notices.ts,
 * adapters/teams/notices.ts): reference and pseudonym identify a case, nothing else personal.
 * Pure; no markup.
 */

/** Stalled cases listed in a chat message; the rest are counted and point to the web page. */
export const CHAT_LIST_LIMIT = 20

const BAR = '▇'
/** Width of a full text bar. */
export const BAR_WIDTH = 12

export function signed(n: number): string {
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

/** A chart row's name: an intervention by its full name (never the code alone), a municipality as is. */
export function nameOf(lang: Lang, breakdown: ChartBreakdown, name: string): string {
  return breakdown === 'byIntervention' ? label(lang, 'intervention', name) : name
}

/** Who takes the next step, as the coordinator reads it: the role, and the lead's user id when known. */
export function ownerText(entry: StalledEntry, lang: Lang): string {
  const role = t(lang, `digest.owners.${entry.nextStep.owner}`)
  if (entry.nextStep.owner !== 'lead' || !entry.owner) return role
  const user = actorKeyUser(entry.owner)
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
  // The digest's own interventions (the region pack's), in its order.
  return (Object.keys(digest.leadTimes) as Intervention[])
    .filter((i) => {
      const lt = digest.leadTimes[i]
      return lt.submissionToTriage.n > 0 || lt.submissionToAdvice.n > 0
    })
    .map((i) => ({
      title: label(lang, 'intervention', i),
      value: [
        `${t(lang, 'digest.columns.submissionToTriage')}: ${leadTimeText(digest.leadTimes[i].submissionToTriage, lang)}`,
        `${t(lang, 'digest.columns.submissionToAdvice')}: ${leadTimeText(digest.leadTimes[i].submissionToAdvice, lang)}`,
      ].join(' · '),
    }))
}

export function totalText(digest: Digest, lang: Lang): string {
  const total = digest.change.total
  return t(lang, 'digest.delivery.total', {
    now: total.now,
    weekAgo: total.weekAgo,
    delta: signed(total.delta),
  })
}

/** The one sentence of a quiet week (no stalled and no new cases): replaces every table of zeros. */
export function quietText(digest: Digest, lang: Lang): string {
  return t(lang, 'digest.quiet', { open: digest.open.total })
}

/** New cases of the week and open cases, as one line. */
export function newAndOpenText(digest: Digest, lang: Lang): string {
  return t(lang, 'digest.delivery.newAndOpen', { new: digest.newThisWeek.total, open: digest.open.total })
}

/** Open cases per status, only the statuses that have any (null when none is open). */
export function openByStatusText(digest: Digest, lang: Lang): string | null {
  const parts = DIGEST_OPEN_STATUSES.filter((s) => digest.open.byStatus[s] > 0).map(
    (s) => `${t(lang, `lifecycle.statuses.${s}`)} ${digest.open.byStatus[s]}`,
  )
  return parts.length === 0 ? null : t(lang, 'digest.delivery.openByStatus', { list: parts.join(', ') })
}
